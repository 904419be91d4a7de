/**
 * The MHA assessment rules engine (the APP, MED, COI, NR, GDN, CTO, COP and MHA25 rules): checks an assessment before any
 * application (the live checklist) or an application that is, or was, made, against the Mental Health Act 1983
 * and the MHA 2025 switches of the regime in force. Pure: facts and "now" (`asAt`) come in; findings and
 * deadlines go out. No Nest, no ORM, no I/O, no clock.
 *
 * Counting (the conventions C1-C8 of time.ts): day-counted periods use LOCAL calendar dates in `facts.timeZone`
 * (C1 "beginning with", C2 "ending with", C3 clear days, C4, C6 calendar months); hour-counted ones are elapsed
 * time (C5). A day-counted deadline's `at` is `endOfLocalDay(lastDay)`: the first instant after the last day ends
 * (00:00 local the next day), the half-open convention clocks.ts uses, so the last instant inside the period is
 * 23:59:59.999 local on the last day. Only in-person contact and examinations count (C8).
 *
 * Readings marked ✱ (see rule-catalogue.ts) are kept as named constants with the mark, or as data (RegimeConfig, the NR-01 SLA).
 * Not legal advice: a deploying authority's legal team signs off the rules.
 */
import { IANAZone } from 'luxon';
import {
  CLOCK_SKEW_MS,
  formatLocal,
  hoursAfter,
  S2_DAYS,
  endNotKnown,
  s2End,
  s2InForce,
  DEFAULT_S29_APPEAL_DAYS,
  appealPending,
  appealStillPossible,
  s29OrderStands,
  S29_ORDER_FURTHER_DAYS,
  type Finding,
  type Instant,
  type LegalContextKind,
  type S2Ended,
} from './clocks';

export { S29_ORDER_FURTHER_DAYS } from './clocks';
import { citationOf, type RuleId } from './rule-catalogue';
import { DISCHARGER_TEXT } from './assessment.types';
import type {
  Applicant,
  ApplicationFacts,
  AssessmentCheck,
  AssessmentFacts,
  AssessorFacts,
  ContactFacts,
  CtoDecisionFacts,
  Deadline,
  DeadlineId,
  DetentionRemaining,
  DisplacementApplicationFacts,
  LegalRegime,
  RecommendationFacts,
  Section,
} from './assessment.types';
import { addDays, addMonths, addYears, daysBetween, endOfLocalDay, lastDayOfPeriod, localDate, type IsoDate } from './time';
import { isFilledText } from './visible-text';
import { nameWords } from './names';

// ---------------------------------------------------------------------------------------------------------------
// Statutory periods

// MED-02 (s.12(1), C3): "not more than five days" between the examination days, both excluded: |E2 − E1| ≤ 6. ✔ S2, S3
export const MAX_EXAMINATION_GAP_DAYS = 6;
// APP-04 (s.11(5), C2): seen within the 14 days ending with the date of the application. ✔ S1
export const SEEN_WITHIN_DAYS = 14;
// APP-05 (s.4(5)): seen within the previous 24 hours. ✔ S4
export const S4_SEEN_HOURS = 24;
// APP-13 (s.6(1)(a), C1): 14 days beginning with the last medical examination. ✔ S1, S5
export const CONVEYANCE_DAYS = 14;
// APP-14 (s.6(1)(b)): 24 hours beginning at the earlier of the examination and the application. ◐ S5, ✱ exact wording
export const S4_CONVEYANCE_HOURS = 24;
// APP-11 (s.4(4), C5): 72 hours from the time of admission. ✔ S4
export const S4_HOURS = 72;
// APP-16 (s.15): 14 days beginning with the day of admission. ◐ Halsbury 775, ✱ exact s.15 wording
export const RECTIFICATION_DAYS = 14;
// GDN-06 (s.8(2)): 14 days beginning with the last medical examination. ✱ (parallels s.6(1)(a); verify the text): the
// default of GUARDIANSHIP_FORWARD_DAYS, a setting, so the legal team can correct it without a code change.
export const FORWARD_TO_LSSA_DAYS = 14;
// GDN-07 (s.20(1)): guardianship's first period, 6 months from acceptance. ◐, ✱ start point
export const GUARDIANSHIP_FIRST_PERIOD_MONTHS = 6;
// CTO-08 (s.20A(1)): a community treatment order's first period, 6 months beginning with the day it is made. ✔
export const CTO_FIRST_PERIOD_MONTHS = 6;
// APP-18, GDN-07 (s.20(2)), CTO-08 (s.20A(3)): after the first period, renewable for 6 months, then for a year at a
// time (the last repeats); each renewal begins the day after the period before it ends (C6). ✔ S8
export const RENEWAL_MONTHS: readonly number[] = Object.freeze([6, 12]);
// GDN-01 (s.7(1)): guardianship is for a patient aged 16 or over. ✔ S14
export const GUARDIANSHIP_MIN_AGE = 16;

const C = {
  s2: 'MHA 1983 s.2',
  s3: 'MHA 1983 s.3',
  s4: 'MHA 1983 s.4',
  s7: 'MHA 1983 s.7',
  med01: citationOf('MED-01'),
  med02: citationOf('MED-02'),
  c8: 'MHA 1983 s.12(1), s.11(5); Devon Partnership NHS Trust v SSHSC [2021] EWHC 101 (Admin)',
  med03: citationOf('MED-03'),
  med04: citationOf('MED-04'),
  med04s4: 'MHA 1983 s.4(3)',
  med06: citationOf('MED-06'),
  app01: citationOf('APP-01'),
  coi: citationOf('COI-09'),
  app03: citationOf('APP-03'),
  app04: citationOf('APP-04'),
  app05: citationOf('APP-05'),
  app06: citationOf('APP-06'),
  app07: citationOf('APP-07'),
  app08: citationOf('APP-08'),
  app09: citationOf('APP-09'),
  app10: citationOf('APP-10'),
  cop08: citationOf('COP-08'),
  app11: citationOf('APP-11'),
  app12: citationOf('APP-12'),
  app13: citationOf('APP-13'),
  app14: citationOf('APP-14'),
  app16: citationOf('APP-16'),
  app17: citationOf('APP-17'),
  nr11: citationOf('NR-11'),
  app18: citationOf('APP-18'),
  nr01: citationOf('NR-01'),
  nr02: citationOf('NR-02'),
  nr03: citationOf('NR-03'),
  nr04: citationOf('NR-04'),
  nr10: citationOf('NR-10'),
  nr14: citationOf('NR-14'),
  mha25_06: citationOf('MHA25-06'),
  mha25_04: citationOf('MHA25-04'),
  mha25_02: citationOf('MHA25-02'),
  gdn01: citationOf('GDN-01'),
  gdn03: citationOf('GDN-03'),
  gdn04: citationOf('GDN-04'),
  gdn06: citationOf('GDN-06'),
  gdn07: citationOf('GDN-07'),
  gdn08: citationOf('GDN-08'),
  cto01: citationOf('CTO-01'),
  cto02: citationOf('CTO-02'),
  cto03: 'MHA 1983 s.17F(4)',
  cto06: citationOf('CTO-06'),
  cto07: citationOf('CTO-07'),
  cto08: citationOf('CTO-08'),
  cop03: citationOf('COP-03'),
  cop02: citationOf('COP-02'),
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Forms and codes

/**
 * FORM / MED-07 (SI 2008/1184 Sch 1): the prescribed forms for an application and the
 * recommendations it is founded on: one joint form, or one single form per doctor. A s.4 is founded on one A11
 * (its conversion's second recommendation is a s.2 single recommendation, A4).
 */
export function expectedForms(section: Section, applicant: Applicant, joint: boolean): { application: string; recommendations: string[] } {
  const byNr = applicant === 'nearest-relative';
  switch (section) {
    case 's2':
      return { application: byNr ? 'A1' : 'A2', recommendations: joint ? ['A3'] : ['A4', 'A4'] };
    case 's3':
      return { application: byNr ? 'A5' : 'A6', recommendations: joint ? ['A7'] : ['A8', 'A8'] };
    case 's4':
      return { application: byNr ? 'A9' : 'A10', recommendations: ['A11'] };
    case 's7':
      return { application: byNr ? 'G1' : 'G2', recommendations: joint ? ['G3'] : ['G4', 'G4'] };
  }
}

/**
 * MHSDS / NHS Data Dictionary "Mental Health Act Legal Status Classification Code" (England):
 * 35 is s.7 guardianship in England (a CTO is not a legal status there; MHS404 holds it).
 */
export function legalStatusCode(section: Section): string {
  const codes: Record<Section, string> = { s2: '02', s3: '03', s4: '04', s7: '35' };
  return codes[section];
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });

