/**
 * Statutory and local clocks for an MHA assessment referral (POL-03..POL-09, HOLD-01/02, CTO-03, APP-17, DUTY-01, COP-09),
 * from the moment the referral is received.
 * Pure: the legal context, extensions and policy come in; clocks, findings and states go out. No Nest, no ORM,
 * no I/O, no clock ("now" is always a parameter).
 *
 * Hour-based periods are ELAPSED ABSOLUTE time (C5): an instant plus N × 3600 s, never N wall-clock hours, so a
 * 24-hour s.136 detention across the spring change ends at 01:30 BST when it began at 00:30 GMT. Day-based
 * periods (s.2) count local calendar days (C1, C4) through time.ts. Periods are half-open [anchor, deadline):
 * at the deadline instant the authority has ended.
 *
 * Readings marked ✱ (see rule-catalogue.ts) are data (ClockPolicy, ResponseTargets, WarningThresholds), never literals:
 * DUTY-01's local response targets, COP-09's assessment-start target, and the warning stages.
 */
import { DISCHARGER_TEXT, type DetentionEndKind, type Discharger } from './assessment.types';
import { citationOf, type RuleId } from './rule-catalogue';
import { visibleLength } from './visible-text';
import { addDays as addDaysIso, ageOn, endOfLocalDay, isIsoDate, isUnder, type IsoDate, lastDayOfPeriod, localDate } from './time';
import type { PlaceOfSafetyConsent, PoliceConsultation, WarrantAttendance } from './police-powers.rules';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

// POL-04 (s.135(3ZA)) and POL-07 (s.136(2A)): 24 hours at the place of safety. ✔ S17
export const PLACE_OF_SAFETY_HOURS = 24;
// POL-08 (s.136B(1)): "a further period not exceeding 12 hours"; so never more than 36 hours in all. ✔ S18
export const MAX_EXTENSION_HOURS = 12;
export const MAX_PLACE_OF_SAFETY_TOTAL_HOURS = PLACE_OF_SAFETY_HOURS + MAX_EXTENSION_HOURS;
// HOLD-01 (s.5(2)): 72 hours from the report to the managers. ✔ S9
export const S5_2_HOURS = 72;
// HOLD-02 (s.5(4)): 6 hours from the nurse's record. ✔ S9
export const S5_4_HOURS = 6;
// APP-17 (s.2(4)): 28 days beginning with the day of admission (C4). ✔ S6, S40
export const S2_DAYS = 28;
/**
 * NR-11 (s.29(4), (5)) ✱: the days after the court's decision on a s.29 application allowed for appealing from it, by
 * default. The application is not finally disposed of (so a s.2 it extends stays in force) until they have passed, or
 * until an appeal brought in them is determined or withdrawn. 21 days after the date of the decision (CPR 52.12(2)(b)),
 * unless the court directs otherwise: court rules, not the Act, so a setting (S29_APPEAL_DAYS, 1-90) for the legal
 * team to confirm, passed to s2End and the functions it uses as `appealDays`.
 */
export const DEFAULT_S29_APPEAL_DAYS = 21;

// APP-11 (s.4(4)): a s.4 detention ends 72 hours from admission unless the second recommendation is received (C5). ✔ S4
export const S4_DETENTION_HOURS = 72;
// CTO-03 (s.17F(4)-(5), (8)): a recalled community patient may be detained 72 hours, from the start of their detention in
// hospital under the recall notice; the Act fixes it, so it is not policy.
export const CTO_RECALL_HOURS = 72;

/**
 * Allowed clock skew between the device that recorded a time and the hub's own clock (local decision, not law):
 * a time up to 5 minutes after the referral was received is accepted as skew; later than that it cannot be right.
 */
export const CLOCK_SKEW_MS = 5 * MINUTE_MS;

// ---------------------------------------------------------------------------------------------------------------
// Facts

export type Instant = Date;
/**
 * The kinds of place of safety the hub records (s.135(6)): a private dwelling (a house, flat or room where a person is
 * living) and another suitable place ('other') are places of safety only with the agreements s.135(7) asks (POL-10).
 */
export type PlaceOfSafetyType = 'health-based' | 'police-station' | 'a-and-e' | 'private-dwelling' | 'other';
/** Where a s.136 removal happened (POL-05: never lawful from a private dwelling). */
export type RemovalLocation = 'public-place' | 'dwelling' | 'other';
export type Urgency = 'emergency' | 'urgent' | 'routine';

/** s.136(2A)(a): removed to a place of safety (arrival) or kept at one (the constable's decision to keep). */
export type S136Anchor = { arrivedAt: Instant; keptAt?: undefined } | { keptAt: Instant; arrivedAt?: undefined };

/**
 * s.136(3), s.135(3A): a move of the person from one place of safety to another, before the period ends. The period
 * still runs from the first arrival (or decision to keep, or entry to the premises): s.136(2A), s.135(3ZA).
 */
export interface PlaceOfSafetyTransfer {
  /** When the person arrived at the new place of safety. */
  at: Instant;
  placeOfSafetyType: PlaceOfSafetyType;
  /** The new place, as the hub names it (e.g. "Northshire General, s.136 suite"). */
  place?: string | null;
  /** POL-10 (s.135(7)): the agreements to a private dwelling or another suitable place as the new place of safety. */
  placeOfSafetyConsent?: PlaceOfSafetyConsent;
}

/**
 * s.136(3), s.135(3A): the detention this referral records began at an earlier place of safety, recorded on another
 * referral (the police at the second place referred the person again). Its period runs from that first start.
 */
export interface PlaceOfSafetyContinuation {
  /** The referral on which the detention began (the first of a chain of such referrals). */
  referralId: string;
  reference: string;
  /** The start of the period there: arrival, the decision to keep, or the first entry to the premises. */
  startedAt: Instant;
}

/** What a s.135(1) or s.136 context records about the places of safety beyond the first (s.136(3), s.135(3A)). */
interface PlaceOfSafetyMoves {
  /** Moves recorded on this referral, in any order. */
  transfers?: PlaceOfSafetyTransfer[];
  continues?: PlaceOfSafetyContinuation;
}

export type S136Context = PlaceOfSafetyMoves & {
  kind: 's136';
  placeOfSafetyType: PlaceOfSafetyType;
  locationType: RemovalLocation;
  personUnder18?: boolean;
  /** POL-09: what the age rests on when a date of birth decided it (withAgeAtArrival), for the message. */
  ageBasis?: string;
  /** POL-09 (SI 2017/1036 reg 2): an inspector's (or above) authorisation for an adult at a police station. */
  inspectorAuthorisedAt?: Instant;
  /** POL-06 (s.136(1C)): whether the constable consulted a professional first, whom and when, or why not. */
  policeConsultation?: PoliceConsultation;
  /** POL-10 (s.135(7)): the agreements to a private dwelling or another suitable place as the first place of safety. */
  placeOfSafetyConsent?: PlaceOfSafetyConsent;
} & S136Anchor;

/**
 * s.135(3ZA)(a): removed to a place of safety (arrival; unknown while the person is on the way) or kept at the
 * premises named in the warrant (s.135(1A)), when the clock starts as the constable first enters them.
 */
export type S135Anchor = { keptAtPremises?: false; arrivedAt?: Instant } | { keptAtPremises: true; firstEnteredAt: Instant };

export type S135Context = PlaceOfSafetyMoves & {
  kind: 's135-1';
  warrantExecutedAt: Instant;
  /** Where the person was taken; needed for POL-08 (superintendent) and POL-09 (police station). */
  placeOfSafetyType?: PlaceOfSafetyType;
  personUnder18?: boolean;
  ageBasis?: string;
  inspectorAuthorisedAt?: Instant;
  /** POL-02 (s.135(4)): who accompanied the constable who executed the warrant. */
  executionAttendance?: WarrantAttendance;
  /** POL-10 (s.135(7)): the agreements to a private dwelling or another suitable place as the first place of safety. */
  placeOfSafetyConsent?: PlaceOfSafetyConsent;
} & S135Anchor;

export type LegalContext =
  | { kind: 'informal' }
  | S136Context
  | S135Context
  /** POL-03 (s.135(2)): a patient already liable to be detained; their own section is the authority, no new clock. */
  | { kind: 's135-2'; warrantExecutedAt?: Instant; executionAttendance?: WarrantAttendance }
  /** HOLD-01 (s.5(2)); `precededBy5_4At` is when a nurse's s.5(4) record was made, if one came first (s.5(5)). */
  | { kind: 's5-2'; h1FurnishedAt: Instant; precededBy5_4At?: Instant }
  | { kind: 's5-4'; recordMadeAt: Instant }
  /**
   * CTO-03 (s.17E, s.17F(8)): `recalledAt` is the recall notice; `arrivedAt` when the patient's detention in hospital
   * under it began (their arrival, or the notice for a patient already there), from which the 72 hours run. When it
   * is not recorded the recall stands in, so the deadline is never too late (provisional).
   */
  | { kind: 'cto-recall'; recalledAt: Instant; arrivedAt?: Instant }
  | { kind: 'already-s2'; admittedAt: Instant }
  /**
   * CTO-01 (s.17A(1)-(2)): liable to be detained under s.3 or an unrestricted Part 3 hospital order (s.37 without
   * restrictions), admitted at `admittedAt`: the one position in which a CTO can be made. Renewals (s.20) are not
   * recorded, so no clock is computed for its period (APP-18).
   */
  | { kind: 'already-s3'; admittedAt: Instant };

export type LegalContextKind = LegalContext['kind'];

/**
 * APP-12 (s.5(1)): the contexts in which the person is already a hospital in-patient when the application is made
 * (held under s.5(2) or s.5(4), or detained under s.2), so the application takes effect when the managers receive it.
 */
export const IN_HOSPITAL_CONTEXTS: readonly LegalContextKind[] = ['s5-2', 's5-4', 'already-s2'];

/** APP-12: is the person already a hospital in-patient in the legal context `kind` (IN_HOSPITAL_CONTEXTS)? */
export function alreadyInHospital(kind: LegalContextKind): boolean {
  return IN_HOSPITAL_CONTEXTS.includes(kind);
}

export type ExtensionReason = 'patient-condition' | 'bed-unavailable' | 'staff-unavailable' | 'other';

/** POL-08 (s.136B(1)): the registered medical practitioner responsible for the examination, by name and GMC number. */
export interface AuthorisingDoctor {
  /** The doctor's id on the hub's register, when they are on it (name and GMC number then come from it). */
  doctorId?: string | null;
  name: string;
  /** The GMC reference number: seven digits. */
  gmcNumber: string;
}

/** A GMC reference number is seven digits. */
export const GMC_NUMBER = /^[0-9]{7}$/;

/** A s.136B authorisation of further detention at the place of safety (POL-08). */
export interface S136BExtension {
  authorisedAt: Instant;
  /** The further period, in hours (at most 12), to the minute: 7.5 is 7 h 30 min. */
  hours: number;
  /**
   * The role that authorised: 'examining-doctor' is the only one that may; anything else is recorded as given and
   * refused. Optional when `authorisingDoctor` names the doctor.
   */
  authorisedBy?: 'examining-doctor' | (string & {});
  /** The doctor who authorised it, named (absent only on an extension recorded by role alone). */
  authorisingDoctor?: AuthorisingDoctor | null;
  reason: ExtensionReason;
  superintendentApprovedAt?: Instant;
}

/** Who authorised an extension: "Dr Asha Patel (GMC 7100001), the examining doctor", or "the examining doctor" (by role alone). */
export function describeAuthorisingDoctor(ext: Pick<S136BExtension, 'authorisingDoctor'>): string {
  const d = ext.authorisingDoctor;
  return d ? `${d.name} (GMC ${d.gmcNumber}), the examining doctor` : 'the examining doctor';
}

// ---------------------------------------------------------------------------------------------------------------
// Policy (✱ local, configurable)

/** Local response targets per urgency, in minutes from receipt (DUTY-01: the statute sets no clock). */
export interface ResponseTargets {
  emergency: number;
  urgent: number;
  routine: number;
}

/** ✱ local policy: 4 hours, 24 hours, 5 days (elapsed; C7: no working-day calendars). */
export const DEFAULT_RESPONSE_TARGETS: Readonly<ResponseTargets> = { emergency: 4 * 60, urgent: 24 * 60, routine: 5 * 24 * 60 };

export interface ClockPolicy {
  /** Local dates (s.2) are counted in this zone. */
  timeZone: string;
  /** ✱ COP-09: target to start a s.135/s.136 assessment, minutes from the anchor; null turns the clock off. */
  assessmentStartMinutes: number | null;
  /** ✱ NR-11 (s.29(5)): the days allowed for appealing a court's decision on a s.29 application (S29_APPEAL_DAYS). */
  s29AppealDays: number;
}

export const DEFAULT_CLOCK_POLICY: Readonly<ClockPolicy> = {
  timeZone: 'Europe/London',
  assessmentStartMinutes: 3 * 60,
  s29AppealDays: DEFAULT_S29_APPEAL_DAYS,
};

// ---------------------------------------------------------------------------------------------------------------
// Clocks

export type ClockId = 'POL-07' | 'POL-04' | 'HOLD-01' | 'HOLD-02' | 'CTO-03' | 'APP-17' | 'APP-11' | 'COP-09' | 'LOCAL-RESPONSE';

export interface Clock {
  /** Stable id of the kind of clock (warning thresholds are keyed by it). */
  id: ClockId;
  label: string;
  /** The rule that fixes this deadline (HOLD-02 for a s.5(2) whose 72 h run from a s.5(4) record). */
  rule: RuleId;
  citation: string;
  anchor: Instant;
  deadline: Instant;
  /** Hours added by a valid s.136B extension (0 when none). */
  extendedBy: number;
  /** Why the deadline is what it is, in words a reviewer can check. */
  basis: string;
  /** The true anchor is not recorded yet; an earlier known time stands in, so the deadline is never too late. */
  provisional: boolean;
}

