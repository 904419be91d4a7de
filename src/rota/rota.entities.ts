import { Check, Column, CreateDateColumn, Entity, Exclusion, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const BANK_HOLIDAY_RULES = ['any', 'exclude', 'only'] as const;

/**
 * A recurring shift of the hub: local start and end times (an end at or before the start is on the next day),
 * the weekdays it runs, how many AMHPs it needs and which skills at least one of them must hold.
 */
@Entity('shift_patterns')
@Check('shift_patterns_times', `start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND end_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`)
@Check('shift_patterns_weekdays', `cardinality(weekdays) > 0 AND weekdays <@ ARRAY[1,2,3,4,5,6,7]`)
@Check('shift_patterns_required', `required_count BETWEEN 1 AND 50`)
@Check('shift_patterns_bank_holidays', `bank_holidays IN ('any','exclude','only')`)
@Check('shift_patterns_validity', `valid_to IS NULL OR valid_to >= valid_from`)
export class ShiftPatternEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  /** Local wall-clock time, HH:MM. */
  @Column('text')
  startTime: string;

  @Column('text')
  endTime: string;

  /** ISO weekdays of the start: 1 = Monday … 7 = Sunday. */
  @Column('integer', { array: true })
  weekdays: number[];

  /** `any`: runs on bank holidays too; `exclude`: not on bank holidays; `only`: only on bank holidays. */
  @Column('text', { default: 'any' })
  bankHolidays: (typeof BANK_HOLIDAY_RULES)[number];

  @Column('integer')
  requiredCount: number;

  @Column('text', { array: true, default: () => `'{}'` })
  requiredSkills: string[];

  @Column('date')
  validFrom: string;

  @Column('date', { nullable: true })
  validTo: string | null;

  @Column('boolean', { default: true })
  active: boolean;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** Bank holidays (England and Wales by default), editable by managers. */
@Entity('bank_holidays')
export class BankHolidayEntity {
  @PrimaryColumn('date')
  date: string;

  @Column('text')
  name: string;
}

/**
 * A local date the rota has been generated for (POST /rota/shifts/generate covered it): the day is on the rota,
 * whether or not any pattern called for a shift on it. A change to a pattern or to the bank holiday calendar brings
 * exactly these days in line at once, creating the shifts now called for (ShiftsService.reconcileIn); the days not yet
 * generated are left for generate.
 */
@Entity('rota_days')
export class RotaDayEntity {
  @PrimaryColumn('date')
  localDate: string;

  /** When it was first generated. */
  @Column('timestamptz', { default: () => 'now()' })
  generatedAt: Date;
}

/**
 * A pattern's shift on one local date that a manager removed on purpose (DELETE /rota/shifts/{id}): generate and every
 * change to the pattern leave that day without it (ShiftsService.reconcileIn lists it in `skipped`), until she restores
 * it (POST /rota/shifts/removed/{id}/restore, or generate with `restoreRemoved`; the mark is kept, restored). A pattern's own removals (its end, made inactive, its bank
 * holiday rule) are not recorded here: they come back with the pattern.
 */
@Entity('shifts_removed')
export class ShiftRemovedEntity {
  @ForeignKey(() => ShiftPatternEntity, { onDelete: 'CASCADE' })
  @PrimaryColumn('uuid')
  patternId: string;

  @PrimaryColumn('date')
  localDate: string;

  /** The shift that was removed (it no longer exists). */
  @Column('uuid')
  shiftId: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  removedBy: string;

  @Column('timestamptz')
  removedAt: Date;

  /**
   * When a manager brought it back (POST /rota/shifts/removed/{id}/restore, or generate with `restoreRemoved`): from
   * then its pattern calls for it again, and a second restore is refused (409). Null while it stays removed.
   */
  @Column('timestamptz', { nullable: true })
  restoredAt: Date | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  restoredBy: string | null;
}

/** One occurrence of a shift: a real period of time that must be covered. */
@Entity('shifts')
@Check('shifts_period', `ends_at > starts_at`)
@Check('shifts_required', `required_count BETWEEN 0 AND 50`)
@Index('shifts_pattern_date_key', ['patternId', 'localDate'], { unique: true, where: 'pattern_id IS NOT NULL' })
@Index('shifts_period_idx', ['startsAt', 'endsAt'])
export class ShiftEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the shifts were made in: what orders shifts with the same start and label (the rota, the handover's
   * notes), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => ShiftPatternEntity, { onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true })
  patternId: string | null;

  /** The local date on which the shift starts. */
  @Column('date')
  localDate: string;

  @Column('text')
  label: string;

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz')
  endsAt: Date;

  @Column('integer')
  requiredCount: number;

  @Column('text', { array: true, default: () => `'{}'` })
  requiredSkills: string[];

  @Column('boolean', { default: false })
  bankHoliday: boolean;

  @Column('text', { nullable: true })
  notes: string | null;

  /** Counts changes to the shift's own details (its ETag, If-Match); who is on it is counted by staffingVersion. */
  @Column('integer', { default: 1 })
  version: number;

  /**
   * Whether a manager changed this generated shift's own label or staffing (PATCH /rota/shifts/{id}): a change to its
   * pattern then leaves them as she set them and lists the shift (ShiftsService.reconcileIn).
   */
  @Column('boolean', { default: false })
  editedIndividually: boolean;

  /** When the shift's own details last changed (created, label, staffing or notes). */
  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;

  /**
   * Every assignment put on or taken off the shift, whatever the path (by hand, a plan, a swap, leave, an approval's
   * end): with `version` it is the hub feed's SEQUENCE (RFC 5545 §3.8.7.4), since who is on duty is what that event shows.
   */
  @Column('integer', { default: 0 })
  staffingVersion: number;

  /** When an assignment was last put on or taken off the shift. */
  @Column('timestamptz', { nullable: true })
  staffedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * An AMHP on a shift. The period is copied from the shift so that Postgres itself makes overlapping assignments
 * of one practitioner impossible (R8), whatever races the services lose.
 */