/** A calendar date as a duty AMHP reads it: "Sat 7 Mar 2026". */
export function formatDay(d: IsoDate): string {
  const p: Record<string, string> = {};
  for (const part of dayFormat.formatToParts(new Date(`${d}T00:00:00Z`))) p[part.type] = part.value;
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

/** How a section is named in findings and refusals. */
export const SECTION_NAME: Record<Section, string> = { s2: 's.2', s3: 's.3', s4: 's.4', s7: 'guardianship (s.7)' };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Recorded: text a reader can see something of (visible-text.ts), not only spaces or invisible characters. */
function filled(text: string | null | undefined): boolean {
  return isFilledText(text);
}

function doctorList(recs: readonly RecommendationFacts[]): string {
  const names = recs.map((r) => r.doctorName);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** "Neither Dr A nor Dr B" (two), "None of Dr A, Dr B and Dr C" (more). */
function noneOf(recs: readonly RecommendationFacts[]): string {
  return recs.length === 2 ? `Neither ${recs[0].doctorName} nor ${recs[1].doctorName}` : `None of ${doctorList(recs)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

function assertInstant(value: unknown, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError(`${name} is not a valid instant`);
}

function assertFacts(facts: AssessmentFacts): void {
  if (!IANAZone.isValidZone(facts.timeZone)) throw new RangeError(`timeZone is not a known time zone: ${facts.timeZone}`);
  facts.contacts.forEach((c, i) => assertInstant(c.at, `contacts[${i}].at`));
  for (const r of facts.recommendations) {
    assertInstant(r.examinedAt, `recommendation ${r.id} examinedAt`);
    assertInstant(r.signedAt, `recommendation ${r.id} signedAt`);
    if (r.receivedByManagersAt !== null) assertInstant(r.receivedByManagersAt, `recommendation ${r.id} receivedByManagersAt`);
  }
  const app = facts.application;
  if (app) {
    assertInstant(app.signedAt, 'application.signedAt');
    for (const key of ['admittedAt', 'forwardedToLssaAt'] as const) {
      if (app[key] !== null) assertInstant(app[key], `application.${key}`);
    }
    app.displacementApplications.forEach((d, i) => assertInstant(d.filedAt, `application.displacementApplications[${i}].filedAt`));
    if (app.detainedUnderS2) assertInstant(app.detainedUnderS2.admittedAt, 'application.detainedUnderS2.admittedAt');
    if (app.managersReceivedAt != null) assertInstant(app.managersReceivedAt, 'application.managersReceivedAt');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Context

interface Ctx {
  facts: AssessmentFacts;
  zone: string;
  asAt: Instant;
  app: ApplicationFacts | null;
  /** The application's section, or (live checklist) the section the recommendations so far point to. */
  section: Section | null;
  applicant: Applicant;
  regime: LegalRegime;
  /** The application's local date, or today's for the live checklist. */
  refDate: IsoDate;
  findings: Finding[];
  deadlines: Deadline[];
  /** NR-03: the local threshold of detention left above which relying on "unreasonable delay" needs answering. */
  nrDelayWarningHours: number;
  /** GDN-06 ✱: the days, beginning with the last examination, to forward a guardianship application (FORWARD_TO_LSSA_DAYS). */
  forwardDays: number;
  /** NR-11 ✱ (s.29(5)): the days allowed for an appeal from the court's decision on a s.29 application (S29_APPEAL_DAYS). */
  s29AppealDays: number;
}

function add(ctx: Ctx, rule: RuleId, severity: Finding['severity'], code: string, message: string, citation: string): void {
  ctx.findings.push({ rule, severity, code, message, citation });
}

function addDeadline(ctx: Ctx, id: DeadlineId, rule: RuleId, at: Instant, label: string, basis: string): Deadline {
  const deadline: Deadline = { id, rule, at, label, basis };
  ctx.deadlines.push(deadline);
  return deadline;
}

const day = (ctx: Ctx, instant: Instant): IsoDate => localDate(instant, ctx.zone);
const local = (ctx: Ctx, instant: Instant): string => formatLocal(instant, ctx.zone);
/** "the end of Sat 14 Mar 2026" (the deadline instant is the following midnight). */
const endOfDayText = (d: IsoDate): string => `the end of ${formatDay(d)}`;

function representative(regime: LegalRegime): string {
  return regime.representative === 'nominated-person' ? 'nominated person' : 'nearest relative';
}

// ---------------------------------------------------------------------------------------------------------------
// Recommendations and examinations

const inPerson = (r: RecommendationFacts): boolean => r.examMode === 'in-person';
const byExam = (a: RecommendationFacts, b: RecommendationFacts): number => a.examinedAt.getTime() - b.examinedAt.getTime();
/** COI-09: an ad hoc doctor's record among the assessors is found by the name as typed (applicationAssessors). */
/** A doctor's name as names are compared (nameWords: folded, without titles), for one entered ad hoc. */
const nameKey = (name: string): string => nameWords(name).join(' ');

/** Who a recommending doctor is, where the record says: the GMC number (register or given), else the register id. */
function doctorIdentity(r: RecommendationFacts): string | null {
  if (r.gmcNumber) return `gmc:${r.gmcNumber}`;
  return r.doctorId ? `register:${r.doctorId}` : null;
}

/**
 * s.2(3), s.3(3), s.7(3), s.4(4), s.12: are two recommendations by one doctor? Doctors are told apart by who they are
 * (doctorIdentity: the GMC number, which the register holds for each doctor on it and an ad hoc recommendation may
 * carry), never by the typed name alone: two register doctors who share a name are two doctors. Only when one of
 * them has no identity recorded does the name decide (its words without titles, as the register searches it): the
 * same name is 'maybe' against a known doctor (the ad hoc one may be that register doctor), and 'same' between two
 * doctors known only by the same name (nothing records that they differ).
 */
export function sameDoctor(a: RecommendationFacts, b: RecommendationFacts): 'same' | 'maybe' | 'different' {
  const ia = doctorIdentity(a);
  const ib = doctorIdentity(b);
  if (ia && ib) return ia === ib ? 'same' : 'different';
  if (nameKey(a.doctorName) !== nameKey(b.doctorName)) return 'different';
  return ia || ib ? 'maybe' : 'same';
}

/** "Dr A Bello (GMC 7034567)" or "Dr A Bello (entered by name, no GMC number)". */
function doctorWithIdentity(r: RecommendationFacts): string {
  return r.gmcNumber
    ? `${r.doctorName} (GMC ${r.gmcNumber})`
    : r.doctorId
      ? `${r.doctorName} (on the register)`
      : `${r.doctorName} (entered by name, no GMC number)`;
}

/** The message for two recommendations that are (or may be) by one doctor, with what to do about it. */
function sameDoctorMessage(a: RecommendationFacts, b: RecommendationFacts, judged: 'same' | 'maybe', conversion = false): string {
  if (judged === 'maybe')
    return `${doctorWithIdentity(b)} has the same name as ${doctorWithIdentity(a)}, who gave ${conversion ? 'the s.4 recommendation' : 'another of the recommendations'}: if they are one doctor, the ${conversion ? 'second recommendation must come from a different doctor' : 'two recommendations must come from two different doctors'}. Record the GMC number of the doctor entered by name (withdraw the recommendation and enter it again with gmcNumber)${conversion ? '' : ', or answer this warning saying how you know they are different doctors'}.`;
  if (!doctorIdentity(a) && !doctorIdentity(b))
    return conversion
      ? `The second recommendation is by ${b.doctorName}, the name of the doctor who gave the s.4 recommendation, and neither has a GMC number recorded: it must come from a different doctor. If they are two doctors with the same name, record each one's GMC number.`
      : `Two of the recommendations are by the same doctor (${b.doctorName}): the two recommendations must come from two different doctors. If they are two doctors with the same name, record each one's GMC number.`;
  return conversion
    ? `The second recommendation is by ${b.doctorName}, who gave the s.4 recommendation: it must come from a different doctor.`
    : `Two of the recommendations are by the same doctor (${b.doctorName}): the two recommendations must come from two different doctors.`;
}

/** The recommendations an application of `section` is founded on (a s.4's own A11; its conversion's is separate). */
function foundingRecommendations(ctx: Ctx): RecommendationFacts[] {
  const { recommendations } = ctx.facts;
  if (ctx.section === null) return [...recommendations].sort(byExam);
  return recommendations.filter((r) => r.section === ctx.section).sort(byExam);
}

/** APP-13 / APP-14 (s.6(1)): the end of the authority to convey the patient to hospital under an application. */
export interface ConveyanceWindow {
  rule: 'APP-13' | 'APP-14';
  /** The first instant with no authority to convey (half-open): an admission at or after it is not under the application. */
  endsAt: Instant;
  /** The examination the window runs from (APP-13: the last; APP-14: the s.4 one). */
  exam: RecommendationFacts;
}

/**
 * APP-13 (s.6(1)(a), C1) and APP-14 (s.6(1)(b), C5): the one judgement of how long an application authorises taking the
 * patient to hospital, for the checks, the s.4 conversion and the referral's clocks. A s.2 or s.3: 14 days beginning
 * with the day of the last in-person medical examination it is founded on, to the end of that local day. A s.4: 24
 * hours from the earlier of the examination and the application. Null for a s.7 (it conveys no one) or before any
 * founding in-person examination is recorded.
 */
function conveyanceWindowOf(ctx: Ctx, app: ApplicationFacts): ConveyanceWindow | null {
  if (app.section === 's7') return null;
  // APP-16 (s.15(3)): the authority to convey ran from the examinations the application was made on: those replaced in
  // rectification count, a fresh recommendation given in their place does not.
  const exams = [...foundingRecommendations(ctx), ...(app.replacedUnderS15 ?? [])]
    .filter((r) => inPerson(r) && !r.freshUnderS15)
    .sort(byExam);
  if (app.section === 's4') {
    const exam = exams[0];
    if (!exam) return null;
    const start = exam.examinedAt.getTime() <= app.signedAt.getTime() ? exam.examinedAt : app.signedAt;
    return { rule: 'APP-14', endsAt: hoursAfter(start, S4_CONVEYANCE_HOURS), exam };
  }
  const exam = exams[exams.length - 1];
  if (!exam) return null;
  return { rule: 'APP-13', endsAt: endOfLocalDay(addDays(day(ctx, exam.examinedAt), CONVEYANCE_DAYS - 1), ctx.zone), exam };
}

/** An admission recorded at or after the end of the authority to convey (half-open): not an admission under the application. */
function admittedTooLate(app: ApplicationFacts, window: ConveyanceWindow | null): boolean {
  return !!(window && app.admittedAt && app.admittedAt.getTime() >= window.endsAt.getTime());
}

/**
 * APP-13 / APP-14: the conveyance window of the application the facts hold (conveyanceWindowOf), and whether its
 * recorded admission came after it, when the patient could no longer be detained under it. Null without an application.
 */
export function conveyanceWindow(facts: AssessmentFacts): (ConveyanceWindow & { admittedTooLate: boolean }) | null {
  const app = facts.application;
  if (!app) return null;
  const window = conveyanceWindowOf(makeCtx(facts, app.signedAt), app);
  return window && { ...window, admittedTooLate: admittedTooLate(app, window) };
}

/** The section the recommendations recorded so far point to (live checklist), or null when none or mixed. */
function intendedSection(recs: readonly RecommendationFacts[]): Section | null {
  const sections = new Set(recs.map((r) => r.section));
  return sections.size === 1 ? [...sections][0] : null;
}

/** C8: a recommendation resting on a video or telephone examination cannot be relied on. */
function checkExamModes(ctx: Ctx, recs: readonly RecommendationFacts[]): void {
  for (const r of recs.filter((x) => !inPerson(x))) {
    add(
      ctx,
      'MED-02',
      'blocker',
      'examination-not-in-person',
      `${r.doctorName} examined the patient by ${r.examMode === 'video' ? 'video' : 'telephone'} on ${local(ctx, r.examinedAt)}. A medical recommendation needs the doctor to have personally examined the patient in the same room, so this recommendation cannot be used: the doctor must examine the patient in person.`,
      C.c8,
    );
  }
}

/** MED-02 (s.12(1), C3): the spread of the examination days is at most 6 (at most 5 clear days between). */
export function examinationGapOk(first: IsoDate, second: IsoDate): boolean {
  return Math.abs(daysBetween(first, second)) <= MAX_EXAMINATION_GAP_DAYS;
}

function checkExaminationGap(ctx: Ctx, recs: readonly RecommendationFacts[], rule: RuleId = 'MED-02'): void {
  // APP-16 (s.15(3)(a)): the interval between the examinations is not judged on a fresh recommendation given in rectification.
  const exams = recs.filter((r) => inPerson(r) && !r.freshUnderS15).sort(byExam);
  if (exams.length < 2) return;
  const first = exams[0];
  const last = exams[exams.length - 1];
  const d1 = day(ctx, first.examinedAt);
  const d2 = day(ctx, last.examinedAt);
  if (examinationGapOk(d1, d2)) return;
  const gap = daysBetween(d1, d2);
  add(
    ctx,
    rule,
    'blocker',
    'examinations-too-far-apart',
    `${first.doctorName} examined the patient on ${formatDay(d1)} and ${last.doctorName} on ${formatDay(d2)}: ${plural(gap - 1, 'clear day')} between them. No more than 5 clear days may pass between the two examinations, so after an examination on ${formatDay(d1)} the other had to be on or before ${formatDay(addDays(d1, MAX_EXAMINATION_GAP_DAYS))}. These recommendations cannot be used together.`,
    C.med02,
  );
}

/** MED-03 (s.12(2), (2A)): one of the two doctors s.12-approved or an approved clinician on the examination date. */
function checkApproval(ctx: Ctx, recs: readonly RecommendationFacts[], rule: RuleId = 'MED-03'): void {
  const exams = recs.filter(inPerson);
  const approved = exams.filter((r) => r.s12ApprovedOnExamDate || r.approvedClinicianOnExamDate);
  if (exams.length === 1 && ctx.app === null) {
    if (approved.length === 0) {
      add(
        ctx,
        rule,
        'warning',
        's12-doctor-needed',
        `${exams[0].doctorName} was not s.12-approved (or an approved clinician) on ${formatDay(day(ctx, exams[0].examinedAt))}, so the second doctor must be s.12-approved or an approved clinician on the day they examine.`,
        C.med03,
      );
    }
    return;
  }
  if (exams.length < 2) return;
  if (approved.length === 0) {
    add(
      ctx,
      rule,
      'blocker',
      'no-s12-approved-doctor',
      `${noneOf(exams)} was s.12-approved or an approved clinician on the day they examined the patient. One of the two doctors must be: a new recommendation from an approved doctor is needed.`,
      C.med03,
    );
    return;
  }
  if (!approved.some((r) => r.approvalVerified)) {
    add(
      ctx,
      rule,
      'warning',
      'approval-not-verified',
      `The s.12 or approved-clinician status of ${doctorList(approved)} on the examination date is as the doctor stated it and has not been checked against the register. Check it before relying on the recommendations: one of the two doctors must be approved on the day they examined.`,
      C.med03,
    );
  }
}

/** MED-04 (s.12(2); s.4(3) for a s.4): a doctor with previous acquaintance "if practicable", else a recorded reason. */
function checkAcquaintance(ctx: Ctx, recs: readonly RecommendationFacts[], s4: boolean): void {
  if (recs.length === 0 || recs.some((r) => r.previousAcquaintance) || recs.some((r) => filled(r.noAcquaintanceReason))) return;
  const citation = s4 ? C.med04s4 : C.med04;
  if (!s4 && recs.length === 1) {
    // With an application, the missing second recommendation is the blocker (APP-07); before it, advice.
    if (ctx.app !== null) return;
    add(
      ctx,
      'MED-04',
      'warning',
      'previous-acquaintance-preferred',
      `${recs[0].doctorName} had no previous acquaintance with the patient. If practicable the second doctor should be one who knows the patient (such as their GP); if that is not practicable, record why.`,
      citation,
    );
    return;
  }
  add(
    ctx,
    'MED-04',
    'blocker',
    'previous-acquaintance-reason-missing',
    s4
      ? `${recs[0].doctorName} had no previous acquaintance with the patient and no reason is recorded why a doctor who knows the patient could not give the recommendation. Record the reason.`
      : `${noneOf(recs)} had previous acquaintance with the patient, and no reason is recorded why a doctor who knows the patient (such as their GP) could not give one of the recommendations. Record the reason.`,
    citation,
  );
}

/** APP-07 / APP-08 / APP-10 / GDN-03: how many recommendations (in person, by different doctors) found it. */
function checkRecommendationCount(ctx: Ctx, recs: readonly RecommendationFacts[]): void {
  const section = ctx.section;
  const valid = recs.filter(inPerson);
  const rule = section === 's3' ? 'APP-08' : section === 's4' ? 'APP-10' : section === 's7' ? 'GDN-03' : 'APP-07';
  const citation = section === 's3' ? C.app08 : section === 's4' ? C.app10 : section === 's7' ? C.gdn03 : C.app07;
  const what = section ? `A ${SECTION_NAME[section]} application` : 'An application';
  const videoNote = recs.length > valid.length ? ' (a recommendation resting on a video or telephone examination does not count)' : '';
  const needed = section === 's4' ? 1 : 2;
  if (valid.length === 0) {
    add(
      ctx,
      rule,
      'blocker',
      'medical-recommendations-missing',
      section === 's4'
        ? `No medical recommendation based on an in-person examination is recorded${videoNote}. A s.4 application needs one.`
        : `No medical recommendation based on an in-person examination is recorded${videoNote}. ${what} needs two (or one joint recommendation signed by two doctors).`,
      citation,
    );
    return;
  }
  if (valid.length < needed) {
    add(
      ctx,
      rule,
      'blocker',
      'second-recommendation-missing',
      `Only one medical recommendation based on an in-person examination is recorded (${valid[0].doctorName})${videoNote}. ${what} needs two, from two different doctors (or one joint recommendation signed by both).`,
      citation,
    );
  }
  // A joint recommendation (one form, two doctors) needs both doctors' records.
  const groups = new Map<string, RecommendationFacts[]>();
  for (const r of recs) if (r.jointGroup !== null) groups.set(r.jointGroup, [...(groups.get(r.jointGroup) ?? []), r]);
  for (const members of groups.values()) {
    if (members.length !== 2) {
      add(
        ctx,
        rule,
        'blocker',
        'joint-recommendation-incomplete',
        `A joint recommendation must be signed by exactly two doctors; the one recorded has ${plural(members.length, 'doctor')} (${doctorList(members)}).`,
        citation,
      );
    }
  }
  if (section !== 's4') {
    // "Different" doctors (s.12): judged by who they are (sameDoctor), each pair once.
    for (const [i, r] of valid.entries())
      for (const prior of valid.slice(0, i)) {
        const judged = sameDoctor(prior, r);
        if (judged === 'same') add(ctx, rule, 'blocker', 'recommendations-same-doctor', sameDoctorMessage(prior, r, judged), citation);
        else if (judged === 'maybe')
          add(ctx, rule, 'warning', 'recommendations-doctor-may-be-same', sameDoctorMessage(prior, r, judged), citation);
      }
    if (valid.length > 2) {
      add(
        ctx,
        rule,
        'warning',
        'more-than-two-recommendations',
        `${valid.length} recommendations are recorded (${doctorList(valid)}); an application is founded on two. Record which two it relies on: until then they are all checked together (for example, every examination must fall within 5 clear days of the others).`,
        citation,
      );
    }
  }
}

/** MED-06 (s.3(3)): each s.3 recommendation says why informal treatment is not appropriate and where treatment is available. */
function checkS3Content(ctx: Ctx, recs: readonly RecommendationFacts[]): void {
  for (const r of recs) {
    if (!filled(r.informalInappropriateReason)) {
      add(
        ctx,
        'MED-06',
        'blocker',
        'informal-inappropriate-reason-missing',
        `${r.doctorName}'s s.3 recommendation does not say why informal treatment is not appropriate. Ask the doctor to complete it.`,
        C.med06,
      );
    }
    if (!filled(r.treatmentAvailableAt)) {
      add(
        ctx,
        'MED-06',
        'blocker',
        'treatment-availability-missing',
        `${r.doctorName}'s s.3 recommendation does not name the hospital where appropriate medical treatment is available. Ask the doctor to complete it.`,
        C.med06,
      );
    }
  }
}

/** A hospital's name as compared (APP-08): lower case, words only, without "the" and "hospital", padded for whole-word matching. */
function hospitalWords(text: string): string {
  const words = text
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\b(the|hospital)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return words ? ` ${words} ` : '';
}

/**
 * APP-08: whether a recommendation's statement of where appropriate treatment is available (`named`: one or more
 * hospitals, separated by ";", a new line or "or") names the hospital an application is addressed to (`site`). A
 * site is named as a hospital and often a ward ("Northshire General Hospital, Beech Ward"): the hospital part of
 * either (before the first comma) found, in whole words, in the other, ignoring case, punctuation, "the" and "hospital".
 */
export function namesHospital(named: string, site: string): boolean {
  const siteAll = hospitalWords(site);
  const siteKey = hospitalWords(site.split(',')[0]);
  return named.split(/;|\n|\s+or\s+/i).some((part) => {
    const partKey = hospitalWords(part.split(',')[0]);
    return (partKey !== '' && siteAll.includes(partKey)) || (siteKey !== '' && hospitalWords(part).includes(siteKey));
  });
}

/**
 * APP-08 (s.3(2)(d), s.3(3)): a s.3 application is founded on both recommendations' statement that appropriate medical
 * treatment is available, and each names the hospital(s) where it is (forms A7/A8): an application addressed to a
 * hospital a recommendation does not name is not founded on it. Judged only when both are recorded (MED-06 asks for a
 * missing statement, APP-03 for a missing site). A blocker, not a warning: s.3(2)(d) is a condition of the
 * application itself, which an acknowledgement cannot supply; the cure is an application to a hospital the
 * recommendations name, or a recommendation naming this one.
 */
function checkTreatmentHospital(ctx: Ctx, app: ApplicationFacts, recs: readonly RecommendationFacts[]): void {
  const site = app.hospitalSite;
  if (!filled(site)) return;
  for (const r of recs.filter((x) => filled(x.treatmentAvailableAt) && !namesHospital(x.treatmentAvailableAt!, site!))) {
    add(
      ctx,
      'APP-08',
      'blocker',
      'hospital-not-in-recommendation',
      `${r.doctorName}'s s.3 recommendation states that appropriate medical treatment is available at ${r.treatmentAvailableAt!.trim()}, but the application is addressed to ${site!.trim()}. The application must be to a hospital the recommendations name: address it to one of them, or ask ${r.doctorName} for a recommendation naming ${site!.trim()}.`,
      C.app08,
    );
  }
}

/** APP-09 (s.1(2A), (2B)): learning disability counts for s.3 and s.7 only with the qualifying conduct. */
function checkLearningDisability(ctx: Ctx, recs: readonly RecommendationFacts[]): void {
  if (ctx.section !== 's3' && ctx.section !== 's7') return;
  for (const r of recs.filter((x) => x.learningDisabilityOnly && !x.ldQualifyingConduct)) {
    add(
      ctx,
      'APP-09',
      'blocker',
      'learning-disability-without-qualifying-conduct',
      `${r.doctorName}'s recommendation relies on a learning disability without abnormally aggressive or seriously irresponsible conduct. For ${SECTION_NAME[ctx.section]} a learning disability counts only with that conduct. Section 2 is not affected.`,
      C.app09,
    );
  }
}

/** MHA25-04 (commenced by regime): no s.3 for autism or learning disability without a psychiatric disorder. */
function checkAutismLdGate(ctx: Ctx, recs: readonly RecommendationFacts[]): void {
  if (!ctx.regime.autismLdGate || ctx.section !== 's3') return;
  for (const r of recs.filter((x) => x.autismOrLdWithoutPsychiatricDisorder)) {
    add(
      ctx,
      'MHA25-04',
      'blocker',
      'autism-ld-without-psychiatric-disorder',
      `${r.doctorName}'s recommendation is for autism or a learning disability without a co-occurring psychiatric disorder. Under the Mental Health Act 2025 a person cannot be detained under s.3 for that alone. Section 2 remains available.`,
      C.mha25_04,
    );
  }
}

/** MHA25-02 (commenced by regime): the 2025 detention criteria. */
function checkCriteria(ctx: Ctx): void {
  if (ctx.regime.criteria !== '2025' || ctx.section === null || ctx.section === 's7') return;
  const criteria =
    ctx.section === 's3'
      ? 'serious harm may be caused to the health or safety of the patient or of another person unless they receive medical treatment; it is necessary, given the nature, degree and likelihood of that harm, that they receive it; it cannot be provided unless they are detained; and appropriate medical treatment is available'
      : 'serious harm may be caused to the health or safety of the patient or of another person unless the patient is detained, and, given the nature, degree and likelihood of the harm, the patient ought to be detained';
  add(
    ctx,
    'MHA25-02',
    'warning',
    'mha2025-criteria-apply',
    `The Mental Health Act 2025 detention criteria apply to this ${SECTION_NAME[ctx.section]} decision: ${criteria}. Make sure the recommendations and the application address these criteria, not the 1983 wording.`,
    C.mha25_02,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Conflicts of interest (COI-*)

const norm = (team: string): string => team.trim().toLowerCase();

/**
 * COI (SI 2008/1205 reg 2): "the assessors" are the applicant (the AMHP, or the nearest relative) and the doctors whose
 * recommendations found the application, not whoever is listed. Each recommending doctor is found among the records
 * by id (the recommendation's id, or, for a doctor on the register, the register id), or by name for a doctor entered
 * ad hoc (nameKey, as sameDoctor compares names). A doctor listed who gave none of these recommendations
 * (replaced after a conflict was found, or a slip) is not an assessor of this application: their declaration covers
 * nobody. Returns the assessors, and each recommending doctor with no record.
 */
function applicationAssessors(
  ctx: Ctx,
  recs: readonly RecommendationFacts[],
): { assessors: AssessorFacts[]; unrecorded: RecommendationFacts[]; others: AssessorFacts[] } {
  const all = ctx.facts.assessors;
  const doctors = all.filter((a) => a.role === 'doctor');
  // The applicant: the AMHP who applies (recorded as "amhp"), or the nearest relative who does.
  const amhps = all.filter((a) => a.role === 'amhp');
  const applicant =
    ctx.applicant === 'nearest-relative'
      ? all.filter((a) => a.role === 'nearest-relative-applicant')
      : [amhps.find((a) => a.id === 'amhp') ?? amhps[0]].filter((a) => !!a);
  const assessors: AssessorFacts[] = [...applicant];
  const unrecorded: RecommendationFacts[] = [];
  for (const r of recs) {
    const found =
      doctors.find((a) => a.id === r.id) ??
      (r.doctorId ? doctors.find((a) => a.id === r.doctorId) : doctors.find((a) => nameKey(a.name) === nameKey(r.doctorName)));
    if (!found) unrecorded.push(r);
    else if (!assessors.includes(found)) assessors.push(found);
  }
  return { assessors, unrecorded, others: doctors.filter((a) => !assessors.includes(a)) };
}

/** COI-01..09 over the assessors of this application (applicationAssessors): `recs` are the recommendations founding it. */
function checkConflicts(ctx: Ctx, recs: readonly RecommendationFacts[]): void {
  const nrApplicant = ctx.applicant === 'nearest-relative';
  if (ctx.facts.assessors.length === 0) {
    add(
      ctx,
      'COI-09',
      'blocker',
      'assessors-not-recorded',
      'No assessors (AMHP and doctors) are recorded, so conflicts of interest cannot be checked. Record who is assessing.',
      C.coi,
    );
    return;
  }
  const { assessors, unrecorded, others } = applicationAssessors(ctx, recs);
  // COI-07 (reg 5(2)) can only be judged with the applying nearest relative's teams and who directs or employs them.
  if (nrApplicant && !assessors.some((a) => a.role === 'nearest-relative-applicant')) {
    add(
      ctx,
      'COI-09',
      'blocker',
      'nearest-relative-applicant-not-in-conflict-check',
      'The application is made by the nearest relative, but they are not recorded among the assessors (role nearest-relative-applicant), so the conflicts of interest between them and the doctors cannot be checked.',
      C.coi,
    );
  }
  if (!nrApplicant && !assessors.some((a) => a.role === 'amhp')) {
    add(
      ctx,
      'COI-09',
      'blocker',
      'amhp-not-in-conflict-check',
      'The AMHP is not recorded among the assessors, so conflicts of interest between the AMHP and the doctors cannot be checked.',
      C.coi,
    );
  }
  // COI-09 (s.12(3)): a doctor who recommends must have declared; a declaration by another doctor does not count.
  const listed = others.length
    ? ` The doctors recorded as assessors (${others.map((a) => a.name).join(', ')}) gave none of the recommendations: their declarations do not count for it.`
    : '';
  for (const r of unrecorded) {
    const sameName = others.find((a) => nameKey(a.name) === nameKey(r.doctorName));
    add(
      ctx,
      'COI-09',
      'blocker',
      'conflict-declaration-missing',
      sameName
        ? `${r.doctorName} gave a medical recommendation, but no conflict-of-interest declaration is recorded against it: the one recorded for "${sameName.name}" is not linked to this recommendation from the register. Record the declaration (financial, business and personal) against the recommendation before it can be relied on.`
        : `${r.doctorName} gave a medical recommendation but has not signed a conflict-of-interest declaration (financial, business and personal). It is needed before their recommendation can be relied on.${listed}`,
      C.coi,
    );
  }
  const byId = new Map(assessors.map((a) => [a.id, a]));
  const isNr = (a: AssessorFacts): boolean => a.role === 'nearest-relative-applicant';

  // COI-01/02/08 (regs 3, 4, 6): the system cannot see money or family ties, so each assessor must declare them.
  for (const a of assessors) {
    const d = a.declaration;
    if (d === null) {
      add(
        ctx,
        'COI-09',
        'blocker',
        'conflict-declaration-missing',
        `${a.name} has not signed a conflict-of-interest declaration (financial, business and personal). It is needed before ${a.role === 'doctor' ? 'their recommendation can be relied on' : 'the application can be made'}.`,
        C.coi,
      );
      continue;
    }
    if (d.financial)
      add(
        ctx,
        'COI-01',
        'blocker',
        'conflict-financial-interest',
        `${a.name} declared a financial interest in the outcome (${local(ctx, d.declaredAt)}). They must not take part: another ${a.role === 'doctor' ? 'doctor' : 'assessor'} is needed.`,
        citationOf('COI-01'),
      );
    if (d.business)
      add(
        ctx,
        'COI-02',
        'blocker',
        'conflict-business',
        `${a.name} declared close involvement in a business with the patient or another assessor (${local(ctx, d.declaredAt)}). They must not take part: another ${a.role === 'doctor' ? 'doctor' : 'assessor'} is needed.`,
        citationOf('COI-02'),
      );
    if (d.personal)
      add(
        ctx,
        'COI-08',
        'blocker',
        'conflict-personal-relationship',
        `${a.name} declared a personal relationship with the patient, another assessor${nrApplicant ? ' or the nearest relative' : ''} (${local(ctx, d.declaredAt)}). They must not take part: another ${a.role === 'doctor' ? 'doctor' : 'assessor'} is needed.`,
        citationOf('COI-08'),
      );
  }

  // COI-03 (reg 5(1)(a)) / COI-07 (reg 5(2)): directs the work of, or employs, the patient or another assessor.
  for (const a of assessors) {
    for (const target of a.directsOrEmploys) {
      if (target === 'patient') {
        add(
          ctx,
          'COI-03',
          'blocker',
          'conflict-directs-or-employs',
          `${a.name} directs the work of, or employs, the patient. They must not take part in this assessment.`,
          citationOf('COI-03'),
        );
      } else if (target === 'nearest-relative' && nrApplicant) {
        add(
          ctx,
          'COI-07',
          'blocker',
          'conflict-directs-or-employs',
          `${a.name} directs the work of, or employs, the nearest relative who is applying. They must not take part in this application.`,
          citationOf('COI-07'),
        );
      } else {
        const other = byId.get(target);
        if (!other || other.id === a.id) continue;
        const nr = isNr(a) || isNr(other);
        add(
          ctx,
          nr ? 'COI-07' : 'COI-03',
          'blocker',
          'conflict-directs-or-employs',
          `${a.name} directs the work of, or employs, ${other.name}. They cannot both be assessors for this application.`,
          citationOf(nr ? 'COI-07' : 'COI-03'),
        );
      }
    }
  }

  // COI-04 (reg 5(1)(b)): the patient is a member of an assessor's clinical team.
  const patientTeams = new Set((ctx.facts.patientTeams ?? []).map(norm));
  for (const a of assessors) {
    const shared = a.teams.filter((t) => patientTeams.has(norm(t)));
    if (shared.length)
      add(
        ctx,
        'COI-04',
        'blocker',
        'patient-in-assessor-team',
        `The patient is a member of ${a.name}'s clinical team (${shared.join(', ')}). ${a.name} must not take part in this assessment.`,
        citationOf('COI-04'),
      );
  }

  // COI-07 (reg 5(2)): a doctor in the same clinical team as the nearest relative who applies.
  if (nrApplicant) {
    for (const nr of assessors.filter(isNr)) {
      for (const doctor of assessors.filter((x) => x.role === 'doctor')) {
        const shared = doctor.teams.filter((t) => nr.teams.some((u) => norm(u) === norm(t)));
        if (shared.length)
          add(
            ctx,
            'COI-07',
            'blocker',
            'doctor-in-nearest-relative-team',
            `${doctor.name} is in the same clinical team as the nearest relative who is applying (${shared.join(', ')}). Another doctor is needed.`,
            citationOf('COI-07'),
          );
      }
    }
    return;
  }

  // COI-05 (reg 5(1)(b)): all three assessors in one team; COI-06 (reg 7 ✱ scope): urgent necessity excuses only this.
  // A s.4 has two assessors (the AMHP and one doctor), so the rule does not arise.
  const three = assessors.filter((a) => !isNr(a));
  if (three.length < 3 || ctx.section === 's4') return;
  const common = three.slice(1).reduce((acc, a) => acc.filter((t) => a.teams.some((u) => norm(u) === norm(t))), three[0].teams);
  if (common.length === 0) return;
  const urgent = ctx.app?.urgentNecessity;
  const names = three.map((a) => a.name).join(', ');
  const all = three.length === 3 ? 'All three' : `All ${three.length}`;
  if (filled(urgent)) {
    add(
      ctx,
      'COI-06',
      'warning',
      'three-assessors-one-team-urgent',
      `${all} assessors (${names}) are in the same clinical team (${common.join(', ')}). That is a conflict of interest, allowed here only because urgent necessity is recorded ("${urgent!.trim()}"): the reasons will be audited.`,
      citationOf('COI-06'),
    );
  } else {
    add(
      ctx,
      'COI-05',
      'blocker',
      'three-assessors-one-team',
      `${all} assessors (${names}) are in the same clinical team (${common.join(', ')}). That is a conflict of interest: one of them must be replaced, unless there is urgent necessity and delay would seriously risk the patient's or others' health or safety, which must be recorded on the application.`,
      citationOf('COI-05'),
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Interview and nearest relative

/** APP-06 (s.13(2)): the AMHP interviewed the patient in a suitable manner and considered alternatives. */
function checkInterview(ctx: Ctx): void {
  if (ctx.applicant !== 'amhp') return;
  const interview = ctx.facts.interview;
  if (!interview) {
    add(
      ctx,
      'APP-06',
      'blocker',
      'interview-not-recorded',
      "The AMHP's interview with the patient is not recorded. Before applying, the AMHP must interview the patient in a suitable manner and be satisfied that detention is the most appropriate way of providing care.",
      C.app06,
    );
    return;
  }
  if (!filled(interview.suitableMannerNotes)) {
    add(
      ctx,
      'APP-06',
      'blocker',
      'interview-manner-not-recorded',
      'Record how the interview was made suitable for the patient (interpreter, hearing or communication needs, where it took place).',
      C.app06,
    );
  }
  if (!interview.alternativesConsidered.some(filled)) {
    add(
      ctx,
      'APP-06',
      'blocker',
      'alternatives-not-recorded',
      'Record at least one alternative to detention that was considered (for example home treatment, crisis team, informal admission) and why it was rejected.',
      C.app06,
    );
  }
}

function nrHasNone(ctx: Ctx): boolean {
  const nr = ctx.facts.nearestRelative;
  return !nr.identified && filled(nr.noneReason) && !nr.proposed;
}

/**
 * NR-03 / NR-01 with NR-04..08 and NR-10: "none" recorded while s.26 (or a s.29 order) names a nearest relative, a
 * relative identified who is no longer the nearest relative when the rules are applied (the application's signing),
 * or a relative the order in force displaced identified in the acting nearest relative's place. The duty is owed to the
 * person appearing to be the nearest relative: a blocker before a s.3 or guardianship application (they must be
 * consulted), a warning for s.2 and s.4 (they must be informed).
 */
function checkNrAgainstProposal(ctx: Ctx): void {
  const nr = ctx.facts.nearestRelative;
  const consult = ctx.section === 's3' || ctx.section === 's7';
  const severity = consult ? 'blocker' : 'warning';
  const duty = consult ? 'consulted' : 'informed';
  if (!nr.identified && filled(nr.noneReason) && nr.proposed) {
    add(
      ctx,
      consult ? 'NR-03' : 'NR-01',
      severity,
      'none-recorded-but-nearest-relative-proposed',
      `No nearest relative is recorded for this assessment ("${nr.noneReason}"), but the relatives recorded make ${nr.proposed} the nearest relative (s.26). The duty is owed to them: identify them, and record that they were ${duty}, or why that was not reasonably practicable${consult ? ' or would involve unreasonable delay' : ''}, with the facts.`,
      consult ? C.nr03 : C.nr01,
    );
  }
  // The identification is judged as at the application's signing, when the duty is owed: a nearest relative who was
  // so when identified but no longer is then (s.26(5)(c): a relative turned 18; s.27: the patient turned 18) is not
  // the one to consult or inform.
  const changed = nr.identifiedNoLongerNearest;
  if (changed && !nr.identifiedDisplaced) {
    const when = ctx.app ? `when the application was signed (${local(ctx, ctx.app.signedAt)})` : `now (${local(ctx, ctx.asAt)})`;
    add(
      ctx,
      consult ? 'NR-03' : 'NR-01',
      severity,
      'nearest-relative-changed',
      `${changed.identified} was identified as the nearest relative as at ${local(ctx, changed.identifiedAsAt)}, but ${when} the relatives recorded make ${changed.proposed} the nearest relative (s.26): the duty is owed to them. Identify ${changed.proposed}, and record that they were ${duty}, or why that was not reasonably practicable${consult ? ' or would involve unreasonable delay' : ''}, with the facts.`,
      consult ? C.nr03 : C.nr01,
    );
  }
  if (nr.identifiedDisplaced) {
    add(
      ctx,
      'NR-10',
      severity,
      'displaced-nearest-relative-identified',
      `A county court order (s.29) is in force: ${nr.proposed ?? 'the acting nearest relative'} has the nearest relative's functions (s.29(6)), not the displaced relative identified for this assessment. Identify the acting nearest relative, and record that they were ${duty}.`,
      C.nr10,
    );
  }
}

/** Identification of the nearest relative (NR-04..08; the NP under the 2025 regime). */
function checkNrIdentified(ctx: Ctx, severity: Finding['severity']): void {
  const nr = ctx.facts.nearestRelative;
  checkNrAgainstProposal(ctx);
  if (nr.identified || filled(nr.noneReason)) return;
  const who = representative(ctx.regime);
  add(
    ctx,
    'NR-04',
    severity,
    'nearest-relative-not-identified',
    `The ${who} has not been identified. Identify them (or record why there is none or they cannot be found) so they can be ${ctx.section === 's3' || ctx.section === 's7' ? 'consulted' : 'informed'}.`,
    ctx.regime.representative === 'nominated-person' ? C.mha25_06 : C.nr04,
  );
}

/**
 * NR-02 (s.11(4)(a)) / MHA25-06: an objection to a s.3 or guardianship application, by someone whose objection counts
 * (NR-14: the NR at the time, the s.29 acting NR, a reg 24 delegate of either; the NP under the 2025 regime). Other
 * objections in force are shown as a warning to consider, never a blocker.
 */
function checkObjection(ctx: Ctx): void {
  const nr = ctx.facts.nearestRelative;
  for (const o of nr.objectionsWithoutStanding ?? []) {
    add(ctx, 'NR-14', 'warning', 'objection-without-standing', `${o.by} has objected. ${o.explanation} Consider their views.`, C.nr14);
  }
  if (!nr.objectionInForce) return;
  const who = representative(ctx.regime);
  const by = nr.objectors?.length ? ` (${nr.objectors.join('; ')})` : '';
  if (ctx.section !== 's3' && ctx.section !== 's7') {
    add(
      ctx,
      'NR-02',
      'warning',
      'objection-in-force',
      `The ${who} has objected${by} (the objection is on record and not withdrawn). It does not prevent a s.2 application, but it ${ctx.regime.objectionBlocks ? 'prevents' : "needs the AMHP's dangerousness report for"} a s.3 or guardianship application.`,
      ctx.regime.objectionBlocks ? C.nr02 : C.mha25_06,
    );
    return;
  }
  if (ctx.regime.objectionBlocks) {
    add(
      ctx,
      'NR-02',
      'blocker',
      'nearest-relative-objects',
      `The ${nr.displaced ? 'acting nearest relative' : 'nearest relative'} has objected to the application${by} and the objection has not been withdrawn. The AMHP cannot make a ${SECTION_NAME[ctx.section]} application while it stands${nr.displaced ? '' : ', unless the county court displaces the nearest relative (s.29)'}. A s.2 application is not affected.`,
      C.nr02,
    );
  } else if (!nr.dangerousnessReport) {
    add(
      ctx,
      'MHA25-06',
      'blocker',
      'objection-without-dangerousness-report',
      `The nominated person has objected${by}. A ${SECTION_NAME[ctx.section]} application can be made only with the AMHP's report that, if not ${ctx.section === 's7' ? 'received into guardianship' : 'admitted'}, the patient would be likely to act in a manner dangerous to others or to themselves. ${nr.dangerousnessReportProblems?.length ? `The report given does not do so: ${nr.dangerousnessReportProblems.join('; ')}.` : 'No such report is recorded.'}`,
      C.mha25_06,
    );
  } else {
    add(
      ctx,
      'MHA25-06',
      'warning',
      'objection-overridden-by-report',
      `The nominated person has objected${by}; the application relies on the AMHP's dangerousness report, which must accompany it.`,
      C.mha25_06,
    );
  }
}

/** NR-03 (s.11(4)(b)): consulted before a s.3 or guardianship application, or a recorded exception with facts. */
function checkConsultation(ctx: Ctx): void {
  if (ctx.section !== 's3' && ctx.section !== 's7') return;
  const nr = ctx.facts.nearestRelative;
  if (nrHasNone(ctx)) return;
  const who = representative(ctx.regime);
  const citation = ctx.regime.representative === 'nominated-person' ? C.mha25_06 : C.nr03;
  if (nr.consultedAt) {
    if (ctx.app && nr.consultedAt.getTime() > ctx.app.signedAt.getTime()) {
      add(
        ctx,
        'NR-03',
        'blocker',
        'consulted-after-application',
        `The ${who} was consulted at ${local(ctx, nr.consultedAt)}, after the application was signed (${local(ctx, ctx.app.signedAt)}). Consultation must come before the application.`,
        citation,
      );
    }
    return;
  }
  if (nr.exception) {
    if (!filled(nr.exception.facts)) {
      add(
        ctx,
        'NR-03',
        'blocker',
        'consultation-exception-without-facts',
        `Consultation with the ${who} is recorded as ${nr.exception.kind === 'unreasonable-delay' ? 'involving unreasonable delay' : 'not reasonably practicable'}, but the facts relied on are not recorded. Record them: the decision is judged on the facts as they appeared at the time.`,
        citation,
      );
    }
    if (nr.exception.kind === 'unreasonable-delay' && nr.exception.detentionRemaining)
      checkDelayAgainstDetention(ctx, nr.exception.detentionRemaining, who, citation);
    return;
  }
  add(
    ctx,
    'NR-03',
    'blocker',
    'nearest-relative-not-consulted',
    `The ${who} has not been consulted. Before a ${SECTION_NAME[ctx.section]} application the AMHP must consult them, unless that is not reasonably practicable or would involve unreasonable delay (record which, and the facts).`,
    citation,
  );
}

/**
 * APP-21 ✱ (s.14): the days from an admission on the nearest relative's application by which the council's AMHP should
 * have given the managers the social circumstances report. The Act says only "as soon as practicable": a local target.
 */
export const DEFAULT_S14_REPORT_DAYS = 7;

/** NR-03 ✱: the hours of detention left above which relying on "unreasonable delay" is a warning to answer (local). */
export const DEFAULT_NR_DELAY_WARNING_HOURS = 12;

/** The detentions with a clock a referral may carry, as its clocks end them (see detentionRemaining). */
export interface DetentionsInForce {
  /** HOLD-01 / HOLD-02: the s.5(2) or s.5(4) holding power, ending at its clock's deadline. */
  holdingPower?: { rule: 'HOLD-01' | 'HOLD-02'; endsAt: Instant } | null;
  /** POL-07 / POL-04: the s.136 or s.135(1) place-of-safety detention, ending at its clock's deadline (with any s.136B extension). */
  placeOfSafety?: { rule: 'POL-07' | 'POL-04'; endsAt: Instant } | null;
  /**
   * APP-17: the patient is already detained under a s.2, admitted then; it ends as s2End judges it (NR-11), or at the
   * end recorded of it (`ended`, APP-22: a discharge, its lapse, a s.3).
   */
  detainedUnderS2?: { admittedAt: Instant; ended?: S2Ended | null } | null;
  /** NR-11: the person's s.29 applications on ground (c) or (d), which may extend that s.2. */
  displacementApplications?: readonly DisplacementApplicationFacts[];
  /** NR-11 ✱ (s.29(5)): the days allowed for an appeal from the court's decision (S29_APPEAL_DAYS); 21 when absent. */
  s29AppealDays?: number;
}

const DETENTION_NAMES: Record<NonNullable<DetentionRemaining['detention']>['rule'], string> = {
  'HOLD-01': 'the s.5(2) holding power',
  'HOLD-02': 'the s.5(4) holding power',
  'POL-07': 'the s.136 detention',
  'POL-04': 'the s.135(1) detention',
  'APP-17': 'the s.2 detention',
};

/** "68 h", "2 h 30 min", "45 min": whole minutes in hours, as the holding powers are counted. */
function minutesText(total: number): string {
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  return [hours ? `${hours} h` : '', minutes || !hours ? `${minutes} min` : ''].filter(Boolean).join(' ');
}

/**
 * NR-03 (s.11(4)(b)): what remained at `at` of the detention with a clock then in force, computed by the hub and kept
 * with an exception to consulting the nearest relative. The reliance is judged on the facts as they appeared at the
 * time, and in CV v SLAM [2010] EWHC 742 (Admin) a wrong belief about the time left on a s.5(2) made an "unreasonable
 * delay" reliance unlawful: the hub's own clock is the fact to keep beside the AMHP's account. A s.2 ends as s2End
 * judges it (APP-17, NR-11): while a s.29 application made during it is undecided it has no end date.
 *
 * Worked example: a s.5(2) furnished Sun 6 Dec 2026 08:00 GMT ends Wed 9 Dec 08:00; relied on at Sun 12:00, 68 h remain.
 */
export function detentionRemaining(at: Instant, detentions: DetentionsInForce, zone: string): DetentionRemaining {
  assertInstant(at, 'at');
  let rule: NonNullable<DetentionRemaining['detention']>['rule'] | null = null;
  let endsAt: Instant | null = null;
  let extended = '';
  // APP-22: the end recorded of the s.2 (a discharge, its lapse, a s.3) counts once it had come by `at`; one after `at`
  // was not a fact then (the reliance is judged on the facts as they were).
  const recorded = detentions.detainedUnderS2?.ended;
  const ended = recorded && recorded.at.getTime() <= at.getTime() ? recorded : null;
  if (detentions.detainedUnderS2) {
    const judged = s2End(
      detentions.detainedUnderS2.admittedAt,
      detentions.displacementApplications ?? [],
      zone,
      detentions.s29AppealDays ?? DEFAULT_S29_APPEAL_DAYS,
    );
    rule = 'APP-17';
    if (ended) endsAt = ended.at;
    else if (endNotKnown(judged.extension))
      extended = appealPending(judged.extension.by)
        ? `extended by the s.29 application filed at ${formatLocal(judged.extension.by.filedAt, zone)} (NR-11, s.29(4)) while an appeal against the court's decision, lodged on ${judged.extension.by.appeal!.lodgedOn}, was pending (s.29(5)), so it had no end date`
        : `extended by the s.29 application filed at ${formatLocal(judged.extension.by.filedAt, zone)} (NR-11, s.29(4)) until the court disposes of it, so it had no end date`;
    else endsAt = judged.end;
  } else if (detentions.holdingPower) {
    rule = detentions.holdingPower.rule;
    endsAt = detentions.holdingPower.endsAt;
  } else if (detentions.placeOfSafety) {
    rule = detentions.placeOfSafety.rule;
    endsAt = detentions.placeOfSafety.endsAt;
  }
  const when = formatLocal(at, zone);
  if (!rule)
    return { at, detention: null, text: `No detention with a clock (holding power, place of safety or s.2) was in force at ${when}.` };
  const name = DETENTION_NAMES[rule];
  if (!endsAt) return { at, detention: { rule, name, endsAt: null, remainingMinutes: null }, text: `At ${when}, ${name} was ${extended}.` };
  const remainingMinutes = Math.max(0, Math.floor((endsAt.getTime() - at.getTime()) / 60_000));
  const endedBy = ended && ended.at.getTime() === endsAt.getTime() && ended.kind !== 'lapsed' ? ended : null;
  const text =
    endsAt.getTime() <= at.getTime()
      ? endedBy
        ? `At ${when}, ${name} had already ended (${endedBy.kind === 'discharged' ? `the patient was discharged${endedBy.by ? ` by ${DISCHARGER_TEXT[endedBy.by]}` : ''}, s.23` : 'admitted under a s.3, s.6(4)'}, at ${formatLocal(endsAt, zone)}).`
        : `At ${when}, ${name} had already lapsed (at ${formatLocal(endsAt, zone)}).`
      : `${minutesText(remainingMinutes)} of ${name} remained at ${when}: it ends at ${formatLocal(endsAt, zone)}.`;
  return { at, detention: { rule, name, endsAt, remainingMinutes }, text };
}

/**
 * NR-03 with CV v SLAM: "unreasonable delay" relied on while more of the detention remained than the local threshold
 * (or a s.2 with no end date while a s.29 application is pending), or with no detention clock at all, is a warning the
 * AMHP answers when recording the outcome; the detention's end is shown with the deadlines either way.
 */
function checkDelayAgainstDetention(ctx: Ctx, remaining: DetentionRemaining, who: string, citation: string): void {
  const d = remaining.detention;
  if (d?.endsAt && d.remainingMinutes)
    addDeadline(
      ctx,
      'nr-exception-detention-ends',
      'NR-03',
      d.endsAt,
      `${d.name[0].toUpperCase()}${d.name.slice(1)} ends (relied on for not consulting the ${who})`,
      `Computed when the exception was recorded: ${remaining.text}`,
    );
  const threshold = ctx.nrDelayWarningHours * 60;
  if (!d)
    add(
      ctx,
      'NR-03',
      'warning',
      'unreasonable-delay-without-detention',
      `Consulting the ${who} is recorded as involving unreasonable delay, but no detention with a clock was in force when it was recorded (${formatLocal(remaining.at, ctx.zone)}): no holding power, place of safety or s.2 was running out. The reliance is judged on the facts as they were (CV v SLAM [2010] EWHC 742 (Admin)): say what made the delay unreasonable, or consult the ${who} first.`,
      citation,
    );
  else if (d.remainingMinutes === null || d.remainingMinutes > threshold)
    add(
      ctx,
      'NR-03',
      'warning',
      'unreasonable-delay-with-time-remaining',
      `Consulting the ${who} is recorded as involving unreasonable delay, but the hub's clock showed more time left. ${remaining.text} That is more than the ${ctx.nrDelayWarningHours} hours this hub sets. In CV v SLAM [2010] EWHC 742 (Admin) a wrong belief about the time left on a s.5(2) made the reliance unlawful: consult the ${who}, or say what made the delay unreasonable with this much time left.`,
      citation,
    );
}

/** NR-01 (s.11(3)): inform the NR of a s.2 (or s.4) application, before or within a reasonable time after it. */
function checkInformed(ctx: Ctx, app: ApplicationFacts, slaHours: number): void {
  const nr = ctx.facts.nearestRelative;
  if (nr.informedAt || nrHasNone(ctx)) return;
  const who = representative(ctx.regime);
  if (nr.exception) {
    if (!filled(nr.exception.facts)) {
      add(
        ctx,
        'NR-01',
        'warning',
        'inform-exception-without-facts',
        `Informing the ${who} is recorded as not practicable, but the facts relied on are not recorded. Record them.`,
        C.nr01,
      );
    }
    return;
  }
  const due = hoursAfter(app.signedAt, slaHours);
  addDeadline(
    ctx,
    'inform-nearest-relative',
    'NR-01',
    due,
    `Inform the ${who} of the application`,
    `Local target (✱ "a reasonable time after", s.11(3)): ${slaHours} hours (elapsed) from the application signed at ${local(ctx, app.signedAt)}; due ${local(ctx, due)}.`,
  );
  const overdue = ctx.asAt.getTime() >= due.getTime();
  add(
    ctx,
    'NR-01',
    'warning',
    overdue ? 'nearest-relative-inform-overdue' : 'nearest-relative-not-informed',
    `The ${who} has not been told that the application ${ctx.asAt.getTime() >= app.signedAt.getTime() ? 'has been' : 'is to be'} made, or of their power to order discharge. ${overdue ? `This was due by ${local(ctx, due)} and is overdue` : `Do it by ${local(ctx, due)}`}, or record why it is not practicable.`,
    C.nr01,
  );
}

/** GDN-01 (s.7(1), (4)): aged 16 or over on the application date, or believed to be. */
function checkAge(ctx: Ctx): void {
  if (ctx.section !== 's7') return;
  const dob = ctx.facts.patientDateOfBirth;
  if (dob === null) {
    if (!ctx.facts.believedSixteenOrOver) {
      add(
        ctx,
        'GDN-01',
        'blocker',
        'patient-age-not-recorded',
        "The patient's date of birth is not recorded, nor that they are believed to be 16 or over. Guardianship is only for a patient aged 16 or over: record the date of birth on the person, or state on the application that the patient is believed to be 16 or over.",
        C.gdn01,
      );
    }
    return;
  }
  let sixteenth = addYears(dob, GUARDIANSHIP_MIN_AGE);
  // Born on 29 Feb: in a non-leap year the birthday is taken as 1 Mar (the later date, so never too early).
  if (dob.endsWith('-02-29') && !sixteenth.endsWith('-02-29')) sixteenth = addDays(sixteenth, 1);
  if (ctx.refDate < sixteenth) {
    add(
      ctx,
      'GDN-01',
      'blocker',
      'patient-under-16',
      `The patient (born ${formatDay(dob)}) is under 16 on ${formatDay(ctx.refDate)}: guardianship is only for a patient aged 16 or over. They are 16 on ${formatDay(sixteenth)}.`,
      C.gdn01,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Periods

/** C6 / APP-18 / GDN-07: a period of N calendar months beginning with D, ending on (D + N months) − 1 day. */
export function calendarMonthPeriod(start: IsoDate, months: number): { lastDay: IsoDate; monthEnd: boolean } {
  const target = addMonths(start, months);
  const clamped = target.slice(8) !== start.slice(8);
  const lastOfMonth = addDays(start, 1).slice(8) === '01';
  return { lastDay: lastDayOfPeriod(start, { months }), monthEnd: clamped || lastOfMonth };
}

/** One period of authority (C6): the first, or a renewal. */
export interface AuthorityPeriod {
  /** 1 for the first period, 2 for the first renewal, ... */
  period: number;
  months: number;
  from: IsoDate;
  lastDay: IsoDate;
  /** A month-end case (calendarMonthPeriod): its end needs human review. */
  monthEnd: boolean;
}

/**
 * APP-18 / GDN-07 (s.20(1)-(2)), CTO-08 (s.20A(1), (3)), MHA25-09 (C6): the first `count` periods of an authority
 * beginning with `start`: the first of `firstMonths`, then the renewals of `renewalMonths` in order, the last of them
 * repeating. Each renewal begins the day after the period before it ends, so a month-end first period carries its
 * clamped day into the renewals (31 Aug: to 27 Feb, then from 28 Feb).
 */
export function authorityPeriods(start: IsoDate, firstMonths: number, renewalMonths: readonly number[], count: number): AuthorityPeriod[] {
  if (!renewalMonths.length) throw new RangeError('authorityPeriods: no renewal periods');
  const periods: AuthorityPeriod[] = [];
  let from = start;
  for (let i = 0; i < count; i++) {
    const months = i === 0 ? firstMonths : renewalMonths[Math.min(i - 1, renewalMonths.length - 1)];
    const { lastDay, monthEnd } = calendarMonthPeriod(from, months);
    periods.push({ period: i + 1, months, from, lastDay, monthEnd });
    from = addDays(lastDay, 1);
  }
  return periods;
}

/** "6 months" / "1 year". */
function monthsText(months: number): string {
  return months % 12 === 0 ? plural(months / 12, 'year') : plural(months, 'month');
}

/** The renewals a first period may be followed by (s.20(2), s.20A(3)), as a sentence to add to its basis. */
function renewalsText(start: IsoDate, firstMonths: number, renewalMonths: readonly number[], section: string): string {
  // The first period, each renewal in the schedule, and one more to show the last one repeating.
  const [, ...renewals] = authorityPeriods(start, firstMonths, renewalMonths, renewalMonths.length + 2);
  const each = renewals.map(
    (p) => `${monthsText(p.months)} from ${formatDay(p.from)} to ${formatDay(p.lastDay)}${p.monthEnd ? ' (month-end case: review)' : ''}`,
  );
  const last = renewalMonths[renewalMonths.length - 1];
  return ` If renewed (${section}), each period begins the day after the last ends: ${each.join('; then ')}; and so on, ${monthsText(last)} at a time.`;
}

function monthPeriodDeadline(
  ctx: Ctx,
  id: DeadlineId,
  rule: RuleId,
  citation: string,
  start: IsoDate,
  months: number,
  label: string,
  startWords: string,
  note: string,
  renewal: { months: readonly number[]; section: string },
): void {
  const { lastDay, monthEnd } = calendarMonthPeriod(start, months);
  const at = endOfLocalDay(lastDay, ctx.zone);
  addDeadline(
    ctx,
    id,
    rule,
    at,
    label,
    `C6: ${months} calendar months beginning with ${startWords} (${formatDay(start)}) end on ${formatDay(lastDay)} (${formatDay(start)} + ${months} months − 1 day), until midnight (${local(ctx, at)})${note}.${monthEnd ? ' Month-end case: needs human review.' : ''}${renewalsText(start, months, renewal.months, renewal.section)}`,
  );
  if (monthEnd) {
    add(
      ctx,
      rule,
      'warning',
      'period-month-end-review',
      `The period starts on ${formatDay(start)}${addMonths(start, months).slice(8) !== start.slice(8) ? `, and ${months} months later has no matching date, so it was taken to ${formatDay(addMonths(start, months))}` : `, the last day of a month, and ${months} months later is ${formatDay(addMonths(start, months))}`}: the period is calculated to end at ${endOfDayText(lastDay)}. Month-end arithmetic is not settled: ask the Mental Health Act office or legal team to confirm the expiry date.`,
      citation,
    );
  }
}

/** APP-18 (s.20(2)) / MHA25-09 ✱: a s.3's renewals under the regime in force. */
function s3Renewal(ctx: Ctx): { months: readonly number[]; section: string } {
  return {
    months: ctx.regime.s3RenewalMonths,
    section: ctx.regime.s3FirstPeriodMonths === 3 ? 's.20(2) as amended by MHA 2025 s.29 ✱' : 's.20(2)',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// s.4 conversion (APP-11)

export interface S4Conversion {
  /** The two recommendations together convert the s.4 into a s.2 (s.4(4)). */
  valid: boolean;
  /** What prevents the conversion (blockers) and what to check. */
  findings: Finding[];
  /** The s.2's end, counted from the s.4 admission (C4), when it converts. */
  s2Expiry: Date | null;
  /** When it converts: the managers' receipt of the second recommendation relied on (within the 72 hours); else null. */
  convertsAt: Date | null;
}

/**
 * APP-11 (s.4(4)): a s.4 becomes a s.2 when a second recommendation is given and received by the managers within
 * 72 hours (elapsed, C5) of admission and the two together satisfy s.12 (MED-02 five clear days, MED-03 one
 * approved doctor, C8 in person; not the time-of-signature rule). The s.2 then runs from the s.4 admission (C4).
 * The facts must hold a s.4 application; findings are blockers for what prevents conversion, judged without a
 * clock (checkAssessment softens "not received yet" while the 72 hours are still running). The one judgement of
 * "does it convert": the s.4-conversion step, the lapse record and the referral's APP-11 clock all rest on it.
 */
export function s4Conversion(facts: AssessmentFacts): S4Conversion {
  const app = facts.application;
  if (!app || app.section !== 's4') throw new RangeError('s4Conversion: the facts do not hold a s.4 application');
  assertFacts(facts);
  const ctx = makeCtx(facts, app.signedAt);
  const zone = ctx.zone;
  if (!app.admittedAt) {
    add(
      ctx,
      'APP-11',
      'warning',
      's4-not-admitted',
      "The patient's admission under s.4 is not recorded: the 72 hours for the second recommendation start at admission.",
      C.app11,
    );
    return { valid: false, findings: ctx.findings, s2Expiry: null, convertsAt: null };
  }
  const window = conveyanceWindowOf(ctx, app);
  if (admittedTooLate(app, window)) {
    add(
      ctx,
      'APP-11',
      'blocker',
      's4-admitted-after-conveyance-window',
      `The patient was admitted at ${local(ctx, app.admittedAt)}, after the s.4 authority to convey ended at ${local(ctx, window!.endsAt)} (APP-14, s.6(1)(b)): the patient was never detained under the s.4, so there is nothing to convert into a s.2. A fresh assessment is needed.`,
      C.app11,
    );
    return { valid: false, findings: ctx.findings, s2Expiry: null, convertsAt: null };
  }
  const deadline = hoursAfter(app.admittedAt, S4_HOURS);
  const first = facts.recommendations.filter((r) => r.section === 's4' && inPerson(r)).sort(byExam)[0];
  const seconds = facts.recommendations.filter((r) => r.section === 's2').sort(byExam);
  if (!first) {
    add(
      ctx,
      'APP-11',
      'blocker',
      's4-recommendation-missing',
      'There is no s.4 recommendation based on an in-person examination to convert from.',
      C.app11,
    );
    return { valid: false, findings: ctx.findings, s2Expiry: null, convertsAt: null };
  }
  if (seconds.length === 0) {
    add(
      ctx,
      'APP-11',
      'blocker',
      's4-second-recommendation-missing',
      `No second medical recommendation is recorded. It must be given and received by the hospital managers by ${local(ctx, deadline)} (72 hours after admission at ${local(ctx, app.admittedAt)}), or the s.4 lapses then.`,
      C.app11,
    );
    return { valid: false, findings: ctx.findings, s2Expiry: null, convertsAt: null };
  }
  // The second recommendations in the order the managers received them (then those not received): the first that,
  // with the s.4 one, complies with s.12 converts the s.4 at its receipt; a defective one received earlier does not
  // stop a later lawful one converting it within the 72 hours. When none does, the first is the one reported.
  const ordered = [
    ...seconds.filter((r) => r.receivedByManagersAt !== null).sort((a, b) => receivedAtOf(a)!.getTime() - receivedAtOf(b)!.getTime()),
    ...seconds.filter((r) => r.receivedByManagersAt === null),
  ];
  const judged = ordered.map((second) => judgeSecond(makeCtx(facts, app.signedAt), first, second, app.admittedAt!, deadline));
  const chosen = judged.find((j) => j.valid) ?? judged[0];
  ctx.findings.push(...chosen.findings);
  const valid = chosen.valid;
  const s2Expiry = valid ? endOfLocalDay(lastDayOfPeriod(localDate(app.admittedAt, zone), { days: S2_DAYS }), zone) : null;
  return { valid, findings: ctx.findings, s2Expiry, convertsAt: valid ? chosen.receivedAt : null };
}

/**
 * APP-11 (s.4(4)(a)): when the second recommendation was "given and received" by the managers: its receipt, but never
 * before the doctor signed it (a receipt recorded earlier cannot be the receipt of this recommendation; the service
 * refuses one at entry, and one kept from before is judged on the signature). Null: not received.
 */
function receivedAtOf(r: RecommendationFacts): Instant | null {
  if (!r.receivedByManagersAt) return null;
  return r.receivedByManagersAt.getTime() < r.signedAt.getTime() ? r.signedAt : r.receivedByManagersAt;
}

/**
 * APP-11: does this second recommendation, with the s.4 one (`first`), convert the s.4? s.4(4)(a): given and received
 * within the 72 hours (receivedAtOf); s.4(4)(b): the two together comply with s.12 (a different doctor, C8 in person,
 * MED-02, MED-03, MED-04) and with the regulations under s.12A (COI-01..09), judged for the s.2 the pair would found
 * exactly as for an ordinary s.2 (checkConflicts, checkAcquaintance), so a conflicted or undeclared second doctor
 * converts nothing.
 */
function judgeSecond(
  ctx: Ctx,
  first: RecommendationFacts,
  second: RecommendationFacts,
  admittedAt: Instant,
  deadline: Instant,
): { valid: boolean; findings: Finding[]; receivedAt: Instant | null } {
  const receivedAt = receivedAtOf(second);
  if (!receivedAt) {
    add(
      ctx,
      'APP-11',
      'blocker',
      's4-second-recommendation-not-received',
      `${second.doctorName}'s second recommendation is not recorded as received by the hospital managers. It must be received by ${local(ctx, deadline)} (72 hours after admission at ${local(ctx, admittedAt)}).`,
      C.app11,
    );
  } else if (receivedAt.getTime() > deadline.getTime()) {
    const signedLater = receivedAt !== second.receivedByManagersAt;
    add(
      ctx,
      'APP-11',
      'blocker',
      's4-second-recommendation-late',
      signedLater
        ? `${second.doctorName}'s second recommendation was signed at ${local(ctx, receivedAt)} (its receipt by the managers is recorded at ${local(ctx, second.receivedByManagersAt!)}, before it was signed), after the 72 hours from admission (${local(ctx, admittedAt)}) ended at ${local(ctx, deadline)}: it was not given and received within them. The s.4 lapsed then and cannot become a s.2: a new assessment is needed.`
        : `${second.doctorName}'s second recommendation was received by the managers at ${local(ctx, receivedAt)}, after the 72 hours from admission (${local(ctx, admittedAt)}) ended at ${local(ctx, deadline)}. The s.4 lapsed then and cannot become a s.2: a new assessment is needed.`,
      C.app11,
    );
  }
  // "by a different doctor" (s.4(4), s.12): the same identity as APP-07 (sameDoctor). There is no warning to answer
  // at conversion, so a doctor entered by name who may be the s.4 doctor stops it until the GMC number is recorded.
  const judged = sameDoctor(first, second);
  if (judged !== 'different')
    add(
      ctx,
      'APP-11',
      'blocker',
      judged === 'same' ? 'recommendations-same-doctor' : 'recommendations-doctor-may-be-same',
      sameDoctorMessage(first, second, judged, true),
      C.app11,
    );
  const pair = [first, second];
  checkExamModes(ctx, [second]);
  checkExaminationGap(ctx, pair, 'APP-11');
  checkApproval(ctx, pair, 'APP-11');
  // s.4(4)(b): the pair founds a s.2, so its s.12(2) acquaintance and the s.12A regulations are judged as a s.2's.
  const asS2: Ctx = { ...ctx, section: 's2' };
  checkAcquaintance(asS2, pair.filter(inPerson), false);
  checkConflicts(asS2, pair);
  return { valid: !ctx.findings.some((f) => f.severity === 'blocker'), findings: ctx.findings, receivedAt };
}

// ---------------------------------------------------------------------------------------------------------------
// The checks

function makeCtx(
  facts: AssessmentFacts,
  asAt: Instant,
  nrDelayWarningHours = DEFAULT_NR_DELAY_WARNING_HOURS,
  forwardDays = FORWARD_TO_LSSA_DAYS,
  s29AppealDays = DEFAULT_S29_APPEAL_DAYS,
): Ctx {
  const app = facts.application;
  const zone = facts.timeZone;
  return {
    facts,
    zone,
    asAt,
    app,
    section: app ? app.section : intendedSection(facts.recommendations),
    applicant: app ? app.applicant : 'amhp',
    regime: facts.regime,
    refDate: localDate(app ? app.signedAt : asAt, zone),
    findings: [],
    deadlines: [],
    nrDelayWarningHours,
    forwardDays,
    s29AppealDays,
  };
}

/**
 * Checks an assessment against the law. With no application it is the live checklist: what is computable so
 * far (the examination gap, the latest date for the second examination, the last valid application date, the
 * conveyance window) and a blocker for everything still missing before an application can be made. With an
 * application it checks that application (made at `application.signedAt`) for its section. `asAt` is "now",
 * used only to say whether a window has already closed; `nrInformSlaHours` is the local NR-01 target;
 * `nrDelayWarningHours` the local NR-03 threshold of detention left (DEFAULT_NR_DELAY_WARNING_HOURS when not given).
 */
export function checkAssessment(
  facts: AssessmentFacts,
  opts: {
    asAt: Date;
    nrInformSlaHours: number;
    nrDelayWarningHours?: number;
    s14ReportDays?: number;
    /** GDN-06 ✱: days beginning with the last examination to forward a guardianship application (default 14). */
    guardianshipForwardDays?: number;
    /** NR-11 ✱ (s.29(5)): days allowed for an appeal from a s.29 decision (default 21, the S29_APPEAL_DAYS setting). */
    s29AppealDays?: number;
  },
): AssessmentCheck {
  assertInstant(opts.asAt, 'asAt');
  if (!Number.isFinite(opts.nrInformSlaHours) || opts.nrInformSlaHours < 0)
    throw new RangeError(`nrInformSlaHours must be a non-negative number, not ${opts.nrInformSlaHours}`);
  const nrDelayWarningHours = opts.nrDelayWarningHours ?? DEFAULT_NR_DELAY_WARNING_HOURS;
  if (!Number.isFinite(nrDelayWarningHours) || nrDelayWarningHours < 0)
    throw new RangeError(`nrDelayWarningHours must be a non-negative number, not ${nrDelayWarningHours}`);
  assertFacts(facts);
  const forwardDays = opts.guardianshipForwardDays ?? FORWARD_TO_LSSA_DAYS;
  if (!Number.isInteger(forwardDays) || forwardDays < 1)
    throw new RangeError(`guardianshipForwardDays must be a whole number of days, at least 1, not ${forwardDays}`);
  const s29AppealDays = opts.s29AppealDays ?? DEFAULT_S29_APPEAL_DAYS;
  if (!Number.isInteger(s29AppealDays) || s29AppealDays < 1)
    throw new RangeError(`s29AppealDays must be a whole number of days, at least 1, not ${s29AppealDays}`);
  const ctx = makeCtx(facts, opts.asAt, nrDelayWarningHours, forwardDays, s29AppealDays);
  const s14ReportDays = opts.s14ReportDays ?? DEFAULT_S14_REPORT_DAYS;
  if (!Number.isFinite(s14ReportDays) || s14ReportDays < 1) throw new RangeError(`s14ReportDays must be at least 1, not ${s14ReportDays}`);
  if (ctx.app) checkApplication(ctx, ctx.app, opts.nrInformSlaHours, s14ReportDays);
  // A CTO decision (s.17A(4), s.17F(4)) is not an application: no application checklist (APP-*, COP-02/03, NR-01) for it.
  else if (!facts.cto) checkLive(ctx);
  if (facts.cto) checkCto(ctx);
  ctx.deadlines.sort((a, b) => a.at.getTime() - b.at.getTime());
  // A s.4's conversion is judged with the s.4's own assessors (APP-11, checkConflicts): what it finds about them is said once.
  const said = new Set<string>();
  const findings = ctx.findings.filter((f) => {
    const key = `${f.rule}|${f.severity}|${f.code}|${f.message}`;
    return !said.has(key) && !!said.add(key);
  });
  return { regime: facts.regime, findings, deadlines: ctx.deadlines };
}

/**
 * MED-02 before the application (C3, s.12(1)): the latest date for the second examination, the first in-person
 * examination's day + 6 (at most 5 clear days between the examination days; STATUTE C3: first Sun 1 Mar, second by
 * Sat 7 Mar). While fewer than two doctors have examined, a warning on that last day, and a blocker once it has passed.
 */
function secondExaminationWindow(ctx: Ctx, exams: readonly RecommendationFacts[]): void {
  const first = exams[0];
  if (!first) return;
  const today = day(ctx, ctx.asAt);
  const d1 = day(ctx, first.examinedAt);
  const lastDay = addDays(d1, MAX_EXAMINATION_GAP_DAYS);
  const at = endOfLocalDay(lastDay, ctx.zone);
  addDeadline(
    ctx,
    'second-examination',
    'MED-02',
    at,
    'Second medical examination: latest date',
    `C3 (s.12(1)): at most 5 clear days between the examination days. First in-person examination ${formatDay(d1)} (${first.doctorName}), so the second must be on or before ${formatDay(lastDay)} (until midnight: ${local(ctx, at)}).`,
  );
  if (exams.some((x, i) => exams.slice(0, i).some((y) => sameDoctor(y, x) !== 'same'))) return;
  if (today > lastDay) {
    add(
      ctx,
      'MED-02',
      'blocker',
      'second-examination-window-passed',
      `The first examination was on ${formatDay(d1)} (${first.doctorName}) and no second in-person examination took place by ${endOfDayText(lastDay)}, the latest valid date. A second doctor cannot now join it: two fresh examinations no more than 5 clear days apart are needed.`,
      C.med02,
    );
  } else if (today === lastDay) {
    add(
      ctx,
      'MED-02',
      'warning',
      'second-examination-window-closes-today',
      `Today, ${formatDay(lastDay)}, is the last day for the second medical examination: the first was on ${formatDay(d1)} (${first.doctorName}), and no more than 5 clear days may pass between them. A second doctor must examine the patient in person by midnight (${local(ctx, at)}), or two fresh examinations will be needed.`,
      C.med02,
    );
  }
}

/**
 * COP-02 before the application: the last valid date to make it, min(last in-person examination + 13 (APP-13, and
 * GDN-06 for guardianship), the applicant's last in-person sight of the patient + 13 (APP-04)), with a warning on that
 * day. `closedBlocker`: a blocker once the medical side has passed (the live checklist; a draft application's own
 * APP-13 finding says so there).
 */
function applicationWindow(
  ctx: Ctx,
  exams: readonly RecommendationFacts[],
  lastSeen: ContactFacts | undefined,
  closedBlocker: boolean,
): void {
  const last = exams[exams.length - 1];
  if (!last && !lastSeen) return;
  const today = day(ctx, ctx.asAt);
  const candidates: Array<{ day: IsoDate; why: string }> = [];
  // The medical side: s.6(1)(a)'s conveyance (APP-13), or for guardianship s.8(2)'s forwarding (GDN-06 ✱, a setting).
  const medicalDays = ctx.section === 's7' ? ctx.forwardDays : CONVEYANCE_DAYS;
  if (last) {
    const d = day(ctx, last.examinedAt);
    candidates.push({
      day: addDays(d, medicalDays - 1),
      why: `the last medical examination on ${formatDay(d)} + ${plural(medicalDays - 1, 'day')}`,
    });
  }
  if (lastSeen) {
    const d = day(ctx, lastSeen.at);
    candidates.push({ day: addDays(d, SEEN_WITHIN_DAYS - 1), why: `the AMHP's last in-person contact on ${formatDay(d)} + 13 days` });
  }
  candidates.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const chosen = candidates[0];
  const at = endOfLocalDay(chosen.day, ctx.zone);
  const missing = !last
    ? ' (no in-person medical examination yet, so the medical limit is not known)'
    : !lastSeen
      ? ' (the AMHP has not seen the patient in person yet, and must before applying)'
      : '';
  addDeadline(
    ctx,
    'last-valid-application',
    'COP-02',
    at,
    'Last valid date to make the application',
    `COP-02 (min(last examination + 13, AMHP seen in person + 13)): ${candidates.map((c) => `${c.why} = ${formatDay(c.day)}`).join('; ')}. ${candidates.length > 1 ? `The earlier is ${formatDay(chosen.day)}: a` : 'A'}pply by ${endOfDayText(chosen.day)} (midnight: ${local(ctx, at)})${missing}.`,
  );
  if (today === chosen.day) {
    add(
      ctx,
      'COP-02',
      'warning',
      'application-window-closes-today',
      `Today, ${formatDay(chosen.day)}, is the last day an application can be made on what is recorded (${chosen.why}). Apply by midnight (${local(ctx, at)}), or ${chosen.why.startsWith('the last medical') ? 'fresh medical examinations' : 'the AMHP must see the patient in person again'} will be needed.`,
      C.cop02,
    );
  }
  // The medical side of COP-02 (APP-13); the AMHP side is 'amhp-seen-too-long-ago' (APP-04).
  if (closedBlocker && last && today > candidates.find((c) => c.why.startsWith('the last medical'))!.day) {
    const limit = addDays(day(ctx, last.examinedAt), medicalDays - 1);
    add(
      ctx,
      'COP-02',
      'blocker',
      'application-window-closed',
      `The last valid date for an application on these recommendations was ${formatDay(limit)} (${plural(medicalDays, 'day')} beginning with the last medical examination on ${formatDay(day(ctx, last.examinedAt))}). It has passed: fresh medical examinations are needed.`,
      C.cop02,
    );
  }
}

/** The live checklist, before any application. */
function checkLive(ctx: Ctx): void {
  const { facts, zone } = ctx;
  const recs = foundingRecommendations(ctx);
  const sections = new Set(recs.map((r) => r.section));
  if (sections.size > 1) {
    add(
      ctx,
      'APP-07',
      'warning',
      'recommendation-sections-differ',
      `The recommendations recorded are for different sections (${[...sections].map((s) => SECTION_NAME[s]).join(', ')}). An application must be founded on recommendations for its own section.`,
      C.app07,
    );
  }
  const exams = recs.filter(inPerson);
  const s4 = ctx.section === 's4';

  checkExamModes(ctx, recs);
  checkRecommendationCount(ctx, recs);
  checkExaminationGap(ctx, recs);
  if (!s4) checkApproval(ctx, recs);
  checkAcquaintance(ctx, exams, s4);
  if (ctx.section === 's3') checkS3Content(ctx, recs);
  checkLearningDisability(ctx, recs);
  checkAutismLdGate(ctx, recs);
  checkCriteria(ctx);
  checkAge(ctx);

  const today = day(ctx, ctx.asAt);
  if (!s4) secondExaminationWindow(ctx, exams);

  // C8, APP-04/05: the AMHP (the prospective applicant) must have seen the patient in person.
  const seen = facts.contacts.filter((c) => c.byApplicant && c.mode === 'in-person').sort((a, b) => a.at.getTime() - b.at.getTime());
  const lastSeen = seen[seen.length - 1];
  if (!lastSeen) {
    const remote = facts.contacts.filter((c) => c.byApplicant && c.mode !== 'in-person');
    add(
      ctx,
      s4 ? 'APP-05' : 'APP-04',
      'blocker',
      'amhp-not-seen-in-person',
      `The AMHP has not yet seen the patient in person${remote.length ? ` (the ${remote[remote.length - 1].mode} contact at ${local(ctx, remote[remote.length - 1].at)} does not count)` : ''}. The applicant must personally see the patient, in the same room, before applying.`,
      s4 ? C.app05 : C.app04,
    );
  } else if (!s4) {
    const seenDay = day(ctx, lastSeen.at);
    const lastDay = addDays(seenDay, SEEN_WITHIN_DAYS - 1);
    if (today > lastDay) {
      add(
        ctx,
        'APP-04',
        'blocker',
        'amhp-seen-too-long-ago',
        `The AMHP last saw the patient in person on ${formatDay(seenDay)}; an application had to be made by ${endOfDayText(lastDay)} (14 days ending with the application date). See the patient again before applying.`,
        C.app04,
      );
    }
  }

  // APP-13 / APP-14 and COP-02: conveyance window and last valid application, from the last in-person examination.
  const last = exams[exams.length - 1];
  if (last && s4) {
    const conveyBy = hoursAfter(last.examinedAt, S4_CONVEYANCE_HOURS);
    addDeadline(
      ctx,
      'conveyance',
      'APP-14',
      conveyBy,
      'Emergency (s.4) conveyance to hospital',
      `24 hours (elapsed, C5) from the s.4 examination at ${local(ctx, last.examinedAt)} (the earlier of the examination and the application, which is not made yet); ends ${local(ctx, conveyBy)}.`,
    );
    let lastApp = conveyBy;
    let why = `the conveyance window (${local(ctx, conveyBy)})`;
    if (lastSeen) {
      const seenBy = hoursAfter(lastSeen.at, S4_SEEN_HOURS);
      if (seenBy.getTime() < lastApp.getTime()) {
        lastApp = seenBy;
        why = `24 hours after the AMHP last saw the patient in person at ${local(ctx, lastSeen.at)} (APP-05)`;
      }
    }
    addDeadline(
      ctx,
      'last-valid-application',
      'COP-02',
      lastApp,
      'Last moment to make the s.4 application',
      `The earlier of 24 hours from the s.4 examination (APP-14) and 24 hours from the AMHP's last in-person contact (APP-05): ${why}; ends ${local(ctx, lastApp)}.`,
    );
  } else if (last && ctx.section === 's7') {
    // GDN-06 (s.8(2) ✱): guardianship conveys no one (s.6 is about admission to hospital); the application is forwarded
    // to the council within the days beginning with the last medical examination.
    const lastExamDay = day(ctx, last.examinedAt);
    const forwardDay = addDays(lastExamDay, ctx.forwardDays - 1);
    const forwardAt = endOfLocalDay(forwardDay, zone);
    addDeadline(
      ctx,
      'forward-to-lssa',
      'GDN-06',
      forwardAt,
      'Forward the guardianship application to the LSSA by',
      `✱ s.8(2): ${plural(ctx.forwardDays, 'day')} beginning with the last medical examination on ${formatDay(lastExamDay)} (${last.doctorName}), so by ${endOfDayText(forwardDay)} (midnight: ${local(ctx, forwardAt)}).`,
    );
  } else if (last) {
    const lastExamDay = day(ctx, last.examinedAt);
    const conveyDay = addDays(lastExamDay, CONVEYANCE_DAYS - 1);
    const conveyAt = endOfLocalDay(conveyDay, zone);
    addDeadline(
      ctx,
      'conveyance',
      'APP-13',
      conveyAt,
      'Admission (conveyance) must happen by',
      `C1 (s.6(1)(a)): 14 days beginning with the last medical examination on ${formatDay(lastExamDay)} (${last.doctorName}), so by ${endOfDayText(conveyDay)} (midnight: ${local(ctx, conveyAt)}).`,
    );
  }
  if (!s4) applicationWindow(ctx, exams, lastSeen, true);

  checkInterview(ctx);
  checkNrIdentified(ctx, 'blocker');
  checkObjection(ctx);
  checkConsultation(ctx);
  checkConflicts(ctx, recs);
}

/** An application that is, or was, made: every rule for its section. */
function checkApplication(ctx: Ctx, app: ApplicationFacts, slaHours: number, s14ReportDays = DEFAULT_S14_REPORT_DAYS): void {
  const { facts, zone } = ctx;
  const section = app.section;
  const appDay = day(ctx, app.signedAt);
  const recs = foundingRecommendations(ctx);
  const exams = recs.filter(inPerson);

  // Recommendations for another section (a s.4's conversion recommendation is s.2, APP-11).
  for (const r of facts.recommendations.filter((x) => x.section !== section && !(section === 's4' && x.section === 's2'))) {
    add(
      ctx,
      'APP-07',
      'blocker',
      'recommendation-section-mismatch',
      `${r.doctorName}'s recommendation is for ${SECTION_NAME[r.section]}, but the application is for ${SECTION_NAME[section]}. An application must be founded on recommendations for its own section (${expectedForms(section, app.applicant, false).recommendations[0]}${section === 's4' ? '' : ` or ${expectedForms(section, app.applicant, true).recommendations[0]}`}).`,
      C.app07,
    );
  }

  // APP-01 (s.11(1)): who may apply.
  if (app.applicant === 'amhp' && !app.applicantApprovedAtSigning) {
    add(
      ctx,
      'APP-01',
      'blocker',
      'applicant-not-approved',
      `The applicant's AMHP approval was not current (or was suspended) when the application was signed at ${local(ctx, app.signedAt)}. Only an approved AMHP (or the nearest relative) may apply.`,
      C.app01,
    );
  }
  if (app.applicant === 'nearest-relative' && !facts.nearestRelative.identified) {
    add(
      ctx,
      'APP-01',
      'blocker',
      'nearest-relative-applicant-not-confirmed',
      'The applicant is recorded as the nearest relative, but the nearest relative has not been identified and confirmed. Only the nearest relative (or a person they authorised, or an acting nearest relative appointed by the court) may apply.',
      C.app01,
    );
  }

  // APP-03 (s.11(2)): addressed to a named hospital site.
  if (section !== 's7' && !filled(app.hospitalSite)) {
    add(
      ctx,
      'APP-03',
      'blocker',
      'hospital-site-missing',
      'The application does not name the hospital site it is addressed to. It must name a specific hospital, not just the trust.',
      C.app03,
    );
  }

  checkExamModes(ctx, recs);
  checkRecommendationCount(ctx, recs);

  // MED-01 (s.12(1); s.2(3), s.3(3), s.4(3), s.7(3)): an application is founded on recommendations already given, so
  // each founding doctor examined the patient and signed at or before the instant the application is signed, not
  // merely on or before its date: one given later the same day did not exist when the applicant signed.
  // Times recorded on different devices are told apart only beyond the skew every recorded time is allowed
  // (CLOCK_SKEW_MS): a recommendation recorded on a phone a few seconds after the application signed on another is not
  // one given later. An application not yet made is checked as if signed now: the applicant will sign after.
  const after = (x: Date, y: Date): boolean => x.getTime() > y.getTime() + CLOCK_SKEW_MS;
  // A fresh recommendation given in rectification (APP-16, s.15(3)(a)) is not judged on the time of its signature.
  for (const r of recs) {
    const signedDay = day(ctx, r.signedAt);
    if (r.freshUnderS15) {
      // s.15(3)(a): only its own order of examination and signature below.
    } else if (!app.notYetMade && after(r.examinedAt, app.signedAt)) {
      add(
        ctx,
        'MED-01',
        'blocker',
        'recommendation-examined-after-application',
        `${r.doctorName} examined the patient at ${local(ctx, r.examinedAt)}, after the application was signed at ${local(ctx, app.signedAt)}. An application is founded on recommendations already given: the examination and the recommendation must come before the applicant signs. Correct the times, or sign the application again after the recommendation.`,
        C.med01,
      );
    } else if (!app.notYetMade && after(r.signedAt, app.signedAt)) {
      add(
        ctx,
        'MED-01',
        'blocker',
        'recommendation-signed-after-application',
        signedDay > appDay
          ? `${r.doctorName} signed the recommendation on ${formatDay(signedDay)}, after the application date (${formatDay(appDay)}). Recommendations must be signed before the application is signed.`
          : `${r.doctorName} signed the recommendation at ${local(ctx, r.signedAt)}, after the application was signed at ${local(ctx, app.signedAt)}. An application is founded on recommendations already given: correct the times, or sign the application again after the recommendation.`,
        C.med01,
      );
    }
    if (r.signedAt.getTime() < r.examinedAt.getTime()) {
      add(
        ctx,
        'MED-01',
        'blocker',
        'recommendation-signed-before-examination',
        `${r.doctorName}'s recommendation is recorded as signed at ${local(ctx, r.signedAt)}, before the examination at ${local(ctx, r.examinedAt)}. Check the times: a recommendation follows the examination.`,
        C.med01,
      );
    }
  }

  // APP-17 (s.2(4)): a s.2 is not renewable; a further s.2, or a s.4, made while it is in force does not extend it.
  if ((section === 's2' || section === 's4') && app.detainedUnderS2) checkS2NotRenewed(ctx, app, app.detainedUnderS2);

  if (section === 's4') {
    checkEmergency(ctx, app, recs);
  } else {
    checkExaminationGap(ctx, recs);
    checkApproval(ctx, recs);
    checkAcquaintance(ctx, exams, false);
    if (section === 's3') {
      checkS3Content(ctx, recs);
      checkTreatmentHospital(ctx, app, recs);
      // APP-17 with NR-11: a s.3 for a patient already on a s.2 is made against that s.2's end (extended by s.29(4)).
      // APP-22: not once the patient was discharged from that s.2 (s.23), or a s.3 ended it (s.6(4)), by the signing.
      const ended = app.detainedUnderS2?.ended;
      const over = !!ended && ended.kind !== 'lapsed' && ended.at.getTime() <= app.signedAt.getTime();
      if (app.detainedUnderS2 && !over) s2Expiry(ctx, app, app.detainedUnderS2.admittedAt, 'admission under that s.2', true);
    }
    checkLearningDisability(ctx, recs);
    checkAutismLdGate(ctx, recs);

    // APP-04 (s.11(5), C2, C8): seen in person within the 14 days ending with the application date. The window is
    // counted in dates, but "has personally seen" (s.11(5)) and the interview "before making an application"
    // (s.13(2)) must have happened when the application is made: a contact after its signature does not count.
    const from = addDays(appDay, -(SEEN_WITHIN_DAYS - 1));
    const applicantContacts = facts.contacts.filter((c) => c.byApplicant);
    const inWindow = applicantContacts.filter((c) => c.mode === 'in-person' && day(ctx, c.at) >= from && day(ctx, c.at) <= appDay);
    const ok = inWindow.some((c) => c.at.getTime() <= app.signedAt.getTime());
    if (!ok && inWindow.length)
      add(
        ctx,
        'APP-04',
        'blocker',
        'applicant-seen-after-signing',
        `The application was signed at ${local(ctx, app.signedAt)}, but the applicant's in-person contact with the patient in the 14 days ending with the application date was at ${inWindow.map((c) => local(ctx, c.at)).join(', ')}, after it: the applicant must have personally seen the patient (s.11(5)) and interviewed them (s.13(2)) before making the application. Correct the times, or see the patient and sign the application again.`,
        C.app04,
      );
    else if (!ok)
      add(
        ctx,
        'APP-04',
        'blocker',
        'applicant-not-seen-within-14-days',
        `The applicant must have personally seen the patient on a date from ${formatDay(from)} to ${formatDay(appDay)} (the 14 days ending with the application date). ${describeContacts(ctx, applicantContacts, from, appDay)}`,
        C.app04,
      );

    // Not made yet (the checklist's draft): MED-02 and COP-02 say by when the second examination and the application
    // must happen; a window closed shows as the draft's own APP-13 / APP-04 / GDN-06 finding.
    if (app.notYetMade) {
      const seen = applicantContacts
        .filter((c) => c.mode === 'in-person' && c.at.getTime() <= app.signedAt.getTime())
        .sort((a, b) => a.at.getTime() - b.at.getTime());
      secondExaminationWindow(ctx, exams);
      applicationWindow(ctx, exams, seen[seen.length - 1], false);
    }

    const last = exams[exams.length - 1];
    const window = conveyanceWindowOf(ctx, app);
    if (section === 's7') {
      checkGuardianship(ctx, app, last);
    } else if (window) {
      // APP-13 (s.6(1)(a), C1): 14 days beginning with the last medical examination.
      const lastExamDay = day(ctx, window.exam.examinedAt);
      const conveyDay = addDays(lastExamDay, CONVEYANCE_DAYS - 1);
      const conveyAt = window.endsAt;
      addDeadline(
        ctx,
        'conveyance',
        'APP-13',
        conveyAt,
        'Admission (conveyance) must happen by',
        `C1 (s.6(1)(a)): 14 days beginning with the last medical examination on ${formatDay(lastExamDay)} (${window.exam.doctorName}), so by ${endOfDayText(conveyDay)} (midnight: ${local(ctx, conveyAt)}).`,
      );
      if (admittedTooLate(app, window)) {
        add(
          ctx,
          'APP-13',
          'blocker',
          'admitted-after-conveyance-window',
          `The patient was admitted at ${local(ctx, app.admittedAt!)}, after the authority to convey ended at ${endOfDayText(conveyDay)} (14 days beginning with the last examination on ${formatDay(lastExamDay)}). The application could no longer be used: the patient is not detained under it, and a fresh assessment was needed.`,
          C.app13,
        );
      } else if (!app.admittedAt && ctx.asAt.getTime() >= conveyAt.getTime()) {
        add(
          ctx,
          'APP-13',
          'blocker',
          'conveyance-window-expired',
          `The authority to convey the patient ended at ${endOfDayText(conveyDay)} (14 days beginning with the last examination on ${formatDay(lastExamDay)}) and no admission is recorded. The application can no longer be used: a fresh assessment is needed.`,
          C.app13,
        );
      }
    }
  }

  // APP-12 (s.5(1)): the managers cannot receive an application before it is made; for a patient already in hospital
  // their receipt is the admission (the service passes it as admittedAt), which the check below then covers.
  const received = app.managersReceivedAt ?? null;
  if (received && !app.inPatient && received.getTime() < app.signedAt.getTime()) {
    add(
      ctx,
      'APP-12',
      'blocker',
      'managers-received-before-application',
      `The hospital managers' receipt of the application is recorded at ${local(ctx, received)}, before the application was signed at ${local(ctx, app.signedAt)}: check the times.`,
      C.app12,
    );
  }
  // HOLD-01 / HOLD-02 with APP-12 (s.5(1)): a holding power cannot be renewed, and the application for the in-patient
  // it holds takes effect only when the managers receive it; received at or after the power's end (half-open), the
  // patient was held with no authority in between.
  const hold = app.holdingPower ?? null;
  if (hold && app.inPatient && received && received.getTime() >= hold.endsAt.getTime()) {
    add(
      ctx,
      hold.rule,
      'warning',
      'holding-power-lapsed-before-application',
      `The holding power lapsed at ${local(ctx, hold.endsAt)}, before the application took effect: the hospital managers received it only at ${local(ctx, received)}, so the patient was held without authority in between. Record this and raise it with the hospital managers.`,
      citationOf(hold.rule),
    );
  }
  // APP-13 / APP-14: an admission after the authority to convey ended is not an admission under the application, so it
  // starts no period of detention (s.2(4), s.20(1), s.4(4)) and there is no admission to rectify forms for (s.15).
  const lawfullyAdmitted = !admittedTooLate(app, conveyanceWindowOf(ctx, app));
  if (app.admittedAt && section !== 's7') {
    if (app.admittedAt.getTime() < app.signedAt.getTime()) {
      add(
        ctx,
        'APP-12',
        'blocker',
        'admitted-before-application',
        app.inPatient
          ? `The patient is already in hospital, so the application takes effect when the hospital managers receive it; their receipt is recorded at ${local(ctx, app.admittedAt)}, before the application was signed at ${local(ctx, app.signedAt)}: check the times.`
          : `Admission is recorded at ${local(ctx, app.admittedAt)}, before the application was signed at ${local(ctx, app.signedAt)}. For a patient already in hospital, admission is when the managers receive the application: check the times.`,
        C.app12,
      );
    }
  }
  if (app.admittedAt && section !== 's7' && lawfullyAdmitted) {
    // APP-16 (s.15): rectification within 14 days beginning with the day of admission.
    const admitDay = day(ctx, app.admittedAt);
    const rectifyDay = addDays(admitDay, RECTIFICATION_DAYS - 1);
    const rectifyAt = endOfLocalDay(rectifyDay, zone);
    addDeadline(
      ctx,
      'rectification',
      'APP-16',
      rectifyAt,
      "Correct faulty forms (with the managers' consent) by",
      `✱ s.15: 14 days beginning with the day of admission (${formatDay(admitDay)}), so by ${endOfDayText(rectifyDay)} (midnight: ${local(ctx, rectifyAt)}).`,
    );
    if (section === 's2') s2Expiry(ctx, app, app.admittedAt, 'admission');
    // APP-21 (s.14): admitted on the nearest relative's application, the council owes the managers an AMHP's report on
    // the patient's social circumstances, as soon as practicable (no period in the Act: a local target from admission).
    if (app.applicant === 'nearest-relative' && !app.socialCircumstancesReportAt) {
      const due = endOfLocalDay(addDays(admitDay, s14ReportDays), zone);
      addDeadline(
        ctx,
        'social-circumstances-report',
        'APP-21',
        due,
        'Social circumstances report to the managers (s.14)',
        `✱ s.14: the patient was admitted on ${formatDay(admitDay)} on the nearest relative's application, so the council arranges for an AMHP to interview them and report on their social circumstances to the hospital managers as soon as practicable. The Act sets no period: this hub's target is ${s14ReportDays} day${s14ReportDays === 1 ? '' : 's'} from the admission, by ${local(ctx, due)}. Record the report (timeline: social-circumstances-report) when it is given.`,
      );
    }
    if (section === 's3') {
      monthPeriodDeadline(
        ctx,
        's3-first-period',
        'APP-18',
        C.app18,
        admitDay,
        ctx.regime.s3FirstPeriodMonths,
        'Section 3: first period of detention ends',
        'the day of admission',
        ctx.regime.s3FirstPeriodMonths === 3 ? ' (MHA 2025 s.29: 3 months)' : '',
        s3Renewal(ctx),
      );
    }
  }

  if (app.applicant === 'amhp') {
    if (section === 's2' || section === 's4') {
      checkNrIdentified(ctx, 'warning');
      checkInformed(ctx, app, slaHours);
      checkObjection(ctx);
    } else {
      checkNrIdentified(ctx, 'blocker');
      checkObjection(ctx);
      checkConsultation(ctx);
    }
  }
  checkInterview(ctx);
  checkConflicts(ctx, recs);
  checkCriteria(ctx);
  checkAge(ctx);

  // COP-03 (CoP 14.88): practical matters recorded when an application for admission is made (not guardianship,
  // where the patient is not leaving home).
  if (section === 's7') return;
  const pm = app.practicalMatters;
  const missing = [
    ['dependent children or adults the patient cares for', pm.dependants],
    ['pets', pm.pets],
    ['the home and property', pm.property],
  ]
    .filter(([, v]) => !filled(v))
    .map(([k]) => k);
  if (missing.length) {
    add(
      ctx,
      'COP-03',
      'blocker',
      'practical-matters-missing',
      `Record the arrangements for ${missing.join(', ').replace(/, ([^,]*)$/, ' and $1')} (write "none" if there are none) before the application is made.`,
      C.cop03,
    );
  }
}

function describeContacts(ctx: Ctx, contacts: readonly ContactFacts[], from: IsoDate, to: IsoDate): string {
  const inPersonContacts = contacts.filter((c) => c.mode === 'in-person').sort((a, b) => a.at.getTime() - b.at.getTime());
  const remote = contacts.filter((c) => c.mode !== 'in-person' && day(ctx, c.at) >= from && day(ctx, c.at) <= to);
  const parts: string[] = [];
  if (inPersonContacts.length) {
    const last = inPersonContacts[inPersonContacts.length - 1];
    parts.push(`The last in-person contact recorded is ${local(ctx, last.at)}, outside that window.`);
  } else {
    parts.push('No in-person contact by the applicant is recorded.');
  }
  if (remote.length)
    parts.push(
      `Video or telephone contact (${remote.map((c) => local(ctx, c.at)).join(', ')}) does not count: the patient must be seen in person.`,
    );
  return parts.join(' ');
}

/**
 * APP-17 (s.2(4)): a s.2 cannot be renewed. The patient may be kept beyond its 28 days only by becoming liable to be
 * detained under a later application of another kind (a s.3, whose admission ends the s.2, s.6(4); or the s.29(4)
 * extension, NR-11): a second s.2, or a s.4, made while the first is in force only restarts the 28 days in another
 * name. Judged at the signing, with the s.2's end as s2End gives it (an extension pending keeps it in force). The s.2
 * the referral records the patient on (its legal context, stated for this referral) and one the hub's own record shows
 * (an earlier assessment's s.2, admitted, not yet at its end, with no discharge under s.23, lapse or s.3 recorded on
 * it, APP-22) are both a blocker: a discharge before the 28 days end is recorded on that assessment, not answered here.
 */
function checkS2NotRenewed(ctx: Ctx, app: ApplicationFacts, s2: NonNullable<ApplicationFacts['detainedUnderS2']>): void {
  if (app.signedAt.getTime() < s2.admittedAt.getTime()) return;
  const judged = s2End(s2.admittedAt, app.displacementApplications, ctx.zone, ctx.s29AppealDays);
  // APP-22: a s.2 whose end (discharge, lapse, s.3) is recorded by the signing is not renewed by a fresh s.2.
  if (!s2InForce(judged, app.signedAt, s2.ended)) return;
  const open = endNotKnown(judged.extension);
  const fromRecord = s2.from === 'record';
  const what = app.section === 's4' ? 'an emergency application under s.4' : 'a further s.2 application';
  const runs = open
    ? 'which is extended while a s.29 displacement application is undecided (s.29(4))'
    : `which runs until ${endOfDayText(judged.extension.kind === 'decided' ? judged.extension.lastDay : judged.lastDay)} (28 days beginning with the day of admission${judged.extension.kind === 'decided' ? ', as extended under s.29(4)' : ''})`;
  add(
    ctx,
    'APP-17',
    'blocker',
    's2-not-renewable',
    `${fromRecord ? "The hub's record shows the patient admitted" : 'The patient is detained'} under a s.2 at ${local(ctx, s2.admittedAt)}, ${runs}. A s.2 cannot be renewed (s.2(4)), and ${what} made while it is in force does not extend it: to keep the patient detained beyond it, make a s.3 application (its admission ends the s.2, s.6(4)); otherwise the s.2 runs out.${fromRecord ? ` No discharge, lapse or s.3 is recorded on it: if the patient was discharged from that s.2 (s.23) before this application, record the discharge on the assessment it was made in (POST /assessments/${s2.assessmentId ?? '{id}'}/detention-end, APP-22) first.` : ' If the patient was discharged from that s.2 (s.23), or it lapsed or a s.3 followed, before this application, record its end on the referral (POST /referrals/{id}/detention-end, APP-22) first.'}`,
    C.app17,
  );
}

/**
 * APP-17 (s.2(4), C4) and NR-11 (s.29(4)): the s.2 expiry, from `admittedAt` (the s.4 admission after conversion, or
 * the admission under the s.2 a patient applied for under s.3 is already detained under), as s2End judges it.
 */
function s2Expiry(ctx: Ctx, app: ApplicationFacts, admittedAt: Instant, from: string, s3OnS2 = false): void {
  const judged = s2End(admittedAt, app.displacementApplications, ctx.zone, ctx.s29AppealDays);
  const { admissionDay: admitDay, lastDay, extension } = judged;
  const at = judged.end;
  let basis = `C4 (s.2(4)): 28 days beginning with the day of ${from} (${formatDay(admitDay)}, day 1), so it lapses at ${endOfDayText(lastDay)} (midnight: ${local(ctx, judged.unextendedEnd)}). Not renewable.`;
  let label = s3OnS2
    ? 'The s.2 the patient is detained under lapses'
    : app.section === 's4'
      ? 'Section 2 (converted from s.4) lapses'
      : 'Section 2 lapses';
  // APP-17 / APP-20 (s.2(4), s.6(4)): a s.3 ends the s.2 it is made for only when it takes effect while that s.2 is
  // in force (for the in-patient, when the managers receive it: APP-12). One taking effect after the s.2 ended (as
  // s2End judges it) ends nothing: the patient was held without authority from the lapse until then.
  const s3TakesEffect = app.admittedAt ?? app.signedAt;
  const lapsedBefore = s3OnS2 && (extension.kind === 'none' || extension.kind === 'decided') && s3TakesEffect.getTime() >= at.getTime();
  if (lapsedBefore) {
    add(
      ctx,
      'APP-17',
      'warning',
      's2-lapsed-before-application',
      `The s.2 the patient was detained under lapsed at ${local(ctx, at)} (28 days beginning with the day of admission, ${formatDay(admitDay)}${extension.kind === 'decided' ? ', as extended under s.29(4)' : ''}), before this application ${app.admittedAt ? `took effect at ${local(ctx, app.admittedAt)}` : `was made at ${local(ctx, app.signedAt)}`}: it cannot be renewed, and the s.3 does not end it (s.6(4)). The patient was held without authority in between. Record this and raise it with the hospital managers.`,
      C.app17,
    );
  }
  if (judged.filedBefore) {
    add(
      ctx,
      'NR-11',
      'warning',
      'displacement-filed-before-s2',
      `The displacement application filed at ${local(ctx, judged.filedBefore.filedAt)} was made before the patient was detained under this s.2 (${local(ctx, admittedAt)}): it does not extend the s.2, which lapses at ${endOfDayText(lastDay)} unless an application made while it is in force extends it.`,
      C.nr11,
    );
  }
  if (judged.filedAfterLapse) {
    add(
      ctx,
      'NR-11',
      'warning',
      'displacement-filed-after-s2-lapsed',
      `The displacement application was filed at ${local(ctx, judged.filedAfterLapse.filedAt)}, after the s.2 lapsed at ${endOfDayText(lastDay)}: it does not extend the s.2.`,
      C.nr11,
    );
  }
  if (extension.kind === 'pending' && appealPending(extension.by)) {
    const pending = extension.by;
    label = `${label.replace(' lapses', '')} would lapse: extended while an appeal on a displacement application is pending`;
    basis += ` EXTENDED (NR-11, s.29(4), (5)): a displacement application filed at ${local(ctx, pending.filedAt)}, while the s.2 was in force, was decided on ${formatDay(pending.disposedOn!)}, and an appeal against the decision lodged on ${formatDay(pending.appeal!.lodgedOn)} is not yet determined or withdrawn: the application is not finally disposed of, so the s.2 stays in force, with no end date, until the appeal is determined or withdrawn, and for ${S29_ORDER_FURTHER_DAYS} days more if an order then stands; the date shown is the unextended expiry.`;
    add(
      ctx,
      'NR-11',
      'warning',
      's2-extended-pending-appeal',
      `An appeal against the court's decision of ${formatDay(pending.disposedOn!)} on the s.29 displacement application filed at ${local(ctx, pending.filedAt)} was lodged on ${formatDay(pending.appeal!.lodgedOn)} and is pending. The application is not finally disposed of while it is (s.29(5)), so the s.2 stays in force until the appeal is determined or withdrawn, and for ${S29_ORDER_FURTHER_DAYS} days more if an order then stands: record the appeal's outcome when it comes, because the s.2 ends then, not on ${formatDay(lastDay)}.`,
      C.nr11,
    );
  } else if (extension.kind === 'pending') {
    const pending = extension.by;
    label = `${label.replace(' lapses', '')} would lapse: extended while a displacement application is pending`;
    basis += ` EXTENDED (NR-11, s.29(4)): a displacement application filed at ${local(ctx, pending.filedAt)}, while the s.2 was in force, keeps it in force until the application is finally disposed of (including the time allowed for an appeal), and for ${S29_ORDER_FURTHER_DAYS} days more if an order is made; the date shown is the unextended expiry.`;
    add(
      ctx,
      'NR-11',
      'warning',
      's2-extended-pending-displacement',
      `A s.29 displacement application was filed at ${local(ctx, pending.filedAt)}, while the s.2 was in force and before it would have lapsed at ${endOfDayText(lastDay)}. The s.2 is extended until the court finally disposes of it (including the time allowed for an appeal), and for ${S29_ORDER_FURTHER_DAYS} days more if it makes an order: follow the court dates, because the s.2 now ends then, not on ${formatDay(lastDay)}.`,
      C.nr11,
    );
  } else if (extension.kind === 'end-unknown') {
    const d = extension.by;
    label = `${label.replace(' lapses', '')} would lapse: extended until a displacement application was disposed of`;
    add(
      ctx,
      'NR-11',
      'warning',
      's2-extension-end-unknown',
      `A s.29 displacement application filed at ${local(ctx, d.filedAt)} extended the s.2 until the court disposed of it (${d.status}${d.status === 'order' ? `, and ${S29_ORDER_FURTHER_DAYS} days more` : ''}), but the day it was decided is not recorded: record it on the application to know when the s.2 ends.`,
      C.nr11,
    );
  } else if (extension.kind === 'decided') {
    const d = extension.by;
    const appeal = appealStillPossible(d) ? ', or later if an appeal is brought in that time' : '';
    // s.29(5): a decision is final only once the time allowed for an appeal has passed, or an appeal brought in it is
    // determined or withdrawn; 7 days more while an order stands (s.29(4)(b)).
    const decided = `was ${d.status === 'withdrawn' ? 'withdrawn' : d.status === 'order' ? 'decided with an order' : 'refused'} on ${formatDay(d.disposedOn)}`;
    const stands = s29OrderStands(d.status, d.appeal?.outcome ?? null);
    const counted =
      d.appeal?.outcome && d.appeal.disposedOn
        ? `${decided}; an appeal lodged on ${formatDay(d.appeal.lodgedOn)} was ${d.appeal.outcome === 'withdrawn' ? 'withdrawn' : 'determined'} on ${formatDay(d.appeal.disposedOn)} (${d.appeal.outcome}), so it was finally disposed of that day (s.29(5))${stands ? `, and with an order standing the s.2 runs ${S29_ORDER_FURTHER_DAYS} days more (s.29(4)(b))` : ''}`
        : d.status === 'withdrawn'
          ? `${decided}, so disposed of that day`
          : `${decided} and is finally disposed of when the ${ctx.s29AppealDays} days allowed for an appeal have passed (s.29(5))${d.status === 'order' ? `, and the s.2 runs ${S29_ORDER_FURTHER_DAYS} days more (s.29(4)(b))` : ''}`;
    label = `${label.replace(' lapses', '')} lapses: extended by a displacement application (s.29(4))`;
    basis += ` EXTENDED (NR-11, s.29(4)): a displacement application filed at ${local(ctx, d.filedAt)}, while the s.2 was in force, ${counted}: it lapses at ${endOfDayText(extension.lastDay)}${appeal}.`;
    add(
      ctx,
      'NR-11',
      'warning',
      's2-extended-by-displacement',
      `The s.2 was extended by the displacement application filed at ${local(ctx, d.filedAt)} (s.29(4)): it ${counted}, so the s.2 runs to the end of ${formatDay(extension.lastDay)}${appeal}, not ${formatDay(lastDay)}.`,
      C.nr11,
    );
  }
  if (lapsedBefore) label = 'The s.2 the patient was detained under had lapsed before this application took effect';
  // APP-22 (s.23, s.6(4)): a discharge, or admission under a s.3, recorded before the end ended the s.2 then.
  const ended = s3OnS2 ? null : app.detentionEnded;
  if (ended && ended.kind !== 'lapsed' && ended.at.getTime() < at.getTime()) {
    label = ended.kind === 'discharged' ? 'Section 2 ended: the patient was discharged' : 'Section 2 ended: admitted under a s.3';
    basis = `APP-22 (${ended.kind === 'discharged' ? 's.23' : 's.6(4)'}): ${ended.kind === 'discharged' ? `discharged${ended.by ? ` by ${DISCHARGER_TEXT[ended.by]}` : ''}` : 'admitted under a s.3 application'} at ${local(ctx, ended.at)}, before it would have lapsed. ${basis}`;
    addDeadline(ctx, 's2-expiry', 'APP-17', ended.at, label, basis);
    return;
  }
  addDeadline(ctx, 's2-expiry', 'APP-17', at, label, basis);
}

/** s.4: APP-05, APP-10, COP-08, APP-14, APP-11 (with the s.2 expiry after conversion), MED-04 (s.4(3)). */
function checkEmergency(ctx: Ctx, app: ApplicationFacts, recs: readonly RecommendationFacts[]): void {
  const { facts, zone } = ctx;
  const exams = recs.filter(inPerson);
  const first = exams[0];
  if (exams.length > 1) {
    add(
      ctx,
      'APP-10',
      'warning',
      'more-than-one-s4-recommendation',
      `${exams.length} s.4 recommendations are recorded (${doctorList(exams)}); a s.4 is founded on one. The second recommendation that converts it to a s.2 is a s.2 recommendation (form A4).`,
      C.app10,
    );
  }
  checkAcquaintance(ctx, first ? [first] : [], true);

  // APP-10 (s.4(2)) and COP-08.
  if (!app.undesirableDelayStatement) {
    add(
      ctx,
      'APP-10',
      'blocker',
      'undesirable-delay-statement-missing',
      'The s.4 application does not state that complying with the s.2 procedure would involve undesirable delay. It must.',
      C.app10,
    );
  }
  add(
    ctx,
    'COP-08',
    'warning',
    's4-genuine-emergency-only',
    'Section 4 is for a genuine emergency only: record the evidence of immediate and significant risk, and get a second doctor as soon as possible. Use of s.4 is audited.',
    C.cop08,
  );

  // APP-05 (s.4(5)): seen in person within the 24 hours before the application.
  const windowStart = new Date(app.signedAt.getTime() - S4_SEEN_HOURS * 3_600_000);
  const applicantContacts = facts.contacts.filter((c) => c.byApplicant);
  const ok = applicantContacts.some(
    (c) => c.mode === 'in-person' && c.at.getTime() >= windowStart.getTime() && c.at.getTime() <= app.signedAt.getTime(),
  );
  if (!ok) {
    const remote = applicantContacts.filter((c) => c.mode !== 'in-person');
    add(
      ctx,
      'APP-05',
      'blocker',
      'applicant-not-seen-within-24-hours',
      `For a s.4 the applicant must have personally seen the patient in the 24 hours before applying: between ${local(ctx, windowStart)} and ${local(ctx, app.signedAt)}. No in-person contact is recorded in that time${remote.length ? ' (video or telephone contact does not count)' : ''}.`,
      C.app05,
    );
  }

  const window = conveyanceWindowOf(ctx, app);
  const tooLate = admittedTooLate(app, window);
  if (first && window) {
    // APP-14 (s.6(1)(b)): 24 hours from the earlier of the examination and the application.
    const conveyBy = window.endsAt;
    addDeadline(
      ctx,
      'conveyance',
      'APP-14',
      conveyBy,
      'Emergency (s.4) conveyance to hospital',
      `24 hours (elapsed, C5) beginning at the earlier of the examination (${local(ctx, first.examinedAt)}) and the application (${local(ctx, app.signedAt)}); ends ${local(ctx, conveyBy)}.`,
    );
    if (tooLate) {
      add(
        ctx,
        'APP-14',
        'blocker',
        'admitted-after-conveyance-window',
        `The patient was admitted at ${local(ctx, app.admittedAt!)}, after the s.4 authority to convey ended at ${local(ctx, conveyBy)}. The application could no longer be used: the patient is not detained under it, it cannot become a s.2 (s.4(4)), and a fresh assessment was needed.`,
        C.app14,
      );
    } else if (!app.admittedAt && ctx.asAt.getTime() >= conveyBy.getTime()) {
      add(
        ctx,
        'APP-14',
        'blocker',
        'conveyance-window-expired',
        `The s.4 authority to convey ended at ${local(ctx, conveyBy)} and no admission is recorded. The application can no longer be used.`,
        C.app14,
      );
    }
    // MED-02 for the conversion: the second examination's latest date, and never after the s.4 itself ends (APP-11:
    // 72 hours from admission; before admission, at the latest 72 hours from the end of the conveyance window). None
    // once the admission came too late: there is no s.4 detention to convert.
    if (tooLate) return;
    const d1 = day(ctx, first.examinedAt);
    const lastDay = addDays(d1, MAX_EXAMINATION_GAP_DAYS);
    const dayEnd = endOfLocalDay(lastDay, zone);
    const s4End = hoursAfter(app.admittedAt ?? conveyBy, S4_HOURS);
    const capped = s4End.getTime() < dayEnd.getTime();
    const s4EndText = app.admittedAt
      ? `the s.4 ends at ${local(ctx, s4End)}, 72 hours after admission at ${local(ctx, app.admittedAt)}`
      : `no admission is recorded, and the s.4 ends at the latest at ${local(ctx, s4End)}, 72 hours after the conveyance window closes`;
    addDeadline(
      ctx,
      'second-examination',
      'MED-02',
      capped ? s4End : dayEnd,
      'Second medical examination (to convert the s.4): latest date',
      `C3 (s.12(1), applied by s.4(4)): the s.4 examination was on ${formatDay(d1)} (${first.doctorName}), so the second must be on or before ${formatDay(lastDay)} (until midnight: ${local(ctx, dayEnd)}); but ${s4EndText}, and the recommendation must reach the managers by then${capped ? `: so by ${local(ctx, s4End)}` : ''}.`,
    );
  }

  // APP-11 (s.4(4)): 72 hours from admission for the second recommendation; conversion to s.2. Not for an admission
  // after the conveyance window (APP-14): it was not under the s.4, so nothing runs and nothing can convert.
  if (app.admittedAt && !tooLate) {
    const deadline = hoursAfter(app.admittedAt, S4_HOURS);
    const conversion = s4Conversion(facts);
    const running = ctx.asAt.getTime() <= deadline.getTime();
    addDeadline(
      ctx,
      's4-second-recommendation',
      'APP-11',
      deadline,
      'Second recommendation received by the managers (s.4 lapses)',
      `C5: 72 hours (elapsed) from admission at ${local(ctx, app.admittedAt)}; ends ${local(ctx, deadline)}.${conversion.valid ? ' Converted to s.2.' : ''}`,
    );
    for (const f of conversion.findings) {
      const awaited = f.code === 's4-second-recommendation-missing' || f.code === 's4-second-recommendation-not-received';
      // Still awaited while the 72 hours run (a warning); once they have run out, 's4-lapsed' below says so instead.
      if (awaited && !running) continue;
      ctx.findings.push(awaited ? { ...f, severity: 'warning' } : f);
    }
    if (!conversion.valid && !running && !conversion.findings.some((f) => f.code === 's4-second-recommendation-late')) {
      add(
        ctx,
        'APP-11',
        'blocker',
        's4-lapsed',
        `The s.4 lapsed at ${local(ctx, deadline)}, 72 hours after admission, without a valid second recommendation received by the managers. The patient is no longer detained under it.`,
        C.app11,
      );
    }
    // Converted: the s.2 runs from the s.4 admission (a deadline, not a finding: nothing needs acknowledging).
    if (conversion.valid) s2Expiry(ctx, app, app.admittedAt, 'the s.4 admission');
  }
}

/** GDN-04 (s.7(5)), GDN-06 (s.8(2) ✱), GDN-08 (s.8(1)), GDN-07 (s.20(1)). */
function checkGuardianship(ctx: Ctx, app: ApplicationFacts, last: RecommendationFacts | undefined): void {
  const g = app.guardian;
  if (!g) {
    add(
      ctx,
      'GDN-04',
      'blocker',
      'guardian-not-named',
      'The guardianship application does not name the guardian (the local social services authority or a private guardian).',
      C.gdn04,
    );
  } else if (g.type === 'private') {
    if (!g.willingnessStatement)
      add(
        ctx,
        'GDN-04',
        'blocker',
        'guardian-willingness-missing',
        `The application must include ${g.name}'s statement that they are willing to act as guardian.`,
        C.gdn04,
      );
  }
  // GDN-08 (s.8(1), s.7(5); SI 2008/1184 reg 5): the application is made when signed and forwarded; the council accepts
  // it afterwards (form G5), and only then does the guardianship take effect. Not yet accepted is the truthful state of
  // a guardianship just made: a warning the AMHP answers, shown until the acceptance is recorded.
  if (g && !g.acceptedByLssaAt)
    add(
      ctx,
      'GDN-08',
      'warning',
      'guardianship-not-yet-accepted',
      g.type === 'private'
        ? `${g.name} is a private guardian: the guardianship has no effect until the local social services authority for the area where they live accepts the application (form G5). No acceptance is recorded yet: record it when it is given.`
        : `The guardianship has no effect until ${g.name} accepts the application (form G5). No acceptance is recorded yet: record it when it is given.`,
      C.gdn08,
    );
  if (last) {
    const lastExamDay = day(ctx, last.examinedAt);
    const forwardDay = addDays(lastExamDay, ctx.forwardDays - 1);
    const at = endOfLocalDay(forwardDay, ctx.zone);
    addDeadline(
      ctx,
      'forward-to-lssa',
      'GDN-06',
      at,
      'Forward the guardianship application to the LSSA by',
      `✱ s.8(2): ${plural(ctx.forwardDays, 'day')} beginning with the last medical examination on ${formatDay(lastExamDay)} (${last.doctorName}), so by ${endOfDayText(forwardDay)} (midnight: ${local(ctx, at)}).`,
    );
    const fwd = app.forwardedToLssaAt;
    if (fwd && fwd.getTime() >= at.getTime()) {
      add(
        ctx,
        'GDN-06',
        'blocker',
        'forwarded-to-lssa-late',
        `The application was forwarded to the local social services authority at ${local(ctx, fwd)}, after ${endOfDayText(forwardDay)} (${plural(ctx.forwardDays, 'day')} beginning with the last examination on ${formatDay(lastExamDay)}).`,
        C.gdn06,
      );
    } else if (!fwd && ctx.asAt.getTime() >= at.getTime()) {
      add(
        ctx,
        'GDN-06',
        'blocker',
        'not-forwarded-to-lssa',
        `The application had to be forwarded to the local social services authority by ${endOfDayText(forwardDay)} (${plural(ctx.forwardDays, 'day')} beginning with the last examination on ${formatDay(lastExamDay)}); no forwarding is recorded.`,
        C.gdn06,
      );
    }
  }
  // GDN-07: 6 months from acceptance (✱ start point).
  if (g?.acceptedByLssaAt) {
    const start = day(ctx, g.acceptedByLssaAt);
    monthPeriodDeadline(
      ctx,
      'guardianship-first-period',
      'GDN-07',
      C.gdn07,
      start,
      GUARDIANSHIP_FIRST_PERIOD_MONTHS,
      'Guardianship: first period ends',
      'the day of acceptance',
      ' (✱ start point: the day of acceptance)',
      { months: RENEWAL_MONTHS, section: 's.20(2)' },
    );
  }
}

/**
 * The referral legal contexts that say a patient is not detained for treatment (CTO-01, s.17A(1)-(2)), as worded in a
 * finding: every kind but 'already-s3' (detained under s.3 or an unrestricted Part 3 order, where a CTO can be made) and
 * 'cto-recall' (a community patient already, whose decision is on revocation).
 */
const NOT_DETAINED_FOR_TREATMENT: Record<Exclude<LegalContextKind, 'already-s3' | 'cto-recall'>, string> = {
  informal: 'informal',
  s136: 'held under s.136',
  's135-1': 'held under s.135(1)',
  's135-2': 'held under s.135(2)',
  's5-2': 'held under s.5(2)',
  's5-4': 'held under s.5(4)',
  'already-s2': 'detained under s.2 (for assessment)',
};

/**
 * The AMHP's written decision on a CTO: making one (CTO-01, s.17A(4), form CTO1 Part 2, and its conditions, CTO-02,
 * s.17B(2)) or, for a recalled patient, revoking one (CTO-03, s.17F(4), form CTO5: agreement that the s.3 criteria are
 * met and that revocation is appropriate; there are no conditions to agree).
 */
function checkCto(ctx: Ctx): void {
  const cto = ctx.facts.cto!;
  assertInstant(cto.signedAt, 'cto.signedAt');
  const revocation = cto.about === 'revocation';
  const [rule, citation] = revocation ? (['CTO-03', C.cto03] as const) : (['CTO-01', C.cto01] as const);
  if (!cto.inWriting) {
    add(
      ctx,
      rule,
      'blocker',
      'cto-decision-not-in-writing',
      revocation
        ? "The AMHP's decision on revoking the community treatment order must be in writing (form CTO5)."
        : "The AMHP's decision on the community treatment order must be in writing (form CTO1, Part 2).",
      citation,
    );
  }
  if (!cto.amhpApprovedAtSigning) {
    add(
      ctx,
      rule,
      'blocker',
      'cto-amhp-not-approved',
      `The AMHP's approval was not current when they signed the CTO decision at ${local(ctx, cto.signedAt)}. An approved AMHP must make the decision.`,
      citation,
    );
  }
  if (cto.decision === 'agree') checkCtoDisorder(ctx, cto, revocation);
  if (revocation) {
    // CTO-03 (s.17F(4)-(5), (8)): the revocation must be within the 72 hours from the start of the detention in hospital
    // under the recall; at or after their end the patient had to be released, and no revocation can rest on this recall.
    const recall = cto.recall;
    const late = !!recall && cto.signedAt.getTime() >= recall.endsAt.getTime();
    const ended = recall ? local(ctx, recall.endsAt) : null;
    if (recall && late && cto.decision === 'agree' && !recall.provisional)
      add(
        ctx,
        'CTO-03',
        'blocker',
        'cto-revocation-after-recall-period',
        `The AMHP's agreement is signed at ${local(ctx, cto.signedAt)}, after the 72 hours of the recall ended at ${ended} (from the start of the detention in hospital under it, ${local(ctx, recall.startsAt)}). The CTO cannot be revoked on this recall: the patient had to be released then, still subject to the CTO (CTO-06). A new recall starts new 72 hours.`,
        C.cto03,
      );
    else if (recall && late && recall.provisional)
      add(
        ctx,
        'CTO-03',
        'warning',
        'cto-decision-after-provisional-recall-period',
        `The decision is signed at ${local(ctx, cto.signedAt)}, after the 72 hours counted from the recall notice (${local(ctx, recall.startsAt)}) ended at ${ended}. They run from the start of the detention in hospital under the recall, which is not recorded: confirm the patient arrived late enough for the decision to fall within them, or the patient had to be released at their end and the CTO cannot be revoked on this recall.`,
        C.cto03,
      );
    if (cto.decision === 'agree') ctoPeriod(ctx, cto);
    if (cto.decision === 'disagree')
      add(
        ctx,
        'CTO-06',
        'warning',
        'cto-revocation-not-agreed',
        `The AMHP does not agree that the s.3 criteria are met or that revocation is appropriate: the responsible clinician cannot revoke the CTO. The patient must be released from hospital by the end of the 72 hours of the recall${ended ? ` (${ended})` : ''}, and remains subject to the CTO.`,
        C.cto06,
      );
    return;
  }
  if (cto.decision === 'agree' && !cto.conditionsAgreed) {
    add(
      ctx,
      'CTO-02',
      'blocker',
      'cto-conditions-not-agreed',
      "The AMHP agrees to the CTO but has not agreed to its conditions. The conditions (other than the mandatory ones) need the AMHP's agreement.",
      C.cto02,
    );
  }
  const notForTreatment = cto.referredAs ? (NOT_DETAINED_FOR_TREATMENT as Record<string, string>)[cto.referredAs] : undefined;
  if (cto.decision === 'agree' && notForTreatment) {
    add(
      ctx,
      'CTO-01',
      'warning',
      'cto-patient-not-detained-for-treatment',
      `The referral records the patient as ${notForTreatment}, not detained for treatment. A CTO can be made only for a patient liable to be detained under s.3 or an unrestricted Part 3 hospital order (s.17A(1)-(2)): confirm the detention before agreeing.`,
      C.cto01,
    );
  }
  if (cto.decision === 'agree') ctoPeriod(ctx, cto);
  if (cto.decision === 'disagree') {
    add(
      ctx,
      'CTO-01',
      'warning',
      'cto-amhp-disagrees',
      'The AMHP does not agree that the CTO criteria are met or that it is appropriate: the responsible clinician cannot make the order.',
      C.cto01,
    );
  }
}

/**
 * APP-09 (s.1(2A), (2B)) and MHA25-04 (MHA 2025 ss.3-4, commenced by regime) for a CTO the AMHP agrees to: a learning
 * disability alone supports a CTO (s.17A), like a s.3, only with abnormally aggressive or seriously irresponsible
 * conduct; once the gate commences, autism or a learning disability without a co-occurring psychiatric disorder
 * supports neither. A revocation returns the patient to hospital as if under s.3 (s.17G), so the same applies to it.
 */
function checkCtoDisorder(ctx: Ctx, cto: CtoDecisionFacts, revocation: boolean): void {
  const what = revocation ? 'revoking the CTO (the patient is then detained as if under s.3, s.17G)' : 'a CTO';
  if (cto.learningDisabilityOnly && !cto.ldQualifyingConduct)
    add(
      ctx,
      'APP-09',
      'blocker',
      'learning-disability-without-qualifying-conduct',
      `The CTO rests on a learning disability without abnormally aggressive or seriously irresponsible conduct. For ${what} a learning disability counts only with that conduct, so the AMHP cannot agree on that ground.`,
      C.app09,
    );
  if (ctx.regime.autismLdGate && cto.autismOrLdWithoutPsychiatricDisorder)
    add(
      ctx,
      'MHA25-04',
      'blocker',
      'autism-ld-without-psychiatric-disorder',
      `The CTO rests on autism or a learning disability without a co-occurring psychiatric disorder. Under the Mental Health Act 2025 that alone supports neither a s.3 nor a CTO, so the AMHP cannot agree to ${what} on that ground.`,
      C.mha25_04,
    );
}

/**
 * After the AMHP agreed (checks of a recorded decision): the period the responsible clinician's order starts, CTO-07
 * (s.17G: revoked, the patient is detained again as if under s.3, the s.3 period beginning with the day of revocation)
 * or CTO-08 (s.20A(1): a CTO lasts 6 months beginning with the day it is made), counted from the order once it is
 * recorded (the AMHP's agreement is not the order); until then the checks say so plainly rather than show an
 * application checklist or a period counted from the wrong day.
 */
function ctoPeriod(ctx: Ctx, cto: CtoDecisionFacts): void {
  const revocation = cto.about === 'revocation';
  if (cto.orderMadeAt) {
    const start = day(ctx, cto.orderMadeAt);
    if (revocation)
      monthPeriodDeadline(
        ctx,
        's3-first-period',
        'CTO-07',
        C.cto07,
        start,
        ctx.regime.s3FirstPeriodMonths,
        'Detained again as if under s.3 (s.17G): the period ends',
        'the day of revocation',
        ctx.regime.s3FirstPeriodMonths === 3 ? ' (MHA 2025 s.29: 3 months)' : '',
        s3Renewal(ctx),
      );
    else
      monthPeriodDeadline(
        ctx,
        'cto-first-period',
        'CTO-08',
        C.cto08,
        start,
        CTO_FIRST_PERIOD_MONTHS,
        'Community treatment order: first period ends',
        'the day the order was made',
        '',
        { months: RENEWAL_MONTHS, section: 's.20A(3)' },
      );
    return;
  }
  if (!cto.recorded) return;
  if (revocation)
    add(
      ctx,
      'CTO-07',
      'warning',
      'cto-revocation-not-recorded',
      `The AMHP agreed at ${local(ctx, cto.signedAt)} that the CTO should be revoked (form CTO5). The revocation is the responsible clinician's order, and it is not recorded: once made, the patient is detained again as if under s.3 for ${ctx.regime.s3FirstPeriodMonths} months beginning with the day of revocation (s.17G), which cannot be counted until the order's time is recorded (cto-order). No application is owed.`,
      C.cto07,
    );
  else
    add(
      ctx,
      'CTO-08',
      'warning',
      'cto-order-not-recorded',
      `The AMHP agreed at ${local(ctx, cto.signedAt)} to the CTO being made (form CTO1). The order is the responsible clinician's, and it is not recorded: once made, the CTO lasts ${CTO_FIRST_PERIOD_MONTHS} months beginning with the day it is made (s.20A(1)), which cannot be counted until the order's time is recorded (cto-order). No application is owed.`,
      C.cto08,
    );
}