/** A period of hours as the AMHP reads it, to the minute: "12 h", "7 h 30 min", "45 min". */
export function formatHours(hours: number): string {
  const minutes = Math.round(hours * 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h && m ? `${h} h ${m} min` : h ? `${h} h` : `${m} min`;
}

/** C5: N hours after an instant, as elapsed time (N × 3600 s in UTC), whatever the wall clock does. */
export function hoursAfter(anchor: Instant, hours: number): Instant {
  return new Date(anchor.getTime() + Math.round(hours * HOUR_MS));
}

function minutesAfter(anchor: Instant, minutes: number): Instant {
  return new Date(anchor.getTime() + Math.round(minutes * MINUTE_MS));
}

const localFormats = new Map<string, Intl.DateTimeFormat>();
/** Recent texts by zone and minute: a queue read formats the same few anchors and deadlines on every call. */
const localTexts = new Map<string, string>();

/**
 * A local time with its zone abbreviation, e.g. "Mon 30 Mar 2026 01:30 BST". One Intl formatter per zone, kept:
 * building a zoned luxon DateTime for every basis text was most of the CPU of a queue read (bench/on-duty.bench.js).
 */
export function formatLocal(instant: Instant, zone: string): string {
  const key = `${zone} ${Math.floor(instant.getTime() / MINUTE_MS)}`;
  const known = localTexts.get(key);
  if (known !== undefined) return known;
  let format = localFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    localFormats.set(zone, format);
  }
  const p: Record<string, string> = {};
  for (const part of format.formatToParts(instant)) p[part.type] = part.value;
  const text = `${p.weekday} ${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute} ${p.timeZoneName}`;
  if (localTexts.size >= 10_000) localTexts.clear();
  localTexts.set(key, text);
  return text;
}

function assertInstant(value: unknown, name: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError(`${name} is not a valid instant`);
}

function assertDuration(value: number, name: string): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, not ${value}`);
}

/** Every field of a legal context that records an instant. */
export const LEGAL_CONTEXT_INSTANTS = [
  'arrivedAt',
  'keptAt',
  'warrantExecutedAt',
  'firstEnteredAt',
  'h1FurnishedAt',
  'precededBy5_4At',
  'recordMadeAt',
  'recalledAt',
  'admittedAt',
  'inspectorAuthorisedAt',
] as const;

const PLACE_OF_SAFETY_FIELDS = [
  'placeOfSafetyType',
  'placeOfSafetyConsent',
  'personUnder18',
  'inspectorAuthorisedAt',
  'arrivedAt',
] as const;

/**
 * The fields each kind of legal context records (beside `kind`): the facts its power's clock and checks read. A field of
 * another kind would be kept and have no effect (an arrival on a s.5(2), a recall on a s.136), so it is refused.
 */
export const LEGAL_CONTEXT_FIELDS: Readonly<Record<LegalContextKind, readonly string[]>> = {
  informal: [],
  s136: [...PLACE_OF_SAFETY_FIELDS, 'locationType', 'keptAt', 'policeConsultation'],
  's135-1': [...PLACE_OF_SAFETY_FIELDS, 'warrantExecutedAt', 'keptAtPremises', 'firstEnteredAt', 'executionAttendance'],
  's135-2': ['warrantExecutedAt', 'executionAttendance'],
  's5-2': ['h1FurnishedAt', 'precededBy5_4At'],
  's5-4': ['recordMadeAt'],
  // CTO-03 (s.17F(8)): the recall notice, and the start of the detention in hospital under it.
  'cto-recall': ['recalledAt', 'arrivedAt'],
  'already-s2': ['admittedAt'],
  'already-s3': ['admittedAt'],
};

/**
 * The fields given with a legal context that its kind does not record (LEGAL_CONTEXT_FIELDS), named as the request
 * gave them (`legalContext.arrivedAt`; without a prefix, as a body of their own holds them), each with why; empty when all apply (or the kind is unknown: the DTO refuses it).
 */
export function legalContextFieldErrors(raw: Record<string, unknown>, prefix = 'legalContext'): Array<{ field: string; message: string }> {
  const fields = LEGAL_CONTEXT_FIELDS[raw.kind as LegalContextKind];
  if (!fields) return [];
  return Object.keys(raw)
    .filter((k) => k !== 'kind' && raw[k] !== undefined && !fields.includes(k))
    .map((k) => ({
      field: prefix ? `${prefix}.${k}` : k,
      message: `${prefix ? `${prefix}.${k}` : k} does not apply to a ${String(raw.kind)} legal context, which records ${fields.length ? fields.join(', ') : 'no other field'}: it would be kept and have no effect.`,
    }));
}

/** The instants a context records, by field name (for validation and the future-time check). */
function recordedInstants(context: LegalContext): Array<[string, Instant]> {
  const fields: readonly string[] = LEGAL_CONTEXT_INSTANTS;
  const record = context as unknown as Record<string, unknown>;
  return fields.filter((f) => record[f] !== undefined && record[f] !== null).map((f) => [f, record[f] as Instant]);
}

export interface PlaceOfSafetyAnchor {
  anchor: Instant;
  provisional: boolean;
  /** Words for the basis text: "arrival at the place of safety at …". */
  describe: string;
}

/**
 * POL-07 (s.136(2A)(a)) / POL-04 (s.135(3ZA)(a)): when the 24 hours begin. Null when nothing usable is recorded
 * (intakeFindings reports it). A s.136 with both times (impossible in law) uses the earlier one, provisionally.
 */
export function placeOfSafetyAnchor(context: LegalContext, zone: string = DEFAULT_CLOCK_POLICY.timeZone): PlaceOfSafetyAnchor | null {
  const own = ownPlaceOfSafetyAnchor(context, zone);
  if ((context.kind !== 's136' && context.kind !== 's135-1') || !context.continues) return own;
  // s.136(3), s.135(3A): taken on from an earlier place of safety within the period; s.136(2A), s.135(3ZA): the period
  // runs from its first start, not from arrival here (the earlier of the two, were they recorded the other way round).
  const first = context.continues;
  if (own && own.anchor.getTime() < first.startedAt.getTime()) return own;
  return {
    anchor: first.startedAt,
    provisional: false,
    describe: `the start of the detention at the first place of safety at ${formatLocal(first.startedAt, zone)}, recorded on ${first.reference} (${context.kind === 's136' ? 's.136(2A), (3)' : 's.135(3ZA), (3A)'}: a move between places of safety does not restart the period)${own ? `; here from ${formatLocal(own.anchor, zone)}` : ''}`,
  };
}

/** The anchor this referral's own times give (placeOfSafetyAnchor without an earlier place of safety). */
function ownPlaceOfSafetyAnchor(context: LegalContext, zone: string): PlaceOfSafetyAnchor | null {
  if (context.kind === 's136') {
    const { arrivedAt, keptAt } = context;
    if (arrivedAt && keptAt) {
      const anchor = arrivedAt < keptAt ? arrivedAt : keptAt;
      return {
        anchor,
        provisional: true,
        describe: `the earlier of arrival and the decision to keep (both recorded, which cannot both be right), ${formatLocal(anchor, zone)}`,
      };
    }
    if (arrivedAt)
      return {
        anchor: arrivedAt,
        provisional: false,
        describe: `arrival at the place of safety at ${formatLocal(arrivedAt, zone)} (s.136(2A)(a)(i))`,
      };
    if (keptAt)
      return {
        anchor: keptAt,
        provisional: false,
        describe: `the constable's decision to keep the person at the place of safety at ${formatLocal(keptAt, zone)} (s.136(2A)(a)(ii))`,
      };
    return null;
  }
  if (context.kind === 's135-1') {
    if (context.keptAtPremises) {
      return {
        anchor: context.firstEnteredAt,
        provisional: false,
        describe: `the constable first entering the premises at ${formatLocal(context.firstEnteredAt, zone)} (s.135(3ZA)(a)(ii))`,
      };
    }
    if (context.arrivedAt)
      return {
        anchor: context.arrivedAt,
        provisional: false,
        describe: `arrival at the place of safety at ${formatLocal(context.arrivedAt, zone)} (s.135(3ZA)(a)(i))`,
      };
    // Arrival not recorded yet (in transit): the warrant's execution is earlier, so the deadline shown is never late.
    return {
      anchor: context.warrantExecutedAt,
      provisional: true,
      describe: `the warrant's execution at ${formatLocal(context.warrantExecutedAt, zone)}, standing in for arrival at the place of safety, which is not recorded yet (the true deadline is later)`,
    };
  }
  return null;
}

/**
 * POL-09 (s.136A(1)): the person's age at the place of safety, from the `personUnder18` flag given at intake and
 * every date of birth known (given in the intake, on record). Under 18 by the flag or by any date of birth is under
 * 18; a date of birth showing an adult settles an unknown age. The age is counted on the local date of arrival (a
 * birthday begins at local midnight: 00:30 BST on the 18th birthday is 18), or of whatever stands in for arrival
 * (placeOfSafetyAnchor), else of receipt. Other legal contexts are returned as they are.
 */
export function withAgeAtArrival(
  context: LegalContext,
  datesOfBirth: ReadonlyArray<{ dateOfBirth: IsoDate | null | undefined; source: 'given' | 'on record' }>,
  receivedAt: Instant,
  zone: string = DEFAULT_CLOCK_POLICY.timeZone,
): LegalContext {
  if (context.kind !== 's136' && context.kind !== 's135-1') return context;
  const known = datesOfBirth.filter(
    (d): d is { dateOfBirth: IsoDate; source: 'given' | 'on record' } => typeof d.dateOfBirth === 'string' && isIsoDate(d.dateOfBirth),
  );
  if (!known.length || context.personUnder18 === true) return context;
  const day = localDate(placeOfSafetyAnchor(context, zone)?.anchor ?? receivedAt, zone);
  const child = known.find((d) => isUnder(d.dateOfBirth, ADULT_AGE, day));
  if (!child) return { ...context, personUnder18: context.personUnder18 ?? false };
  return {
    ...context,
    personUnder18: true,
    ageBasis: `born ${formatDay(child.dateOfBirth)} by the date of birth ${child.source}: ${ageOn(child.dateOfBirth, day)} on ${formatDay(day)}, the day of arrival`,
  };
}

/**
 * POL-09 (s.136A(1)): the age a recorded s.136 or s.135(1) context holds, judged again from the person's date of birth
 * on record now (recorded, corrected or removed after intake). An age the intake's flag gave (`personUnder18` with no
 * `ageBasis`) stands, as at intake no date of birth makes a flagged child an adult; an age a date of birth gave (its
 * `ageBasis` kept, or recovered from the referral's findings by withRecordedAgeBasis) is judged afresh from the record.
 */
export function withAgeOnRecord(
  context: LegalContext,
  dateOfBirth: IsoDate | null,
  receivedAt: Instant,
  zone: string = DEFAULT_CLOCK_POLICY.timeZone,
): LegalContext {
  if (context.kind !== 's136' && context.kind !== 's135-1') return context;
  const { ageBasis, ...rest } = context;
  const base = (ageBasis ? { ...rest, personUnder18: undefined } : context) as LegalContext;
  return withAgeAtArrival(base, [{ dateOfBirth, source: 'on record' }], receivedAt, zone);
}

/**
 * POL-09's blocker as intake words it for a child by a date of birth: the age's basis in brackets (policeStationFindings
 * and validateTransfer write `under 18 (${ageBasis})`; withAgeAtArrival writes the basis). A flag gives no brackets.
 */
const RECORDED_AGE_BASIS =
  /^A police station can never be a place of safety for a person under 18 \((born [^()]+ by the date of birth (?:given|on record): \d+ on [^()]+, the day of arrival)\)/;

/**
 * POL-09 (s.136A(1)): a s.136 or s.135(1) context kept as a child (`personUnder18`) without the `ageBasis` that says a
 * date of birth decided it (as referrals recorded before the basis was kept with the context are), with the basis put
 * back from what the referral recorded: the POL-09 blocker intake gave it names the date of birth it rested on. Without
 * such a finding nothing says the flag was not given at intake, and the age stands (withAgeOnRecord). Anything else is
 * returned as it is.
 */
export function withRecordedAgeBasis(
  context: LegalContext,
  findings: ReadonlyArray<Pick<Finding, 'rule' | 'code' | 'message'>>,
): LegalContext {
  if ((context.kind !== 's136' && context.kind !== 's135-1') || context.personUnder18 !== true || context.ageBasis) return context;
  for (const f of findings) {
    const basis = f.rule === 'POL-09' && f.code === 'police-station-under-18' ? RECORDED_AGE_BASIS.exec(f.message)?.[1] : undefined;
    if (basis) return { ...context, ageBasis: basis };
  }
  return context;
}

/** s.136A(1): a police station may not be a place of safety for a person under this age. */
const ADULT_AGE = 18;

/** A calendar date as a duty AMHP reads it: "Sat 7 Mar 2026". */
export function formatDay(day: IsoDate): string {
  const p: Record<string, string> = {};
  for (const part of DAY_FORMAT.formatToParts(new Date(`${day}T00:00:00Z`))) p[part.type] = part.value;
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });

/**
 * Where the person was held at `at` (s.136(3), s.135(3A)): the place of the last move at or before it, else the first
 * place of safety; every place when `at` is not given (then a police station anywhere in the detention counts).
 */
export function placesOfSafetyAt(context: LegalContext, at?: Instant): Array<PlaceOfSafetyType | undefined> {
  if (context.kind !== 's136' && context.kind !== 's135-1') return [];
  const moves = [...(context.transfers ?? [])].sort((a, b) => a.at.getTime() - b.at.getTime());
  if (!at) return [context.placeOfSafetyType, ...moves.map((t) => t.placeOfSafetyType)];
  const last = moves.filter((t) => t.at.getTime() <= at.getTime()).at(-1);
  return [last ? last.placeOfSafetyType : context.placeOfSafetyType];
}

/** Whether the person was held at a police station (at `at`, or at any time of the detention). */
function isPoliceStation(context: LegalContext, at?: Instant): boolean {
  return placesOfSafetyAt(context, at).includes('police-station');
}

/**
 * POL-09 (s.136A(1); SI 2017/1036 reg 2): the findings about a police station as the place of safety, with the age
 * `context` holds (withAgeAtArrival, withAgeOnRecord): a blocker for a child (move them now), else the warnings for an
 * adult (the inspector's authorisation) and for an age not known. `where`: a police station anywhere in the detention
 * (`any`, at intake), or where the person is held now (`current`: the last move recorded, else the first place), as
 * a referral's findings are judged again when the age known or the place changes. Empty for other powers.
 */