@Entity('shift_assignments')
@Exclusion('shift_assignments_no_overlap', `USING gist ("practitioner_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&)`)
@Index('shift_assignments_shift_idx', ['shiftId'])
@Index('shift_assignments_user_period_idx', ['userId', 'startsAt'])
@Index('shift_assignments_period_idx', ['startsAt', 'endsAt'])
export class ShiftAssignmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the AMHPs were put on the shift in: what orders those with the same start and name (the rota, the
   * on-duty answer, the calendar feed), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => ShiftEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  shiftId: string;

  @ForeignKey('practitioners', { onDelete: 'RESTRICT' })
  @Column('uuid')
  practitionerId: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  userId: string;

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz')
  endsAt: Date;

  /** Warnings a manager overrode, each with the reason: [{code, rule, message, reason}]. */
  @Column('jsonb', { default: () => `'[]'` })
  overrides: Array<{ code: string; rule: string; message: string; reason: string }>;

  /**
   * Counts changes to the assignment's own times made in place (1 when made): cut short when she is taken off part-way
   * (ROTA-WORKED). With the shift's version it is her calendar event's SEQUENCE (RFC 5545 §3.8.7.4).
   */
  @Column('integer', { default: 1 })
  version: number;

  /** When the assignment's own times last changed in place (null: never since made). */
  @Column('timestamptz', { nullable: true })
  updatedAt: Date | null;

  /** How the assignment came about: manual, plan, swap. */
  @Column('text', { default: 'manual' })
  source: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * The manager on call for a period: the last step of every escalation chain (an offer nobody accepts, a clock warning
 * nobody acknowledges) and who is paged with the morning handover. One at a time: periods never overlap.
 */
