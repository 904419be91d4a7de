import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { UsersService } from '../auth/users.service';
import { Clock } from '../common/clock';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem, requirePeriod } from '../common/problem';
import { Db } from '../database/db';
import { pgCode } from '../database/pg-errors';
import { EventsService } from '../events/events.service';
import { CreateManagerOnCallDto, ManagerOnCallDto } from './dto/manager-on-call.dto';
import { onCallPeriodRefusal } from './rota.rules';

const MAX_PERIOD_MS = 14 * 86_400_000;

/** The managers on call at an instant (ManagerOnCallService.managersOnCall): whom the rota names, or every manager. */
export interface ManagersOnCall {
  /** The manager on call the rota names, or (when it names none) every active manager. */
  to: 'manager-on-call' | 'managers';
  userIds: string[];
}

type Row = { id: string; userId: string; displayName: string; phone: string | null; startsAt: Date; endsAt: Date };

/**
 * A manager on call counts only while her account may act as a manager (active, with the manager role): one disabled
 * or without the role after she was put on call is not shown nor paged, and the rota then names none, so every active
 * manager is (README, DUTY-03). `u` is her user_directory row.
 */
export const onCallMayActSql = (u: string) => `${u}.active AND 'manager' = ANY(${u}.roles)`;

const SELECT = `SELECT c.id, c.user_id AS "userId", u.display_name AS "displayName", u.phone, c.starts_at AS "startsAt", c.ends_at AS "endsAt"
  FROM manager_on_call c JOIN user_directory u ON u.id = c.user_id`;

function view(r: Row): ManagerOnCallDto {
  return {
    id: r.id,
    userId: r.userId,
    displayName: r.displayName,
    phone: r.phone,
    startsAt: new Date(r.startsAt).toISOString(),
    endsAt: new Date(r.endsAt).toISOString(),
  };
}

/**
 * The manager on call: one manager at a time, for periods a manager records on the rota. The last step of every
 * escalation chain (DUTY-03) and who is paged with the morning handover; shown in GET /rota/on-duty. Who was on call
 * is part of the duty record (ROTA-WORKED): a period is recorded from now on only (422 `on-call-past` naming `endsAt`
 * for one over, `startsAt` for one already started: onCallPeriodRefusal), one
 * served is never removed (409 `on-call-served`), and one in progress ends now, the part served kept.
 */
@Injectable()
export class ManagerOnCallService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, dto: CreateManagerOnCallDto): Promise<ManagerOnCallDto> {
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    if (endsAt <= startsAt)
      throw new UnprocessableProblem('endsAt must be after startsAt.', 'bad-period', {
        errors: [{ field: 'endsAt', messages: ['must be after startsAt'] }],
      });
    if (endsAt.getTime() - startsAt.getTime() > MAX_PERIOD_MS)
      throw new UnprocessableProblem('A manager is put on call for at most 14 days at a time.', 'bad-period', {
        errors: [{ field: 'endsAt', messages: ['at most 14 days after startsAt'] }],
      });
    // ROTA-WORKED: who was on call, and so paged, is history; a period is recorded from now on only.
    const refusal = onCallPeriodRefusal({ startsAt, endsAt }, this.clock.now());
    if (refusal)
      throw new UnprocessableProblem(refusal.message, 'on-call-past', {
        errors: [{ field: refusal.field, messages: [refusal.field === 'endsAt' ? 'must be in the future' : 'must not be before now'] }],
      });
    return this.db.transaction(async (m) => {
      await this.users.requireActiveWithRole(m, [dto.userId], ['manager'], 'userId', 'not-a-manager');
      let id: string;
      try {
        [{ id }] = await m.query(
          `INSERT INTO manager_on_call (user_id, starts_at, ends_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [dto.userId, startsAt, endsAt, actor.userId, this.clock.now()],
        );
      } catch (err) {
        if (pgCode(err) === '23P01')
          throw new ConflictProblem('Another manager is on call for part of that period: change theirs first.', 'on-call-overlap');
        throw err;
      }
      await this.audit.record(m, {
        action: 'rota.manager-on-call.set',
        resourceType: 'manager-on-call',
        resourceId: id,
        details: { userId: dto.userId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
      });
      await this.events.emit(m, {
        type: 'rota.manager-on-call.set',
        aggregateType: 'manager-on-call',
        aggregateId: id,
        payload: { onCallId: id, userId: dto.userId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
      });
      const [row]: Row[] = await m.query(`${SELECT} WHERE c.id = $1`, [id]);
      return view(row);
    });
  }

  async list(from: Date, to: Date): Promise<ManagerOnCallDto[]> {
    requirePeriod(from, to);
    const rows: Row[] = await this.db.manager.query(`${SELECT} WHERE c.starts_at < $2 AND c.ends_at > $1 ORDER BY c.starts_at`, [from, to]);
    return rows.map(view);
  }

  /**
   * Takes a manager off call from now on (ROTA-WORKED, as AMHPs' assignments are): a period already served is refused
   * (409 `on-call-served`), one in progress ends now and is kept as served up to now, one not yet started is deleted.
   */
  async remove(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const [row]: Array<{ user_id: string; starts_at: Date; ends_at: Date }> = await m.query(
        'SELECT user_id, starts_at, ends_at FROM manager_on_call WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!row) throw new NotFoundProblem('Manager on call', id);
      const now = this.clock.now();
      if (new Date(row.ends_at) <= now)
        throw new ConflictProblem(
          'This manager-on-call period has been served: who was on call is history and cannot be removed (ROTA-WORKED).',
          'on-call-served',
        );
      const started = new Date(row.starts_at) < now;
      if (started) await m.query('UPDATE manager_on_call SET ends_at = $2 WHERE id = $1', [id, now]);
      else await m.query('DELETE FROM manager_on_call WHERE id = $1', [id]);
      // The part taken away: from now for a period in progress.
      const payload = {
        onCallId: id,
        userId: row.user_id,
        startsAt: (started ? now : new Date(row.starts_at)).toISOString(),
        endsAt: new Date(row.ends_at).toISOString(),
      };
      await this.audit.record(m, {
        action: 'rota.manager-on-call.remove',
        resourceType: 'manager-on-call',
        resourceId: id,
        details: { ...payload, ...(started ? { servedUntil: now.toISOString(), servedFrom: new Date(row.starts_at).toISOString() } : {}) },
      });
      await this.events.emit(m, { type: 'rota.manager-on-call.removed', aggregateType: 'manager-on-call', aggregateId: id, payload });
    });
  }

  /**
   * Who the managers on call are at `at` (in the caller's transaction): the last step of every escalation chain
   * (DUTY-03) and whoever is paged when a job has no AMHP to answer it: the manager on call the rota names (one who may
   * act now, onCallMayActSql), or every active manager when it names none. The one answer for the clock job, the
   * escalations, the handover page and a job sent back to the queue.
   */
  async managersOnCall(m: EntityManager, at: Date): Promise<ManagersOnCall> {
    const onCall = await this.at(m, at);
    return onCall
      ? { to: 'manager-on-call', userIds: [onCall.userId] }
      : { to: 'managers', userIds: await this.users.activeIdsWithRole(m, 'manager') };
  }

  /** The manager on call at `at` (in the caller's transaction), or null when the rota names none who may act now. */
  async at(m: EntityManager, at: Date): Promise<ManagerOnCallDto | null> {
    const [row]: Row[] = await m.query(`${SELECT} WHERE c.starts_at <= $1 AND c.ends_at > $1 AND ${onCallMayActSql('u')}`, [at]);
    return row ? view(row) : null;
  }
}
