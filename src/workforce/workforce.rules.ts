/**
 * Whether a practitioner may act as an AMHP, and the checks behind it. Pure: facts in, findings out.
 * Rule ids are AMHP-01..AMHP-12 (SI 2008/1206; MHA 1983 s.114; local policy). Readings marked ✱ are driven by configuration (WorkforcePolicy).
 */
import {
  addYears,
  daysBetween,
  endOfLocalDay,
  IsoDate,
  lastDayOfPeriod,
  localDate,
  minDate,
  monthsBetween,
  startOfLocalDay,
} from '../statute/time';
import type { RuleId } from '../statute/rule-catalogue';
import { memoised } from '../statute/memo';

export type Severity = 'hard' | 'warning';

export interface Finding {
  code: string;
  rule: RuleId;
  severity: Severity;
  message: string;
  /** The request field the finding is about, when it is about one (a refusal names it in `errors`). */
  field?: string;
}

export interface SuspensionFacts {
  startsAt: Date;
  endsAt: Date | null;
  reason: string;
}

export interface ApprovalFacts {
  id: string;
  approvingAuthority: string;
  startsOn: IsoDate;
  endsOn: IsoDate;
  endedOn: IsoDate | null;
  suspensions: SuspensionFacts[];
  /**
   * AMHP-06: the approving authority's decisions that she may go on acting although a completed year of this approval
   * ended short of training (at most one a year). Absent: none recorded.
   */
  trainingDecisions?: TrainingYearDecision[];
}

/** The approving authority's decision on an approval year that ended short of training (AMHP-06). */
export interface TrainingYearDecision {
  year: number;
  decidedOn: IsoDate;
  reason: string;
}

export interface TrainingFacts {
  completedOn: IsoDate;
  hours: number;
  mentalHealthSpecific: boolean;
}

export interface WorkforcePolicy {
  timeZone: string;
  trainingHoursPerYear: number;
  trainingMentalHealthHoursPerYear: number;
  trainingShortfallSeverity: Severity;
  trainingWarnAfterMonths: number;
  registrationCheckMaxAgeDays: number;
  /** The councils whose approvals count here (this one and those with an arrangement), or null: any (AMHP-01). */
  approvingCouncils: readonly string[] | null;
}

/**
 * AMHP-05 (reg 4) ✱: the longest an approval may last, in years. Read as "five years", but whether the regulation says
 * "for a period of five years" or "not exceeding five years" is unconfirmed, so it is the default of a setting
 * (AMHP_APPROVAL_MAX_YEARS, 1-5) for the legal team to confirm without a code change.
 */
export const DEFAULT_APPROVAL_MAX_YEARS = 5;

const YEAR_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five'];
const yearsText = (years: number) => `${YEAR_WORDS[years] ?? years} year${years === 1 ? '' : 's'}`;

/** AMHP-05 (reg 4) ✱: the latest last day of an approval beginning on `startsOn` that lasts at most `maxYears` (C1). */
export function maxApprovalEnd(startsOn: IsoDate, maxYears: number = DEFAULT_APPROVAL_MAX_YEARS): IsoDate {
  if (!Number.isInteger(maxYears) || maxYears < 1) throw new RangeError(`an approval lasts a whole number of years, not ${maxYears}`);
  return lastDayOfPeriod(startsOn, { years: maxYears });
}

/** AMHP-05: problems with an approval's dates (it lasts at most `maxYears`, the setting), empty when valid. */
export function approvalPeriodFindings(startsOn: IsoDate, endsOn: IsoDate, maxYears: number = DEFAULT_APPROVAL_MAX_YEARS): Finding[] {
  if (endsOn < startsOn)
    return [
      {
        code: 'approval-ends-before-start',
        rule: 'AMHP-05',
        severity: 'hard',
        message: `The approval cannot end (${endsOn}) before it starts (${startsOn}).`,
      },
    ];
  const latest = maxApprovalEnd(startsOn, maxYears);
  if (endsOn > latest) {
    return [
      {
        // The code keeps its name whatever the setting: clients match on it.
        code: 'approval-longer-than-five-years',
        rule: 'AMHP-05',
        severity: 'hard',
        message: `An approval lasts at most ${yearsText(maxYears)}: one starting ${startsOn} must end by ${latest}, not ${endsOn} (SI 2008/1206 reg 4).`,
      },
    ];
  }
  return [];
}

