/**
 * What is recorded about a made application after the admission, judged by the Act. Pure: facts in, a judgement out.
 * - APP-22 (s.23, s.25, s.2(4), s.6(4)): how the detention (or guardianship) under it ended: a discharge, a s.2's
 *   lapse at its 28 days, or a s.2 ended by admission under a s.3 (judgeDetentionEnd); the same for the s.2 a referral
 *   states the patient is on, and which recorded end is that s.2's (statedS2Ended).
 * - APP-16 (s.15): its rectification within 14 days beginning with the day of admission, and which findings of the
 *   checks that cures (judgeRectification, amendmentCures, rectifiedFindings).
 */
import { CLOCK_SKEW_MS, formatLocal, hoursAfter, type Finding, type Instant, type S2Ended } from './clocks';
import { DISCHARGER_TEXT, type DetentionEndKind, type Discharger, type Section } from './assessment.types';
import type { RuleId } from './rule-catalogue';
import { addDays, localDate, type IsoDate } from './time';

/** A record refused: 422 naming `field`, with the rule it rests on. */
export interface RecordRefusal {
  ok: false;
  code: string;
  field: string;
  rule: RuleId;
  message: string;
}

const refuse = (rule: RuleId, field: string, code: string, message: string): RecordRefusal => ({ ok: false, code, field, rule, message });

/** s.25(1): the hours of written notice the nearest relative gives the managers before a discharge order. */
export const NR_DISCHARGE_NOTICE_HOURS = 72;
/** s.4(4): the hours a s.4 not converted into a s.2 lasts from the admission. */
const S4_HOURS = 72;
/** s.15(1)-(2): the days, beginning with the day of admission, within which an application may be rectified. */
export const RECTIFICATION_PERIOD_DAYS = 14;

export interface DetentionEndInput {
  /** The application's section now: a s.4 that became a s.2 (APP-11) is a s.2. */
  section: Section;
  /** Whether it is a s.4 that did not become a s.2 (it lasts 72 hours from the admission, s.4(4)). */
  s4NotConverted?: boolean;
  /** When the detention began: the admission (for a patient already in hospital, the managers' receipt); s.7: the LSSA's acceptance. */
  admittedAt: Instant | null;
  /** A s.2's end as s2End judges it, and whether it is open (a s.29 application pending or undecided in time, NR-11). */
  s2: { end: Instant; open: boolean } | null;
  kind: DetentionEndKind;
  at: Instant | null;
  by: Discharger | null;
  /** s.25(1): when the nearest relative gave the managers written notice of the order for discharge. */
  nearestRelativeNoticeAt: Instant | null;
  /** s.25(1): when the responsible clinician's report barring the nearest relative's discharge was given. */
  barredAt: Instant | null;
  now: Instant;
  zone: string;
}

/**
 * APP-22: whether an end of the detention under an application may be recorded as given, and when it ended.
 * - `lapsed` (s.2(4)): only a s.2, once its 28 days (as extended under s.29(4), NR-11) have run; it ended at their end.
 * - `became-s3` (s.6(4)): only a s.2, by an admission under a s.3 at `at`, while the s.2 was in force.
 * - `discharged` (s.23): at `at`, by `by`: the responsible clinician; the hospital managers (a hospital patient) or the
 *   local social services authority (a guardianship patient, s.23(2)(b)); the tribunal; the nearest relative (s.23(2)),
 *   who for a hospital patient gives the managers at least 72 hours' written notice first, and whose order has no
 *   effect if the responsible clinician barred it within those hours (s.25(1)). Never before the detention began, and
 *   never after a s.2 or a s.4 had already lapsed (there was nothing left to discharge).
 */