@Entity('manager_on_call')
@Check('manager_on_call_period', `ends_at > starts_at`)
@Exclusion('manager_on_call_no_overlap', `USING gist (tstzrange("starts_at", "ends_at") WITH &&)`)
@Index('manager_on_call_period_idx', ['startsAt', 'endsAt'])
export class ManagerOnCallEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  userId: string;

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz')
  endsAt: Date;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export const LEAVE_KINDS = ['annual', 'sick', 'training', 'compassionate', 'unavailable', 'other'] as const;
export const LEAVE_STATUSES = ['requested', 'approved', 'declined', 'cancelled'] as const;

/** Leave or unavailability: once approved, the AMHP may not be rostered in that period. */
@Entity('leave_requests')
@Check('leave_requests_period', `ends_at > starts_at`)
@Check('leave_requests_kind', `kind IN ('annual','sick','training','compassionate','unavailable','other')`)
@Check('leave_requests_status', `status IN ('requested','approved','declined','cancelled')`)
@Index('leave_requests_practitioner_idx', ['practitionerId', 'startsAt'])
export class LeaveRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the leave was asked for in: what orders leave starting at the same time (the list, its cursor), never
   * their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('practitioners', { onDelete: 'RESTRICT' })
  @Column('uuid')
  practitionerId: string;

  @Column('text')
  kind: (typeof LEAVE_KINDS)[number];

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz')
  endsAt: Date;

  @Column('text', { default: 'requested' })
  status: (typeof LEAVE_STATUSES)[number];

  @Column('text', { nullable: true })
  note: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  requestedBy: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  decidedBy: string | null;

  @Column('timestamptz', { nullable: true })
  decidedAt: Date | null;

  @Column('text', { nullable: true })
  decisionNote: string | null;

  /** Who cancelled it, when and why: beside the decision, never over it (ROTA-WORKED). */
  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  cancelledBy: string | null;

  @Column('timestamptz', { nullable: true })
  cancelledAt: Date | null;

  @Column('text', { nullable: true })
  cancellationNote: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export const SWAP_STATUSES = ['offered', 'accepted', 'approved', 'declined', 'cancelled'] as const;

