import { Injectable } from '@nestjs/common';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { AppraisalsService } from '../supervision/appraisals.service';
import { PracticeAuditsService } from '../supervision/practice-audits.service';
import { SupervisionService } from '../supervision/supervision.service';
import { addDays, localDate } from '../statute/time';

/** Demo oversight: six months of monthly supervision (one AMHP overdue), an appraisal and a practice audit each. */
@Injectable()
export class DemoSupervision {
  constructor(
    private readonly db: Db,
    private readonly supervision: SupervisionService,
    private readonly appraisals: AppraisalsService,
    private readonly audits: PracticeAuditsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async seed(manager: Actor, auditor: Actor): Promise<void> {
    const today = localDate(this.clock.now(), this.config.timeZone);
    // Inside the seed's transaction (db.transaction joins it): the practitioners are not committed yet.
    const people: Array<{ id: string; email: string }> = await this.db.transaction((m) =>
      m.query(`SELECT p.id, u.email FROM practitioner_directory p JOIN user_directory u ON u.id = p.user_id ORDER BY u.email`),
    );
    for (const [i, p] of people.entries()) {
      // Dan Kowalski's last professional supervision was 70 days ago: overdue on a 30-day interval.
      const overdue = p.email.startsWith('dan.kowalski');
      const lastDaysAgo = overdue ? 70 : 3 + ((i * 5) % 20);
      for (let k = 5; k >= 0; k--) {
        const heldOn = addDays(today, -(lastDaysAgo + k * 30));
        await this.supervision.create(manager, {
          superviseeId: p.id,
          supervisorUserId: manager.userId,
          heldOn,
          type: k % 3 === 2 ? 'reflective' : 'professional',
          durationMinutes: 60,
          notes: 'Caseload and recent MHA assessments reviewed; wellbeing checked after night duty.',
          ...(k === 0
            ? { actions: [{ description: 'Book the annual legal update', ownerUserId: manager.userId, dueOn: addDays(heldOn, 28) }] }
            : {}),
        });
      }
      if (overdue) {
        // A managerial catch-up since does not count as professional supervision.
        await this.supervision.create(manager, {
          superviseeId: p.id,
          supervisorUserId: manager.userId,
          heldOn: addDays(today, -20),
          type: 'managerial',
          durationMinutes: 30,
        });
      }
      await this.appraisals.create(manager, p.id, {
        heldOn: addDays(today, -(40 + i * 11)),
        periodFrom: addDays(today, -(40 + i * 11) - 365),
        periodTo: addDays(today, -(40 + i * 11) - 1),
        outcome: i === 2 ? 'partially-meets' : 'meets',
        summary: 'Sound decision-making; good use of least restrictive alternatives.',
      });
      await this.audits.create(auditor, p.id, {
        workReference: `ASMT-2026-${String(100 + i).padStart(5, '0')}`,
        themes: i % 2 ? ['nearest-relative', 'recording'] : ['least-restrictive', 'timeliness'],
        findings: 'Record complete; rationale for the decision clearly stated.',
        rating: i === 2 ? 'requires-improvement' : 'good',
        score: i === 2 ? 55 : 80,
      });
    }
  }
}