export function policeStationFindings(context: LegalContext, zone: string, where: 'any' | 'current'): Finding[] {
  if (context.kind !== 's136' && context.kind !== 's135-1') return [];
  const places = placesOfSafetyAt(context);
  if (!(where === 'any' ? places : places.slice(-1)).includes('police-station')) return [];
  const citation = citationOf('POL-09');
  const finding = (severity: Finding['severity'], code: string, message: string): Finding => ({
    rule: 'POL-09',
    severity,
    code,
    message,
    citation,
  });
  if (context.personUnder18 === true)
    return [
      finding(
        'blocker',
        'police-station-under-18',
        `A police station can never be a place of safety for a person under 18${context.ageBasis ? ` (${context.ageBasis})` : ''}: the child must be moved to another place of safety now. The detention is recorded and counted; its 24 hours still run from ${context.kind === 's136' && context.keptAt ? 'the decision to keep them' : 'arrival'}.`,
      ),
    ];
  return [
    ...(context.personUnder18 === undefined
      ? [
          finding(
            'warning',
            'police-station-age-unknown',
            "Confirm the person's age: a police station can never be a place of safety for a person under 18.",
          ),
        ]
      : []),
    finding(
      'warning',
      context.inspectorAuthorisedAt ? 'police-station-adult' : 'police-station-adult-no-inspector',
      context.inspectorAuthorisedAt
        ? `A police station is the place of safety (inspector's authorisation at ${formatLocal(context.inspectorAuthorisedAt, zone)}): lawful for an adult only when their behaviour poses an imminent risk of serious injury or death and no other place of safety can reasonably be expected to detain them.`
        : "A police station is the place of safety: for an adult this needs an inspector's (or above) authorisation, an imminent risk of serious injury or death, and no other suitable place of safety. Record the authorisation.",
    ),
  ];
}

export interface ExtensionOutcome {
  /** The deadline after the valid extension, if any. */
  deadline: Instant;
  extendedBy: number;
  /** The extension that was applied (at most one). */
  applied: S136BExtension | null;
  /** Findings for every extension offered, in order of authorisation; blocked ones were not applied. */
  findings: Finding[];
}

/**
 * POL-08: applies the s.136B extensions in order of authorisation. Each is validated against the deadline as it
 * stands, so the first valid one extends the 24 hours and any later one is a second extension and refused.
 */
export function applyExtensions(
  context: LegalContext,
  extensions: readonly S136BExtension[],
  zone: string = DEFAULT_CLOCK_POLICY.timeZone,
): ExtensionOutcome {
  const start = placeOfSafetyAnchor(context, zone);
  let deadline = start ? hoursAfter(start.anchor, PLACE_OF_SAFETY_HOURS) : new Date(NaN);
  let applied: S136BExtension | null = null;
  const findings: Finding[] = [];
  const ordered = [...extensions].sort((a, b) => a.authorisedAt.getTime() - b.authorisedAt.getTime());
  for (const ext of ordered) {
    const found = validateExtension(context, deadline, ext, zone);
    findings.push(...found);
    if (start && !found.some((f) => f.severity === 'blocker')) {
      deadline = hoursAfter(deadline, ext.hours);
      applied = ext;
    }
  }
  return { deadline, extendedBy: applied ? applied.hours : 0, applied, findings };
}

function placeOfSafetyClocks(context: S136Context | S135Context, extensions: readonly S136BExtension[], policy: ClockPolicy): Clock[] {
  const zone = policy.timeZone;
  const start = placeOfSafetyAnchor(context, zone);
  if (!start) return [];
  const s136 = context.kind === 's136';
  const outcome = applyExtensions(context, extensions, zone);
  const extension = outcome.applied
    ? `, extended by ${formatHours(outcome.extendedBy)} under s.136B (authorised ${formatLocal(outcome.applied.authorisedAt, zone)} by ${describeAuthorisingDoctor(outcome.applied)}, because of the person's condition)`
    : '';
  const clocks: Clock[] = [
    {
      id: s136 ? 'POL-07' : 'POL-04',
      label: s136 ? 'Section 136: detention at a place of safety' : 'Section 135(1): detention at a place of safety',
      rule: s136 ? 'POL-07' : 'POL-04',
      citation: citationOf(s136 ? 'POL-07' : 'POL-04'),
      anchor: start.anchor,
      deadline: outcome.deadline,
      extendedBy: outcome.extendedBy,
      // POL-07 / POL-04 (C5): 24 elapsed hours from the anchor, plus at most one s.136B extension (POL-08).
      basis: `${PLACE_OF_SAFETY_HOURS} hours (elapsed) from ${start.describe}${extension}; ends ${formatLocal(outcome.deadline, zone)}.${movesText(context, zone)}`,
      provisional: start.provisional,
    },
  ];
  // COP-09 ✱: the Code's expectation that the assessment starts promptly (commonly 3 h), a local target.
  if (policy.assessmentStartMinutes !== null) {
    const deadline = minutesAfter(start.anchor, policy.assessmentStartMinutes);
    clocks.push({
      id: 'COP-09',
      label: 'Place-of-safety assessment to start (local target)',
      rule: 'COP-09',
      citation: citationOf('COP-09'),
      anchor: start.anchor,
      deadline,
      extendedBy: 0,
      basis: `Local target ✱: the AMHP and doctor start the assessment within ${policy.assessmentStartMinutes} minutes of ${start.describe}; separate from the statutory ${PLACE_OF_SAFETY_HOURS} hours.`,
      provisional: start.provisional,
    });
  }
  return clocks;
}

/** " Moved to … at …" for each move recorded (s.136(3), s.135(3A)), saying the period runs on; empty when none. */
function movesText(context: S136Context | S135Context, zone: string): string {
  const moves = [...(context.transfers ?? [])].sort((a, b) => a.at.getTime() - b.at.getTime());
  if (!moves.length) return '';
  const each = moves.map(
    (t) =>
      `to ${t.place ? `${t.place} (${PLACE_LABELS[t.placeOfSafetyType]})` : PLACE_LABELS[t.placeOfSafetyType]} at ${formatLocal(t.at, zone)}`,
  );
  return ` Moved ${each.join(', then ')} (${context.kind === 's136' ? 's.136(3)' : 's.135(3A)'}): the period runs on from its start.`;
}

const PLACE_LABELS: Record<PlaceOfSafetyType, string> = {
  'health-based': 'a health-based place of safety',
  'police-station': 'a police station',
  'a-and-e': 'A&E',
  'private-dwelling': 'a private dwelling',
  other: 'another place of safety',
};

/** When a s.5(2)'s 72 hours begin (HOLD-01, HOLD-02), as s5_2Start judges it. */
export interface S5_2Start {
  anchor: Instant;
  /** The 72 hours run from the s.5(4) record (s.5(5)): the report was furnished while the nurse's holding power was in force. */
  chained: boolean;
  /** A s.5(4) record is given but its 6 hours had run out when the report was furnished: when they did; else null. */
  lapsedAt: Instant | null;
}

/**
 * HOLD-01 (s.5(2)) and HOLD-02 (s.5(4), (5)): the one judgement of when a s.5(2) holding power's 72 hours begin, for the
 * clock and for the intake's warning. They run from the H1 report being furnished to the managers, except for a
 * patient held by virtue of a nurse's s.5(4) record when the report is furnished: then from that record (s.5(5)).
 * A s.5(4) lasts 6 hours from its record (half-open: at the sixth hour it has ended), so a report furnished at or
 * after that does not follow it: the patient was no longer detained by virtue of the record, the 72 hours run from
 * the report, and the time in between had no authority (intakeFindings says so).
 */
export function s5_2Start(context: { h1FurnishedAt: Instant; precededBy5_4At?: Instant }): S5_2Start {
  const record = context.precededBy5_4At;
  if (!record) return { anchor: context.h1FurnishedAt, chained: false, lapsedAt: null };
  const lapsedAt = hoursAfter(record, S5_4_HOURS);
  if (context.h1FurnishedAt.getTime() < lapsedAt.getTime()) return { anchor: record, chained: true, lapsedAt: null };
  return { anchor: context.h1FurnishedAt, chained: false, lapsedAt };
}

/**
 * Whether an arrival not known at intake may be recorded on this legal context (POST /referrals/{id}/arrival): only
 * where a clock runs from it and none is recorded yet: a recalled patient's detention in hospital beginning (CTO-03,
 * s.17F(8)), or a person under a s.135(1) warrant reaching the place of safety (POL-04, s.135(3ZA)(a)(i)), not one kept
 * at the premises (s.135(1A), whose clock runs from the entry). Why not, when it may not.
 */
export function arrivalRecordable(
  context: LegalContext,
): { ok: true } | { ok: false; code: 'arrival-not-applicable' | 'arrival-already-recorded'; why: string } {
  if (context.kind === 's135-1' && context.keptAtPremises)
    return {
      ok: false,
      code: 'arrival-not-applicable',
      why: 'The person was kept at the premises named in the warrant (s.135(1A)): the period runs from the constable first entering them, not from an arrival.',
    };
  if (context.kind !== 'cto-recall' && context.kind !== 's135-1')
    return {
      ok: false,
      code: 'arrival-not-applicable',
      why: `This referral's legal context (${context.kind}) has no clock that runs from an arrival: it is recorded only for a CTO recall (s.17F(8)) or a s.135(1) removal to a place of safety (s.135(3ZA)).`,
    };
  if (context.arrivedAt) return { ok: false, code: 'arrival-already-recorded', why: 'The arrival is already recorded.' };
  return { ok: true };
}

/** The times on a legal context that a clock runs from, which a correction may move (POST /referrals/{id}/time-corrections). */
export const CORRECTABLE_TIMES = [
  'arrivedAt',
  'keptAt',
  'firstEnteredAt',
  'warrantExecutedAt',
  'h1FurnishedAt',
  'precededBy5_4At',
  'recordMadeAt',
  'recalledAt',
] as const;
export type CorrectableTime = (typeof CORRECTABLE_TIMES)[number];

/**
 * APP-11 (s.4(4)): the admission under a s.4 emergency application, which its 72 hours run from. It is kept on the
 * assessment that made the application (its timeline's first `admitted`), not on the legal context, so any referral
 * may have one; POST /referrals/{id}/time-corrections corrects it with the legal context's times.
 */
export const S4_ADMISSION_TIME = 's4AdmittedAt';
/** Every time POST /referrals/{id}/time-corrections corrects: the legal context's, and a s.4's admission. */
export const CORRECTION_TIMES = [...CORRECTABLE_TIMES, S4_ADMISSION_TIME] as const;
export type CorrectionTime = (typeof CORRECTION_TIMES)[number];

/**
 * Whether the recorded time `time` of this legal context may be corrected, earlier or later (the police or the ward
 * gave a wrong time): only a time recorded on it that a statutory clock runs from: s.136 arrival at the place of
 * safety or decision to keep (s.136(2A), POL-07); s.135(1) warrant executed, arrival or first entry (s.135(3ZA),
 * POL-04); s.5(2) report furnished and the s.5(4) record before it (s.5(2), s.5(5), HOLD-01); s.5(4) record
 * (s.5(4), HOLD-02); CTO recall notice and arrival (s.17F(8), CTO-03). An arrival not yet recorded is recorded, not
 * corrected (POST /referrals/{id}/arrival). Why not, when it may not.
 */
export function timeCorrectable(
  context: LegalContext,
  time: CorrectableTime,
): { ok: true; current: Instant } | { ok: false; code: 'time-not-applicable' | 'time-not-recorded'; why: string } {
  const times: Partial<Record<CorrectableTime, Instant | undefined>> =
    context.kind === 's136'
      ? { arrivedAt: context.arrivedAt, keptAt: context.keptAt }
      : context.kind === 's135-1'
        ? {
            warrantExecutedAt: context.warrantExecutedAt,
            ...(context.keptAtPremises ? { firstEnteredAt: context.firstEnteredAt } : { arrivedAt: context.arrivedAt }),
          }
        : context.kind === 's5-2'
          ? { h1FurnishedAt: context.h1FurnishedAt, precededBy5_4At: context.precededBy5_4At }
          : context.kind === 's5-4'
            ? { recordMadeAt: context.recordMadeAt }
            : context.kind === 'cto-recall'
              ? { recalledAt: context.recalledAt, arrivedAt: context.arrivedAt }
              : {};
  if (!(time in times))
    return {
      ok: false,
      code: 'time-not-applicable',
      why: `This referral's legal context (${context.kind}) has no ${time} that a clock runs from${Object.keys(times).length ? `: its times are ${Object.keys(times).join(', ')}` : ''}.`,
    };
  const current = times[time];
  if (!current)
    return {
      ok: false,
      code: 'time-not-recorded',
      why:
        time === 'arrivedAt'
          ? 'No arrival is recorded yet: record it (POST /referrals/{id}/arrival) rather than correct it.'
          : `No ${time} is recorded on this referral: there is nothing to correct.`,
    };
  return { ok: true, current };
}

/**
 * The findings made at intake that still stand: less the warning that no arrival was recorded, once one is
 * (recordArrival). `context` as stored or as the clocks take it: only its kind and whether it has an arrival are read.
 */
export function standingIntakeFindings<F extends { code: string }>(findings: F[], context: { kind: string; arrivedAt?: unknown }): F[] {
  const arrived = (context.kind === 'cto-recall' || context.kind === 's135-1') && !!context.arrivedAt;
  return arrived ? findings.filter((f) => f.code !== 'arrival-not-recorded') : findings;
}

/**
 * CTO-03 (s.17F(8)): when a recalled patient's detention in hospital under the recall notice began, from which their
 * 72 hours run: the arrival recorded, else (provisionally) the notice, the earliest it can be. An arrival recorded
 * before the notice (impossible: intakeFindings refuses it) counts from the notice.
 */
export function recallDetentionStart(context: Extract<LegalContext, { kind: 'cto-recall' }>): { anchor: Instant; provisional: boolean } {
  const { recalledAt, arrivedAt } = context;
  if (!arrivedAt) return { anchor: recalledAt, provisional: true };
  return { anchor: arrivedAt.getTime() < recalledAt.getTime() ? recalledAt : arrivedAt, provisional: false };
}

