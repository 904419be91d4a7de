import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { ConflictProblem, ForbiddenProblem, NotFoundProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { personExistsSql } from '../people/people.tables';
import { BreakGlassSessionEntity } from './break-glass-session.entity';
import { BreakGlassSessionDto, OpenBreakGlassDto, ReviewAlertDto, ReviewAlertQuery, ReviewDto } from './dto/break-glass.dto';
import { ReviewAlertEntity } from './review-alert.entity';

function sessionDto(s: BreakGlassSessionEntity, now: Date): BreakGlassSessionDto {
  return {
    id: s.id,
    userId: s.userId,
    personId: s.personId,
    reason: s.reason,
    startedAt: s.startedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
    active: s.endedAt === null && s.expiresAt > now,
  };
}

export function reviewAlertDto(a: ReviewAlertEntity, reason: string | null = null): ReviewAlertDto {
  return {
    id: a.id,
    kind: a.kind,
    subjectType: a.subjectType,
    subjectId: a.subjectId,
    personId: a.personId,
    raisedBy: a.raisedBy,
    raisedAt: a.raisedAt.toISOString(),
    summary: a.summary,
    reason,
    reviewedAt: a.reviewedAt?.toISOString() ?? null,
    reviewedBy: a.reviewedBy,
    reviewOutcome: a.reviewOutcome,
    reviewNote: a.reviewNote,
    version: a.version,
  };
}

/** Break-glass sessions and the review alerts that auditors work through. */
@Injectable()
export class BreakGlassService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async open(actor: Actor, dto: OpenBreakGlassDto): Promise<BreakGlassSessionDto> {
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const [{ found }]: Array<{ found: boolean }> = await m.query(`SELECT ${personExistsSql('$1')} AS found`, [dto.personId]);
      if (!found) throw new NotFoundProblem('Person', dto.personId);
      // One live session for a user and a person: opens at once are taken in turn, and a second while the first lasts
      // is refused naming it (one session to review, not one for each press of the button on a poor signal).
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('break-glass:' || $1 || ':' || $2, 0))`, [actor.userId, dto.personId]);
      const [live]: Array<{ id: string; expires_at: Date }> = await m.query(
        `SELECT id, expires_at FROM break_glass_sessions
          WHERE user_id = $1 AND person_id = $2 AND ended_at IS NULL AND started_at <= $3 AND expires_at > $3 ORDER BY expires_at DESC LIMIT 1`,
        [actor.userId, dto.personId, now],
      );
      if (live)
        throw new ConflictProblem(
          `You already have break-glass access to this person until ${live.expires_at.toISOString()}; end it (POST /break-glass/${live.id}/end) before opening another.`,
          'break-glass-open',
          { sessionId: live.id, expiresAt: live.expires_at.toISOString(), href: '/break-glass/mine' },
        );
      const session = await m.getRepository(BreakGlassSessionEntity).save(
        m.getRepository(BreakGlassSessionEntity).create({
          userId: actor.userId,
          personId: dto.personId,
          reason: dto.reason,
          startedAt: now,
          expiresAt: new Date(now.getTime() + this.config.breakGlassTtlMinutes * 60_000),
          endedAt: null,
        }),
      );
      await this.raiseAlert(m, {
        kind: 'break-glass',
        subjectType: 'break-glass-session',
        subjectId: session.id,
        personId: dto.personId,
        raisedBy: actor.userId,
        summary: `Break-glass access opened by user ${actor.userId} until ${session.expiresAt.toISOString()}`,
      });
      await this.audit.record(m, {
        action: 'break-glass.open',
        resourceType: 'break-glass-session',
        resourceId: session.id,
        subjectPersonId: dto.personId,
        accessBasis: `break-glass:${session.id}`,
      });
      return sessionDto(session, now);
    });
  }

  async mine(actor: Actor): Promise<BreakGlassSessionDto[]> {
    const now = this.clock.now();
    const rows = await this.db.manager.getRepository(BreakGlassSessionEntity).find({
      where: { userId: actor.userId },
      order: { startedAt: 'DESC' },
      take: 50,
    });
    return rows.map((s) => sessionDto(s, now));
  }

  async end(actor: Actor, id: string): Promise<BreakGlassSessionDto> {
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const session = await m.getRepository(BreakGlassSessionEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!session) throw new NotFoundProblem('Break-glass session', id);
      if (session.userId !== actor.userId) throw new ForbiddenProblem('Only the user who opened a break-glass session can end it.');
      if (session.endedAt || session.expiresAt <= now) return sessionDto(session, now);
      session.endedAt = now;
      await m.getRepository(BreakGlassSessionEntity).save(session);
      await this.audit.record(m, {
        action: 'break-glass.end',
        resourceType: 'break-glass-session',
        resourceId: id,
        subjectPersonId: session.personId,
      });
      return sessionDto(session, now);
    });
  }

  /** Raises an alert for review, in the caller's transaction. Other modules use it for overrides. */
  async raiseAlert(
    m: EntityManager,
    alert: Pick<ReviewAlertEntity, 'kind' | 'subjectType' | 'subjectId' | 'personId' | 'raisedBy' | 'summary'>,
  ): Promise<ReviewAlertEntity> {
    const repo = m.getRepository(ReviewAlertEntity);
    return repo.save(
      repo.create({ ...alert, raisedAt: this.clock.now(), reviewedAt: null, reviewedBy: null, reviewOutcome: null, reviewNote: null }),
    );
  }

  async listAlerts(q: ReviewAlertQuery): Promise<Page<ReviewAlertDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const qb = this.db.manager.getRepository(ReviewAlertEntity).createQueryBuilder('a');
    const status = q.status ?? 'open';
    if (status === 'open') qb.andWhere('a.reviewed_at IS NULL');
    if (status === 'reviewed') qb.andWhere('a.reviewed_at IS NOT NULL');
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['instant', 'uuid']);
      qb.andWhere('(a.raised_at, a.id) < (:at, :id)', { at, id });
    }
    const rows = await qb
      .orderBy('a.raised_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(limit + 1)
      .getMany();
    // The reviewer judges a break-glass session by the reason its user gave.
    const sessionIds = rows.filter((a) => a.subjectType === 'break-glass-session').map((a) => a.subjectId);
    const sessions = sessionIds.length
      ? await this.db.dataSource.getRepository(BreakGlassSessionEntity).find({ where: { id: In(sessionIds) } })
      : [];
    const reasons = new Map(sessions.map((s) => [s.id, s.reason]));
    return pageOf(
      rows,
      limit,
      (a) => [a.raisedAt.toISOString(), a.id],
      (a) => reviewAlertDto(a, a.subjectType === 'break-glass-session' ? (reasons.get(a.subjectId) ?? null) : null),
    );
  }

  async review(actor: Actor, id: string, dto: ReviewDto, expectedVersion: ExpectedVersion): Promise<ReviewAlertDto> {
    return this.db.transaction(async (m) => {
      const alert = await m.getRepository(ReviewAlertEntity).findOne({ where: { id } });
      if (!alert) throw new NotFoundProblem('Review alert', id);
      assertVersion(expectedVersion, alert.version);
      if (alert.raisedBy === actor.userId) {
        // Nobody reviews their own alert, whatever other role they hold.
        await this.audit.recordAlone({
          action: 'access.denied',
          resourceType: 'review-alert',
          resourceId: id,
          subjectPersonId: alert.personId,
          outcome: 'denied',
          actor: { userId: actor.userId, roles: actor.roles },
          details: { policy: 'review-alerts.review', reason: 'own-alert' },
        });
        throw new ForbiddenProblem('Nobody reviews an alert they raised themselves: another auditor must.', 'own-alert');
      }
      if (alert.reviewedAt) throw new ConflictProblem('This alert has already been reviewed.', 'already-reviewed');
      const rows: ReviewAlertEntity[] = await m
        .query(
          `UPDATE review_alerts SET reviewed_at = $3, reviewed_by = $4, review_outcome = $5, review_note = $6, version = version + 1
          WHERE id = $1 AND version = $2 AND reviewed_at IS NULL RETURNING id`,
          [id, alert.version, this.clock.now(), actor.userId, dto.outcome, dto.note ?? null],
        )
        .then((r) => r[0]);
      if (!rows.length) throw new ConflictProblem('This alert was reviewed by someone else meanwhile.', 'already-reviewed');
      await this.audit.record(m, {
        action: 'review-alert.review',
        resourceType: 'review-alert',
        resourceId: id,
        subjectPersonId: alert.personId,
        details: { outcome: dto.outcome },
      });
      const updated = await m.getRepository(ReviewAlertEntity).findOneOrFail({ where: { id } });
      const session =
        updated.subjectType === 'break-glass-session'
          ? await m.getRepository(BreakGlassSessionEntity).findOne({ where: { id: updated.subjectId } })
          : null;
      return reviewAlertDto(updated, session?.reason ?? null);
    });
  }
}