export function judgeDetentionEnd(i: DetentionEndInput): { ok: true; at: Instant } | RecordRefusal {
  const when = (at: Instant) => formatLocal(at, i.zone);
  const rule: RuleId = 'APP-22';
  if (!i.admittedAt)
    return refuse(
      rule,
      'kind',
      'detention-not-begun',
      i.section === 's7'
        ? "The guardianship has no effect until the local social services authority's acceptance is recorded (s.8(1)): there is nothing to end."
        : 'No admission under this application is recorded (timeline event "admitted", or the managers\' receipt for a patient already in hospital): there is no detention to end.',
    );
  const s2Only = i.section !== 's2';
  if ((i.kind === 'lapsed' || i.kind === 'became-s3') && s2Only)
    return refuse(
      i.kind === 'lapsed' ? 'APP-17' : 'APP-20',
      'kind',
      'not-s2',
      i.kind === 'lapsed'
        ? 'Only a s.2 lapses at the end of its 28 days (s.2(4)); a s.4 that was not converted is recorded with POST s4-lapse.'
        : 'Only a s.2 ends on admission under a s.3 application made while it is in force (s.6(4)).',
    );
  if (i.kind === 'lapsed') {
    if (i.at)
      return refuse(
        rule,
        'at',
        'at-not-for-lapse',
        'A s.2 lapses at the end of its 28 days, as the hub counts them: give no time (at) for a lapse.',
      );
    const s2 = i.s2!;
    if (s2.open)
      return refuse(
        'NR-11',
        'kind',
        's2-extended',
        'A s.29 displacement application made during the s.2 is pending, or its decision day is not recorded: the s.2 is extended until the court disposes of it (s.29(4)), so its lapse cannot be recorded yet.',
      );
    if (i.now.getTime() < s2.end.getTime())
      return refuse(
        'APP-17',
        'kind',
        's2-not-lapsed',
        `The s.2 runs until ${when(s2.end)} (28 days beginning with the day of admission, s.2(4)): it has not lapsed.`,
      );
    return { ok: true, at: s2.end };
  }
  if (!i.at) return refuse(rule, 'at', 'at-required', `Give when the detention ended (at).`);
  if (i.at.getTime() < i.admittedAt.getTime())
    return refuse(
      rule,
      'at',
      'ended-before-admission',
      `at (${when(i.at)}) is before the detention under this application began at ${when(i.admittedAt)}: check the time.`,
    );
  // A s.2 at or after its end, or a s.4 at or after its 72 hours, had already lapsed: nothing was left to end.
  const lapsedAt = i.section === 's2' && i.s2 && !i.s2.open ? i.s2.end : i.s4NotConverted ? hoursAfter(i.admittedAt, S4_HOURS) : null;
  if (lapsedAt && i.at.getTime() >= lapsedAt.getTime())
    return refuse(
      i.section === 's2' ? 'APP-17' : 'APP-11',
      'at',
      'detention-already-lapsed',
      i.section === 's2'
        ? `The s.2 had lapsed at ${when(lapsedAt)} (s.2(4)), before ${when(i.at)}: ${i.kind === 'became-s3' ? 'a s.3 taking effect after it did not end it (s.6(4))' : 'there was nothing left to discharge'}. Record its lapse (kind "lapsed") instead.`
        : `The s.4 had lapsed at ${when(lapsedAt)}, 72 hours after the admission (s.4(4)), before ${when(i.at)}: record its lapse (POST s4-lapse) instead.`,
    );
  if (i.kind === 'became-s3') return { ok: true, at: i.at };
  if (!i.by) return refuse(rule, 'by', 'discharger-required', 'Give who discharged the patient (by).');
  const hospital = i.section !== 's7';
  if ((hospital && i.by === 'local-social-services-authority') || (!hospital && i.by === 'hospital-managers'))
    return refuse(
      rule,
      'by',
      'discharger-not-for-section',
      hospital
        ? 'A patient detained in hospital is discharged by the responsible clinician, the hospital managers, the nearest relative or the tribunal (s.23(2)(a), s.72), not by the local social services authority.'
        : 'A guardianship patient is discharged by the responsible clinician, the local social services authority, the nearest relative or the tribunal (s.23(2)(b), s.72), not by hospital managers.',
    );
  if (i.barredAt && i.by !== 'nearest-relative')
    return refuse(rule, 'barredAt', 'barring-not-nearest-relative', 'Only a discharge by the nearest relative can be barred (s.25(1)).');
  if (i.nearestRelativeNoticeAt && i.by !== 'nearest-relative')
    return refuse(
      rule,
      'nearestRelativeNoticeAt',
      'notice-not-nearest-relative',
      "The notice to the managers is the nearest relative's (s.25(1)): give it only for a discharge by the nearest relative.",
    );
  if (i.by === 'nearest-relative' && hospital) {
    const notice = i.nearestRelativeNoticeAt;
    if (!notice)
      return refuse(
        rule,
        'nearestRelativeNoticeAt',
        'nearest-relative-notice-missing',
        "The nearest relative may order a detained patient's discharge only after giving the hospital managers at least 72 hours' written notice (s.25(1)): give when the notice was given.",
      );
    if (notice.getTime() < i.admittedAt.getTime())
      return refuse(
        rule,
        'nearestRelativeNoticeAt',
        'notice-before-admission',
        `The notice (${when(notice)}) is before the detention began at ${when(i.admittedAt)}: check the time.`,
      );
    const noticeEnds = hoursAfter(notice, NR_DISCHARGE_NOTICE_HOURS);
    if (i.barredAt) {
      if (i.barredAt.getTime() < notice.getTime())
        return refuse(
          rule,
          'barredAt',
          'barred-before-notice',
          `The barring report (${when(i.barredAt)}) is before the notice (${when(notice)}): check the times.`,
        );
      if (i.barredAt.getTime() < noticeEnds.getTime())
        return refuse(
          rule,
          'barredAt',
          'discharge-barred',
          `The responsible clinician barred the discharge at ${when(i.barredAt)}, within the 72 hours of the nearest relative's notice (to ${when(noticeEnds)}): the order for discharge has no effect (s.25(1)), and the patient stays detained. Nothing ended.`,
        );
    }
    if (i.at.getTime() < noticeEnds.getTime())
      return refuse(
        rule,
        'at',
        'nearest-relative-notice-short',
        `The nearest relative's notice was given at ${when(notice)}: an order for discharge takes effect only once the 72 hours' notice have run (s.25(1)), at ${when(noticeEnds)}, not at ${when(i.at)}.`,
      );
  }
  return { ok: true, at: i.at };
}

