import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { UsersService } from '../auth/users.service';
import { Clock, isoOrNull } from '../common/clock';
import { NotFoundProblem } from '../common/problem';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import type { PageClosedReason } from '../pages/pages.service';

export interface NewNotification {
  userIds: string[];
  kind: string;
  severity: 'info' | 'warning' | 'urgent';
  title: string;
  body?: string | null;
  link?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  /**
   * Raised once per user and key, however often the job that raises it runs; raised afresh only when the service had
   * closed it (what it is about became hers again).
   */
  dedupKey: string;
}

export interface NotificationView {
  id: string;
  kind: string;
  severity: 'info' | 'warning' | 'urgent';
  title: string;
  body: string | null;
  link: string | null;
  subjectType: string | null;
  subjectId: string | null;
  createdAt: string;
  readAt: string | null;
  /** Closed by the service, and why: what it told her of is no longer hers to act on. */
  closedAt: string | null;
  closedReason: PageClosedReason | null;
}

/** Which of a subject's notifications the service closes: by their keys, or every key starting with a prefix. */
export interface ClosingNotifications {
  subjectId: string;
  dedupKeys?: string[];
  dedupPrefix?: string;
  /** Only this user's (else everyone's). */
  userId?: string | null;
}

type Row = {
  id: string;
  kind: string;
  severity: NotificationView['severity'];
  title: string;
  body: string | null;
  link: string | null;
  subject_type: string | null;
  subject_id: string | null;
  created_at: Date;
  /** The order raised in (bigint, as text): the tie-break of the inbox and its cursor. */
  seq: string;
  read_at: Date | null;
  closed_at: Date | null;
  closed_reason: PageClosedReason | null;
};

const COLUMNS = 'id, kind, severity, title, body, link, subject_type, subject_id, created_at, seq, read_at, closed_at, closed_reason';

function view(r: Row): NotificationView {
  return {
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    title: r.title,
    body: r.body,
    link: r.link,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    createdAt: new Date(r.created_at).toISOString(),
    readAt: isoOrNull(r.read_at),
    closedAt: isoOrNull(r.closed_at),
    closedReason: r.closed_reason,
  };
}

