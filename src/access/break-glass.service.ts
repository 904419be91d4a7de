import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { ConflictProblem, ForbiddenProblem, NotFoundProblem, ValidationProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { SqlWhere } from '../common/sql-where';
import { assessmentPersonSql } from '../assessments/assessments.tables';
import { personExistsSql } from '../people/people.tables';
import { referralPersonSql } from '../referrals/referrals.tables';
import { EligibilityService } from '../workforce/eligibility.service';
import { BreakGlassSessionEntity } from './break-glass-session.entity';
import { BreakGlassSessionDto, OpenBreakGlassDto, ReviewAlertDto, ReviewAlertQuery, ReviewDto } from './dto/break-glass.dto';
import { ReviewAlertEntity } from './review-alert.entity';
import { hardFindings } from '../workforce/workforce.rules';
import type { Role } from '../auth/roles';
import { readsTextAboutPeople } from './policy';
import { codeOrNull } from '../events/payload-filter';

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

/**
 * An alert as `roles` may see it: the break-glass reason and the review note are free text about a person, shown only
 * to those readsTextAboutPeople allows (the reviewers); an account manager sees that the alert exists, its ids, codes
 * and times. Its summary is free text too (a stale shift's alert quotes the label a manager gave it, which may name a
 * person): to an account manager it is what the one payload filter lets through (codeOrNull), never a second rule.
 */
export function reviewAlertDto(a: ReviewAlertEntity, reason: string | null, roles: readonly Role[]): ReviewAlertDto {
  const text = readsTextAboutPeople(roles);
  return {
    id: a.id,
    kind: a.kind,
    subjectType: a.subjectType,
    subjectId: a.subjectId,
    personId: a.personId,
    raisedBy: a.raisedBy,
    raisedAt: a.raisedAt.toISOString(),
    summary: text ? a.summary : codeOrNull('summary', a.summary),
    reason: text ? reason : null,
    reviewedAt: a.reviewedAt?.toISOString() ?? null,
    reviewedBy: a.reviewedBy,
    reviewOutcome: a.reviewOutcome,
    reviewNote: text ? a.reviewNote : null,
    version: a.version,
  };
}

const ALERT_COLUMNS = `a.id, a.kind, a.subject_type AS "subjectType", a.subject_id AS "subjectId", a.person_id AS "personId",
  a.raised_by AS "raisedBy", a.raised_at AS "raisedAt", a.summary, a.reviewed_at AS "reviewedAt", a.reviewed_by AS "reviewedBy",
  a.review_outcome AS "reviewOutcome", a.review_note AS "reviewNote", a.version, a.seq`;

/** An alert as its list reads it, with the break-glass reason (null unless the reader may read it). */
type AlertRow = ReviewAlertEntity & { reason: string | null };

function alertOf(r: AlertRow): AlertRow {
  return { ...r, raisedAt: new Date(r.raisedAt), reviewedAt: r.reviewedAt ? new Date(r.reviewedAt) : null };
}

/** The most of her own break-glass sessions GET /break-glass/mine lists. */
const MINE_MAX = 50;

/** Break-glass sessions and the review alerts that auditors work through. */
@Injectable()
export class BreakGlassService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly eligibility: EligibilityService,
  ) {}

  /**
   * Opens break-glass access to one person's record, named by the person, or by a referral or an assessment of theirs
   * (what a 403 no-relationship names): the person is found here, so that the refusal never discloses whose record it is.
   * Only an AMHP who may act as one now opens it (AMHP-01/03/05/07: MHA 1983 s.114, an approval in effect and not
   * suspended, as allocation asks): the emergency it answers is an AMHP's statutory work, and an account with the
   * role but no approval, or a suspended one, has none. Refused 403 `amhp-not-eligible`, audited, nothing stored.
   */
  async open(actor: Actor, dto: OpenBreakGlassDto): Promise<BreakGlassSessionDto> {
    const named = (['personId', 'referralId', 'assessmentId'] as const).filter((k) => dto[k] !== undefined);
    if (named.length !== 1)
      throw new ValidationProblem(
        (named.length ? named : (['personId', 'referralId', 'assessmentId'] as const)).map((field) => ({
          field,
          messages: ['give exactly one of personId, referralId and assessmentId'],
        })),
      );
    const now = this.clock.now();
    const eligible = await this.eligibility.forUser(actor.userId, now, new Date(now.getTime() + 60_000));
    const hard = hardFindings(eligible);
    if (hard.length) {
      await this.audit.recordAlone({
        action: 'access.denied',
        // What was asked for (the person is not looked up for someone who may not break glass).
        resourceType: named[0].slice(0, -2),
        resourceId: dto[named[0]]!,
        subjectPersonId: dto.personId ?? null,
        outcome: 'denied',
        actor: { userId: actor.userId, roles: actor.roles },
        details: { policy: 'break-glass.open', reason: 'amhp-not-eligible', findings: hard.map((f) => f.code) },
      });
      const problem = new ForbiddenProblem(
        `Break-glass is for an AMHP who may act as one now: ${hard.map((f) => f.message).join(' ')}`,
        'amhp-not-eligible',
      );
      problem.extensions.findings = hard;
      throw problem;
    }
    return this.db.transaction(async (m) => {
      const personId = await this.personNamed(m, dto);
      // One live session for a user and a person: opens at once are taken in turn, and a second while the first lasts
      // is refused naming it (one session to review, not one for each press of the button on a poor signal).
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('break-glass:' || $1 || ':' || $2, 0))`, [actor.userId, personId]);
      const [live]: Array<{ id: string; expires_at: Date }> = await m.query(
        `SELECT id, expires_at FROM break_glass_sessions
          WHERE user_id = $1 AND person_id = $2 AND ended_at IS NULL AND started_at <= $3 AND expires_at > $3 ORDER BY expires_at DESC LIMIT 1`,
        [actor.userId, personId, now],
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
          personId,
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
        personId,
        raisedBy: actor.userId,
        summary: `Break-glass access opened by user ${actor.userId} until ${session.expiresAt.toISOString()}`,
      });
      await this.audit.record(m, {
        action: 'break-glass.open',
        resourceType: 'break-glass-session',
        resourceId: session.id,
        subjectPersonId: personId,
        accessBasis: `break-glass:${session.id}`,
        ...(dto.referralId ? { details: { referralId: dto.referralId } } : {}),
        ...(dto.assessmentId ? { details: { assessmentId: dto.assessmentId } } : {}),
      });
      return sessionDto(session, now);
    });
  }

  /** The person break-glass is asked for: given, or the referral's or the assessment's; 404 naming what was not found. */
  private async personNamed(m: EntityManager, dto: OpenBreakGlassDto): Promise<string> {
    if (dto.personId) {
      const [{ found }]: Array<{ found: boolean }> = await m.query(`SELECT ${personExistsSql('$1')} AS found`, [dto.personId]);
      if (!found) throw new NotFoundProblem('Person', dto.personId);
      return dto.personId;
    }
    const [kind, id, sql] = dto.referralId
      ? (['Referral', dto.referralId, referralPersonSql('$1')] as const)
      : (['Assessment', dto.assessmentId!, assessmentPersonSql('$1')] as const);
    const [{ personId }]: Array<{ personId: string | null }> = await m.query(`SELECT ${sql} AS "personId"`, [id]);
    if (!personId) throw new NotFoundProblem(kind, id);
    return personId;
  }

  /**
   * The caller's own sessions, newest first (at most 50). Each names the person it opened and the reason given about
   * them: audited as a read of that person in the same statement (selectAudited), as every list of such records is.
   */
  async mine(actor: Actor): Promise<BreakGlassSessionDto[]> {
    const now = this.clock.now();
    const rows = await this.db.transaction((m) =>
      this.audit.selectAudited<BreakGlassSessionEntity>(
        m,
        {
          sql: `SELECT id, user_id AS "userId", person_id AS "personId", reason, started_at AS "startedAt", expires_at AS "expiresAt",
                       ended_at AS "endedAt"
                  FROM break_glass_sessions WHERE user_id = $1 ORDER BY started_at DESC, seq DESC LIMIT ${MINE_MAX}`,
          params: [actor.userId],
          shown: MINE_MAX,
          resourceColumn: 'id',
          subjectColumn: 'personId',
        },
        { action: 'break-glass.read', resourceType: 'break-glass-session', details: { via: 'mine' } },
      ),
    );
    return rows.map((s) =>
      sessionDto(
        { ...s, startedAt: new Date(s.startedAt), expiresAt: new Date(s.expiresAt), endedAt: s.endedAt ? new Date(s.endedAt) : null },
        now,
      ),
    );
  }

  async end(actor: Actor, id: string): Promise<BreakGlassSessionDto> {
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const session = await m.getRepository(BreakGlassSessionEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      // Nobody sees every session: an id the hub does not hold is refused as another's session is (the rule of
      // AccessService.refuseUnknown), audited the same, so that session ids cannot be probed.
      if (!session || session.userId !== actor.userId) {
        await this.audit.recordAlone({
          action: 'access.denied',
          resourceType: 'break-glass-session',
          resourceId: id,
          subjectPersonId: null,
          outcome: 'denied',
          actor: { userId: actor.userId, roles: actor.roles },
          details: { policy: 'self.write', reason: 'not-own-session' },
        });
        throw new ForbiddenProblem('Only the user who opened a break-glass session can end it.');
      }
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

  /** raiseAlert, unless an alert of the same kind about the same subject is still open (a check re-run raises it once). */
  async raiseAlertOnce(
    m: EntityManager,
    alert: Pick<ReviewAlertEntity, 'kind' | 'subjectType' | 'subjectId' | 'personId' | 'raisedBy' | 'summary'>,
  ): Promise<void> {
    const open = await m
      .getRepository(ReviewAlertEntity)
      .createQueryBuilder('a')
      .where('a.kind = :kind AND a.subject_id = :subject AND a.reviewed_at IS NULL', { kind: alert.kind, subject: alert.subjectId })
      .getCount();
    if (!open) await this.raiseAlert(m, alert);
  }

  /**
   * The alerts, newest first. An alert names the person it is about (a break-glass session's, an override's) and, to
   * its reviewer, the reason given: each alert shown is audited as a read in the same statement (selectAudited), as
   * every list of records about people is.
   */
  async listAlerts(actor: Actor, q: ReviewAlertQuery): Promise<Page<ReviewAlertDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const where = new SqlWhere();
    const status = q.status ?? 'open';
    if (status === 'open') where.raw('a.reviewed_at IS NULL');
    if (status === 'reviewed') where.raw('a.reviewed_at IS NOT NULL');
    if (q.cursor) {
      // The order they were raised in breaks a tie of time (seq), never the random id: the cursor carries it.
      const [at, seq] = decodeCursor(q.cursor, ['instant', 'bigint']);
      where.raw(`(a.raised_at, a.seq) < (${where.param(new Date(at))}::timestamptz, ${where.param(seq)}::bigint)`);
    }
    // The reviewer judges a break-glass session by the reason its user gave; nobody else reads it (readsTextAboutPeople).
    const reason = readsTextAboutPeople(actor.roles)
      ? `(SELECT s.reason FROM break_glass_sessions s WHERE a.subject_type = 'break-glass-session' AND s.id::text = a.subject_id)`
      : 'NULL::text';
    const sql = `SELECT ${ALERT_COLUMNS}, ${reason} AS reason FROM review_alerts a ${where}
      ORDER BY a.raised_at DESC, a.seq DESC LIMIT ${where.param(limit + 1)}`;
    const rows = await this.db.transaction((m) =>
      this.audit.selectAudited<AlertRow>(
        m,
        { sql, params: where.params, shown: limit, resourceColumn: 'id', subjectColumn: 'personId' },
        { action: 'review-alert.read', resourceType: 'review-alert', details: { via: 'list' } },
      ),
    );
    return pageOf(
      rows.map(alertOf),
      limit,
      (a) => [a.raisedAt.toISOString(), String(a.seq)],
      (a) => reviewAlertDto(a, a.reason, actor.roles),
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
      return reviewAlertDto(updated, session?.reason ?? null, actor.roles);
    });
  }
}