/** APP-22: the end of a detention as its timeline says it (`by`: who discharged, for a discharge). */
export function detentionEndNote(kind: DetentionEndKind, by: Discharger | null): string {
  return kind === 'discharged'
    ? `Discharged by ${by ? DISCHARGER_TEXT[by] : 'someone not named'} (s.23)`
    : kind === 'lapsed'
      ? 'The s.2 lapsed at the end of its 28 days (s.2(4))'
      : 'Admitted under a s.3 application, which ended the s.2 (s.6(4))';
}

/**
 * APP-17 / APP-22: whether two records of an admission are of the same admission: the same minute (a referral states
 * the admission to the minute; the hub's own timeline may carry seconds).
 */
export function sameAdmission(a: Instant, b: Instant): boolean {
  return Math.floor(a.getTime() / 60_000) === Math.floor(b.getTime() / 60_000);
}

/** A s.2 on the hub's own record whose end is recorded (POST /assessments/{id}/detention-end), with its admission. */
export interface RecordedS2End {
  assessmentId: string;
  admittedAt: Instant;
  ended: Omit<S2Ended, 'assessmentId'>;
}

/**
 * APP-17 / APP-22: the end recorded of the s.2 a referral states the patient is on (legal context `already-s2`, admitted
 * `admittedAt`): the end recorded on the referral itself; else, when that s.2 is the hub's own (an application of the
 * person's admitted at the same admission, sameAdmission) and its end is recorded on that assessment, that end. Null
 * while none is recorded: the s.2 runs to its end as s2End judges it.
 */
export function statedS2Ended(
  admittedAt: Instant,
  onReferral: Omit<S2Ended, 'assessmentId'> | null,
  onRecord: readonly RecordedS2End[],
): S2Ended | null {
  if (onReferral) return { ...onReferral, assessmentId: null };
  const same = onRecord.filter((r) => sameAdmission(r.admittedAt, admittedAt)).sort((x, y) => x.ended.at.getTime() - y.ended.at.getTime());
  return same.length ? { ...same[0].ended, assessmentId: same[0].assessmentId } : null;
}

export const RECTIFICATION_KINDS = ['application-amended', 'recommendation-amended', 'recommendation-replaced'] as const;
export type RectificationKind = (typeof RECTIFICATION_KINDS)[number];

export interface RectificationInput {
  kind: RectificationKind;
  section: Section;
  /** The admission under the application (for a patient already in hospital, the managers' receipt); null: none recorded. */
  admittedAt: Instant | null;
  /** When the managers consented to the amendment, or were furnished with the fresh recommendation. */
  at: Instant;
  managersConsent: boolean;
  /** The recommendation amended or replaced, as recorded on the assessment; undefined: none named, null: not found. */
  recommendation?: { section: Section; founds: boolean } | null;
  /** The fresh recommendation (s.15(3)), as recorded on the assessment; undefined: none named, null: not found. */
  replacement?: { section: Section; founds: boolean; withdrawn: boolean; signedAt: Instant } | null;
  zone: string;
}

/**
 * APP-16 (s.15(1), (2)): the last day of the period for rectification, 14 days beginning with the day of admission
 * (admitted Sat 21 Nov 2026: to the end of Fri 4 Dec), and whether `at` falls within it (from the admission on).
 */
export function rectificationPeriod(admittedAt: Instant, at: Instant, zone: string): { lastDay: IsoDate; open: boolean } {
  const lastDay = addDays(localDate(admittedAt, zone), RECTIFICATION_PERIOD_DAYS - 1);
  return { lastDay, open: at.getTime() >= admittedAt.getTime() && localDate(at, zone) <= lastDay };
}

