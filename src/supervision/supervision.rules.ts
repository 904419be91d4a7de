/**
 * AMHP-10 (local supervision policy ✱): when an AMHP's professional supervision is next due and how late it is,
 * and what supervision a period holds. Pure: facts in, findings out (no clock: the caller passes today's local date).
 */
import { addDays, addYears, daysBetween, IsoDate } from '../statute/time';
import type { SupervisionType } from './supervision.entity';

/**
 * The session types that count as *professional* supervision for AMHP-10. Decision: only `professional`.
 * Managerial supervision (caseload, leave, HR) is not professional supervision; group and reflective sessions are
 * worth recording (and appear in the portfolio) but are recorded as their own types precisely because they are not
 * the individual professional supervision the LSSA must ensure. A council whose policy counts group supervision
 * adds 'group' here, and the overdue list, the portfolio and their tests follow.
 */
export const PROFESSIONAL_SUPERVISION_TYPES: readonly SupervisionType[] = ['professional'];

export function countsAsProfessional(type: SupervisionType): boolean {
  return PROFESSIONAL_SUPERVISION_TYPES.includes(type);
}

export interface SessionFacts {
  heldOn: IsoDate;
  type: SupervisionType;
  durationMinutes: number;
}

/** The latest professional supervision held on or before `today` (a later date would be an error in the record). */
export function lastProfessionalSupervision(sessions: Pick<SessionFacts, 'heldOn' | 'type'>[], today: IsoDate): IsoDate | null {
  let last: IsoDate | null = null;
  for (const s of sessions) {
    if (!countsAsProfessional(s.type) || s.heldOn > today) continue;
    if (last === null || s.heldOn > last) last = s.heldOn;
  }
  return last;
}

export interface SupervisionDueFacts {
  /** The last professional supervision, or null when there has never been one. */
  lastProfessionalOn: IsoDate | null;
  /** The practitioner's own interval (`practitioners.supervision_interval_days`, 7..365). */
  intervalDays: number;
  /** The local date the practitioner record was created: the clock starts there for someone never supervised. */
  recordCreatedOn: IsoDate;
}

export interface SupervisionDue {
  lastProfessionalOn: IsoDate | null;
  intervalDays: number;
  /** The last day on which supervision is still in time: `intervalDays` after the last one (or the record's creation). */
  nextDueOn: IsoDate;
  dueFrom: 'last-professional-supervision' | 'record-created';
  neverSupervised: boolean;
  status: 'in-date' | 'overdue';
  /** Whole days past `nextDueOn` (0 when in date). */
  daysOverdue: number;
  /** Whole days left until `nextDueOn` (0 on the due day and when overdue). */
  daysUntilDue: number;
}

/**
 * Next due date and lateness. Supervision held on the due day is in time: overdue begins the day after.
 * Someone never supervised is due `intervalDays` after their practitioner record was created (and flagged).
 */
export function supervisionDue(facts: SupervisionDueFacts, today: IsoDate): SupervisionDue {
  const never = facts.lastProfessionalOn === null;
  const from = facts.lastProfessionalOn ?? facts.recordCreatedOn;
  const nextDueOn = addDays(from, facts.intervalDays);
  const late = daysBetween(nextDueOn, today);
  return {
    lastProfessionalOn: facts.lastProfessionalOn,
    intervalDays: facts.intervalDays,
    nextDueOn,
    dueFrom: never ? 'record-created' : 'last-professional-supervision',
    neverSupervised: never,
    status: late > 0 ? 'overdue' : 'in-date',
    daysOverdue: Math.max(0, late),
    daysUntilDue: Math.max(0, -late),
  };
}

export interface SupervisionTally {
  professional: number;
  managerial: number;
  group: number;
  reflective: number;
  total: number;
  totalMinutes: number;
}

/** Sessions of each type held from `from` to `to` inclusive (e.g. one approval year). */
export function tallySessions(sessions: SessionFacts[], from: IsoDate, to: IsoDate): SupervisionTally {
  const tally: SupervisionTally = { professional: 0, managerial: 0, group: 0, reflective: 0, total: 0, totalMinutes: 0 };
  for (const s of sessions) {
    if (s.heldOn < from || s.heldOn > to) continue;
    tally[s.type] += 1;
    tally.total += 1;
    tally.totalMinutes += s.durationMinutes;
  }
  return tally;
}

/** An open supervision action is overdue the day after its due date (like supervision itself). */
export function actionOverdue(action: { dueOn: IsoDate | null; doneOn: IsoDate | null }, today: IsoDate): boolean {
  return action.doneOn === null && action.dueOn !== null && action.dueOn < today;
}