/** The statutory (and ✱ statute-adjacent) clocks a legal context starts, without the local response target. */
function statutoryClocks(
  context: LegalContext,
  extensions: readonly S136BExtension[],
  policy: ClockPolicy,
  displacements: readonly DisplacementApplicationFacts[] = [],
): Clock[] {
  const zone = policy.timeZone;
  switch (context.kind) {
    case 'informal':
      // DUTY-01 (s.13(1)): a duty to consider the case, but no statutory clock; the local target applies.
      return [];
    case 's135-2':
      // POL-03 (s.135(2)): the patient is already liable to be taken or retaken under their own section, which is
      // the authority to hold them; no place-of-safety clock is computed for it.
      return [];
    case 's136':
    case 's135-1':
      return placeOfSafetyClocks(context, extensions, policy);
    case 's5-4': {
      // HOLD-02 (s.5(4)): 6 elapsed hours from the time the nurse's record is made (C5).
      const deadline = hoursAfter(context.recordMadeAt, S5_4_HOURS);
      return [
        {
          id: 'HOLD-02',
          label: "Section 5(4): nurse's holding power",
          rule: 'HOLD-02',
          citation: citationOf('HOLD-02'),
          anchor: context.recordMadeAt,
          deadline,
          extendedBy: 0,
          basis: `${S5_4_HOURS} hours (elapsed) from the s.5(4) record made at ${formatLocal(context.recordMadeAt, zone)}; ends ${formatLocal(deadline, zone)}, or earlier when a doctor or approved clinician who can furnish a s.5(2) report arrives. Not renewable.`,
          provisional: false,
        },
      ];
    }
    case 's5-2': {
      const { anchor, chained, lapsedAt } = s5_2Start(context);
      const from = chained
        ? `the s.5(4) record made at ${formatLocal(anchor, zone)} (s.5(5)), not the H1 report furnished at ${formatLocal(context.h1FurnishedAt, zone)}; the s.5(4) holding power and its 6-hour clock are superseded by this s.5(2)`
        : lapsedAt
          ? `the H1 report furnished to the managers at ${formatLocal(anchor, zone)}; the s.5(4) record made at ${formatLocal(context.precededBy5_4At!, zone)} had lapsed at ${formatLocal(lapsedAt, zone)}, before the report, so its time does not count towards the 72 hours (s.5(5))`
          : `the H1 report furnished to the managers at ${formatLocal(anchor, zone)}`;
      const deadline = hoursAfter(anchor, S5_2_HOURS);
      return [
        {
          id: 'HOLD-01',
          label: 'Section 5(2): holding power',
          rule: chained ? 'HOLD-02' : 'HOLD-01',
          citation: chained ? 'MHA 1983 s.5(2), s.5(5)' : citationOf('HOLD-01'),
          anchor,
          deadline,
          extendedBy: 0,
          basis: `${S5_2_HOURS} hours (elapsed) from ${from}; ends ${formatLocal(deadline, zone)}. Not renewable.`,
          provisional: false,
        },
      ];
    }
    case 'cto-recall': {
      // CTO-03 (s.17F(4)-(5), (8)): 72 elapsed hours (C5) from the start of the patient's detention in hospital under
      // the recall notice, not from the notice: a patient found and conveyed days later has their 72 hours from then.
      const { anchor, provisional } = recallDetentionStart(context);
      const deadline = hoursAfter(anchor, CTO_RECALL_HOURS);
      const from = provisional
        ? `the recall notice at ${formatLocal(anchor, zone)}, standing in for the start of the detention in hospital under it (arrival), which is not recorded: the deadline may be earlier than the true one, never later`
        : `the start of the detention in hospital under the recall at ${formatLocal(anchor, zone)} (s.17F(8))${anchor.getTime() === context.recalledAt.getTime() ? '' : `; recall notice ${formatLocal(context.recalledAt, zone)}`}`;
      return [
        {
          id: 'CTO-03',
          label: 'CTO recall: AMHP decision on revocation',
          rule: 'CTO-03',
          citation: citationOf('CTO-03'),
          anchor,
          deadline,
          extendedBy: 0,
          basis: `${CTO_RECALL_HOURS} hours (elapsed) from ${from}; ends ${formatLocal(deadline, zone)}. Revocation needs the AMHP's written agreement within it; if the CTO is not revoked by then the patient must be released (s.17F(5)).`,
          provisional,
        },
      ];
    }
    case 'already-s3':
      // CTO-01 (s.17A(1)-(2)): the patient's own s.3 (or unrestricted hospital order) is the authority; its renewals
      // (s.20) are not recorded here, so no clock is computed for its period.
      return [];
    case 'already-s2': {
      // APP-17 (s.2(4), C4): 28 days beginning with the admission day (a local date); it lapses at the end of the
      // 28th day, i.e. at the first instant of the 29th (half-open), whatever the hour of admission. NR-11 (s.29(4)):
      // a s.29 application on ground (c) or (d) made while it is in force extends it (s2End, the one judgement of it);
      // while that application is undecided the clock stops (clockStop), as the s.2 then has no end date.
      const judged = s2End(context.admittedAt, displacements, zone, policy.s29AppealDays);
      const { admissionDay, lastDay, extension } = judged;
      const unextended = `${S2_DAYS} days beginning with the day of admission (${admissionDay}, day 1), so it would lapse at the end of ${lastDay} (${formatLocal(judged.unextendedEnd, zone)}). Not renewable`;
      const basis =
        extension.kind === 'decided'
          ? `${unextended}; EXTENDED (NR-11, s.29(4)) by the displacement application filed at ${formatLocal(extension.by.filedAt, zone)}, while the s.2 was in force, ${s29ExtensionWords(extension.by, policy.s29AppealDays)}: it lapses at the end of ${extension.lastDay} (${formatLocal(extension.end, zone)})${appealStillPossible(extension.by) ? ', later if an appeal is brought in that time' : ''}.`
          : extension.kind === 'none'
            ? `${unextended}; extended only by a s.29 displacement application on ground (c) or (d) made while it is in force (NR-11, s.29(4)), and none is recorded.`
            : extension.kind === 'pending' && appealPending(extension.by)
              ? `${unextended}; EXTENDED (NR-11, s.29(4)) by the displacement application filed at ${formatLocal(extension.by.filedAt, zone)}, while the s.2 was in force: ${s29PendingWords(extension.by)}. The s.2 has no end date while the appeal is pending: it ends on the day the appeal is determined or withdrawn, ${S29_ORDER_FURTHER_DAYS} days after it if an order then stands.`
              : `${unextended}; EXTENDED (NR-11, s.29(4)) by the displacement application filed at ${formatLocal(extension.by.filedAt, zone)}, while the s.2 was in force: it continues until the court finally disposes of the application (including the ${policy.s29AppealDays} days allowed for an appeal), and ${S29_ORDER_FURTHER_DAYS} days more if an order is made.`;
      return [
        {
          id: 'APP-17',
          label:
            extension.kind === 'none'
              ? 'Section 2: detention for assessment lapses'
              : 'Section 2: detention for assessment lapses (extended under s.29(4))',
          rule: 'APP-17',
          citation: citationOf('APP-17'),
          anchor: context.admittedAt,
          deadline: judged.end,
          extendedBy: 0,
          basis,
          provisional: false,
        },
      ];
    }
  }
}

/**
 * NR-11 (s.29(5)): the outcome of an appeal against the court's decision on a s.29 application: determined (the order
 * upheld or set aside; the refusal upheld, or reversed with an order made) or withdrawn.
 */
export const S29_APPEAL_OUTCOMES = ['order-upheld', 'order-set-aside', 'refusal-upheld', 'refusal-reversed', 'withdrawn'] as const;
export type S29AppealOutcome = (typeof S29_APPEAL_OUTCOMES)[number];

/** NR-11 (s.29(5)): an appeal brought against the court's decision on a s.29 application, as far as it has gone. */
export interface S29AppealFacts {
  /** The day the appeal was lodged: on or after the decision, within the time for appealing. */
  lodgedOn: IsoDate;
  /** Null while the appeal is not determined or withdrawn. */
  outcome: S29AppealOutcome | null;
  /** The day it was determined or withdrawn; null while it is pending. */
  disposedOn: IsoDate | null;
}

/** NR-11: a s.29 application on ground (c) or (d), as far as the court has taken it. */
export interface DisplacementApplicationFacts {
  filedAt: Instant;
  status: 'applied' | 'interim-order' | 'order' | 'refused' | 'withdrawn';
  /** The day the court finally decided it (the order made, refused) or it was withdrawn; null while pending or unknown. */
  disposedOn: IsoDate | null;
  /** An appeal brought against the decision (s.29(5)); absent or null when none is recorded. */
  appeal?: S29AppealFacts | null;
}

/**
 * NR-11: the s.29 applications as known at `at`: filed by then, and still undecided if the court decided them after
 * that (local) day; an appeal lodged after that day is not known, and one disposed of after it is still pending.
 */
export function displacementsKnownAt(
  applications: readonly DisplacementApplicationFacts[],
  at: Instant,
  zone: string,
): DisplacementApplicationFacts[] {
  const day = localDate(at, zone);
  return applications
    .filter((d) => d.filedAt.getTime() <= at.getTime())
    .map((d) => {
      if (d.disposedOn && d.disposedOn > day) {
        const { appeal: _, ...undecided } = d;
        return { ...undecided, status: 'applied' as const, disposedOn: null };
      }
      if (!d.appeal) return d;
      if (d.appeal.lodgedOn > day) return { ...d, appeal: null };
      if (d.appeal.disposedOn && d.appeal.disposedOn > day) return { ...d, appeal: { ...d.appeal, outcome: null, disposedOn: null } };
      return d;
    });
}

/** s.29(4)(b): the further days a s.2 runs after the court makes an order on a (c) or (d) application. */
export const S29_ORDER_FURTHER_DAYS = 7;

function assertAppealDays(appealDays: number): void {
  if (!Number.isInteger(appealDays) || appealDays < 1)
    throw new RangeError(`appealDays must be a whole number of days, at least 1, not ${appealDays}`);
}

/** NR-11: an appeal lodged against the decision and not yet determined or withdrawn (s.29(5)). */
export function appealPending(d: Pick<DisplacementApplicationFacts, 'appeal'>): boolean {
  return !!d.appeal && (d.appeal.outcome === null || d.appeal.disposedOn === null);
}

/**
 * NR-11 (s.29(4)(b)): whether an order stands once the application is finally disposed of, so that the s.2 runs seven
 * days more. Without an appeal, when the court made one. After an appeal: the order upheld, or a refusal reversed with
 * an order made, stands; an order set aside, or a refusal upheld, leaves none; a withdrawn appeal leaves the decision
 * appealed from as it was (an order stands if the court had made one).
 */
export function s29OrderStands(status: DisplacementApplicationFacts['status'], outcome: S29AppealOutcome | null = null): boolean {
  if (outcome === 'order-upheld' || outcome === 'refusal-reversed') return true;
  if (outcome === 'order-set-aside' || outcome === 'refusal-upheld') return false;
  return status === 'order';
}

/** A s.29 application the court has disposed of (or that was withdrawn), on a recorded day. */
export type DecidedDisplacement = Omit<DisplacementApplicationFacts, 'status' | 'disposedOn'> & {
  status: 'order' | 'refused' | 'withdrawn';
  disposedOn: IsoDate;
};

/**
 * NR-11 (s.29(4), (5)): the last day of a s.2 extended by a s.29 application decided on `d.disposedOn`, with `appealDays`
 * (the S29_APPEAL_DAYS setting) allowed for an appeal:
 * - no appeal: a refusal is finally disposed of when the time for appealing has passed (`appealDays` after the
 *   decision), an order then too and the s.2 runs a further S29_ORDER_FURTHER_DAYS (s.29(4)(b)); a withdrawn
 *   application is disposed of the day it was withdrawn (there is no decision to appeal);
 * - an appeal brought and determined or withdrawn: finally disposed of that day, and seven days more when an order
 *   stands after it (s29OrderStands). While it is pending there is no last day (appealPending; s2End says so).
 */
export function s29ExtendedLastDay(d: DecidedDisplacement, appealDays: number): IsoDate {
  assertAppealDays(appealDays);
  const appeal = d.appeal;
  if (appeal?.outcome && appeal.disposedOn)
    return addDaysIso(appeal.disposedOn, s29OrderStands(d.status, appeal.outcome) ? S29_ORDER_FURTHER_DAYS : 0);
  if (d.status === 'withdrawn') return d.disposedOn;
  return addDaysIso(d.disposedOn, appealDays + (d.status === 'order' ? S29_ORDER_FURTHER_DAYS : 0));
}

const APPEAL_OUTCOME_TEXT: Record<S29AppealOutcome, string> = {
  'order-upheld': 'determined, upholding the order',
  'order-set-aside': 'determined, setting the order aside',
  'refusal-upheld': 'determined, upholding the refusal',
  'refusal-reversed': 'determined, reversing the refusal and making an order',
  withdrawn: 'withdrawn',
};

/** How a decided s.29 application's extension of a s.2 is counted, in words (NR-11, s.29(4), (5)). */
export function s29ExtensionWords(d: DecidedDisplacement, appealDays: number): string {
  const decided =
    d.status === 'withdrawn'
      ? `withdrawn on ${d.disposedOn}`
      : d.status === 'refused'
        ? `refused on ${d.disposedOn}`
        : `decided with an order on ${d.disposedOn}`;
  const appeal = d.appeal;
  if (appeal?.outcome && appeal.disposedOn) {
    const stands = s29OrderStands(d.status, appeal.outcome);
    return `${decided}; an appeal lodged on ${appeal.lodgedOn} was ${APPEAL_OUTCOME_TEXT[appeal.outcome]} on ${appeal.disposedOn}, so finally disposed of that day (s.29(5))${stands ? `, and with the order standing ${S29_ORDER_FURTHER_DAYS} days more (s.29(4)(b))` : ', with no order standing'}`;
  }
  const time = `the ${appealDays} days allowed for an appeal (s.29(5))`;
  if (d.status === 'withdrawn') return `${decided}, so disposed of that day`;
  if (d.status === 'refused') return `${decided}, and finally disposed of when ${time} have passed`;
  return `${decided}, finally disposed of when ${time} have passed, and ${S29_ORDER_FURTHER_DAYS} days more (s.29(4)(b))`;
}