/**
 * APP-16 (s.15): whether a rectification of a made application may be recorded. Within 14 days beginning with the day
 * of admission (s.15(1), (2)), never before the admission, with the hospital managers' consent: an amendment of the
 * application or of one of the recommendations it is founded on (s.15(1)); or a recommendation it is founded on,
 * found insufficient, replaced by a fresh one recorded on the assessment for the same section, signed by the time the
 * managers had it and within the period (s.15(2)-(3)). Guardianship is rectified under s.8(4), not here.
 */
export function judgeRectification(i: RectificationInput): { ok: true; lastDay: IsoDate } | RecordRefusal {
  const rule: RuleId = 'APP-16';
  if (i.section === 's7')
    return refuse(
      rule,
      'kind',
      'not-admission',
      'Section 15 rectifies an application for admission; a guardianship application is rectified under s.8(4).',
    );
  if (!i.admittedAt)
    return refuse(
      rule,
      'at',
      'not-admitted',
      'No admission under this application is recorded: the 14 days for rectification begin with the day of admission (s.15(1)). Record the admission first.',
    );
  const admissionDay = localDate(i.admittedAt, i.zone);
  const { lastDay } = rectificationPeriod(i.admittedAt, i.at, i.zone);
  if (i.at.getTime() < i.admittedAt.getTime())
    return refuse(
      rule,
      'at',
      'rectified-before-admission',
      `at (${formatLocal(i.at, i.zone)}) is before the admission at ${formatLocal(i.admittedAt, i.zone)}: s.15 rectifies an application after it.`,
    );
  if (localDate(i.at, i.zone) > lastDay)
    return refuse(
      rule,
      'at',
      'rectification-period-ended',
      `The period for rectification was 14 days beginning with the day of admission (${admissionDay}), so it ended with ${lastDay} (s.15(1), (2)): a rectification on ${localDate(i.at, i.zone)} is too late. The application stands as it was made; a fresh application is needed if it cannot.`,
    );
  if (!i.managersConsent)
    return refuse(
      rule,
      'managersConsent',
      'managers-consent-missing',
      "A rectification needs the hospital managers' consent (s.15(1)): record it (managersConsent: true) once they have given it.",
    );
  if (i.kind === 'application-amended') {
    if (i.recommendation !== undefined || i.replacement !== undefined)
      return refuse(
        rule,
        i.recommendation !== undefined ? 'recommendationId' : 'replacementId',
        'not-a-recommendation-rectification',
        'An amendment of the application names no recommendation (use recommendation-amended or recommendation-replaced).',
      );
    return { ok: true, lastDay };
  }
  if (i.recommendation === undefined)
    return refuse(rule, 'recommendationId', 'recommendation-required', 'Name the recommendation amended or replaced (recommendationId).');
  if (!i.recommendation || !i.recommendation.founds)
    return refuse(
      rule,
      'recommendationId',
      'recommendation-not-founding',
      'That recommendation is not one the application is founded on: only those can be amended or replaced under s.15.',
    );
  if (i.kind === 'recommendation-amended') {
    if (i.replacement !== undefined)
      return refuse(
        rule,
        'replacementId',
        'not-a-replacement',
        'An amendment of a recommendation names no replacement (use recommendation-replaced).',
      );
    return { ok: true, lastDay };
  }
  const fresh = i.replacement;
  if (fresh === undefined)
    return refuse(
      rule,
      'replacementId',
      'replacement-required',
      'Name the fresh recommendation, recorded on this assessment, that replaces it (replacementId).',
    );
  if (!fresh || fresh.withdrawn)
    return refuse(
      rule,
      'replacementId',
      'replacement-not-found',
      'The fresh recommendation is not a live recommendation recorded on this assessment.',
    );
  if (fresh.founds)
    return refuse(
      rule,
      'replacementId',
      'replacement-already-founds',
      'That recommendation is already one the application is founded on: it cannot replace another.',
    );
  if (fresh.section !== i.recommendation.section)
    return refuse(
      rule,
      'replacementId',
      'replacement-section-mismatch',
      `The fresh recommendation is for ${fresh.section}, the one it replaces for ${i.recommendation.section}: it must be for the same section.`,
    );
  if (fresh.signedAt.getTime() > i.at.getTime() + CLOCK_SKEW_MS)
    return refuse(
      rule,
      'at',
      'replacement-signed-after-rectification',
      `The fresh recommendation was signed at ${formatLocal(fresh.signedAt, i.zone)}, after the managers are recorded as having it at ${formatLocal(i.at, i.zone)}: check the times.`,
    );
  return { ok: true, lastDay };
}

