import { activityFigures, type ActivityReferralRow, outcomeCode } from './activity';
import { parsePeriod } from './period';
import { figureValue } from './report.model';
import type { AssessmentRow, ReferralRow } from './rows';

const ZONE = 'Europe/London';

const referral = (
  id: string,
  receivedAt: string,
  over: Partial<ActivityReferralRow & ReferralRow> = {},
): ActivityReferralRow & ReferralRow => ({
  referralId: id,
  personId: `p-${id}`,
  source: 'gp',
  legalContext: 'informal',
  team: null,
  receivedAt: new Date(receivedAt),
  screenedAt: null,
  screeningResult: null,
  allocatedAt: null,
  assessmentId: null,
  doctorsRequestedAt: null,
  doctorsArrivedAt: null,
  interviewAt: null,
  decisionAt: null,
  applicationAt: null,
  admittedAt: null,
  withdrawnAt: null,
  linkedAtIntake: false,
  ...over,
});

const assessment = (id: string, decidedAt: string, over: Partial<AssessmentRow>): AssessmentRow => ({
  assessmentId: id,
  referralId: `r-${id}`,
  personId: `p-${id}`,
  source: 'gp',
  legalContext: 'informal',
  team: null,
  openedAt: new Date(decidedAt),
  decidedAt: new Date(decidedAt),
  outcomeKind: null,
  section: null,
  ctoDecision: null,
  alternatives: [],
  lastDelayReason: null,
  ...over,
});

describe('activity: each event counts in the local month it happened', () => {
  // 23:30 UTC on 31 March 2027 is 00:30 BST on 1 April: April, and the financial year 2027.
  const referrals = [
    referral('a', '2027-03-31T23:30:00Z'),
    referral('b', '2027-03-31T22:30:00Z'),
    referral('c', '2027-03-15T12:00:00Z'),
    // DUTY-02: linked at intake to the open referral 'c' of the same person, then withdrawn as its duplicate.
    referral('c2', '2027-03-15T12:30:00Z', { personId: 'p-c', linkedAtIntake: true, withdrawnAt: new Date('2027-03-15T13:00:00Z') }),
    // Withdrawn by the referrer (the person was admitted informally meanwhile), received in March, withdrawn in April.
    referral('d', '2027-03-20T12:00:00Z', { withdrawnAt: new Date('2027-04-02T09:00:00Z') }),
    // Linked at intake, never withdrawn: the AMHP judged it a new episode.
    referral('e', '2027-03-21T12:00:00Z', { linkedAtIntake: true }),
  ];
  const figuresFor = (period: string) =>
    activityFigures({ period: parsePeriod({ period }, ZONE, '2999-12-31'), filters: {}, zone: ZONE, bankHolidays: new Set() }, referrals, [
      assessment('s2', '2027-03-10T12:00:00Z', { outcomeKind: 'application', section: 's2' }),
      assessment('s7', '2027-03-11T12:00:00Z', { outcomeKind: 'application', section: 's7' }),
      assessment('nd', '2027-03-12T12:00:00Z', { outcomeKind: 'not-detained', alternatives: ['informal-admission'] }),
      assessment('unable', '2027-03-13T12:00:00Z', {
        outcomeKind: 'not-detained',
        alternatives: ['unable-to-complete'],
        lastDelayReason: 'person-not-found',
      }),
    ]);
  const value = (period: string, key: string) => {
    const f = figuresFor(period).find((x) => `${x.section}.${x.group}.${x.measure}` === key);
    return f ? figureValue(f, false) : undefined;
  };

  it.each([
    ['2027-03', 'by-month.2027-03.referrals', 5],
    ['2027-04', 'by-month.2027-04.referrals', 1],
    ['FY2026', 'by-month.total.referrals', 5],
    // Each referral received is counted; the duplicate and the withdrawal are shown beside them, in the month received.
    ['2027-03', 'by-month.2027-03.duplicates-withdrawn', 1],
    ['2027-03', 'by-month.2027-03.withdrawn', 1],
    ['2027-04', 'by-month.2027-04.withdrawn', 0],
    ['FY2027', 'by-month.total.duplicates-withdrawn', 0],
    ['FY2027', 'by-month.total.referrals', 1],
    // Completed: s.2, s.7 and not detained; guardianship is not a detention: 1 of 3.
    ['2027-03', 'by-month.2027-03.completed', 3],
    ['2027-03', 'by-month.2027-03.detentions', 1],
    ['2027-03', 'by-month.2027-03.detention-rate', 0.333],
    ['2027-03', 'not-completed-by-reason.person-not-found.not-completed', 1],
    ['2027-03', 'outcomes.application-s7.assessments', 1],
    // The assessment that could not be completed is no decision not to detain: counted apart, and no alternative.
    ['2027-03', 'outcomes.not-detained.assessments', 1],
    ['2027-03', 'outcomes.not-completed.assessments', 1],
    ['2027-03', 'alternatives.informal-admission.assessments', 1],
    ['2027-03', 'alternatives.unable-to-complete.assessments', undefined],
    ['2027-04', 'by-month.2027-04.detention-rate', null],
  ])('%s: %s is %s', (period, key, expected) => {
    expect(value(period, key)).toBe(expected);
  });

  it.each([
    [{ outcomeKind: 'application', section: 's4' }, 'application-s4'],
    [{ outcomeKind: 'cto-decision', section: null, ctoDecision: 'disagree' }, 'cto-disagree'],
    [{ outcomeKind: 'cto-decision', section: null, ctoDecision: 'agree', legalContext: 'informal' }, 'cto-agree'],
    // CTO-03: a recalled patient's decision is on revoking the CTO (CTO5), counted apart from agreeing to a new one.
    [{ outcomeKind: 'cto-decision', section: null, ctoDecision: 'agree', legalContext: 'cto-recall' }, 'cto-revocation-agree'],
    [{ outcomeKind: 'cto-decision', section: null, ctoDecision: 'disagree', legalContext: 'cto-recall' }, 'cto-revocation-disagree'],
    [{ outcomeKind: 'not-detained', section: null }, 'not-detained'],
    [{ outcomeKind: null, section: null }, null],
  ])('the outcome of %j is coded %s', (a, code) => {
    expect(outcomeCode(a)).toBe(code);
  });
});