/** Whether a later appeal could still change the end (none brought, and the decision is one that can be appealed). */
export function appealStillPossible(d: DecidedDisplacement): boolean {
  return !d.appeal && d.status !== 'withdrawn';
}

/**
 * NR-11 (s.29(5)): why a s.29 application made during a s.2 keeps it in force with no end date (s2End's 'pending'), in
 * words: before the court, or an appeal against its decision lodged and not yet determined or withdrawn.
 */
export function s29PendingWords(d: DisplacementApplicationFacts): string {
  if (d.appeal && appealPending(d))
    return `an appeal against the court's decision of ${d.disposedOn ?? '(day not recorded)'} (${d.status === 'order' ? 'an order' : d.status}) was lodged on ${d.appeal.lodgedOn} and is pending, not yet determined or withdrawn, so the application is not finally disposed of (s.29(5))`;
  return 'the court has not yet decided it';
}

/** Why an appeal (or its outcome) cannot be recorded as given: the field, a stable code and the words (NR-11). */
export interface S29AppealProblem {
  field: 'lodgedOn' | 'outcome' | 'disposedOn';
  code: string;
  message: string;
}

/**
 * NR-11 (s.29(5)) ✱: whether an appeal lodged on `lodgedOn` against a decision of `decidedOn` can be recorded on
 * `today`: not in the future, not before the decision, and within the time for appealing, `appealDays` after the
 * decision (the last day to lodge is the decision's day + appealDays, the day the application would otherwise be
 * finally disposed of). One lodged later is out of time: it does not keep the application undisposed of (a late appeal
 * needs the court's leave, which the hub does not record), so it is refused rather than extending a s.2.
 */
export function s29AppealLodgingProblem(
  decidedOn: IsoDate,
  lodgedOn: IsoDate,
  today: IsoDate,
  appealDays: number,
): S29AppealProblem | null {
  assertAppealDays(appealDays);
  const lastDay = addDaysIso(decidedOn, appealDays);
  if (lodgedOn > today)
    return { field: 'lodgedOn', code: 'in-future', message: `lodgedOn (${lodgedOn}) must not be in the future (today is ${today}).` };
  if (lodgedOn < decidedOn)
    return {
      field: 'lodgedOn',
      code: 'appeal-before-decision',
      message: `NR-11 (s.29(5)): an appeal is brought against the court's decision of ${decidedOn}; lodgedOn (${lodgedOn}) cannot be before it.`,
    };
  if (lodgedOn > lastDay)
    return {
      field: 'lodgedOn',
      code: 'appeal-out-of-time',
      message: `NR-11 (s.29(5)): the time for appealing the decision of ${decidedOn} is ${appealDays} days, to the end of ${lastDay}; an appeal lodged on ${lodgedOn} is out of time and does not keep the application from being finally disposed of.`,
    };
  return null;
}

/** NR-11: the outcomes an appeal against each decision can have (an order is upheld or set aside; a refusal upheld or reversed). */
export const S29_APPEAL_OUTCOMES_FOR: Readonly<Record<'order' | 'refused', readonly S29AppealOutcome[]>> = {
  order: ['order-upheld', 'order-set-aside', 'withdrawn'],
  refused: ['refusal-upheld', 'refusal-reversed', 'withdrawn'],
};

/**
 * NR-11 (s.29(5)): whether an appeal lodged on `lodgedOn` against a decision (`status`: an order, or a refusal) can be
 * recorded as ended with `outcome` on `disposedOn`, on `today`: an outcome that fits the decision appealed against, on
 * or after the lodging, not in the future.
 */
export function s29AppealDisposalProblem(
  status: 'order' | 'refused',
  lodgedOn: IsoDate,
  outcome: S29AppealOutcome,
  disposedOn: IsoDate,
  today: IsoDate,
): S29AppealProblem | null {
  const allowed = S29_APPEAL_OUTCOMES_FOR[status];
  if (!allowed.includes(outcome))
    return {
      field: 'outcome',
      code: 'appeal-outcome-mismatch',
      message: `NR-11: the appeal is against ${status === 'order' ? 'an order' : 'a refusal'}, so its outcome is one of ${allowed.join(', ')}, not ${outcome}.`,
    };
  if (disposedOn > today)
    return { field: 'disposedOn', code: 'in-future', message: `disposedOn (${disposedOn}) must not be in the future (today is ${today}).` };
  if (disposedOn < lodgedOn)
    return {
      field: 'disposedOn',
      code: 'appeal-disposed-before-lodged',
      message: `NR-11 (s.29(5)): the appeal was lodged on ${lodgedOn}; it cannot have been determined or withdrawn before that (disposedOn ${disposedOn}).`,
    };
  return null;
}

/** How a s.29 application extends a s.2 (NR-11), as s2End judges it. */
export type S2Extension =
  /** Not extended: no application was made while the s.2 was in force. */
  | { kind: 'none' }
  /**
   * Extended while this application, made during the s.2, is undecided, or an appeal against its decision is pending
   * (s.29(5)): the s.2 has no end date until it is finally disposed of.
   */
  | { kind: 'pending'; by: DisplacementApplicationFacts }
  /** Decided, but the day it was decided is not recorded: the end cannot be known. */
  | { kind: 'end-unknown'; by: DisplacementApplicationFacts }
  /**
   * Decided: the s.2 runs to the end of `lastDay`: the decision, the time allowed for an appeal (s.29(5)) and, after an
   * order, seven days more, or the appeal's determination or withdrawal and seven days more if an order stands
   * (s29ExtendedLastDay); later still if an appeal is brought in the time allowed (appealStillPossible).
   */
  | { kind: 'decided'; by: DecidedDisplacement; lastDay: IsoDate; end: Instant };

/** APP-17 with NR-11: when a s.2 ends, from its admission and the s.29 applications on ground (c) or (d). */
/** A s.2 with no end date yet (NR-11, s.29(4)): a displacement application made during it is undecided, or its decision's day is not recorded. */
export function endNotKnown(extension: S2Extension): extension is Extract<S2Extension, { kind: 'pending' | 'end-unknown' }> {
  return extension.kind === 'pending' || extension.kind === 'end-unknown';
}

/**
 * APP-22 (s.23, s.2(4), s.6(4)): the end recorded of a s.2 after the fact: a discharge, its lapse at the 28 days, or
 * admission under a s.3 (`at`). On the referral (POST /referrals/{id}/detention-end, for the s.2 the referral states),
 * or on the hub's own assessment that made it (POST /assessments/{id}/detention-end; `assessmentId` names it).
 */
export interface S2Ended {
  kind: DetentionEndKind;
  at: Instant;
  by?: Discharger | null;
  /** The hub's own assessment the end is recorded on; absent when recorded on the referral. */
  assessmentId?: string | null;
}

/**
 * APP-17 (s.2(4)) with APP-22: whether the s.2 judged (s2End) is in force at `at`: not once an end recorded on it
 * (`ended`: a discharge under s.23, its lapse, a s.3 under s.6(4)) has come by then; otherwise while its end is not
 * yet known (a s.29 application pending, NR-11) or not yet reached. The one judgement of it: the s.2 a referral states
 * and the one the hub's own record shows are both judged here.
 */
export function s2InForce(judged: Pick<S2End, 'end' | 'extension'>, at: Instant, ended?: Pick<S2Ended, 'at'> | null): boolean {
  if (ended && ended.at.getTime() <= at.getTime()) return false;
  return endNotKnown(judged.extension) || at.getTime() < judged.end.getTime();
}

export interface S2End {
  admissionDay: IsoDate;
  /** The 28th day (C4) and the instant the unextended s.2 lapses (the end of that day). */
  lastDay: IsoDate;
  unextendedEnd: Instant;
  /** The end with any extension applied: the unextended end unless `extension` is 'decided' beyond it. */
  end: Instant;
  extension: S2Extension;
  /** The latest application filed before the admission (it does not extend this s.2), if any. */
  filedBefore: DisplacementApplicationFacts | null;
  /** The first application filed after the s.2 lapsed, when none was made during it (it does not revive it). */
  filedAfterLapse: DisplacementApplicationFacts | null;
}

/**
 * APP-17 (s.2(4), C4) and NR-11 (s.29(4)): the one judgement of when a s.2 admitted at `admittedAt` ends, used by the
 * referral's clock for a patient already on a s.2 and by the checks of an application (a s.2 made, or a s.3 for a
 * patient on a s.2). A displacement application on ground (c) or (d) extends the s.2 only when it was made while the
 * patient was liable to be detained under it: on or after the admission and before the s.2 would have lapsed. It
 * then runs until the application is finally disposed of and, when an order is made, seven days more
 * (s.29(4)(b)). "Finally disposed of" includes the time allowed for an appeal (s.29(5)): a decision is final only when
 * `appealDays` (the S29_APPEAL_DAYS setting) have passed without one; an appeal brought in them keeps the application
 * pending (no end date) until it is determined or withdrawn, and the s.2 then ends as s29ExtendedLastDay counts it.
 */
export function s2End(admittedAt: Instant, applications: readonly DisplacementApplicationFacts[], zone: string, appealDays: number): S2End {
  assertAppealDays(appealDays);
  const admissionDay = localDate(admittedAt, zone);
  const lastDay = lastDayOfPeriod(admissionDay, { days: S2_DAYS });
  const unextendedEnd = endOfLocalDay(lastDay, zone);
  const sorted = [...applications].sort((x, y) => x.filedAt.getTime() - y.filedAt.getTime());
  const before = sorted.filter((d) => d.filedAt.getTime() < admittedAt.getTime());
  const after = sorted.filter((d) => d.filedAt.getTime() >= unextendedEnd.getTime());
  const during = sorted.filter((d) => !before.includes(d) && !after.includes(d));
  const base = {
    admissionDay,
    lastDay,
    unextendedEnd,
    end: unextendedEnd,
    filedBefore: before.length ? before[before.length - 1] : null,
    filedAfterLapse: after.length && !during.length ? after[0] : null,
  };
  const pending = during.find((d) => d.status === 'applied' || d.status === 'interim-order' || appealPending(d));
  if (pending) return { ...base, extension: { kind: 'pending', by: pending } };
  const unknown = during.find((d) => d.disposedOn === null);
  if (unknown) return { ...base, extension: { kind: 'end-unknown', by: unknown } };
  // Every application made during the s.2 is decided: the one that keeps it longest decides its end.
  let latest: { end: Instant; lastDay: IsoDate; by: DecidedDisplacement } | null = null;
  for (const d of during as DecidedDisplacement[]) {
    const endDay = s29ExtendedLastDay(d, appealDays);
    const end = endOfLocalDay(endDay, zone);
    if (!latest || end.getTime() > latest.end.getTime()) latest = { end, lastDay: endDay, by: d };
  }
  if (latest && latest.end.getTime() > unextendedEnd.getTime())
    return { ...base, end: latest.end, extension: { kind: 'decided', by: latest.by, lastDay: latest.lastDay, end: latest.end } };
  return { ...base, extension: { kind: 'none' } };
}

/**
 * Every clock a referral starts: the statutory ones from its legal context (with a valid s.136B extension
 * applied), and the local response target for its urgency (DUTY-01) anchored at receipt.
 */
export function clocksFor(
  context: LegalContext,
  extensions: readonly S136BExtension[],
  targets: ResponseTargets,
  receivedAt: Instant,
  urgency: Urgency,
  policy: ClockPolicy = DEFAULT_CLOCK_POLICY,
  displacements: readonly DisplacementApplicationFacts[] = [],
): Clock[] {
  assertInstant(receivedAt, 'receivedAt');
  for (const d of displacements) assertInstant(d.filedAt, 'displacement application filedAt');
  for (const [name, value] of recordedInstants(context)) assertInstant(value, name);
  for (const ext of extensions) assertInstant(ext.authorisedAt, 'extension authorisedAt');
  assertDuration(targets[urgency], `response target (${urgency})`);
  if (policy.assessmentStartMinutes !== null) assertDuration(policy.assessmentStartMinutes, 'assessmentStartMinutes');

  const clocks = statutoryClocks(context, extensions, policy, displacements);
  // DUTY-01 (s.13(1)) ✱: no statutory clock; a local target per urgency, anchored at receipt (elapsed time, C7).
  const deadline = minutesAfter(receivedAt, targets[urgency]);
  clocks.push({
    id: 'LOCAL-RESPONSE',
    label: `Response target (${urgency})`,
    rule: 'DUTY-01',
    citation: citationOf('DUTY-01'),
    anchor: receivedAt,
    deadline,
    extendedBy: 0,
    basis: `Local target ✱ for ${urgency} referrals: ${targets[urgency]} minutes from receipt at ${formatLocal(receivedAt, policy.timeZone)}; due ${formatLocal(deadline, policy.timeZone)}.`,
    provisional: false,
  });
  return clocks;
}

// ---------------------------------------------------------------------------------------------------------------
// Findings

export interface Finding {
  rule: RuleId;
  severity: 'blocker' | 'warning';
  code: string;
  message: string;
  citation: string;
}

const POL08 = citationOf('POL-08');

/**
 * POL-08 (s.136B): is this extension of place-of-safety detention lawful? `clockDeadline` is the clock's current
 * deadline (`clock.deadline`): when it is already beyond the 24 hours, an extension has been applied and this one
 * would be a second. Empty when valid.
 */