/** What AMHP-02 judges of an approval being recorded. */
export interface ApprovedCourseFacts {
  startsOn: IsoDate;
  /** When she completed the approved AMHP course; undefined or null: not given. */
  approvedCourseCompletedOn?: IsoDate | null;
  /**
   * A first approval: no approval of hers starting before this one is recorded here (by any authority), and she is not
   * said to have been approved before by an authority this hub has no record of.
   */
  firstApproval: boolean;
}

/**
 * AMHP-02 (SI 2008/1206 reg 3(3)): a first approval needs an approved AMHP course completed within the last five years:
 * on or after the day five calendar years before the approval starts (addYears: 29 February clamped to 28 February, C6)
 * and not after the day it starts. A re-approval is not held to it: a course date given with one is kept, never refused.
 * Empty when the approval may be recorded.
 */
export function approvedCourseFindings(facts: ApprovedCourseFacts): Finding[] {
  if (!facts.firstApproval) return [];
  const field = 'approvedCourseCompletedOn';
  const completedOn = facts.approvedCourseCompletedOn;
  if (!completedOn)
    return [
      {
        code: 'approved-course-required',
        rule: 'AMHP-02',
        severity: 'hard',
        field,
        message:
          'A first approval needs the date she completed an approved AMHP course (approvedCourseCompletedOn), or previouslyApprovedBy naming the authority that approved her before (SI 2008/1206 reg 3(3)).',
      },
    ];
  if (completedOn > facts.startsOn)
    return [
      {
        code: 'approved-course-after-start',
        rule: 'AMHP-02',
        severity: 'hard',
        field,
        message: `The approved AMHP course must be completed before a first approval starts: completed on ${completedOn}, after the approval starts on ${facts.startsOn} (SI 2008/1206 reg 3(3)).`,
      },
    ];
  const earliest = addYears(facts.startsOn, -5);
  if (completedOn < earliest)
    return [
      {
        code: 'approved-course-too-old',
        rule: 'AMHP-02',
        severity: 'hard',
        field,
        message: `A first approval needs an approved AMHP course completed within the last five years: one starting ${facts.startsOn} needs a course completed on or after ${earliest}, not ${completedOn} (SI 2008/1206 reg 3(3)).`,
      },
    ];
  return [];
}

/**
 * AMHP-05 reminders: the reminder stage reached with `daysLeft` before an approval ends, as the shortest lead time
 * already reached (180/90/30 configured, 60 days left → 90). Null before the longest lead time.
 */
export function reminderStage(daysLeft: number, leadTimes: readonly number[]): number | null {
  return [...leadTimes].sort((a, b) => a - b).find((d) => daysLeft <= d) ?? null;
}

/** The last day an approval has effect: its end date, or the day it was ended early (AMHP-08). */
export function effectiveEnd(a: Pick<ApprovalFacts, 'endsOn' | 'endedOn'>): IsoDate {
  return a.endedOn ? minDate(a.endsOn, a.endedOn) : a.endsOn;
}

export type ApprovalStatus = 'future' | 'active' | 'suspended' | 'expired' | 'ended';

export function approvalStatus(a: ApprovalFacts, now: Date, timeZone: string): ApprovalStatus {
  const today = localDate(now, timeZone);
  if (a.endedOn && a.endedOn < today) return 'ended';
  if (today > a.endsOn) return 'expired';
  if (today < a.startsOn) return 'future';
  if (a.suspensions.some((s) => s.startsAt <= now && (s.endsAt === null || s.endsAt > now))) return 'suspended';
  return 'active';
}

