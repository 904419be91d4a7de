import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock, recordedDate } from '../common/clock';
import { UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { localDate } from '../statute/time';
import { PractitionersService } from '../workforce/practitioners.service';
import { CreatePracticeAuditDto, PracticeAuditDto } from './dto/oversight.dto';
import { PracticeAuditEntity } from './supervision.entity';

const COLUMNS = `a.id, a.practitioner_id AS "practitionerId", a.reviewer_user_id AS "reviewerUserId", u.display_name AS "reviewerName",
  to_char(a.audited_on, 'YYYY-MM-DD') AS "auditedOn", a.work_reference AS "workReference", a.themes, a.findings, a.rating, a.score, a.actions,
  a.version, a.created_at AS "createdAt"`;

type PracticeAuditRow = Omit<PracticeAuditDto, 'createdAt'> & { createdAt: Date };

function dto(r: PracticeAuditRow): PracticeAuditDto {
  return { ...r, createdAt: new Date(r.createdAt).toISOString() };
}

/** Audits of AMHP practice: a reviewer (manager or auditor) rates a piece of work, by reference, with findings. */
@Injectable()
export class PracticeAuditsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly practitioners: PractitionersService,
  ) {}

  async create(actor: Actor, practitionerId: string, body: CreatePracticeAuditDto): Promise<PracticeAuditDto> {
    const now = this.clock.now();
    const today = localDate(now, this.config.timeZone);
    const auditedOn = body.auditedOn ?? today;
    if (auditedOn > today)
      throw new UnprocessableProblem(`auditedOn ${auditedOn} is after today (${today}).`, 'audit-date-in-future', {
        errors: [{ field: 'auditedOn', messages: ['must not be after today'] }],
      });
    recordedDate(auditedOn, 'auditedOn', today);
    return this.db.transaction(async (m) => {
      const p = await this.practitioners.find(m, practitionerId);
      if (p.userId === actor.userId) throw new UnprocessableProblem('A reviewer cannot audit their own practice.', 'own-practice');
      const repo = m.getRepository(PracticeAuditEntity);
      const a = await repo.save(
        repo.create({
          practitionerId,
          reviewerUserId: actor.userId,
          auditedOn,
          workReference: body.workReference,
          themes: body.themes,
          findings: body.findings,
          rating: body.rating,
          score: body.score ?? null,
          actions: body.actions ?? null,
          createdAt: now,
        }),
      );
      await this.audit.record(m, {
        at: now,
        action: 'practice-audit.create',
        resourceType: 'practice-audit',
        resourceId: a.id,
        details: { practitionerId, auditedOn, rating: body.rating, score: body.score ?? null, themes: body.themes },
      });
      return dto((await this.rows(m, practitionerId, a.id))[0]);
    });
  }

  async list(actor: Actor, practitionerId: string): Promise<PracticeAuditDto[]> {
    const m = this.db.manager;
    await this.practitioners.findReadable(m, actor, practitionerId, 'practice-audits.read');
    return (await this.rows(m, practitionerId)).map(dto);
  }

  /** A practitioner's practice audits, most recent first. No access check: the caller has made it. */
  async forPractitioner(m: EntityManager, practitionerId: string): Promise<PracticeAuditDto[]> {
    return (await this.rows(m, practitionerId)).map(dto);
  }

  private rows(m: EntityManager, practitionerId: string, id?: string): Promise<PracticeAuditRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM practice_audits a JOIN user_directory u ON u.id = a.reviewer_user_id
        WHERE a.practitioner_id = $1 ${id ? 'AND a.id = $2' : ''} ORDER BY a.audited_on DESC, a.created_at DESC, a.seq DESC`,
      id ? [practitionerId, id] : [practitionerId],
    );
  }
}
