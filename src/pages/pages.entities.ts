import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { sqlCodes } from '../database/sql-codes';
import { CLOSED_REASONS, PAGE_KINDS } from '../events/catalogue';

/**
 * One device's Web Push subscription (the browser's PushSubscription): one row per push endpoint, so a phone that
 * subscribes again replaces its row, and a phone passed to a colleague who signs in moves to them. Revoked by its
 * owner (DELETE), and removed when the push service answers 404 or 410 (the endpoint has expired).
 */
@Entity('push_subscriptions')
@Index('push_subscriptions_endpoint_key', ['endpoint'], { unique: true })
@Index('push_subscriptions_user_idx', ['userId'])
export class PushSubscriptionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the devices were subscribed in (again, when one subscribes again): what orders those subscribed at the same
   * instant (my devices, newest first), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('users', { onDelete: 'CASCADE' })
  @Column('uuid')
  userId: string;

  /** The push service's URL for this device (https). */
  @Column('text')
  endpoint: string;

  /** The device's P-256 public key (base64url) and auth secret (base64url), for the aes128gcm payload encryption. */
  @Column('text')
  p256dh: string;

  @Column('text')
  auth: string;

  /** What the owner calls the device ("my work phone"), or what the browser says it is. */
  @Column('text')
  label: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  lastSentAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastFailedAt: Date | null;

  @Column('text', { nullable: true })
  lastError: string | null;
}

export { PAGE_KINDS };
export type PageKind = (typeof PAGE_KINDS)[number];
export const PUSH_STATES = ['pending', 'sent', 'failed', 'no-device'] as const;
export const GATEWAY_STATES = ['requested', 'delivered', 'failed'] as const;
export const ACK_VIA = ['app', 'notification', 'gateway', 'system'] as const;
/**
 * Why the service closed a page (acknowledged via `system`, by no one): what it paged her about is no longer hers to
 * act on. An offer's pages: another AMHP accepted it, a manager allocated it, the referral ended, she may no longer
 * act as an AMHP, or the job was offered again (`offered-again`: the new offer is paged afresh, and the managers' word
 * that nobody accepted it answered, DUTY-03); a clock page: the job was reallocated away from her (or went back to the
 * queue), or the clock's deadline moved later (`deadline-moved`: a s.136B extension, POL-08; a time corrected), its
 * holder told again as the new end nears; a page that a child is held at a police station (POL-09): she was moved to a
 * place of safety that is not one (`left-police-station`), so that a move back to one pages afresh, or her date of
 * birth on record, recorded or corrected, shows she is not under 18 (`not-under-18`); a page that an AMHP's statement on
 * extending a CTO is due (CTO-04, s.20A(8)): the statement was made (`statement-made`), or the request for it was
 * withdrawn (`request-withdrawn`).
 */
export const PAGE_CLOSED_REASONS = CLOSED_REASONS;
export type PageClosedReason = (typeof PAGE_CLOSED_REASONS)[number];

/**
 * A page: an alert that must wake one person and be acknowledged. Ids and codes only (who or what it is about is read
 * from its subject, by someone allowed to). Pages of one matter form a chain (`chainKey`): step 0 is the first page,
 * steps 1-3 the escalation chain (the next AMHP on duty, the senior on duty, the manager on call).
 */