export interface ApprovalYear {
  year: number;
  from: IsoDate;
  to: IsoDate;
  requiredHours: number;
  requiredMentalHealthHours: number;
  hours: number;
  mentalHealthHours: number;
  shortfallHours: number;
  mentalHealthShortfallHours: number;
  status: 'met' | 'short' | 'in-progress' | 'future';
  /** A `short` year: the approving authority's decision that she may go on acting, when one is recorded. */
  decision: TrainingYearDecision | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * AMHP-06 (reg 5(a)): training hours in each year of an approval, counted from its start (year k runs from
 * start + k years to the day before start + k+1 years; ✱ the definition of "year"). A year is `met`, `short`
 * (completed without enough hours), `in-progress` (contains today) or `future`.
 */
export function trainingByApprovalYear(
  approval: Pick<ApprovalFacts, 'startsOn' | 'endsOn' | 'endedOn' | 'trainingDecisions'>,
  records: TrainingFacts[],
  policy: Pick<WorkforcePolicy, 'trainingHoursPerYear' | 'trainingMentalHealthHoursPerYear'>,
  today: IsoDate,
): ApprovalYear[] {
  const end = effectiveEnd(approval);
  const years: ApprovalYear[] = [];
  for (let k = 0; ; k++) {
    const from = addYears(approval.startsOn, k);
    if (from > end) break;
    const to = minDate(lastDayOfPeriod(approval.startsOn, { years: k + 1 }), end);
    const inYear = records.filter((r) => r.completedOn >= from && r.completedOn <= to);
    const hours = round2(inYear.reduce((s, r) => s + r.hours, 0));
    const mentalHealthHours = round2(inYear.filter((r) => r.mentalHealthSpecific).reduce((s, r) => s + r.hours, 0));
    const shortfallHours = round2(Math.max(0, policy.trainingHoursPerYear - hours));
    const mentalHealthShortfallHours = round2(Math.max(0, policy.trainingMentalHealthHoursPerYear - mentalHealthHours));
    const enough = shortfallHours === 0 && mentalHealthShortfallHours === 0;
    const status = from > today ? 'future' : to < today ? (enough ? 'met' : 'short') : enough ? 'met' : 'in-progress';
    years.push({
      year: k + 1,
      from,
      to,
      requiredHours: policy.trainingHoursPerYear,
      requiredMentalHealthHours: policy.trainingMentalHealthHoursPerYear,
      hours,
      mentalHealthHours,
      shortfallHours,
      mentalHealthShortfallHours,
      status,
      decision: (status === 'short' && approval.trainingDecisions?.find((d) => d.year === k + 1)) || null,
    });
  }
  return years;
}

export interface EligibilityFacts {
  from: Date;
  to: Date;
  now: Date;
  profession: string;
  /** AMHP-03: who the registration is with, as recorded (undefined: not known to the caller). */
  registrationBody?: string;
  registrationStatus: string;
  registrationCheckedOn: IsoDate | null;
  approvals: ApprovalFacts[];
  training: TrainingFacts[];
  /**
   * AMHP-11: why her hub account may not act under the amhp role now (disabled, or the role taken away); null or
   * undefined when it may (or the caller judges a practitioner record alone, e.g. the planner's own filter).
   */
  accountBar?: AccountBar | null;
}

/** Why an account may not act under the amhp role: disabled, or the amhp role taken away. */
export type AccountBar = 'account-disabled' | 'not-an-amhp';

export interface Eligibility {
  eligible: boolean;
  /** The approval that covers the whole period, when one does. */
  approvalId: string | null;
  findings: Finding[];
}

// A finding's time, said locally with its instant. The answers are kept: the same approval ends and suspension times
// recur in every check of one AMHP, and building a formatter for each was a share of an eligibility check's CPU.
const fmtMs = memoised(
  (ms: number, zone: string) => {
    const d = new Date(ms);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(d);
    return `${local} (${d.toISOString()})`;
  },
  (ms, zone) => `${ms}|${zone}`,
);
const fmt = (d: Date, zone: string) => fmtMs(d.getTime(), zone);

/**
 * AMHP-03 (SI 2008/1206 Sch 1): the regulator each profession an AMHP may come from is registered with, by the names
 * and abbreviations a registration body is written with (letter case and a leading "the" aside). The regulators are
 * the successors of those Sch 1 names (Social Work England; the NMC; the HCPC for occupational therapists and
 * practitioner psychologists): a table, to change with the law rather than the code.
 */
export const PROFESSION_REGULATORS: Record<string, { name: string; said: readonly string[] }> = {
  'social-worker': { name: 'Social Work England', said: ['social work england', 'swe'] },
  'mental-health-nurse': { name: 'the Nursing and Midwifery Council', said: ['nursing and midwifery council', 'nmc'] },
  'learning-disability-nurse': { name: 'the Nursing and Midwifery Council', said: ['nursing and midwifery council', 'nmc'] },
  'occupational-therapist': { name: 'the Health and Care Professions Council', said: ['health and care professions council', 'hcpc'] },
  psychologist: { name: 'the Health and Care Professions Council', said: ['health and care professions council', 'hcpc'] },
};

/** Whether `body` is a regulator `profession` is registered with (PROFESSION_REGULATORS); true for a profession not listed. */
export function regulatorFits(profession: string, body: string): boolean {
  const names = PROFESSION_REGULATORS[profession]?.said;
  if (!names) return true;
  const said = body
    .trim()
    .toLowerCase()
    .replace(/^the\s+/, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*\(([a-z]+)\)$/, '');
  return names.includes(said);
}

/** A council's name as written on an approval, for comparing: letter case, a leading "the", spacing and "&" aside. */
function councilKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^the\s+/, '')
    .replace(/&/g, ' and ')
    .replace(/[.,]/g, '')
    .replace(/\s+/g, ' ');
}

