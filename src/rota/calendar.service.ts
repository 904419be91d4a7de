import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { can } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { Role } from '../auth/roles';
import { Clock, isoOrNull } from '../common/clock';
import { BadRequestProblem, ConflictProblem, NotFoundProblem, UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { DocumentsService } from '../documents/documents.service';
import { Db } from '../database/db';
import { PractitionersService } from '../workforce/practitioners.service';
import type { AssignmentFact, ShiftFact } from './calendar.ics';
import { CalendarTokenDto, CreateCalendarTokenDto, CreatedCalendarTokenDto } from './dto/calendar.dto';

/** A feed covers the recent past (what was worked) and the next six months (what is planned). */
export const FEED_DAYS_BEFORE = 30;
export const FEED_DAYS_AFTER = 180;
/** Calendar apps are asked to fetch again after this long (they may poll less often). */
const FEED_REFRESH_SECONDS = 900;
/** Enough for a phone, a laptop and a few shared screens; more is probably a leak waiting to happen. */
const MAX_ACTIVE_TOKENS_PER_USER = 20;
/** 32 random bytes in base64url, no padding. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const DAY_MS = 86_400_000;

/** Only a SHA-256 of a feed token is kept: a copy of the database gives no working feed URLs. */
export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function feedPath(token: string): string {
  return `/rota/calendar/${token}.ics`;
}

interface TokenRow {
  id: string;
  userId: string;
  scope: 'practitioner' | 'hub';
  practitionerId: string | null;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface FeedTokenRow {
  id: string;
  scope: 'practitioner' | 'hub';
  practitionerId: string | null;
  holderId: string;
  holderRoles: Role[];
  ownerUserId: string | null;
  ownerName: string | null;
  ownerActive: boolean | null;
}

const TOKEN_COLUMNS = `t.id, t.user_id AS "userId", t.scope, t.practitioner_id AS "practitionerId", t.label, t.created_at AS "createdAt",
  t.revoked_at AS "revokedAt", t.last_used_at AS "lastUsedAt"`;

/**
 * Secret, revocable iCalendar feed URLs for the rota: one AMHP's shifts, or the whole hub's. The feed route itself
 * is public (calendar apps cannot send a bearer token); the 256-bit token in its path is the credential.
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly practitioners: PractitionersService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly documents: DocumentsService,
  ) {}

  /**
   * Creates a token and returns its feed path, the only time the secret is ever shown. The actor holds the token:
   * an AMHP for their own feed or the hub's, a manager for anyone's.
   */
  async create(actor: Actor, body: CreateCalendarTokenDto): Promise<CreatedCalendarTokenDto> {
    let practitionerId: string | null = null;
    let owns = true;
    if (body.scope === 'hub') {
      if (body.practitionerId !== undefined) {
        throw new BadRequestProblem('A hub feed is not for one practitioner: omit practitionerId.', [
          { field: 'practitionerId', messages: ['must be omitted for a hub feed'] },
        ]);
      }
    } else if (body.practitionerId === undefined) {
      const own = await this.practitioners.findByUser(actor.userId);
      if (!own)
        throw new UnprocessableProblem(
          'You have no practitioner record: name the practitionerId whose shifts the feed should show.',
          'no-practitioner-record',
        );
      practitionerId = own.id;
    } else {
      practitionerId = body.practitionerId;
    }
    return this.db.transaction(async (m) => {
      let decisionBasis: string;
      if (practitionerId) {
        const p = await this.practitioners.find(m, practitionerId);
        owns = p.userId === actor.userId;
        decisionBasis = (await this.access.require(actor, 'calendar.manage', { owns }, { type: 'practitioner', id: practitionerId })).basis;
        if (!p.active)
          throw new UnprocessableProblem('This practitioner is not active: there is no rota to show.', 'practitioner-inactive');
      } else {
        decisionBasis = (await this.access.require(actor, 'calendar.manage', { owns }, { type: 'calendar-token', id: 'hub' })).basis;
      }
      // The cap is counted and kept under one lock per user, so that creates sent at once take turns: the count one
      // reads includes every token made before it, and those past the cap are 409 (a count taken beside a create that
      // had not committed let 25 at once leave 22).
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('calendar-tokens:' || $1, 0))`, [actor.userId]);
      const [{ n }] = await m.query('SELECT count(*)::int AS n FROM calendar_tokens WHERE user_id = $1 AND revoked_at IS NULL', [
        actor.userId,
      ]);
      if (n >= MAX_ACTIVE_TOKENS_PER_USER) {
        throw new ConflictProblem(`You already hold ${n} calendar feeds: revoke one you no longer use first.`, 'too-many-calendar-tokens');
      }
      // Made inside the transaction, so that a retried transaction hands out the token it stored.
      const token = randomBytes(32).toString('base64url');
      const [row]: TokenRow[] = await m.query(
        `INSERT INTO calendar_tokens (user_id, scope, practitioner_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, user_id AS "userId", scope, practitioner_id AS "practitionerId", label, created_at AS "createdAt", revoked_at AS "revokedAt", last_used_at AS "lastUsedAt"`,
        [actor.userId, body.scope, practitionerId, hashFeedToken(token), body.label ?? null, this.clock.now()],
      );
      // Identifiers only: never the token, its hash or the free-text label.
      await this.audit.record(m, {
        action: 'rota.calendar-token.create',
        resourceType: 'calendar-token',
        resourceId: row.id,
        accessBasis: decisionBasis,
        details: { scope: body.scope, practitionerId },
      });
      return { ...this.dto(row), feedPath: feedPath(token) };
    });
  }

  /** The tokens a user holds, and the tokens for their own feed held by others (so that they can revoke them). */
  async list(actor: Actor, userId?: string): Promise<CalendarTokenDto[]> {
    const target = userId ?? actor.userId;
    if (target !== actor.userId) await this.access.require(actor, 'calendar.manage', { owns: false }, { type: 'user', id: target });
    const rows: TokenRow[] = await this.db.manager.query(
      `SELECT ${TOKEN_COLUMNS} FROM calendar_tokens t
        WHERE t.user_id = $1 OR t.practitioner_id IN (SELECT id FROM practitioner_directory WHERE user_id = $1)
        ORDER BY t.created_at DESC, t.seq DESC`,
      [target],
    );
    return rows.map((r) => this.dto(r));
  }

  /** Revokes a token at once: its holder, the AMHP whose feed it is, or a manager. Revoking twice changes nothing. */
  async revoke(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const [row]: Array<TokenRow & { ownerUserId: string | null }> = await m.query(
        `SELECT ${TOKEN_COLUMNS}, p.user_id AS "ownerUserId" FROM calendar_tokens t LEFT JOIN practitioner_directory p ON p.id = t.practitioner_id WHERE t.id = $1 FOR UPDATE OF t`,
        [id],
      );
      // An unknown id is refused to an AMHP as another's token is (AccessService.refuseUnknown); a manager gets 404.
      if (!row)
        return this.access.refuseUnknown(
          actor,
          'calendar.manage',
          { type: 'calendar-token', id },
          new NotFoundProblem('Calendar token', id),
        );
      const owns = row.userId === actor.userId || row.ownerUserId === actor.userId;
      const decision = await this.access.require(actor, 'calendar.manage', { owns }, { type: 'calendar-token', id });
      if (row.revokedAt) return;
      await m.query('UPDATE calendar_tokens SET revoked_at = $2 WHERE id = $1', [id, this.clock.now()]);
      await this.audit.record(m, {
        action: 'rota.calendar-token.revoke',
        resourceType: 'calendar-token',
        resourceId: id,
        accessBasis: decision.basis,
        details: { scope: row.scope, practitionerId: row.practitionerId },
      });
    });
  }

  /**
   * The ICS feed a token opens. Anything wrong with the token (malformed, unknown, revoked, its holder gone or no
   * longer allowed, its practitioner inactive) is the same 404, so that a guess learns nothing.
   */
  async feed(token: string): Promise<string> {
    const t = TOKEN.test(token) ? await this.findUsable(hashFeedToken(token)) : undefined;
    if (!t) throw new NotFoundProblem('Calendar feed');
    const now = this.clock.now();
    await this.db.manager.query('UPDATE calendar_tokens SET last_used_at = $2 WHERE id = $1', [t.id, now]);
    const from = new Date(now.getTime() - FEED_DAYS_BEFORE * DAY_MS);
    const to = new Date(now.getTime() + FEED_DAYS_AFTER * DAY_MS);
    const options = { timeZone: this.config.timeZone, stamp: now, refreshSeconds: FEED_REFRESH_SECONDS };
    if (t.scope === 'practitioner') {
      const rows: AssignmentFact[] = await this.db.manager.query(
        `SELECT a.id AS "assignmentId", s.label, a.starts_at AS "startsAt", a.ends_at AS "endsAt", s.version AS "shiftVersion",
                a.version AS "assignmentVersion", greatest(a.created_at, a.updated_at, s.updated_at) AS "lastModified"
           FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id
          WHERE a.practitioner_id = $1 AND a.starts_at < $3 AND a.ends_at > $2 ORDER BY a.starts_at`,
        [t.practitionerId, from, to],
      );
      return this.documents.assignmentsCalendar(rows, { ...options, name: `AMHP duty: ${t.ownerName}` });
    }
    const rows: ShiftFact[] = await this.db.manager.query(
      `SELECT s.id AS "shiftId", s.label, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.required_count AS "requiredCount", s.version,
              s.staffing_version AS "staffingVersion", greatest(s.updated_at, s.staffed_at) AS "lastModified",
              coalesce((SELECT json_agg(json_build_object('displayName', u.display_name, 'startsAt', a.starts_at, 'endsAt', a.ends_at)
                                        ORDER BY a.starts_at, u.display_name, a.seq)
                          FROM shift_assignments a JOIN user_directory u ON u.id = a.user_id WHERE a.shift_id = s.id), '[]') AS amhps
         FROM shifts s WHERE s.starts_at < $2 AND s.ends_at > $1 ORDER BY s.starts_at, s.label, s.seq`,
      [from, to],
    );
    // Each AMHP with her own part of the shift (ROTA-WORKED), as instants.
    const shifts = rows.map((r) => ({
      ...r,
      amhps: r.amhps.map((a) => ({ displayName: a.displayName, startsAt: new Date(a.startsAt!), endsAt: new Date(a.endsAt!) })),
    }));
    return this.documents.hubCalendar(shifts, { ...options, name: 'AMHP hub rota' });
  }

  /** An unrevoked token whose holder may still manage this feed (roles and active flags are read afresh each time). */
  private async findUsable(hash: string): Promise<FeedTokenRow | undefined> {
    const [t]: FeedTokenRow[] = await this.db.manager.query(
      `SELECT t.id, t.scope, t.practitioner_id AS "practitionerId", h.id AS "holderId", h.roles AS "holderRoles",
              p.user_id AS "ownerUserId", o.display_name AS "ownerName", (p.active AND o.active) AS "ownerActive"
         FROM calendar_tokens t
         JOIN user_directory h ON h.id = t.user_id AND h.active
         LEFT JOIN practitioner_directory p ON p.id = t.practitioner_id
         LEFT JOIN user_directory o ON o.id = p.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [hash],
    );
    if (!t) return undefined;
    if (t.scope === 'practitioner' && !t.ownerActive) return undefined;
    const owns = t.scope === 'hub' || t.ownerUserId === t.holderId;
    return can(t.holderRoles, 'calendar.manage', { owns }).allowed ? t : undefined;
  }

  private dto(r: TokenRow): CalendarTokenDto {
    return {
      id: r.id,
      userId: r.userId,
      scope: r.scope,
      practitionerId: r.practitionerId,
      label: r.label,
      createdAt: new Date(r.createdAt).toISOString(),
      revokedAt: isoOrNull(r.revokedAt),
      lastUsedAt: isoOrNull(r.lastUsedAt),
    };
  }
}