/** The per-user inbox: warnings and tasks raised by the scheduled jobs, each once per dedup key. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly users: UsersService,
  ) {}

  /**
   * Raises a notification for each user (in the caller's transaction); returns how many were new. One the service
   * closed under the same key is raised afresh (new and unread again, with these words): the job that was reallocated
   * away from her is hers again, and so is its warning.
   */
  async notify(m: EntityManager, n: NewNotification): Promise<number> {
    const userIds = [...new Set(n.userIds)];
    if (!userIds.length) return 0;
    const rows: Array<{ id: string; user_id: string }> = await m.query(
      `INSERT INTO notifications (user_id, kind, severity, title, body, link, subject_type, subject_id, dedup_key, created_at)
       SELECT u, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM unnest($1::uuid[]) AS u
       ON CONFLICT (user_id, dedup_key) DO UPDATE SET kind = EXCLUDED.kind, severity = EXCLUDED.severity, title = EXCLUDED.title,
             body = EXCLUDED.body, link = EXCLUDED.link, subject_type = EXCLUDED.subject_type, subject_id = EXCLUDED.subject_id,
             created_at = EXCLUDED.created_at, read_at = NULL, closed_at = NULL, closed_reason = NULL
         WHERE notifications.closed_at IS NOT NULL
       RETURNING id, user_id`,
      [
        userIds,
        n.kind,
        n.severity,
        n.title,
        n.body ?? null,
        n.link ?? null,
        n.subjectType ?? null,
        n.subjectId ?? null,
        n.dedupKey,
        this.clock.now(),
      ],
    );
    for (const r of rows) {
      await this.events.emit(m, {
        type: 'notification.created',
        aggregateType: 'notification',
        aggregateId: r.id,
        payload: {
          notificationId: r.id,
          userId: r.user_id,
          kind: n.kind,
          severity: n.severity,
          link: n.link ?? null,
          subjectType: n.subjectType ?? null,
          subjectId: n.subjectId ?? null,
        },
      });
    }
    return rows.length;
  }

  /**
   * What some notifications told of is no longer their users' to act on (a job reallocated away, an offer taken by
   * another AMHP, allocated or ended): the service closes those not closed yet, with why, in the caller's
   * transaction, as it closes the pages about it (PagesService.closeFor). They stay in the inbox, no longer new, and
   * say why; the number closed. Each close is a change of the user's record of the case: audited in the same
   * transaction (`notification.close`) and told as `notification.closed`, so the owner's open app (the live stream)
   * and a webhook subscriber see it go, as they saw it come (`notification.created`).
   */
  async close(m: EntityManager, which: ClosingNotifications, reason: PageClosedReason): Promise<number> {
    if (!which.dedupKeys?.length && !which.dedupPrefix) return 0;
    const closedAt = this.clock.now();
    const [rows]: [Array<{ id: string; user_id: string; kind: string; subject_type: string | null; subject_id: string | null }>, number] =
      await m.query(
        `UPDATE notifications SET closed_at = $5, closed_reason = $6
          WHERE subject_id = $1 AND closed_at IS NULL AND ($4::uuid IS NULL OR user_id = $4)
            AND (dedup_key = ANY($2::text[]) OR ($3::text IS NOT NULL AND starts_with(dedup_key, $3)))
          RETURNING id, user_id, kind, subject_type, subject_id`,
        [which.subjectId, which.dedupKeys ?? [], which.dedupPrefix ?? null, which.userId ?? null, closedAt, reason],
      );
    for (const r of rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      await this.audit.record(m, {
        action: 'notification.close',
        resourceType: 'notification',
        resourceId: r.id,
        details: { userId: r.user_id, kind: r.kind, closedReason: reason, subjectType: r.subject_type, subjectId: r.subject_id },
      });
      await this.events.emit(m, {
        type: 'notification.closed',
        aggregateType: 'notification',
        aggregateId: r.id,
        payload: {
          notificationId: r.id,
          userId: r.user_id,
          kind: r.kind,
          closedReason: reason,
          subjectType: r.subject_type,
          subjectId: r.subject_id,
          closedAt: closedAt.toISOString(),
        },
      });
    }
    return rows.length;
  }

  /**
   * What a standing notification (not closed) says is no longer true, and the service puts it right where it stands:
   * its title and body become these (a clock's end moved later within its warning stage, ClockAlerts). Neither raised
   * again nor made new (no second alert), its read state kept. Each change is audited in the same transaction
   * (`notification.update`) and told as `notification.updated`, addressed to its user, so her open app shows the new
   * words at once; the number changed.
   */
  async reword(
    m: EntityManager,
    which: { subjectId: string; dedupKey: string },
    words: { title: string; body: string | null },
  ): Promise<number> {
    const [rows]: [Array<{ id: string; user_id: string; kind: string; subject_type: string | null; subject_id: string | null }>, number] =
      await m.query(
        `UPDATE notifications SET title = $3, body = $4
          WHERE subject_id = $1 AND dedup_key = $2 AND closed_at IS NULL AND (title, body) IS DISTINCT FROM ($3, $4)
          RETURNING id, user_id, kind, subject_type, subject_id`,
        [which.subjectId, which.dedupKey, words.title, words.body],
      );
    for (const r of rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      await this.audit.record(m, {
        action: 'notification.update',
        resourceType: 'notification',
        resourceId: r.id,
        details: { userId: r.user_id, kind: r.kind, fields: ['title', 'body'], subjectType: r.subject_type, subjectId: r.subject_id },
      });
      await this.events.emit(m, {
        type: 'notification.updated',
        aggregateType: 'notification',
        aggregateId: r.id,
        payload: {
          notificationId: r.id,
          userId: r.user_id,
          kind: r.kind,
          subjectType: r.subject_type,
          subjectId: r.subject_id,
          updatedAt: this.clock.now().toISOString(),
        },
      });
    }
    return rows.length;
  }

  /** Active users holding the manager role: the managers on duty are, for escalation, all the hub's managers. */
  async managerIds(m: EntityManager): Promise<string[]> {
    return this.users.activeIdsWithRole(m, 'manager');
  }

  async list(actor: Actor, q: { unread?: boolean; cursor?: string; limit?: number }): Promise<Page<NotificationView>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const params: unknown[] = [actor.userId];
    let where = 'user_id = $1';
    // Unread: new to her, neither read nor closed by the service.
    if (q.unread) where += ' AND read_at IS NULL AND closed_at IS NULL';
    if (q.cursor) {
      // The order they were raised in breaks a tie of time (seq), never the random id: the cursor carries it.
      const [at, seq] = decodeCursor(q.cursor, ['instant', 'bigint']);
      params.push(at, seq);
      where += ` AND (created_at, seq) < ($2::timestamptz, $3::bigint)`;
    }
    const rows: Row[] = await this.db.manager.query(
      `SELECT ${COLUMNS} FROM notifications WHERE ${where} ORDER BY created_at DESC, seq DESC LIMIT ${limit + 1}`,
      params,
    );
    return pageOf(rows, limit, (r) => [new Date(r.created_at).toISOString(), String(r.seq)], view);
  }

  async markRead(actor: Actor, id: string): Promise<NotificationView> {
    // TypeORM answers an UPDATE with [rows, count].
    const [[row]]: [Row[], number] = await this.db.manager.query(
      `UPDATE notifications SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
      [id, actor.userId, this.clock.now()],
    );
    if (!row) throw new NotFoundProblem('Notification', id);
    return view(row);
  }

  async markAllRead(actor: Actor): Promise<{ count: number }> {
    const [, count]: [unknown[], number] = await this.db.manager.query(
      `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`,
      [actor.userId, this.clock.now()],
    );
    return { count };
  }
}