export function validateExtension(
  context: LegalContext,
  clockDeadline: Instant,
  ext: S136BExtension,
  zone: string = DEFAULT_CLOCK_POLICY.timeZone,
): Finding[] {
  const blocker = (code: string, message: string): Finding => ({ rule: 'POL-08', severity: 'blocker', code, message, citation: POL08 });
  const start = placeOfSafetyAnchor(context, zone);
  if (!start) {
    if (context.kind !== 's136' && context.kind !== 's135-1') {
      return [
        blocker(
          'extension-not-applicable',
          `A s.136B extension applies only to detention at a place of safety under s.135 or s.136, not to a ${context.kind} referral.`,
        ),
      ];
    }
    return [
      blocker(
        'extension-without-anchor',
        'The place-of-safety detention has no recorded start (arrival or decision to keep), so no extension can be checked.',
      ),
    ];
  }
  const findings: Finding[] = [];
  const expiry = hoursAfter(start.anchor, PLACE_OF_SAFETY_HOURS);

  // POL-08: at most one extension; the detention never exceeds 36 hours in all.
  if (clockDeadline.getTime() > expiry.getTime()) {
    findings.push(
      blocker(
        'second-extension',
        `The detention has already been extended (to ${formatLocal(clockDeadline, zone)}); s.136B allows one further period of at most ${MAX_EXTENSION_HOURS} hours, ${MAX_PLACE_OF_SAFETY_TOTAL_HOURS} hours in all.`,
      ),
    );
  }
  // POL-08: "a further period not exceeding 12 hours".
  if (!Number.isFinite(ext.hours) || ext.hours <= 0) {
    findings.push(blocker('extension-hours-invalid', `An extension must be a positive number of hours, not ${ext.hours}.`));
  } else if (ext.hours > MAX_EXTENSION_HOURS) {
    findings.push(
      blocker(
        'extension-too-long',
        `An extension of ${formatHours(ext.hours)} is longer than the ${MAX_EXTENSION_HOURS} hours s.136B allows.`,
      ),
    );
  }
  // POL-08: authorised "at any time before the expiry of the period of 24 hours".
  if (ext.authorisedAt.getTime() >= expiry.getTime()) {
    findings.push(
      blocker(
        'extension-after-expiry',
        `The extension was authorised at ${formatLocal(ext.authorisedAt, zone)}, when the 24 hours had already expired (${formatLocal(expiry, zone)}); detention cannot be revived once it has lapsed.`,
      ),
    );
  } else if (ext.authorisedAt.getTime() < start.anchor.getTime()) {
    findings.push(
      blocker(
        'extension-before-detention',
        `The extension was authorised at ${formatLocal(ext.authorisedAt, zone)}, before the detention began (${formatLocal(start.anchor, zone)}).`,
      ),
    );
  }
  // POL-08: only the registered medical practitioner responsible for the examination may authorise it.
  if (ext.authorisedBy !== undefined && ext.authorisedBy !== 'examining-doctor') {
    findings.push(
      blocker(
        'extension-not-by-examining-doctor',
        `Only the doctor responsible for examining the person may authorise an extension (recorded: ${ext.authorisedBy}).`,
      ),
    );
  }
  const doctor = ext.authorisingDoctor;
  if (doctor) {
    if (visibleLength(doctor.name) < 2 || !GMC_NUMBER.test(doctor.gmcNumber))
      findings.push(
        blocker(
          'extension-doctor-invalid',
          `The authorising doctor must be a registered medical practitioner named with their seven-digit GMC number (recorded: ${doctor.name.trim() || 'no name'}, GMC ${doctor.gmcNumber || 'none'}).`,
        ),
      );
  } else if (ext.authorisedBy === undefined) {
    findings.push(
      blocker(
        'extension-doctor-not-named',
        'Name the registered medical practitioner responsible for the examination who authorised the extension (from the register, or by name and GMC number).',
      ),
    );
  }
  // POL-08: the only ground is the person's condition; a shortage of beds or staff never is.
  if (ext.reason === 'bed-unavailable' || ext.reason === 'staff-unavailable') {
    findings.push(
      blocker(
        'extension-resource-reason',
        `A ${ext.reason === 'bed-unavailable' ? 'bed' : 'staff'} shortage is never a ground for extending detention: s.136B allows an extension only when the person's condition makes it impracticable to complete the assessment within 24 hours.`,
      ),
    );
  } else if (ext.reason !== 'patient-condition') {
    findings.push(
      blocker(
        'extension-reason-not-condition',
        "The only ground for an extension is that the person's condition makes it impracticable to complete the assessment within 24 hours.",
      ),
    );
  }
  // POL-08 (s.136B(4)): at a police station, a superintendent or above must approve the authorisation; where the person
  // is held when it is given (s.136(3), s.135(3A): they may have been moved).
  if (isPoliceStation(context, ext.authorisedAt)) {
    const approved = ext.superintendentApprovedAt;
    if (!approved) {
      findings.push(
        blocker(
          'extension-needs-superintendent',
          'At a police station an extension needs the approval of an officer of the rank of superintendent or above; none is recorded.',
        ),
      );
    } else if (approved.getTime() >= expiry.getTime()) {
      findings.push(
        blocker(
          'superintendent-approval-after-expiry',
          `The superintendent's approval (${formatLocal(approved, zone)}) came after the 24 hours had expired (${formatLocal(expiry, zone)}).`,
        ),
      );
    } else if (approved.getTime() > ext.authorisedAt.getTime()) {
      findings.push({
        rule: 'POL-08',
        severity: 'warning',
        code: 'superintendent-approval-after-authorisation',
        message: `The superintendent's approval is recorded at ${formatLocal(approved, zone)}, after the doctor's authorisation (${formatLocal(ext.authorisedAt, zone)}); the authorisation may be given only with that approval, so check and record when it was actually given.`,
        citation: POL08,
      });
    }
  }
  return findings;
}

/**
 * s.136(3), s.135(3A) (POL-07, POL-04): may the person be recorded as moved to another place of safety at `move.at`?
 * Only a person detained at a place of safety under s.135(1) or s.136, after the period began and "before the end of"
 * it (with a valid s.136B extension applied): a move never restarts the period (s.136(2A), s.135(3ZA)). A child moved
 * to a police station (POL-09, s.136A(1)) is a blocker about what is happening, recorded all the same
 * (RECORDED_INTAKE_BLOCKERS); an adult moved to one needs the inspector's authorisation (a warning). `stop`: where the
 * place-of-safety clock stopped (clockStop: the person admitted, or released after the assessment, POL-11), if it
 * has; a move at or after it is refused, as there is no detention left to move. Empty when fine.
 */
export function validateTransfer(
  context: LegalContext,
  extensions: readonly S136BExtension[],
  move: PlaceOfSafetyTransfer,
  zone: string = DEFAULT_CLOCK_POLICY.timeZone,
  stop: ClockStop | null = null,
): Finding[] {
  if (context.kind !== 's136' && context.kind !== 's135-1')
    return [
      {
        rule: ruleOf(context),
        severity: 'blocker',
        code: 'transfer-not-applicable',
        message: `Only a person detained at a place of safety under s.135(1) or s.136 can be moved between places of safety, not under a ${context.kind} referral.`,
        citation: 'MHA 1983 s.135(3A), s.136(3)',
      },
    ];
  const rule = ruleOf(context);
  const citation = context.kind === 's136' ? 'MHA 1983 s.136(2A), (3)' : 'MHA 1983 s.135(3ZA), (3A)';
  const blocker = (code: string, message: string): Finding => ({ rule, severity: 'blocker', code, message, citation });
  const start = placeOfSafetyAnchor(context, zone);
  if (!start)
    return [blocker('transfer-without-anchor', 'The detention has no recorded start (arrival or decision to keep): record it first.')];
  const findings: Finding[] = [];
  if (stop && stop.stoppedAt.getTime() <= move.at.getTime())
    findings.push({
      rule,
      severity: 'blocker',
      code: 'transfer-after-detention-ended',
      message: `The detention at the place of safety ended at ${formatLocal(stop.stoppedAt, zone)} (${stop.reason}), before the move (${formatLocal(move.at, zone)}).`,
      citation: citationOf(rule),
    });
  const end = applyExtensions(context, extensions, zone).deadline;
  if (move.at.getTime() < start.anchor.getTime())
    findings.push(
      blocker(
        'transfer-before-detention',
        `The move (${formatLocal(move.at, zone)}) is before the detention began (${formatLocal(start.anchor, zone)}).`,
      ),
    );
  else if (move.at.getTime() >= end.getTime())
    findings.push(
      blocker(
        'transfer-after-expiry',
        `The move (${formatLocal(move.at, zone)}) is after the period at the place of safety ended (${formatLocal(end, zone)}): a person may be taken to another place of safety only before the end of the period, which a move never restarts.`,
      ),
    );
  // Moves come one after another: a move at or before the last one recorded is either that move again (a repeat, a
  // double tap, a retry: refused as already recorded) or out of order (the person cannot have arrived there then).
  const latest = (context.transfers ?? []).reduce<PlaceOfSafetyTransfer | undefined>((a, b) => (!a || b.at > a.at ? b : a), undefined);
  if (latest && move.at.getTime() <= latest.at.getTime()) {
    const where = (t: PlaceOfSafetyTransfer) => `${t.place ? `${t.place}, ` : ''}${t.placeOfSafetyType} at ${formatLocal(t.at, zone)}`;
    const same =
      move.at.getTime() === latest.at.getTime() &&
      move.placeOfSafetyType === latest.placeOfSafetyType &&
      (move.place ?? null) === (latest.place ?? null);
    findings.push(
      same
        ? blocker('transfer-already-recorded', `This move (${where(move)}) is already recorded.`)
        : blocker(
            'transfer-not-after-last',
            `A move must come after the last one recorded (${where(latest)}); this one (${where(move)}) does not.`,
          ),
    );
  }
  if (move.placeOfSafetyType === 'police-station') {
    if (context.personUnder18 === true)
      findings.push({
        rule: 'POL-09',
        severity: 'blocker',
        code: 'police-station-under-18',
        message: `A police station can never be a place of safety for a person under 18${context.ageBasis ? ` (${context.ageBasis})` : ''}: the child must be moved to another place of safety now. The move is recorded; the period still runs from ${formatLocal(start.anchor, zone)}.`,
        citation: citationOf('POL-09'),
      });
    else
      findings.push({
        rule: 'POL-09',
        severity: 'warning',
        code: 'police-station-adult-no-inspector',
        message:
          "The person was moved to a police station: for an adult this needs an inspector's (or above) authorisation, an imminent risk of serious injury or death, and no other suitable place of safety. Record the authorisation.",
        citation: citationOf('POL-09'),
      });
  }
  return findings;
}

/**
 * s.136(3), s.135(3A) at intake: does a new referral (`later`) record a detention already under way on an earlier open
 * referral of the same person, under the same power, whose place-of-safety clock is `earlier` (POL-07 or POL-04,
 * with its extension applied) and stopped at `earlierStoppedAt` (admitted, released, closed), if at all? It does when
 * the new start (arrival, decision to keep) falls within the earlier period, from its start to its end, and before any
 * stop: the person was taken on to another place of safety, and the period runs from the earlier start. A start after
 * the period ended, or after the person was released, is a new detention with a period of its own.
 */
export function continuesDetention(
  earlier: { kind: LegalContextKind; clock: Clock; stoppedAt: Instant | null },
  later: LegalContext,
  zone: string = DEFAULT_CLOCK_POLICY.timeZone,
): boolean {
  if (later.kind !== earlier.kind || (later.kind !== 's136' && later.kind !== 's135-1')) return false;
  if (earlier.clock.id !== 'POL-07' && earlier.clock.id !== 'POL-04') return false;
  const own = ownPlaceOfSafetyAnchor(later, zone);
  if (!own) return false;
  const t = own.anchor.getTime();
  const until = Math.min(earlier.clock.deadline.getTime(), earlier.stoppedAt?.getTime() ?? Infinity);
  return t >= earlier.clock.anchor.getTime() && t < until;
}

/**
 * Blockers about what happened to the person, not about the record: the detention they describe is unlawful, but it
 * is happening, so the hub must know of it. The intake records the referral with the blocker on it (and its clocks,
 * which still run), and raises the alarm; it is never refused for them. POL-09 (s.136A(1)): a child held at a police
 * station still has their 24 hours running from arrival (s.136(2A), s.135(3ZA)) and needs moving and assessing now,
 * and every such detention is counted (the places-of-safety report's "must be 0").
 */
export const RECORDED_INTAKE_BLOCKERS: ReadonlySet<string> = new Set(['police-station-under-18']);

/**
 * What a change newly raises: the findings (or field errors) after it whose code was not there before it. A record
 * changed after intake is judged as intake judges it, but what it already said is not asked about again.
 */
export function raisedAnew<T extends { code: string }>(before: readonly T[], after: readonly T[]): T[] {
  const known = new Set(before.map((x) => x.code));
  return after.filter((x) => !known.has(x.code));
}

/** Whether an intake finding stops the referral being recorded: a blocker about the record itself (RECORDED_INTAKE_BLOCKERS aside). */
export function refusesIntake(finding: Finding): boolean {
  return finding.severity === 'blocker' && !RECORDED_INTAKE_BLOCKERS.has(finding.code);
}

/**
 * Problems to record when a referral's legal context is taken in (or updated): `receivedAt` is when these facts
 * reached the hub, so no recorded time may be later than it (beyond CLOCK_SKEW_MS). Blockers stop the intake
 * (refusesIntake), except those about an unlawful detention that is happening (RECORDED_INTAKE_BLOCKERS), which are
 * recorded on the referral for the AMHP to act on at once; warnings are for the AMHP to record and act on.
 */