/** Whether an approval by `authority` counts here (policy.approvingCouncils; any when none is configured). */
export function approvedHere(authority: string, councils: readonly string[] | null): boolean {
  return councils === null || councils.some((c) => councilKey(c) === councilKey(authority));
}

/**
 * The approval in effect at `from` when approvals in turn (each starting before or as the one before ends) cover the
 * whole of [from, to); undefined when any instant of it has none.
 */
function coveringInTurn(
  approvals: readonly ApprovalFacts[],
  window: (a: ApprovalFacts) => { start: Date; end: Date },
  from: Date,
  to: Date,
): ApprovalFacts | undefined {
  let first: ApprovalFacts | undefined;
  let reached = from;
  while (reached < to) {
    const next = approvals
      .filter((a) => window(a).start <= reached && reached < window(a).end)
      .sort((x, y) => window(y).end.getTime() - window(x).end.getTime())[0];
    if (!next) return undefined;
    first ??= next;
    reached = window(next).end;
  }
  return first;
}

/**
 * May this practitioner act as an AMHP for the whole of [from, to)? The single function the rota and the
 * assessment rules ask. Hard findings make them ineligible; warnings are for a manager to weigh.
 */
/** The findings of an eligibility that stop her acting for its period (its `eligible` is whether there are none). */
export function hardFindings(e: Pick<Eligibility, 'findings'>): Finding[] {
  return e.findings.filter((f) => f.severity === 'hard');
}

