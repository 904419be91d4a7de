import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { UsersService } from '../auth/users.service';
import type { Actor } from '../auth/actor';
import { Clock, recordedDate } from '../common/clock';
import { UnprocessableProblem, unprocessableField } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { localDate } from '../statute/time';
import { PractitionersService } from '../workforce/practitioners.service';
import { AppraisalDto, CreateAppraisalDto } from './dto/oversight.dto';
import { AppraisalEntity } from './supervision.entity';
import { appraisalDates } from './supervision.rules';

const COLUMNS = `a.id, a.practitioner_id AS "practitionerId", a.appraiser_user_id AS "appraiserUserId", u.display_name AS "appraiserName",
  to_char(a.held_on, 'YYYY-MM-DD') AS "heldOn", to_char(a.period_from, 'YYYY-MM-DD') AS "periodFrom", to_char(a.period_to, 'YYYY-MM-DD') AS "periodTo",
  a.outcome, a.summary, a.objectives, to_char(a.next_due_on, 'YYYY-MM-DD') AS "nextDueOn", a.version, a.created_at AS "createdAt"`;

type AppraisalRow = Omit<AppraisalDto, 'createdAt'> & { createdAt: Date };

function dto(r: AppraisalRow): AppraisalDto {
  return { ...r, createdAt: new Date(r.createdAt).toISOString() };
}

/** Annual appraisals of AMHPs: recorded by managers, read by managers and the AMHP themselves. */
@Injectable()
export class AppraisalsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly practitioners: PractitionersService,
    private readonly users: UsersService,
  ) {}

  async create(actor: Actor, practitionerId: string, body: CreateAppraisalDto): Promise<AppraisalDto> {
    const now = this.clock.now();
    const today = localDate(now, this.config.timeZone);
    if (body.heldOn > today)
      throw new UnprocessableProblem(
        `An appraisal is recorded once held: heldOn ${body.heldOn} is after today (${today}).`,
        'appraisal-date-in-future',
        { errors: [{ field: 'heldOn', messages: ['must not be after today'] }] },
      );
    recordedDate(body.heldOn, 'heldOn', today);
    recordedDate(body.periodFrom, 'periodFrom', today);
    const { nextDueOn, fault } = appraisalDates(body);
    if (fault) throw unprocessableField(fault.field, fault.detail, fault.code, fault.message);
    return this.db.transaction(async (m) => {
      // Her appraisal is evidence for her re-approval: another manager records it (AMHP-12).
      const appraised = await this.practitioners.refuseOwn(m, actor, practitionerId, 'record an appraisal');
      const appraiser = body.appraiserUserId ?? actor.userId;
      if (appraiser === appraised.userId)
        throw new UnprocessableProblem('A practitioner cannot be recorded as appraising themself.', 'self-appraisal', {
          errors: [{ field: 'appraiserUserId', messages: ['must not be the practitioner appraised'] }],
        });
      // An appraisal is evidence for re-approval: it is given by a manager or a fellow AMHP, not by a referrer or an auditor.
      await this.users.requireActiveWithRole(m, [appraiser], ['manager', 'amhp'], 'appraiserUserId', 'appraiser-not-staff');
      const repo = m.getRepository(AppraisalEntity);
      const a = await repo.save(
        repo.create({
          practitionerId,
          appraiserUserId: appraiser,
          heldOn: body.heldOn,
          periodFrom: body.periodFrom,
          periodTo: body.periodTo,
          outcome: body.outcome,
          summary: body.summary ?? null,
          objectives: body.objectives ?? null,
          nextDueOn,
          createdAt: now,
        }),
      );
      await this.audit.record(m, {
        at: now,
        action: 'appraisal.create',
        resourceType: 'appraisal',
        resourceId: a.id,
        details: { practitionerId, heldOn: body.heldOn, outcome: body.outcome, nextDueOn },
      });
      return dto((await this.rows(m, practitionerId, a.id))[0]);
    });
  }

  async list(actor: Actor, practitionerId: string): Promise<AppraisalDto[]> {
    const m = this.db.manager;
    await this.practitioners.findReadable(m, actor, practitionerId, 'appraisals.read');
    return (await this.rows(m, practitionerId)).map(dto);
  }

  /** A practitioner's appraisals, most recent first. No access check: the caller has made it. */
  async forPractitioner(m: EntityManager, practitionerId: string): Promise<AppraisalDto[]> {
    return (await this.rows(m, practitionerId)).map(dto);
  }

  private rows(m: EntityManager, practitionerId: string, id?: string): Promise<AppraisalRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM appraisals a JOIN user_directory u ON u.id = a.appraiser_user_id
        WHERE a.practitioner_id = $1 ${id ? 'AND a.id = $2' : ''} ORDER BY a.held_on DESC, a.created_at DESC, a.seq DESC`,
      id ? [practitionerId, id] : [practitionerId],
    );
  }
}