/** An AMHP offers their assignment to a named colleague or to anyone eligible; the taker accepts; a manager approves. */
@Entity('swap_requests')
@Check('swap_requests_status', `status IN ('offered','accepted','approved','declined','cancelled')`)
@Index('swap_requests_assignment_idx', ['assignmentId'])
@Index('swap_requests_open_idx', ['status', 'createdAt'])
@Index('swap_requests_one_open_key', ['assignmentId'], { unique: true, where: `status IN ('offered','accepted')` })
export class SwapRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the swaps were offered in: what orders those offered at the same instant (the list, its cursor), never
   * their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  /** Kept as history when the assignment goes (set to null): a swap's record outlives the shift change it made. */
  @ForeignKey(() => ShiftAssignmentEntity, { onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true })
  assignmentId: string | null;

  @ForeignKey(() => ShiftEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  shiftId: string;

  @ForeignKey('practitioners', { onDelete: 'RESTRICT' })
  @Column('uuid')
  fromPractitionerId: string;

  /** Offered to this colleague only; null: to anyone eligible. */
  @ForeignKey('practitioners', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  toPractitionerId: string | null;

  @ForeignKey('practitioners', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  takerPractitionerId: string | null;

  @Column('text', { default: 'offered' })
  status: (typeof SWAP_STATUSES)[number];

  @Column('text', { nullable: true })
  note: string | null;

  @Column('timestamptz', { nullable: true })
  acceptedAt: Date | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  decidedBy: string | null;

  @Column('timestamptz', { nullable: true })
  decidedAt: Date | null;

  @Column('text', { nullable: true })
  decisionNote: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A secret, revocable token for a calendar feed (no patient data in feeds). Stored as a SHA-256 hash. */
@Entity('calendar_tokens')
@Check('calendar_tokens_scope', `scope IN ('practitioner','hub')`)
@Check('calendar_tokens_target', `(scope = 'hub') = (practitioner_id IS NULL)`)
export class CalendarTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the tokens were made in: what orders those made at the same instant (the list, newest first), never
   * their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('users', { onDelete: 'CASCADE' })
  @Column('uuid')
  userId: string;

  @Column('text')
  scope: 'practitioner' | 'hub';

  @ForeignKey('practitioners', { onDelete: 'CASCADE' })
  @Column('uuid', { nullable: true })
  practitionerId: string | null;

  @Index('calendar_tokens_hash_key', { unique: true })
  @Column('text')
  tokenHash: string;

  @Column('text', { nullable: true })
  label: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastUsedAt: Date | null;
}

/** A stated preference the planner honours where it can: weight > 0 prefers, < 0 avoids. */
@Entity('rota_preferences')
@Check('rota_preferences_weight', `weight BETWEEN -10 AND 10 AND weight <> 0`)
@Check('rota_preferences_target', `pattern_id IS NOT NULL OR weekday IS NOT NULL OR on_date IS NOT NULL`)
@Check('rota_preferences_weekday', `weekday IS NULL OR weekday BETWEEN 1 AND 7`)
@Index('rota_preferences_practitioner_idx', ['practitionerId'])
export class RotaPreferenceEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the preferences were recorded in: what orders those recorded at the same instant (the list), never their
   * random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('practitioners', { onDelete: 'CASCADE' })
  @Column('uuid')
  practitionerId: string;

  @ForeignKey(() => ShiftPatternEntity, { onDelete: 'CASCADE' })
  @Column('uuid', { nullable: true })
  patternId: string | null;

  @Column('integer', { nullable: true })
  weekday: number | null;

  @Column('date', { nullable: true })
  onDate: string | null;

  @Column('integer')
  weight: number;

  @Column('text', { nullable: true })
  note: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A planner proposal: assignments that would fill the gaps, with its fairness figures, until published. */
@Entity('rota_plans')
@Check('rota_plans_status', `status IN ('proposed','published','discarded')`)
@Check('rota_plans_period', `ends_at > starts_at`)
export class RotaPlanEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz')
  endsAt: Date;

  @Column('text', { default: 'proposed' })
  status: 'proposed' | 'published' | 'discarded';

  /** [{shiftId, practitionerId}] to add. */
  @Column('jsonb')
  assignments: Array<{ shiftId: string; practitionerId: string }>;

  @Column('jsonb')
  fairness: Record<string, unknown>;

  /** Shifts that could not be filled without breaking a hard rule. */
  @Column('jsonb', { default: () => `'[]'` })
  unfilled: Array<{ shiftId: string; missing: number; reason: string }>;

  /** A fingerprint of the rota the plan was made from; publishing refuses (409) if it has changed since. */
  @Column('text')
  basis: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  publishedAt: Date | null;

  @Column('integer', { default: 1 })
  version: number;
}

/**
 * One run of the planner: requested, running in a worker thread on one app instance, then done (its proposal in
 * `planId`), failed or cancelled. At most one runs at a time (the partial unique index, across every instance on
 * the database); the instance running it refreshes `heartbeatAt`, so a run whose instance stopped is seen as failed.
 */
@Entity('rota_plan_runs')
@Check('rota_plan_runs_status', `status IN ('running','done','failed','cancelled')`)
@Check('rota_plan_runs_period', `ends_at > starts_at`)
@Index('rota_plan_runs_one_running', ['status'], { unique: true, where: `status = 'running'` })
@Index('rota_plan_runs_requested_idx', ['requestedAt'])
export class RotaPlanRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { default: 'running' })
  status: 'running' | 'done' | 'failed' | 'cancelled';

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz')
  endsAt: Date;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  requestedBy: string;

  @Column('timestamptz')
  requestedAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  /** Wall-clock time of the running instance's last sign of life (database time, not the service's clock). */
  @Column('timestamptz', { default: () => 'now()' })
  heartbeatAt: Date;

  @ForeignKey(() => RotaPlanEntity, { onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true })
  planId: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  cancelledBy: string | null;

  /** Why it failed, in words (no personal data). */
  @Column('text', { nullable: true })
  error: string | null;
}