export function eligibility(facts: EligibilityFacts, policy: WorkforcePolicy): Eligibility {
  const zone = policy.timeZone;
  const findings: Finding[] = [];

  // AMHP-04 (s.114(2)): a registered medical practitioner cannot be approved.
  if (facts.profession === 'doctor')
    findings.push({
      code: 'doctor-cannot-be-amhp',
      rule: 'AMHP-04',
      severity: 'hard',
      message: 'A registered medical practitioner cannot act as an AMHP (s.114(2)).',
    });

  // AMHP-03 (Sch 1): registered with the regulator of the profession (a "social worker" registered with the GMC is not).
  if (facts.registrationBody !== undefined && !regulatorFits(facts.profession, facts.registrationBody))
    findings.push({
      code: 'registration-body-not-of-profession',
      rule: 'AMHP-03',
      severity: 'hard',
      message: `A ${facts.profession.replace(/-/g, ' ')} is registered with ${PROFESSION_REGULATORS[facts.profession].name} (SI 2008/1206 Sch 1); the record says ${facts.registrationBody}.`,
    });
  // AMHP-03 / AMHP-06(c): the professional registration must be active.
  if (facts.registrationStatus !== 'active') {
    findings.push({
      code: 'registration-not-active',
      rule: 'AMHP-03',
      severity: 'hard',
      message: `Professional registration is ${facts.registrationStatus}; an AMHP must stop acting while it is not active (SI 2008/1206 reg 5(c)).`,
    });
  } else if (
    !facts.registrationCheckedOn ||
    daysBetween(facts.registrationCheckedOn, localDate(facts.now, zone)) > policy.registrationCheckMaxAgeDays
  ) {
    findings.push({
      code: 'registration-check-stale',
      rule: 'AMHP-03',
      severity: 'warning',
      message: facts.registrationCheckedOn
        ? `Registration last checked on ${facts.registrationCheckedOn}, more than ${policy.registrationCheckMaxAgeDays} days ago.`
        : 'Registration has never been checked with the regulator.',
    });
  }

  // AMHP-01 / AMHP-05: an approval in effect for the whole period (approval dates are whole local days).
  const window = (a: ApprovalFacts) => ({ start: startOfLocalDay(a.startsOn, zone), end: endOfLocalDay(effectiveEnd(a), zone) });
  // One approval over the whole period, or (AMHP-05: re-approval is a fresh approval, with no gap when it starts the
  // day after the last ends) approvals one after another without a gap: the one in effect when the period starts.
  // Pre-duty checklist item 1: only an approval by this council, or one with an arrangement with it, counts here.
  const approvals = facts.approvals.filter((a) => approvedHere(a.approvingAuthority, policy.approvingCouncils));
  const covering =
    approvals.find((a) => window(a).start <= facts.from && facts.to <= window(a).end) ??
    coveringInTurn(approvals, window, facts.from, facts.to);
  if (!covering) {
    const overlapping = approvals.filter((a) => window(a).start < facts.to && facts.from < window(a).end);
    const elsewhere = facts.approvals.filter((a) => !approvals.includes(a) && window(a).start < facts.to && facts.from < window(a).end);
    for (const a of elsewhere)
      findings.push({
        code: 'approved-by-another-council',
        rule: 'AMHP-01',
        severity: 'hard',
        message: `The approval in effect is by ${a.approvingAuthority}, which is neither this council nor one with an arrangement with it (${(policy.approvingCouncils ?? []).join('; ')}).`,
      });
    if (!overlapping.length && !elsewhere.length) {
      findings.push({
        code: 'no-approval',
        rule: 'AMHP-01',
        severity: 'hard',
        message: `No AMHP approval is in effect between ${fmt(facts.from, zone)} and ${fmt(facts.to, zone)}.`,
      });
    } else {
      for (const a of overlapping) {
        const w = window(a);
        if (w.end < facts.to)
          findings.push({
            code: 'approval-ends-during-period',
            rule: 'AMHP-05',
            severity: 'hard',
            message: `The approval by ${a.approvingAuthority} ends at the end of ${effectiveEnd(a)}, before the period ends at ${fmt(facts.to, zone)}.`,
          });
        if (w.start > facts.from)
          findings.push({
            code: 'approval-starts-during-period',
            rule: 'AMHP-01',
            severity: 'hard',
            message: `The approval by ${a.approvingAuthority} starts on ${a.startsOn}, after the period starts at ${fmt(facts.from, zone)}.`,
          });
      }
    }
  }

  // AMHP-11 (local policy): she acts through her hub account; one disabled, or without the amhp role, cannot be offered,
  // paged, sign in or record anything, so she is not put on the rota nor given work while it stays so.
  if (facts.accountBar)
    findings.push({
      code: facts.accountBar,
      rule: 'AMHP-11',
      severity: 'hard',
      message:
        facts.accountBar === 'account-disabled'
          ? 'Her hub account is disabled: she cannot sign in, be paged or act on a referral through the hub.'
          : 'Her hub account no longer holds the amhp role: she cannot act as an AMHP through the hub.',
    });

  // AMHP-07 (reg 6): no part of the period may fall in a suspension.
  for (const a of facts.approvals) {
    for (const s of a.suspensions) {
      if (s.startsAt < facts.to && (s.endsAt === null || s.endsAt > facts.from)) {
        findings.push({
          code: 'approval-suspended',
          rule: 'AMHP-07',
          severity: 'hard',
          message: `The approval is suspended from ${fmt(s.startsAt, zone)}${s.endsAt ? ` to ${fmt(s.endsAt, zone)}` : ' until further notice'}: ${s.reason}`,
        });
      }
    }
  }

  // AMHP-06 (reg 5(a), thresholds ✱ configurable): training in each approval year.
  if (covering) {
    const periodDay = localDate(facts.from, zone);
    for (const y of trainingByApprovalYear(covering, facts.training, policy, periodDay)) {
      // A short completed year blocks (TRAINING_SHORTFALL_SEVERITY) until the approving authority records its decision
      // that she may go on acting; then it stays a warning that names the decision.
      if (y.status === 'short') {
        const short = `Approval year ${y.year} (${y.from} to ${y.to}) ended with ${y.hours} h of training (${y.mentalHealthHours} h mental-health specific); ${y.requiredHours} h (${y.requiredMentalHealthHours} h) are required`;
        // The decision has effect from its day: a period before it was still blocked.
        findings.push(
          y.decision && y.decision.decidedOn <= periodDay
            ? {
                code: 'training-short-continued',
                rule: 'AMHP-06',
                severity: 'warning',
                message: `${short}. The approving authority decided on ${y.decision.decidedOn} that she may go on acting: ${y.decision.reason}`,
              }
            : {
                code: 'training-short-completed-year',
                rule: 'AMHP-06',
                severity: policy.trainingShortfallSeverity,
                message: `${short}, and no decision of the approving authority that she may go on acting is recorded.`,
              },
        );
      }
      if (y.status === 'in-progress' && monthsBetween(y.from, periodDay) >= policy.trainingWarnAfterMonths) {
        findings.push({
          code: 'training-short-current-year',
          rule: 'AMHP-06',
          severity: 'warning',
          message: `${y.shortfallHours} h of training still needed by ${y.to} (approval year ${y.year}: ${y.hours} of ${y.requiredHours} h so far).`,
        });
      }
    }
  }

  return { eligible: !findings.some((f) => f.severity === 'hard'), approvalId: covering?.id ?? null, findings };
}