export function intakeFindings(
  context: LegalContext,
  receivedAt: Instant,
  policy: ClockPolicy = DEFAULT_CLOCK_POLICY,
  displacements: readonly DisplacementApplicationFacts[] = [],
): Finding[] {
  assertInstant(receivedAt, 'receivedAt');
  for (const d of displacements) assertInstant(d.filedAt, 'displacement application filedAt');
  const zone = policy.timeZone;
  const findings: Finding[] = [];
  const add = (rule: RuleId, severity: Finding['severity'], code: string, message: string, citation: string) =>
    findings.push({ rule, severity, code, message, citation });

  // Every recorded time must be a real instant, no later than the referral's receipt (plus clock skew).
  const instants = recordedInstants(context);
  const invalid = instants.filter(([, v]) => !(v instanceof Date) || Number.isNaN(v.getTime()));
  for (const [name] of invalid)
    add(ruleOf(context), 'blocker', 'time-invalid', `${name} is not a valid date and time.`, contextCitation(context));
  if (invalid.length) return findings;
  for (const [name, value] of instants) {
    if (value.getTime() > receivedAt.getTime() + CLOCK_SKEW_MS) {
      add(
        ruleOf(context),
        'blocker',
        'time-after-receipt',
        `${name} (${formatLocal(value, zone)}) is after the referral was received (${formatLocal(receivedAt, zone)}); a recorded time cannot be in the future (${CLOCK_SKEW_MS / MINUTE_MS} minutes of clock skew are allowed).`,
        contextCitation(context),
      );
    }
  }

  if (context.kind === 's136') {
    const { arrivedAt, keptAt } = context;
    if (!arrivedAt && !keptAt)
      add(
        'POL-07',
        'blocker',
        'anchor-missing',
        'Record when the person arrived at the place of safety, or when the constable decided to keep them there: the 24 hours run from it.',
        'MHA 1983 s.136(2A)',
      );
    if (arrivedAt && keptAt)
      add(
        'POL-07',
        'blocker',
        'anchor-ambiguous',
        'Record either arrival at the place of safety or the decision to keep the person there, not both: a person is either removed to or kept at a place of safety.',
        'MHA 1983 s.136(2A)',
      );
    // POL-05 (s.136(1), (1B)): never from a private dwelling; the AMHP must record it for audit.
    if (context.locationType === 'dwelling') {
      add(
        'POL-05',
        'warning',
        's136-from-dwelling',
        'The person was removed under s.136 from a private dwelling, where the power does not apply: the detention is potentially unlawful. Record this and raise it with the police.',
        citationOf('POL-05'),
      );
    }
  }

  if (context.kind === 's135-1') {
    if (!context.keptAtPremises && !context.arrivedAt) {
      add(
        'POL-04',
        'warning',
        'arrival-not-recorded',
        "Arrival at the place of safety is not recorded: the clock runs provisionally from the warrant's execution until it is.",
        'MHA 1983 s.135(3ZA)',
      );
    }
    if (!context.keptAtPremises && context.arrivedAt && context.arrivedAt < context.warrantExecutedAt) {
      add(
        'POL-04',
        'blocker',
        'arrival-before-warrant',
        `Arrival at the place of safety (${formatLocal(context.arrivedAt, zone)}) is before the warrant was executed (${formatLocal(context.warrantExecutedAt, zone)}).`,
        'MHA 1983 s.135(1), (3ZA)',
      );
    }
  }

  if (context.kind === 'cto-recall') {
    // CTO-03 (s.17F(8)): the 72 hours run from the start of the detention in hospital under the recall notice.
    if (!context.arrivedAt)
      add(
        'CTO-03',
        'warning',
        'arrival-not-recorded',
        "When the patient's detention in hospital under the recall began (their arrival) is not recorded (legalContext.arrivedAt): the 72 hours run provisionally from the recall notice, which may end them earlier than the Act does, never later.",
        'MHA 1983 s.17F(8)',
      );
    else if (context.arrivedAt < context.recalledAt)
      add(
        'CTO-03',
        'blocker',
        'arrival-before-recall',
        `The detention in hospital under the recall (${formatLocal(context.arrivedAt, zone)}) cannot begin before the recall notice (${formatLocal(context.recalledAt, zone)}); for a patient already in hospital when recalled, record the notice's time as the arrival.`,
        'MHA 1983 s.17E, s.17F(8)',
      );
  }

  if (context.kind === 'already-s3' && !(context.admittedAt instanceof Date))
    add(
      'CTO-01',
      'blocker',
      'admission-not-recorded',
      'Record when the patient was admitted under the s.3 (or the unrestricted hospital order) they are detained under: legalContext.admittedAt.',
      'MHA 1983 s.3, s.17A(1)-(2)',
    );

  // POL-09 (s.136A; SI 2017/1036 reg 2): police stations as places of safety.
  findings.push(...policeStationFindings(context, zone, 'any'));

  if (context.kind === 's5-2' && context.precededBy5_4At) {
    const record = context.precededBy5_4At;
    if (record > context.h1FurnishedAt) {
      add(
        'HOLD-02',
        'blocker',
        's5-4-after-h1',
        `The s.5(4) record (${formatLocal(record, zone)}) cannot come after the s.5(2) report (${formatLocal(context.h1FurnishedAt, zone)}) it preceded.`,
        'MHA 1983 s.5(4), (5)',
      );
    } else {
      const { lapsedAt } = s5_2Start(context);
      if (lapsedAt)
        add(
          'HOLD-02',
          'warning',
          'h1-after-s5-4-lapsed',
          `The H1 report (${formatLocal(context.h1FurnishedAt, zone)}) was furnished after the s.5(4) holding power's 6 hours had run out (${formatLocal(lapsedAt, zone)}): there was a gap with no authority to hold. The patient was no longer held by virtue of the s.5(4) record, so the 72 hours run from the H1 report (s.5(2)), not from the record (s.5(5)).`,
          'MHA 1983 s.5(4), (5)',
        );
    }
  }

  // A clock that had already run out when the referral arrived (before any s.136B extension is known). A s.2 the
  // patient is already on ends as s2End judges it with the s.29 applications as known at receipt (NR-11, s.29(4)): one
  // made while it was in force and undecided then kept it in force, with no end date.
  const known = displacementsKnownAt(displacements, receivedAt, zone);
  for (const clock of statutoryClocks(context, [], policy, known)) {
    if (clock.id === 'COP-09' || clock.provisional) continue;
    if (context.kind === 'already-s2' && clock.id === 'APP-17') {
      const { extension } = s2End(context.admittedAt, known, zone, policy.s29AppealDays);
      if (endNotKnown(extension)) continue;
    }
    if (clock.deadline.getTime() <= receivedAt.getTime()) {
      const hint = clock.id === 'POL-07' || clock.id === 'POL-04' ? ' unless a s.136B extension was authorised before then' : '';
      add(
        clock.rule,
        'warning',
        'expired-at-receipt',
        `${clock.label} had already ended at ${formatLocal(clock.deadline, zone)}, before the referral was received${hint}: establish the person's current legal status.`,
        clock.citation,
      );
    }
  }
  return findings;
}

function ruleOf(context: LegalContext): RuleId {
  const rules: Record<LegalContextKind, RuleId> = {
    informal: 'DUTY-01',
    s136: 'POL-07',
    's135-1': 'POL-04',
    's135-2': 'POL-03',
    's5-2': 'HOLD-01',
    's5-4': 'HOLD-02',
    'cto-recall': 'CTO-03',
    'already-s2': 'APP-17',
    'already-s3': 'APP-18',
  };
  return rules[context.kind];
}

/** The provision that fixes the time recorded for each context: the whole rule's citation (the catalogue's) or its subsection. */
function contextCitation(context: LegalContext): string {
  const citations: Record<LegalContextKind, string> = {
    informal: 'MHA 1983 s.13(1)',
    s136: 'MHA 1983 s.136(2A)',
    's135-1': 'MHA 1983 s.135(3ZA)',
    's135-2': citationOf('POL-03'),
    's5-2': citationOf('HOLD-01'),
    's5-4': citationOf('HOLD-02'),
    'cto-recall': 'MHA 1983 s.17E, s.17F(8)',
    'already-s2': citationOf('APP-17'),
    'already-s3': citationOf('APP-18'),
  };
  return citations[context.kind];
}

// ---------------------------------------------------------------------------------------------------------------
// State

export type ClockStateName = 'running' | 'warning' | 'breached' | 'stopped';

/** Minutes before a clock's deadline at which each warning stage starts, per clock id (✱ local policy). */
export type WarningThresholds = Readonly<Partial<Record<ClockId, readonly number[]>>>;

/** ✱ local policy: e.g. s.136 warns 4 h and 1 h before; s.2 a week before (CoP: around day 21) and 2 days before. */
export const DEFAULT_WARNINGS: WarningThresholds = {
  'POL-07': [240, 60],
  'POL-04': [240, 60],
  'HOLD-01': [24 * 60, 6 * 60],
  'HOLD-02': [120, 60],
  'CTO-03': [24 * 60, 6 * 60],
  'APP-17': [7 * 24 * 60, 2 * 24 * 60],
  'APP-11': [24 * 60, 6 * 60],
  'COP-09': [60],
  'LOCAL-RESPONSE': [60],
};

export interface ClockStatus {
  state: ClockStateName;
  /** deadline − now (or − stoppedAt once stopped); negative after a breach. */
  remainingMs: number;
  /** Warning stages reached (0 = none; 1 = the earliest threshold, …); all of them once breached. */
  stage: number;
  /** The threshold (minutes before the deadline) of the stage reached, or null. */
  stageMinutes: number | null;
  /** When the state or stage next changes without new facts (the next threshold or the deadline), or null. */
  nextChangeAt: Instant | null;
}

/**
 * The state of a clock at `now`. Stopped once `stoppedAt` (clockStop: its purpose met, or the referral closed) is at
 * or before `now`; breached from the deadline instant on (periods are half-open); warning from the first threshold.
 */
export function clockState(
  clock: Clock,
  now: Instant,
  warnAt: WarningThresholds = DEFAULT_WARNINGS,
  stoppedAt?: Instant | null,
): ClockStatus {
  const deadline = clock.deadline.getTime();
  if (stoppedAt && stoppedAt.getTime() <= now.getTime()) {
    return { state: 'stopped', remainingMs: deadline - stoppedAt.getTime(), stage: 0, stageMinutes: null, nextChangeAt: null };
  }
  const remainingMs = deadline - now.getTime();
  const thresholds = [...(warnAt[clock.id] ?? [])].filter((m) => Number.isFinite(m) && m > 0).sort((a, b) => b - a);
  const reached = thresholds.filter((m) => remainingMs <= m * MINUTE_MS);
  const stage = reached.length;
  const stageMinutes = stage ? reached[stage - 1] : null;
  if (remainingMs <= 0) return { state: 'breached', remainingMs, stage, stageMinutes, nextChangeAt: null };
  const next = thresholds.find((m) => remainingMs > m * MINUTE_MS);
  const nextChangeAt = new Date(next === undefined ? deadline : deadline - next * MINUTE_MS);
  return { state: stage ? 'warning' : 'running', remainingMs, stage, stageMinutes, nextChangeAt };
}

// ---------------------------------------------------------------------------------------------------------------
// Stops: a clock stops when its purpose is met, not only when the referral closes

/** An assessment's outcome, as the clocks need it. */
export interface OutcomeFact {
  kind: 'application' | 'cto-decision' | 'not-detained';
  /** When the decision was made (for not-detained: when the person was released from the assessment). */
  decidedAt: Instant;
  /** When the application or the CTO decision was signed. */
  signedAt?: Instant | null;
  /** not-detained: the alternatives; a deferred or incomplete assessment does not end anything. */
  alternatives?: readonly string[];
  /** application: the timeline's first "admitted" event (for a patient already in hospital: the managers' receipt, APP-12). */
  admittedAt?: Instant | null;
  /**
   * application: when the hospital managers received it (APP-12, s.5(1)): for a patient already in hospital, as anyone
   * held under a holding power is, the application takes effect then, not when it is signed.
   */
  managersReceivedAt?: Instant | null;
  /** cto-decision: the AMHP's decision (for a recalled patient, on revoking the CTO: CTO-03, s.17F(4)). */
  ctoDecision?: 'agree' | 'disagree' | null;
  /** application: the section applied under, as made (a s.4 converted to a s.2 stays 's4' here). */
  section?: 's2' | 's3' | 's4' | 's7' | null;
  /**
   * s.4 (APP-11, s.4(4)): when the s.4 became a s.2: the managers' receipt of the second medical recommendation, only
   * when the two recommendations together comply with s.12 as s4Conversion (assessment-rules.ts) judges it (an
   * approved doctor, two different doctors, in-person examinations at most 5 clear days apart, received within the
   * 72 hours). Null when no second recommendation converts it: a receipt alone stops nothing.
   */
  s4ConvertedAt?: Instant | null;
  /**
   * application: when the authority to convey the patient under it ended (APP-13, APP-14, s.6(1)), as conveyanceWindow
   * (assessment-rules.ts) judges it; an admission at or after it is not an admission under the application. Null or
   * absent: not judged, and the admission is taken as it is recorded.
   */
  conveyanceEndsAt?: Instant | null;
}

/** What has happened to a referral since its clocks started (all optional: nothing known stops nothing). */
export interface StopFacts {
  /** When the (first) assessment of the referral was opened. */
  assessmentOpenedAt?: Instant | null;
  /**
   * Every in-person contact with the person recorded in the referral's assessments (C8: video and phone do not
   * count), any order. A contact before a clock's start (an earlier visit the AMHP records, s.11(5)) does not stop
   * it; the first one after does.
   */
  inPersonContactsAt?: readonly Instant[];
  /** The outcomes of the referral's assessments, in any order. */
  outcomes?: readonly OutcomeFact[];
  /** When the referral was closed, withdrawn, transferred or not accepted. */
  closedAt?: Instant | null;
  /** NR-11 (s.29(4)): the person's s.29 applications on ground (c) or (d), which may extend a s.2 (APP-17). */
  displacementApplications?: readonly DisplacementApplicationFacts[];
  /** ✱ NR-11 (s.29(5)): the days allowed for an appeal (the S29_APPEAL_DAYS setting); DEFAULT_S29_APPEAL_DAYS when absent. */
  s29AppealDays?: number;
  /** APP-22: the end recorded of the s.2 the referral states the patient is on (discharged, lapsed, became a s.3). */
  s2Ended?: S2Ended | null;
}

export interface ClockStop {
  stoppedAt: Instant;
  /** The rule that says the clock ends there. */
  stopRule: RuleId;
  /** Why, in words a reviewer can check. */
  reason: string;
  /** Met when stopped before the deadline (half-open), breached when at or after it. */
  result: 'met' | 'breached';
}

/** APP-22: why the s.2's clock stopped at its recorded end, in words (`t`: the end in local time). */
function s2EndedReason(ended: S2Ended, t: string): string {
  const where = ended.assessmentId ? ` (recorded on the hub's assessment that made it, ${ended.assessmentId})` : '';
  return ended.kind === 'discharged'
    ? `the patient was discharged from the s.2${ended.by ? ` by ${DISCHARGER_TEXT[ended.by]}` : ''} at ${t} (s.23)${where}: the s.2 no longer runs`
    : ended.kind === 'lapsed'
      ? `the s.2 is recorded as lapsed at ${t}, the end of its 28 days (s.2(4))${where}: the patient is no longer detained under it`
      : `the patient was admitted under a s.3 application at ${t}, which ended the s.2 (s.6(4))${where}`;
}

