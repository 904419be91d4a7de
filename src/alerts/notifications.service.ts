import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { UsersService } from '../auth/users.service';
import { Clock, isoOrNull } from '../common/clock';
import { NotFoundProblem } from '../common/problem';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';

export interface NewNotification {
  userIds: string[];
  kind: string;
  severity: 'info' | 'warning' | 'urgent';
  title: string;
  body?: string | null;
  link?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  /** Raised once per user and key, however often the job that raises it runs. */
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
  read_at: Date | null;
};

const COLUMNS = 'id, kind, severity, title, body, link, subject_type, subject_id, created_at, read_at';

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
  };
}

/** The per-user inbox: warnings and tasks raised by the scheduled jobs, each once per dedup key. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly db: Db,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly users: UsersService,
  ) {}

  /** Raises a notification for each user (in the caller's transaction); returns how many were new. */
  async notify(m: EntityManager, n: NewNotification): Promise<number> {
    const userIds = [...new Set(n.userIds)];
    if (!userIds.length) return 0;
    const rows: Array<{ id: string; user_id: string }> = await m.query(
      `INSERT INTO notifications (user_id, kind, severity, title, body, link, subject_type, subject_id, dedup_key, created_at)
       SELECT u, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM unnest($1::uuid[]) AS u
       ON CONFLICT (user_id, dedup_key) DO NOTHING RETURNING id, user_id`,
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

  /** Active users holding the manager role: the managers on duty are, for escalation, all the hub's managers. */
  async managerIds(m: EntityManager): Promise<string[]> {
    return this.users.activeIdsWithRole(m, 'manager');
  }

  async list(actor: Actor, q: { unread?: boolean; cursor?: string; limit?: number }): Promise<Page<NotificationView>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const params: unknown[] = [actor.userId];
    let where = 'user_id = $1';
    if (q.unread) where += ' AND read_at IS NULL';
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, ['instant', 'uuid']);
      params.push(at, id);
      where += ` AND (created_at, id) < ($2::timestamptz, $3::uuid)`;
    }
    const rows: Row[] = await this.db.manager.query(
      `SELECT ${COLUMNS} FROM notifications WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
      params,
    );
    return pageOf(rows, limit, (r) => [new Date(r.created_at).toISOString(), r.id], view);
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