/**
 * APP-16 (s.15(1)): what an amendment of a form can put right: its defects of form, not a missing fact or
 * qualification (an examination, an approval, a conflict of interest, the nearest relative's consultation are not
 * cured by amending a form). The application: the hospital it is addressed to (APP-03), a s.4's statement of urgent
 * necessity (APP-10). A recommendation: its statement of previous acquaintance or why none (MED-04), a s.3
 * recommendation's reasons and where treatment is available (MED-06, APP-08).
 */
export const AMENDABLE_RULES: Readonly<Record<Exclude<RectificationKind, 'recommendation-replaced'>, readonly RuleId[]>> = {
  'application-amended': ['APP-03', 'APP-10'],
  'recommendation-amended': ['MED-04', 'MED-06', 'APP-08'],
};

/**
 * APP-16: the finding codes a rectification says it cured. An amendment names each, a finding of the checks as they
 * stand that a form of its kind can cure (AMENDABLE_RULES). A replacement names none: it cures what the application,
 * judged on the fresh recommendation, is no longer found wanting in (rectifiedFindings). Otherwise the refusal naming
 * `cures`.
 */
export function amendmentCures(
  kind: RectificationKind,
  findings: readonly Finding[],
  codes: readonly string[] | undefined,
): { ok: true } | RecordRefusal {
  if (kind === 'recommendation-replaced')
    return codes === undefined
      ? { ok: true }
      : refuse(
          'APP-16',
          'cures',
          'cures-not-for-replacement',
          'A replacement cures what the application, judged on the fresh recommendation, is no longer found wanting in: give no cures.',
        );
  if (!codes?.length)
    return refuse('APP-16', 'cures', 'cures-required', 'Name the findings of the checks the amendment put right (cures: their codes).');
  for (const code of codes) {
    const found = findings.filter((f) => f.code === code);
    if (!found.length)
      return refuse(
        'APP-16',
        'cures',
        'not-a-finding',
        `${code} is not a finding of this application's checks: there is nothing of that name to cure.`,
      );
    if (!found.every((f) => AMENDABLE_RULES[kind].includes(f.rule)))
      return refuse(
        'APP-16',
        'cures',
        'not-curable-by-amendment',
        `${code} (${found[0].rule}) is not a defect of form that amending the ${kind === 'application-amended' ? 'application' : 'recommendation'} can put right (s.15(1)); an amendment of ${kind === 'application-amended' ? 'the application' : 'a recommendation'} cures ${AMENDABLE_RULES[kind].join(', ')} only.`,
      );
  }
  return { ok: true };
}

/** A rectification as recorded on the application. */
export interface RectificationFacts {
  kind: RectificationKind;
  at: Instant;
  /** An amendment's finding codes it cured. */
  cures?: readonly string[];
}

/** A finding of the application as made that a rectification cured (APP-16), with which one. */
export type CuredFinding = Finding & { curedBy: { kind: RectificationKind; at: Instant } };

/**
 * APP-16 (s.15): the checks of a rectified application. `asMade` are its findings judged on the recommendations it was
 * made on; `asRectified` on those it is founded on since a replacement (s.15(3): the replaced one disregarded, the
 * fresh one in its place). A replacement cures what the application as made was found wanting in and no longer is; an
 * amendment cures the findings it named (amendmentCures checked them when recorded) while they stand. Cured findings no
 * longer block the detention's lawfulness: they are shown apart, with the rectification that cured them.
 */
export function rectifiedFindings(
  asMade: readonly Finding[],
  asRectified: readonly Finding[],
  rectifications: readonly RectificationFacts[],
): { findings: Finding[]; cured: CuredFinding[] } {
  const key = (f: Finding) => `${f.rule}|${f.code}|${f.message}`;
  const cured: CuredFinding[] = [];
  const replacement = [...rectifications].reverse().find((r) => r.kind === 'recommendation-replaced');
  if (replacement) {
    const still = new Set(asRectified.map(key));
    for (const f of asMade) if (!still.has(key(f))) cured.push({ ...f, curedBy: { kind: replacement.kind, at: replacement.at } });
  }
  const findings: Finding[] = [];
  for (const f of replacement ? asRectified : asMade) {
    const by = rectifications.find(
      (r) => r.kind !== 'recommendation-replaced' && (r.cures ?? []).includes(f.code) && AMENDABLE_RULES[r.kind].includes(f.rule),
    );
    if (by) cured.push({ ...f, curedBy: { kind: by.kind, at: by.at } });
    else findings.push(f);
  }
  return { findings, cured };
}