/** `met`: a stop that meets the clock even at its deadline instant (APP-11's receipt "within" the 72 hours). */
type Candidate = { at: Instant; rule: RuleId; reason: string; met?: boolean };

const isReal = (d: Instant | null | undefined): d is Instant => d instanceof Date && !Number.isNaN(d.getTime());

/** A not-detained outcome that ends the assessment (not deferred, not "unable to complete"): the person is released. */
function releases(o: OutcomeFact): boolean {
  return o.kind === 'not-detained' && !(o.alternatives ?? []).some((x) => x === 'decision-deferred' || x === 'unable-to-complete');
}

/** The instant an application was made: its signing, else the decision. */
function applicationMadeAt(o: OutcomeFact): Instant {
  return isReal(o.signedAt) ? o.signedAt : o.decidedAt;
}

/**
 * Admission under an application: the later of the application and the recorded admission (both are needed). None
 * when the admission came at or after the end of the authority to convey (APP-13, APP-14, s.6(1)): the patient was
 * not detained under the application, so it ends no earlier detention (POL-11, APP-20) and starts no s.4 (APP-11).
 */
function admittedUnder(o: OutcomeFact): Instant | null {
  if (o.kind !== 'application' || !isReal(o.admittedAt)) return null;
  if (isReal(o.conveyanceEndsAt) && o.admittedAt.getTime() >= o.conveyanceEndsAt.getTime()) return null;
  const made = applicationMadeAt(o);
  return o.admittedAt.getTime() >= made.getTime() ? o.admittedAt : made;
}

/**
 * APP-11 (s.4(4), C5): the clock a s.4 emergency application starts on admission: 72 elapsed hours, after which the
 * detention lapses unless the second medical recommendation has been received by the managers. From the referral's
 * outcomes (the first s.4 admitted, if any); the other clocks come from the legal context (clocksFor).
 */
export function outcomeClocks(facts: StopFacts, zone: string = DEFAULT_CLOCK_POLICY.timeZone): Clock[] {
  const admitted = (facts.outcomes ?? [])
    .filter((o) => o.kind === 'application' && o.section === 's4' && isReal(o.decidedAt))
    .map((o) => admittedUnder(o))
    .filter(isReal)
    .sort((a, b) => a.getTime() - b.getTime());
  const anchor = admitted[0];
  if (!anchor) return [];
  const deadline = hoursAfter(anchor, S4_DETENTION_HOURS);
  return [
    {
      id: 'APP-11',
      label: 'Section 4: emergency detention lapses',
      rule: 'APP-11',
      citation: citationOf('APP-11'),
      anchor,
      deadline,
      extendedBy: 0,
      basis: `${S4_DETENTION_HOURS} hours (elapsed) from admission under the s.4 application at ${formatLocal(anchor, zone)}; lapses ${formatLocal(deadline, zone)} unless the second medical recommendation is received by the hospital managers before then (the detention then continues as a s.2). Not renewable.`,
      provisional: false,
    },
  ];
}

/**
 * When a clock stops, and by which rule, from the referral's facts; null while it runs. Pure. The earliest stop
 * wins. Per kind:
 * - POL-07 / POL-04 (POL-11, s.136(2), s.135(3)): admission under an application, or release after an assessment
 *   that decided not to detain.
 * - COP-09: the assessment opening (the target is for it to start).
 * - LOCAL-RESPONSE (DUTY-01, C8): the first in-person contact after the clock started.
 * - HOLD-01 / HOLD-02 (HOLD-03, s.5(2), (4)): the application taking effect, i.e. the managers' receipt of it (APP-12,
 *   s.5(1): the patient is already in hospital; not the signing), or the holding power lapsing at its deadline (breached,
 *   saying so when the application reached the managers only after it, or its receipt is not recorded).
 * - CTO-03: the AMHP's written decision on revocation (CTO5), saying what it means: agreed, the CTO can be revoked
 *   (s.17G); not agreed, the patient is released by the end of the 72 hours, still on the CTO (CTO-06); either at or
 *   after the end of the 72 hours, too late: the patient had to be released then (s.17F(5)).
 * - APP-17 (APP-20, s.6(4)): admission under a new application (a s.3: never a further s.2 or a s.4, which cannot
 *   renew it, s.2(4)) while the s.2 is in force; one after its end stops it at the lapse (APP-17, breached), saying
 *   the new application came too late to end it. Also (APP-22) the end recorded of that s.2 (s2Ended: a discharge
 *   under s.23, its lapse, or admission under a s.3), met: from then there is nothing left to warn about.
 * - APP-11 (s.4(4)): the s.4 converting into a s.2 (s4ConvertedAt: a second recommendation received by the managers
 *   within the 72 hours, the 72nd hour included, that complies with s.12 with the first, as s4Conversion judges it;
 *   met), or the s.4 lapsing at its 72 hours. A second recommendation that cannot convert it stops nothing.
 * Every clock also stops when the referral is closed (or withdrawn, transferred, not accepted), by its own rule.
 */
export function clockStop(clock: Clock, facts: StopFacts, zone: string = DEFAULT_CLOCK_POLICY.timeZone): ClockStop | null {
  const candidates: Candidate[] = [];
  const outcomes = (facts.outcomes ?? []).filter((o) => isReal(o.decidedAt));
  const add = (at: Instant | null | undefined, rule: RuleId, reason: (at: string) => string, met?: boolean) => {
    // A stop before the clock started cannot be this clock's (an earlier referral's record): ignored.
    if (isReal(at) && at.getTime() >= clock.anchor.getTime()) candidates.push({ at, rule, reason: reason(formatLocal(at, zone)), met });
  };
  switch (clock.id) {
    case 'POL-07':
    case 'POL-04':
      for (const o of outcomes) {
        add(admittedUnder(o), 'POL-11', (t) => `admitted to hospital under the application at ${t}`);
        if (releases(o)) add(o.decidedAt, 'POL-11', (t) => `the assessment decided not to detain and the person was released at ${t}`);
      }
      break;
    case 'COP-09':
      add(facts.assessmentOpenedAt, 'COP-09', (t) => `the assessment started at ${t}`);
      break;
    case 'LOCAL-RESPONSE':
      for (const at of facts.inPersonContactsAt ?? [])
        add(at, 'DUTY-01', (t) => `first seen in person at ${t} (C8: video and phone do not count)`);
      break;
    case 'HOLD-01':
    case 'HOLD-02': {
      // APP-12 (s.5(1)): the patient held is already in hospital, so an application takes effect only when the managers
      // receive it; until then the holding power is the only authority. A receipt not recorded stops nothing (the
      // clock runs on and warns until it is); one at or after the deadline comes too late (half-open: breached).
      const applications = outcomes.filter((o) => o.kind === 'application');
      for (const o of applications)
        if (isReal(o.managersReceivedAt) && o.managersReceivedAt.getTime() < clock.deadline.getTime())
          add(
            o.managersReceivedAt,
            'HOLD-03',
            (t) => `the hospital managers received the application at ${t}; it, not the holding power, is now the authority (s.5(1))`,
          );
      const late = applications
        .map((o) => o.managersReceivedAt)
        .filter(isReal)
        .filter((r) => r.getTime() >= clock.deadline.getTime())
        .sort((a, b) => a.getTime() - b.getTime())[0];
      const unreceived = applications.find((o) => !isReal(o.managersReceivedAt));
      add(clock.deadline, 'HOLD-03', (t) =>
        late
          ? `the holding power lapsed at ${t}, before the application took effect: the hospital managers received it only at ${formatLocal(late, zone)}, and the patient was held without authority in between (s.5(1)); it cannot be renewed`
          : unreceived
            ? `the holding power lapsed at ${t}: an application was made at ${formatLocal(applicationMadeAt(unreceived), zone)}, but its receipt by the hospital managers, when it takes effect (s.5(1)), is not recorded`
            : `the holding power lapsed at ${t} without an application; it cannot be renewed`,
      );
      break;
    }
    case 'CTO-03': {
      // CTO-03 (s.17F(4)): the AMHP's written decision on revocation (form CTO5) is what the hub owes within the 72
      // hours; one at or after their end comes too late to found a revocation on this recall (s.17F(5)).
      const ended = formatLocal(clock.deadline, zone);
      for (const o of outcomes)
        if (o.kind === 'cto-decision') {
          const at = isReal(o.signedAt) ? o.signedAt : o.decidedAt;
          const late = at.getTime() >= clock.deadline.getTime();
          add(at, 'CTO-03', (t) =>
            late && clock.provisional
              ? `the AMHP's decision on revocation was recorded at ${t}, after the 72 hours counted from the recall notice ended at ${ended}; they run from the start of the detention in hospital under the recall, which is not recorded: unless it began late enough, the CTO could not be revoked on this recall and the patient had to be released then (s.17F(5), (8))`
              : late
                ? `the AMHP's decision on revocation was recorded at ${t}, after the 72 hours of the recall ended at ${ended}: the CTO could not be revoked on this recall, and the patient had to be released then, still subject to the CTO (s.17F(5)-(7))`
                : o.ctoDecision === 'agree'
                  ? `the AMHP agreed in writing at ${t} that the s.3 criteria are met and that revoking the CTO is appropriate (form CTO5): once the responsible clinician revokes it, within the 72 hours, the patient is detained as if under s.3 (s.17G)`
                  : o.ctoDecision === 'disagree'
                    ? `the AMHP decided in writing at ${t} not to agree to revoking the CTO: it cannot be revoked, and the patient must be released by ${ended}, the end of the 72 hours, still subject to the CTO (s.17F(5)-(7))`
                    : `the AMHP's decision on revocation was recorded at ${t}`,
          );
        }
      break;
    }
    case 'APP-17': {
      // APP-20 (s.6(4)): admission under a new application ends the s.2 only while the s.2 is in force (half-open, to
      // the end s2End judges); one after it ends nothing: the s.2 had lapsed at its deadline (APP-17), breached, and
      // the patient was held without authority until the new application took effect.
      // A further s.2, or a s.4, does not end it: a s.2 cannot be renewed (s.2(4)), so an admission under one while the
      // s.2 is in force is no lawful "new application" ending it (the checks refuse one, APP-17 s2-not-renewable).
      const admissions = outcomes
        .filter((o) => o.section !== 's2' && o.section !== 's4')
        .map(admittedUnder)
        .filter(isReal);
      for (const at of admissions)
        if (at.getTime() < clock.deadline.getTime())
          add(at, 'APP-20', (t) => `admitted under a new application at ${t}, which ends the s.2 (s.6(4))`);
      const late = admissions.filter((at) => at.getTime() >= clock.deadline.getTime()).sort((a, b) => a.getTime() - b.getTime())[0];
      if (late)
        add(
          clock.deadline,
          'APP-17',
          (t) =>
            `the s.2 lapsed at ${t} (s.2(4)); it cannot be renewed. The new application took effect only at ${formatLocal(late, zone)}, after it, so it did not end the s.2 (s.6(4)), and the patient was held without authority in between`,
        );
      // APP-22 (s.23, s.2(4), s.6(4)): the end of the s.2 recorded after the fact (on the referral, or on the hub's own
      // assessment that made it) ends the clock then, met: the s.2 no longer runs, and nothing is owed before its end.
      const ended = facts.s2Ended;
      if (ended) add(ended.at, 'APP-22', (t) => s2EndedReason(ended, t), true);
      // NR-11 (s.29(4), (5)): while an application made during the s.2 is undecided, an appeal against its decision is
      // pending, or its decision's day is not recorded, the s.2 has no end date: the clock stops at the filing, met, and
      // runs again to the extended end (clocksFor) once the court's decision (or the appeal's outcome) is recorded.
      const appealDays = facts.s29AppealDays ?? DEFAULT_S29_APPEAL_DAYS;
      const { extension } = s2End(clock.anchor, facts.displacementApplications ?? [], zone, appealDays);
      if (endNotKnown(extension))
        add(
          extension.by.filedAt,
          'NR-11',
          (t) =>
            extension.kind === 'pending' && appealPending(extension.by)
              ? `a s.29 displacement application was filed at ${t}, while the s.2 was in force, and ${s29PendingWords(extension.by)}: the s.2 stays in force until the appeal is determined or withdrawn, and ${S29_ORDER_FURTHER_DAYS} days more if an order then stands (s.29(4)); it has no end date until then, so follow the appeal and record its outcome`
              : extension.kind === 'pending'
                ? `a s.29 displacement application was filed at ${t}, while the s.2 was in force: the s.2 is extended until the court finally disposes of it (including the time allowed for an appeal), and ${S29_ORDER_FURTHER_DAYS} days more if an order is made (s.29(4)); it has no end date until then, so follow the court dates and record the decision`
                : `a s.29 displacement application filed at ${t}, while the s.2 was in force, extended it until the court disposed of it (s.29(4)), but the day it was decided is not recorded: record it to know when the s.2 ends`,
          true,
        );
      break;
    }
    case 'APP-11':
      // "Within that period" (s.4(4)): a conversion up to and including the 72nd hour meets it, as s4Conversion
      // (assessment-rules.ts) judges it; so the conversions go first and win a tie with the lapse.
      for (const o of outcomes)
        if (o.kind === 'application' && o.section === 's4' && isReal(o.s4ConvertedAt))
          add(
            o.s4ConvertedAt,
            'APP-11',
            (t) =>
              `the second medical recommendation reached the hospital managers at ${t} and, with the first, complies with s.12: the detention continues as a s.2 (s.4(4))`,
            o.s4ConvertedAt.getTime() <= clock.deadline.getTime(),
          );
      add(
        clock.deadline,
        'APP-11',
        (t) =>
          `the s.4 lapsed at ${t}, 72 hours after admission, without a second medical recommendation received by the managers that, with the first, complies with s.12`,
      );
      break;
  }
  add(facts.closedAt, clock.rule, (t) => `the referral was closed at ${t}`);
  if (!candidates.length) return null;
  const first = candidates.reduce((a, b) => (b.at.getTime() < a.at.getTime() ? b : a));
  return {
    stoppedAt: first.at,
    stopRule: first.rule,
    reason: first.reason,
    result: first.met || first.at.getTime() < clock.deadline.getTime() ? 'met' : 'breached',
  };
}