@Entity('pages')
@Check('pages_kind', `kind IN (${sqlCodes(PAGE_KINDS)})`)
@Check('pages_push_state', `push_state IN ('pending','sent','failed','no-device')`)
@Check('pages_gateway_state', `gateway_state IS NULL OR gateway_state IN ('requested','delivered','failed')`)
@Check('pages_ack_via', `acknowledged_via IS NULL OR acknowledged_via IN ('app','notification','gateway','system')`)
@Check(
  'pages_closed_reason',
  `closed_reason IS NULL OR (acknowledged_via = 'system' AND closed_reason IN (${sqlCodes(PAGE_CLOSED_REASONS)}))`,
)
@Check('pages_step', `step BETWEEN 0 AND 3`)
@Check('pages_closed_superseded', `closed_reason IS NULL OR superseded_at IS NOT NULL`)
// One page per chain, step and recipient in the matter's current episode: a page superseded (the service closed the
// matter's pages: the job changed hands, went back to the queue, the offer ended) stands in no new page's way, though
// its recipient acknowledged it. The manager or the AMHP a job comes back to is paged about it afresh.
@Index('pages_chain_key', ['chainKey', 'step', 'recipientUserId'], { unique: true, where: 'superseded_at IS NULL' })
@Index('pages_recipient_idx', ['recipientUserId', 'createdAt'])
@Index('pages_push_due_idx', ['pushNextAttemptAt'], { where: `push_state = 'pending'` })
@Index('pages_created_idx', ['createdAt'])
// The pages still standing, by referral and chain: the clock job's read of the open referrals' chains each minute.
@Index('pages_standing_referral_idx', ['referralId', 'chainKey'], { where: 'superseded_at IS NULL' })
export class PageEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  kind: PageKind;

  @ForeignKey('users', { onDelete: 'CASCADE' })
  @Column('uuid')
  recipientUserId: string;

  /** The matter the page is about, e.g. `offer:<referral>`, `clock:<referral>:<clock>:<stage>`, `handover:<date>`. */
  @Column('text')
  chainKey: string;

  @Column('integer', { default: 0 })
  step: number;

  /** For an escalation: what was not done (`offer-not-accepted`, `clock-not-acknowledged`). */
  @Column('text', { nullable: true })
  reason: string | null;

  @Column('text', { nullable: true })
  subjectType: string | null;

  @Column('text', { nullable: true })
  subjectId: string | null;

  @ForeignKey('referrals', { onDelete: 'CASCADE' })
  @Column('uuid', { nullable: true })
  referralId: string | null;

  /** Web Push Urgency: `high` wakes a phone in power saving (offers, breaches, escalations). */
  @Column('text')
  urgency: 'high' | 'normal';

  @Column('timestamptz')
  createdAt: Date;

  /** The order the pages were raised in: what orders pages raised at the same instant (the inbox, its cursor), never their random ids. */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @Column('text', { default: 'pending' })
  pushState: (typeof PUSH_STATES)[number];

  @Column('integer', { default: 0 })
  pushAttempts: number;

  @Column('timestamptz', { nullable: true })
  pushNextAttemptAt: Date | null;

  @Column('timestamptz', { nullable: true })
  pushSentAt: Date | null;

  @Column('text', { nullable: true })
  pushLastError: string | null;

  /** The second channel (a council's SMS or voice gateway, through the `page.requested` webhook). */
  @Column('text', { nullable: true })
  gatewayState: (typeof GATEWAY_STATES)[number] | null;

  @Column('timestamptz', { nullable: true })
  gatewayRequestedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  gatewayUpdatedAt: Date | null;

  @Column('text', { nullable: true })
  gatewayDetail: string | null;

  @Column('timestamptz', { nullable: true })
  acknowledgedAt: Date | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  acknowledgedBy: string | null;

  @Column('text', { nullable: true })
  acknowledgedVia: (typeof ACK_VIA)[number] | null;

  /** Closed by the service (acknowledgedVia `system`): why it no longer waits for her. */
  @Column('text', { nullable: true })
  closedReason: PageClosedReason | null;

  /**
   * When the episode of the matter the page belongs to ended (the service closed the matter's pages, PagesService
   * .closeFor): acknowledged or not, it no longer keeps a new page of its chain, step and recipient from being raised.
   */
  @Column('timestamptz', { nullable: true })
  supersededAt: Date | null;

  /**
   * A clock page: the end it warns of, put right where it stands when the end moves later within its stage, the page
   * closed and raised afresh when it moves earlier (clockPageMove). Null for other pages and those raised before.
   */
  @Column('timestamptz', { nullable: true })
  endsAt: Date | null;
}
