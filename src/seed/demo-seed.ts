import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { hashPassword } from '../auth/password';
import type { Role } from '../auth/roles';
import { UsersService } from '../auth/users.service';
import { Db } from '../database/db';
import { PopulationsService } from '../reports/populations.service';
import { DemoAssessments } from './demo-assessments';
import { DEMO_HISTORY, DemoHistory, type HistoryCounts, type HistoryOptions } from './demo-history';
import { DemoSafeguarding } from './demo-safeguarding';
import { DemoReferrals } from './demo-referrals';
import { DemoRota } from './demo-rota';
import { DemoSupervision } from './demo-supervision';
import { DemoWorkforce } from './demo-workforce';

export const DEMO_PASSWORD = 'demo-password-2026';

interface DemoUser {
  email: string;
  displayName: string;
  roles: Role[];
  phone?: string;
}

const AMHP_NAMES = [
  'Asha Patel',
  'Ben Okafor',
  'Carys Hughes',
  'Dan Kowalski',
  'Efua Mensah',
  'Finn Gallagher',
  'Grace Liu',
  'Hamza Iqbal',
  'Isla Fraser',
  'Jonah Reid',
  'Kemi Adeyemi',
  'Leah Byrne',
];

export const DEMO_USERS: DemoUser[] = [
  { email: 'admin@demo.amhp-hub.local', displayName: 'Hub Administrator', roles: ['admin'] },
  { email: 'manager@demo.amhp-hub.local', displayName: 'Morgan Ellis (AMHP team manager)', roles: ['manager'], phone: '+44 7700 900001' },
  { email: 'auditor@demo.amhp-hub.local', displayName: 'Alex Shaw (information governance)', roles: ['auditor'] },
  { email: 'referrer@demo.amhp-hub.local', displayName: 'Dr Sam Whitfield (GP)', roles: ['referrer'] },
  ...AMHP_NAMES.map((name, i) => ({
    email: `${name.split(' ')[0].toLowerCase()}.${name.split(' ')[1].toLowerCase()}@demo.amhp-hub.local`,
    displayName: name,
    roles: ['amhp'] as Role[],
    phone: `+44 7700 9001${String(i + 10).padStart(2, '0')}`,
  })),
];

/** Seeds a demo hub on first start (embedded database only, unless SEED_DEMO=true). */
@Injectable()
export class DemoSeed {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly workforce: DemoWorkforce,
    private readonly rota: DemoRota,
    private readonly supervision: DemoSupervision,
    private readonly referrals: DemoReferrals,
    private readonly assessments: DemoAssessments,
    private readonly safeguarding: DemoSafeguarding,
    private readonly populations: PopulationsService,
    private readonly history: DemoHistory,
  ) {}

  /** What the last seeding's history made (undefined when it made none). */
  historyCounts: HistoryCounts | undefined;

  /**
   * Returns the demo logins when it seeded, or undefined when the database already had users. `history`: the years of
   * past work seeded before this week (two by default, so every report has data; false for none).
   */
  async seedIfEmpty(options: { history?: HistoryOptions | false } = {}): Promise<DemoUser[] | undefined> {
    const history = options.history === undefined ? DEMO_HISTORY : options.history;
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    // One transaction: the demo hub appears whole or not at all.
    return this.db.ambientTransaction(async (m) => {
      // One replica seeds; the others find users present.
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('seed:demo', 0))`);
      if (await this.users.anyExist(m)) return undefined;
      const ids = new Map<string, string>();
      for (const u of DEMO_USERS) {
        const id = await this.users.createSeeded(m, { ...u, phone: u.phone ?? null }, passwordHash);
        await this.audit.record(m, {
          action: 'user.create',
          resourceType: 'user',
          resourceId: id,
          actor: null,
          details: { roles: u.roles, via: 'demo-seed' },
        });
        ids.set(u.email.split('@')[0], id);
      }
      const manager = DEMO_USERS.find((u) => u.roles.includes('manager'))!;
      const managerActor = {
        userId: ids.get(manager.email.split('@')[0])!,
        email: manager.email,
        displayName: manager.displayName,
        roles: manager.roles,
        via: 'local' as const,
      };
      await this.workforce.seed(ids, managerActor);
      await this.rota.seed(managerActor);
      const auditor = DEMO_USERS.find((u) => u.roles.includes('auditor'))!;
      await this.supervision.seed(managerActor, {
        userId: ids.get(auditor.email.split('@')[0])!,
        email: auditor.email,
        displayName: auditor.displayName,
        roles: auditor.roles,
        via: 'local',
      });
      const referrer = DEMO_USERS.find((u) => u.roles.includes('referrer'))!;
      await this.referrals.seed(
        {
          userId: ids.get(referrer.email.split('@')[0])!,
          email: referrer.email,
          displayName: referrer.displayName,
          roles: referrer.roles,
          via: 'local',
        },
        managerActor,
      );
      const amhpIds = DEMO_USERS.filter((u) => u.roles.includes('amhp')).map((u) => ids.get(u.email.split('@')[0])!);
      const duty = DEMO_USERS.find((u) => u.roles.includes('amhp'))!;
      const dutyActor = {
        userId: ids.get(duty.email.split('@')[0])!,
        email: duty.email,
        displayName: duty.displayName,
        roles: duty.roles,
        via: 'local' as const,
      };
      // The past first, ending before this week's work: the history's steps are each made as at their own time.
      this.historyCounts = history ? await this.history.seed(managerActor, amhpIds, dutyActor, history) : undefined;
      await this.assessments.seed(managerActor, amhpIds);
      await this.safeguarding.seed(dutyActor, managerActor);
      // The equity report's denominators: the demo borough's population by age band, sex and ethnic category.
      await this.populations.loadDemo(managerActor);
      return DEMO_USERS;
    });
  }
}
