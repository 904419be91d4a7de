/**
 * From what the database holds to the planner's facts. PURE: the service reads the rows (PlanInputs: plain data that
 * crosses to a worker thread by structured clone) and the planner's worker builds the facts from them, so the
 * per-(AMHP, shift) eligibility check and the look-back loads, like the solve, never run on the API's event loop.
 */
import { type AccountBar, type ApprovalFacts, eligibility, type TrainingFacts, type WorkforcePolicy } from '../workforce/workforce.rules';
import { coveredMs, isWeekend, unavailablePeriods } from './fairness';
import type {
  EligibilityWarning,
  ExistingAssignment,
  Ineligibility,
  LeavePeriod,
  PlanFacts,
  PlanPractitioner,
  PlanShift,
  Preference,
} from './planner';
import { isNight, RotaPolicy, startDate } from './rota.rules';
import { localDate } from '../statute/time';
import { supervisionOverdueFinding, type RotaSupervisionFacts } from '../supervision/supervision.rules';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface PlanPerson {
  id: string;
  fte: number;
  skills: string[];
  displayName: string;
  profession: string;
  registrationStatus: string;
  registrationCheckedOn: string | null;
  /** Professional supervision, for the AMHP-10 warning. */
  supervision: RotaSupervisionFacts;
  /** AMHP-11: her hub account disabled, or without the amhp role (null when it may act). */
  accountBar?: AccountBar | null;
}

/** The rows a plan is made from, read in one snapshot. */
export interface PlanInputs {
  from: Date;
  to: Date;
  /** The service's clock when the rows were read (eligibility is judged as of then). */
  now: Date;
  /** The look-back before `from` over which fairness carries over (ms). */
  lookbackMs: number;
  policy: RotaPolicy;
  workforce: WorkforcePolicy;
  shifts: PlanShift[];
  people: PlanPerson[];
  approvals: Array<ApprovalFacts & { practitionerId: string }>;
  training: Array<TrainingFacts & { practitionerId: string }>;
  existing: ExistingAssignment[];
  leave: LeavePeriod[];
  preferences: Preference[];
}

/**
 * Eligibility per (AMHP, shift) with the workforce rules: a hard finding excludes the pair; warnings alone (e.g.
 * training short, AMHP-06; supervision overdue, AMHP-10) leave it plannable, carried on the assignment for the manager to accept at publishing.
 * Fairness carries over: each AMHP's rota work in the look-back, and how much of it they were free.
 */
export function buildPlanFacts(inputs: PlanInputs): PlanFacts {
  const { from, to, shifts, people, existing, leave, policy } = inputs;
  const zone = policy.timeZone;
  const byPerson = <T extends { practitionerId: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) map.set(r.practitionerId, [...(map.get(r.practitionerId) ?? []), r]);
    return (id: string) => map.get(id) ?? [];
  };
  const approvalsOf = byPerson(inputs.approvals);
  const trainingOf = byPerson(inputs.training);
  const existingOf = byPerson(existing);
  const leaveOf = byPerson(leave);

  const ineligible: Ineligibility[] = [];
  const warnings: EligibilityWarning[] = [];
  const today = localDate(inputs.now, zone);
  for (const p of people) {
    const approvals = approvalsOf(p.id);
    const training = trainingOf(p.id).map(({ completedOn, hours, mentalHealthSpecific }) => ({ completedOn, hours, mentalHealthSpecific }));
    for (const s of shifts) {
      const e = eligibility(
        {
          from: s.startsAt,
          to: s.endsAt,
          now: inputs.now,
          profession: p.profession,
          registrationStatus: p.registrationStatus,
          registrationCheckedOn: p.registrationCheckedOn,
          approvals,
          training,
          accountBar: p.accountBar,
        },
        inputs.workforce,
      );
      const hard = e.findings.find((f) => f.severity === 'hard');
      const supervision = supervisionOverdueFinding(p.supervision, startDate(s, zone), today);
      const findings = supervision ? [...e.findings, supervision] : e.findings;
      if (hard) ineligible.push({ practitionerId: p.id, shiftId: s.id, code: hard.code, message: hard.message });
      else if (findings.length) warnings.push({ practitionerId: p.id, shiftId: s.id, findings });
    }
  }

  const lookbackFrom = from.getTime() - inputs.lookbackMs;
  const practitioners: PlanPractitioner[] = people.map((p) => {
    const before = existingOf(p.id).filter((e) => e.startsAt.getTime() >= lookbackFrom && e.startsAt.getTime() < from.getTime());
    const away = coveredMs(leaveOf(p.id), lookbackFrom, from.getTime());
    return {
      id: p.id,
      fte: Number(p.fte),
      skills: p.skills,
      displayName: p.displayName,
      // Suspensions and approval gaps in the period (leave is in `leave`), as GET /rota/fairness counts them.
      unavailable: unavailablePeriods({ approvals: approvalsOf(p.id), leave: [] }, { from, to }, zone),
      prior: {
        hours: before.reduce((sum, e) => sum + (e.endsAt.getTime() - e.startsAt.getTime()) / HOUR, 0),
        nights: before.filter((e) => isNight(e, zone)).length,
        weekends: before.filter((e) => isWeekend(e, zone)).length,
        bankHolidays: before.filter((e) => e.bankHoliday).length,
        availableDays: (inputs.lookbackMs - away) / DAY,
      },
    };
  });
  return { from, to, shifts, practitioners, existing, leave, ineligible, warnings, preferences: inputs.preferences, policy };
}