/** What the rota reads to judge AMHP-10 for one practitioner (the dates of professional sessions, any order). */
export interface RotaSupervisionFacts {
  professionalOn: IsoDate[];
  intervalDays: number;
  recordCreatedOn: IsoDate;
}

/**
 * AMHP-10 as a rota gate (local policy, not statute): a warning, which a manager may override with a reason, when
 * the practitioner's professional supervision is overdue. Judged on the earlier of today and the shift's first day:
 * for a shift ahead, supervision that is not yet due may still be held before it, so only lateness already
 * reached counts; for a shift in the past, only sessions held by then count.
 */
export function supervisionOverdueFinding(
  facts: RotaSupervisionFacts,
  shiftDay: IsoDate,
  today: IsoDate,
): { code: 'supervision-overdue'; rule: 'AMHP-10'; severity: 'warning'; message: string } | null {
  const on = shiftDay < today ? shiftDay : today;
  const last = lastProfessionalSupervision(
    facts.professionalOn.map((heldOn) => ({ heldOn, type: 'professional' as const })),
    on,
  );
  const due = supervisionDue({ lastProfessionalOn: last, intervalDays: facts.intervalDays, recordCreatedOn: facts.recordCreatedOn }, on);
  if (due.status !== 'overdue') return null;
  const since = last === null ? 'has had no professional supervision since the record was made' : `was last supervised on ${last}`;
  return {
    code: 'supervision-overdue',
    rule: 'AMHP-10',
    severity: 'warning',
    message: `Professional supervision is overdue: the AMHP ${since}, was due by ${due.nextDueOn} (every ${due.intervalDays} days) and is ${due.daysOverdue} day${due.daysOverdue === 1 ? '' : 's'} late on ${on}.`,
  };
}

/** How long after the day it is held the period an appraisal covers may end (a year ending 31 March appraised in March). */
export const APPRAISAL_PERIOD_END_GRACE_DAYS = 31;
/** How far ahead the next appraisal may be set: they are yearly, with a year's leeway. */
export const APPRAISAL_NEXT_DUE_MAX_YEARS = 2;

export interface AppraisalDateFault {
  field: 'periodTo' | 'nextDueOn';
  code: 'appraisal-period-backwards' | 'appraisal-period-after-held' | 'next-due-not-after-held' | 'next-due-too-far';
  detail: string;
  message: string;
}

/**
 * An appraisal's dates among themselves: the period appraised runs forwards and is behind her (it ends by the day the
 * appraisal is held, or within APPRAISAL_PERIOD_END_GRACE_DAYS after it); the next one is due after this one (a year
 * after it unless given) and at most APPRAISAL_NEXT_DUE_MAX_YEARS after it, or an overdue appraisal would be kept off
 * every list. The next due date, and the first fault found.
 */
export function appraisalDates(a: { heldOn: IsoDate; periodFrom: IsoDate; periodTo: IsoDate; nextDueOn?: IsoDate }): {
  nextDueOn: IsoDate;
  fault: AppraisalDateFault | null;
} {
  const nextDueOn = a.nextDueOn ?? addYears(a.heldOn, 1);
  const latestPeriodEnd = addDays(a.heldOn, APPRAISAL_PERIOD_END_GRACE_DAYS);
  const latestNextDue = addYears(a.heldOn, APPRAISAL_NEXT_DUE_MAX_YEARS);
  const fault: AppraisalDateFault | null =
    a.periodFrom > a.periodTo
      ? {
          field: 'periodTo',
          code: 'appraisal-period-backwards',
          detail: `The period appraised cannot end (${a.periodTo}) before it starts (${a.periodFrom}).`,
          message: 'must not be before periodFrom',
        }
      : a.periodTo > latestPeriodEnd
        ? {
            field: 'periodTo',
            code: 'appraisal-period-after-held',
            detail: `The period appraised cannot end (${a.periodTo}) more than ${APPRAISAL_PERIOD_END_GRACE_DAYS} days after the appraisal was held (${a.heldOn}).`,
            message: `must not be after ${latestPeriodEnd}`,
          }
        : nextDueOn <= a.heldOn
          ? {
              field: 'nextDueOn',
              code: 'next-due-not-after-held',
              detail: `The next appraisal (${nextDueOn}) must be due after this one (${a.heldOn}).`,
              message: 'must be after heldOn',
            }
          : nextDueOn > latestNextDue
            ? {
                field: 'nextDueOn',
                code: 'next-due-too-far',
                detail: `The next appraisal (${nextDueOn}) cannot be due more than ${APPRAISAL_NEXT_DUE_MAX_YEARS} years after this one (${a.heldOn}).`,
                message: `must not be after ${latestNextDue}`,
              }
            : null;
  return { nextDueOn, fault };
}
