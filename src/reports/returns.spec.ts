import { dolsReturnRow } from '../safeguarding/decision.rules';
import { parsePeriod } from './period';
import { figureKey, figureValue, type RawFigure } from './report.model';
import {
  dataQualityFigures,
  dolsReturnCases,
  dolsReturnCsv,
  guardianshipFigures,
  sacAgeBand,
  sacEthnicGroup,
  sacFigures,
  sacSex,
  type SafeguardingRow,
  type WorkforceRow,
  workforceSurveyFigures,
} from './returns';
import type { ReferralRow, Selection } from './rows';

const LONDON = 'Europe/London';
const FY = parsePeriod({ period: 'FY2025' }, LONDON, '2999-12-31');
const sel: Selection = { period: FY, filters: {}, zone: LONDON, bankHolidays: new Set() };
const values = (figs: RawFigure[], suppress = false) => Object.fromEntries(figs.map((f) => [figureKey(f), figureValue(f, suppress)]));

let n = 0;
const decision = (over: Partial<SafeguardingRow>): SafeguardingRow => {
  n += 1;
  return {
    decisionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'adult-safeguarding',
    personId: `p${n}`,
    occurredAt: new Date('2025-10-10T02:00:00Z'),
    sac: null,
    s42Duty: true,
    enquiryDelegated: false,
    dols: null,
    managingAuthority: null,
    sex: null,
    dateOfBirth: null,
    approximateAge: null,
    ethnicCategory: null,
    seq: n,
    ...over,
  };
};

describe('SAC: the individual’s age band, sex and ethnic group', () => {
  it.each([
    ['1960-06-01', null, '2025-10-10T02:00:00Z', '65-74'],
    ['1960-10-11', null, '2025-10-10T02:00:00Z', '18-64'], // 65 the next day
    ['1960-10-10', null, '2025-10-09T23:30:00Z', '65-74'], // 00:30 on 10 October in London (BST): the birthday
    ['2008-01-01', null, '2025-10-10T02:00:00Z', 'under-18'],
    ['1930-01-01', null, '2025-10-10T02:00:00Z', '95+'],
    ['1940-05-05', null, '2025-10-10T02:00:00Z', '85-94'],
    ['1948-05-05', null, '2025-10-10T02:00:00Z', '75-84'],
    // Born on 29 February: the birthday falls on 28 February in other years.
    ['1960-02-29', null, '2025-02-28T12:00:00Z', '65-74'],
    ['1960-02-29', null, '2025-02-27T12:00:00Z', '18-64'],
    ['1960-02-29', null, '2024-02-28T12:00:00Z', '18-64'], // 2024 has its 29th: still 63 on the 28th
    [null, 80, '2025-10-10T02:00:00Z', '75-84'],
    [null, null, '2025-10-10T02:00:00Z', 'not-known'],
  ])('born %s (approximate age %s), on %s: %s', (dob, approx, at, band) => {
    expect(sacAgeBand(dob, approx, new Date(at), LONDON)).toBe(band);
  });

  it.each([
    ['A', 'white'],
    ['E', 'mixed'],
    ['K', 'asian'],
    ['N', 'black'],
    ['R', 'other'],
    ['Z', 'refused'],
    ['99', 'not-known'],
    [null, 'not-known'],
    ['Q', 'not-known'],
  ])('NHS ethnic category %s is SAC group %s', (code, group) => expect(sacEthnicGroup(code)).toBe(group));

  it.each([
    ['female', 'female'],
    ['male', 'male'],
    ['indeterminate', 'not-known'],
    [null, 'not-known'],
  ])('sex %s counts as %s', (sex, out) => expect(sacSex(sex)).toBe(out));
});

describe('SAC tables from the s.42 decisions (worked example)', () => {
  // Five concerns in FY2025 and one after it. Ann has two s.42 enquiries (one individual, counted by her first);
  // Bob's concern met s.42(1) too; Cal's did not, but an enquiry was passed on (an other enquiry); Dee's did not
  // and nothing followed. Ann's second enquiry concluded with action taken and the risk reduced.
  const rows = [
    decision({
      personId: 'ann',
      dateOfBirth: '1950-03-01',
      sex: 'female',
      ethnicCategory: 'M',
      occurredAt: new Date('2025-05-01T01:00:00Z'),
      sac: {
        typeOfRisk: ['financial-or-material', 'psychological'],
        locationOfRisk: 'own-home',
        sourceOfRisk: 'other-known-to-individual',
        lackedCapacity: 'yes',
        capacitySupport: 'yes',
        mspAsked: 'asked-outcomes-expressed',
      },
    }),
    decision({
      personId: 'ann',
      dateOfBirth: '1950-03-01',
      sex: 'female',
      ethnicCategory: 'M',
      occurredAt: new Date('2026-02-01T01:00:00Z'),
      sac: {
        typeOfRisk: ['financial-or-material'],
        locationOfRisk: 'own-home',
        sourceOfRisk: 'other-known-to-individual',
        lackedCapacity: 'no',
        mspAsked: 'asked-outcomes-expressed',
        enquiryConcluded: true,
        action: 'risk-identified-action-taken',
        riskOutcome: 'reduced',
        mspOutcomesAchieved: 'partially',
      },
    }),
    decision({ personId: 'bob', dateOfBirth: '1990-01-01', sex: 'male', ethnicCategory: 'Z', sac: null }),
    decision({ personId: 'cal', s42Duty: false, enquiryDelegated: true }),
    decision({ personId: 'dee', s42Duty: false, enquiryDelegated: false }),
    decision({ personId: 'eve', occurredAt: new Date('2026-04-01T00:30:00Z') }), // 1 April 01:30 BST: FY2026
    decision({ personId: 'fay', type: 'best-interests', s42Duty: null }),
  ];
  const v = values(sacFigures(sel, rows));

  it('SG1: concerns, s.42 and other enquiries, and each individual once by age, sex and ethnicity', () => {
    expect(v['SG1.all.concerns']).toBe(5);
    expect(v['SG1.all.s42-enquiries']).toBe(3);
    expect(v['SG1.all.other-enquiries']).toBe(1);
    expect(v['SG1.all.individuals']).toBe(2);
    expect([v['SG1-age.75-84.individuals'], v['SG1-age.18-64.individuals'], v['SG1-age.65-74.individuals']]).toEqual([1, 1, 0]);
    expect([v['SG1-sex.female.individuals'], v['SG1-sex.male.individuals'], v['SG1-sex.not-known.individuals']]).toEqual([1, 1, 0]);
    expect([v['SG1-ethnicity.black.individuals'], v['SG1-ethnicity.refused.individuals'], v['SG1-ethnicity.white.individuals']]).toEqual([
      1, 1, 0,
    ]);
  });

  it('a child is in no table: a s.42 decision about a 16-year-old shows only in the under-18 band, to be checked', () => {
    const kid = decision({
      personId: 'kit',
      dateOfBirth: '2010-05-01',
      sex: 'male',
      ethnicCategory: 'A',
      occurredAt: new Date('2026-03-01T01:00:00Z'),
    });
    const w = values(sacFigures(sel, [...rows, kid]));
    for (const key of [
      'SG1.all.concerns',
      'SG1.all.s42-enquiries',
      'SG1.all.individuals',
      'SG1-sex.male.individuals',
      'SG2a.not-recorded.concluded-enquiries',
    ])
      expect([key, w[key]]).toEqual([key, v[key]]);
    expect([v['SG1-age.under-18.individuals'], w['SG1-age.under-18.individuals']]).toEqual([0, 1]);
  });

  it('SG2a-SG4a count the concluded enquiries by their codes (as the collection does), not the ones started and passed on', () => {
    // Of the three s.42 enquiries, Ann's second decision concluded one: the others are counted when a team concludes them.
    expect(v['SG2a.financial-or-material.concluded-enquiries']).toBe(1);
    expect(v['SG2a.psychological.concluded-enquiries']).toBe(0);
    expect(v['SG2a.not-recorded.concluded-enquiries']).toBe(0);
    expect(v['SG2b-location.own-home.concluded-enquiries']).toBe(1);
    expect(v['SG2b-source.other-known-to-individual.concluded-enquiries']).toBe(1);
    expect([v['SG3a.yes.concluded-enquiries'], v['SG3a.no.concluded-enquiries'], v['SG3a.not-recorded.concluded-enquiries']]).toEqual([
      0, 1, 0,
    ]);
    expect(v['SG3b.yes.concluded-enquiries']).toBe(0);
    expect(v['SG4a.asked-outcomes-expressed.concluded-enquiries']).toBe(1);
    expect(v['SG2a.financial-or-material.s42-enquiries']).toBeUndefined();
  });

  it('SG2c, SG2e and SG4b count only the concluded enquiries', () => {
    expect(v['SG2c.risk-identified-action-taken.concluded-enquiries']).toBe(1);
    expect(v['SG2c.not-recorded.concluded-enquiries']).toBe(0);
    expect(v['SG2e.reduced.concluded-enquiries']).toBe(1);
    expect(v['SG4b.partially.concluded-enquiries']).toBe(1);
  });

  it('suppressed: 1-4 as [c], others rounded to 5', () => {
    const s = values(sacFigures(sel, rows), true);
    expect([s['SG1.all.concerns'], s['SG1.all.s42-enquiries'], s['SG2a.self-neglect.concluded-enquiries']]).toEqual([5, '[c]', 0]);
  });

  it('members are the decisions, with no referral', () => {
    const f = sacFigures(sel, rows).find((x) => figureKey(x) === 'SG1.all.individuals')!;
    expect(f.members.map((m) => [m.personId, m.referralId, typeof m.decisionId])).toEqual([
      ['ann', null, 'string'],
      ['bob', null, 'string'],
    ]);
  });
});

describe('DoLS return: one case row per application', () => {
  const ua = (standardRequestedAt: string | null, sa?: Record<string, unknown>) => ({
    standardRequestedAt,
    ...(sa ? { standardAuthorisation: sa } : {}),
  });
  const dols = (over: Partial<SafeguardingRow>, details: Record<string, unknown>, type = 'dols-urgent-authorisation') => {
    const r = decision({ type, s42Duty: null, enquiryDelegated: null, managingAuthority: 'Elm House', dols: details, ...over });
    return { ...r, row: dolsReturnRow(type as 'dols-urgent-authorisation', details, LONDON) };
  };

  it('keeps the requests received in the period (local date), the latest decision about each, never a name', () => {
    const granted = {
      assessments: { age: 'met', mentalHealth: 'met', mentalCapacity: 'met', bestInterests: 'met', eligibility: 'met', noRefusals: 'met' },
      lastAssessedOn: '2025-11-26',
      signedOffOn: '2025-11-27',
      status: 'granted',
      startsOn: '2025-11-27',
      endsOn: '2026-05-26',
    };
    const cases = dolsReturnCases(
      FY,
      [
        dols({ personId: 'ann', occurredAt: new Date('2025-11-21T01:00:00Z') }, ua('2025-11-21T01:00:00Z')),
        dols({ personId: 'ann', occurredAt: new Date('2025-11-27T10:00:00Z') }, ua('2025-11-21T01:00:00Z', granted), 'dols-extension'),
        dols({ personId: 'bob', occurredAt: new Date('2025-03-31T23:30:00Z') }, ua('2025-03-31T23:30:00Z')), // 1 April 00:30 BST: in
        dols({ personId: 'cal', occurredAt: new Date('2026-03-31T23:30:00Z') }, ua('2026-03-31T23:30:00Z')), // 1 April 2026: out
        dols({ personId: 'dee' }, ua(null)), // no standard request: no application
      ],
      'Northshire County Council',
    );
    expect(cases.map((c) => [c.personReference, c.dateReceived, c.status, c.endsOn])).toEqual([
      ['bob', '2025-04-01', 'not-yet-signed-off', null],
      ['ann', '2025-11-21', 'granted', '2026-05-26'],
    ]);
    const csv = dolsReturnCsv(cases).split('\r\n');
    expect(csv[0]).toBe(
      'Person reference (pseudonymous),Council (supervisory body),Managing authority (care home or hospital),Date application received,Urgent authorisation included,Age requirement,Mental health requirement,Mental capacity requirement,Best interests requirement,Eligibility requirement,No refusals requirement,Date of last assessment,Date signed off,Application status,Authorisation start date,Authorisation end date',
    );
    expect(csv[2]).toBe(
      'ann,Northshire County Council,Elm House,2025-11-21,yes,met,met,met,met,met,met,2025-11-26,2025-11-27,granted,2025-11-27,2026-05-26',
    );
  });
});

describe('data quality: the records missing what a report needed', () => {
  const at = new Date('2025-06-01T10:00:00Z');
  const person = (referralId: string, over: { sex?: string | null; dateOfBirth?: string | null; ethnicCategory?: string | null }) => ({
    referralId,
    personId: `person-${referralId}`,
    receivedAt: at,
    sex: 'female',
    dateOfBirth: '1980-01-01',
    ethnicCategory: 'A',
    ...over,
  });
  const step = (referralId: string, over: Partial<ReferralRow>): ReferralRow => ({
    referralId,
    personId: `person-${referralId}`,
    source: 'gp',
    legalContext: 'none',
    team: null,
    receivedAt: at,
    screenedAt: null,
    screeningResult: null,
    allocatedAt: null,
    assessmentId: `a-${referralId}`,
    doctorsRequestedAt: at,
    doctorsArrivedAt: at,
    interviewAt: at,
    decisionAt: at,
    applicationAt: null,
    admittedAt: null,
    withdrawnAt: null,
    linkedAtIntake: false,
    ...over,
  });

  it('counts each gap once per record, with the records behind it', () => {
    const figs = dataQualityFigures(
      sel,
      [
        person('r1', {}),
        person('r2', { ethnicCategory: 'Z' }),
        person('r3', { ethnicCategory: '99', sex: 'not-known' }),
        person('r4', { ethnicCategory: null, dateOfBirth: null, sex: null }),
      ],
      [step('r1', {}), step('r2', { interviewAt: null, doctorsArrivedAt: null }), step('r3', { decisionAt: null })],
      [
        {
          ...decision({
            sac: {
              typeOfRisk: ['physical'],
              locationOfRisk: 'own-home',
              sourceOfRisk: 'service-provider',
              lackedCapacity: 'no',
              mspAsked: 'not-asked',
            },
          }),
          row: null,
        },
        { ...decision({ sac: { typeOfRisk: ['physical'] } }), row: null },
        { ...decision({ type: 'dols-urgent-authorisation', dols: { standardRequestedAt: null } }), row: null },
      ],
    );
    const v = values(figs);
    expect(v).toMatchObject({
      'people.all.referrals': 4,
      'people.all.ethnicity-not-stated-or-not-known': 3,
      'people.all.no-date-of-birth': 1,
      'people.all.no-sex': 2,
      'steps.all.decided': 2,
      'steps.all.no-interview-time': 1,
      'steps.all.no-doctors-requested-time': 0,
      'steps.all.no-doctors-arrived-time': 1,
      'safeguarding.all.s42-decisions': 2,
      'safeguarding.all.s42-without-sac': 1,
      'safeguarding.all.dols-decisions': 1,
      'safeguarding.all.dols-without-return-fields': 1,
    });
    expect(figs.find((f) => figureKey(f) === 'people.all.no-sex')!.members.map((m) => m.referralId)).toEqual(['r3', 'r4']);
  });
});

describe('guardianship: new s.7 cases by sex and guardian type', () => {
  const row = (id: string, sex: string | null, guardianType: string, signedAt: string, acceptedAt: string | null) => ({
    assessmentId: `a-${id}`,
    referralId: `r-${id}`,
    personId: `p-${id}`,
    sex,
    guardianType,
    signedAt: new Date(signedAt),
    acceptedAt: acceptedAt === null ? null : new Date(acceptedAt),
  });

  it('counts the acceptances in the year by sex × type, and the applications signed, with those not yet accepted', () => {
    const v = values(
      guardianshipFigures(sel, [
        row('1', 'female', 'lssa', '2025-05-01T10:00:00Z', '2025-05-02T10:00:00Z'),
        row('2', 'female', 'private', '2025-06-01T10:00:00Z', '2025-06-03T10:00:00Z'),
        row('3', 'male', 'lssa', '2025-03-30T10:00:00Z', '2025-04-01T09:00:00Z'), // signed in FY2024, accepted in FY2025
        row('4', null, 'lssa', '2026-03-30T10:00:00Z', null), // signed, not yet accepted
        row('5', 'male', 'private', '2026-03-31T10:00:00Z', '2026-04-01T09:00:00Z'), // accepted in FY2026
      ]),
    );
    expect(v).toMatchObject({
      'new-s7.female.lssa': 1,
      'new-s7.female.private': 1,
      'new-s7.male.lssa': 1,
      'new-s7.male.private': 0,
      'new-s7.not-known.all': 0,
      'new-s7.all.all': 3,
      'new-s7.all.lssa': 2,
      'applications.all.signed': 4,
      'applications.all.not-yet-accepted': 1,
    });
  });
});

describe('the AMHP workforce survey as at the period’s last day', () => {
  const w = (id: string, over: Partial<WorkforceRow> = {}): WorkforceRow => ({
    practitionerId: id,
    profession: 'social-worker',
    fte: 1,
    team: 'North',
    skills: [],
    active: true,
    startsOn: '2024-01-01',
    endsOn: '2028-12-31',
    endedOn: null,
    approvingAuthority: 'Northshire County Council',
    ...over,
  });

  it('counts each approved, active AMHP once, sums their FTE, and leaves the vacancy rate null (no establishment)', () => {
    const figs = workforceSurveyFigures(
      '2026-03-31',
      [
        w('a', { fte: 0.6, skills: ['bia', 'night', 'senior'] }),
        w('b', { profession: 'mental-health-nurse', team: 'South', skills: ['BIA', 'practice-educator', 'night'] }),
        w('b', { startsOn: '2021-01-01', endsOn: '2025-12-31' }), // an earlier approval of the same AMHP
        w('c', { fte: 0.5, team: null }),
        w('d', { endsOn: '2026-03-30' }), // ran out the day before
        w('e', { endedOn: '2026-02-01' }), // ended early
        w('f', { active: false }),
        w('g', { startsOn: '2026-04-01' }), // not yet
        w('h', { approvingAuthority: 'Eastshire County Council' }), // another council's AMHP (AMHP-01)
      ],
      new Date('2026-03-31T22:59:59.999Z'),
      ['Northshire County Council'],
    );
    const v = values(figs);
    expect(v).toMatchObject({
      'amhps.all.headcount': 3,
      'amhps.all.fte': 2.1,
      'amhps.all.vacancy-rate': null,
      'profession.social-worker.headcount': 2,
      'profession.social-worker.fte': 1.1,
      'profession.mental-health-nurse.headcount': 1,
      'profession.psychologist.headcount': 0,
      'team.North.headcount': 1,
      'team.none.headcount': 1,
      'combined-roles.bia.headcount': 2,
      'combined-roles.practice-educator.headcount': 1,
      'combined-roles.team-manager.headcount': 0,
    });
    // Rota skills say which places she may fill: they are not roles combined with the AMHP's.
    expect(figs.filter((f) => f.section === 'combined-roles').map((f) => [f.group, f.groupLabel])).toEqual([
      ['bia', 'Best Interests Assessor (BIA)'],
      ['practice-educator', 'Practice educator'],
      ['team-manager', 'Team manager'],
      ['senior-practitioner', 'Senior practitioner'],
    ]);
    expect(values(figs, true)).toMatchObject({ 'amhps.all.headcount': '[c]', 'amhps.all.fte': '[c]' });
  });
});

describe('every figure of every return has its own key (a spreadsheet of them neither merges nor double-counts)', () => {
  const concluded = (sac: Record<string, unknown>) => decision({ sac: { ...sac, enquiryConcluded: true } });

  it('SG3a has one row each for yes / no / don’t know / not recorded: "not recorded" as coded and no code at all are one row', () => {
    const v = values(
      sacFigures(sel, [
        concluded({ lackedCapacity: 'yes' }),
        concluded({ lackedCapacity: 'not-recorded' }),
        concluded({}),
        concluded({ lackedCapacity: 'dont-know' }),
      ]),
    );
    const sg3a = Object.keys(v).filter((k) => k.startsWith('SG3a.'));
    expect(sg3a).toEqual([
      'SG3a.yes.concluded-enquiries',
      'SG3a.no.concluded-enquiries',
      'SG3a.dont-know.concluded-enquiries',
      'SG3a.not-recorded.concluded-enquiries',
    ]);
    expect(sg3a.map((k) => v[k])).toEqual([1, 0, 1, 2]);
  });

  it.each<[string, () => RawFigure[]]>([
    ['SAC', () => sacFigures(sel, [concluded({ lackedCapacity: 'not-recorded', typeOfRisk: ['physical'] }), concluded({})])],
    ['data quality', () => dataQualityFigures(sel, [], [], [])],
    ['guardianship', () => guardianshipFigures(sel, [])],
    [
      'workforce survey',
      () =>
        workforceSurveyFigures(
          '2026-03-31',
          [
            {
              practitionerId: 'a',
              profession: 'social-worker',
              fte: 1,
              team: null,
              skills: ['bia'],
              active: true,
              startsOn: '2024-01-01',
              endsOn: '2028-12-31',
              endedOn: null,
              approvingAuthority: 'Northshire County Council',
            },
          ],
          new Date('2026-03-31T12:00:00Z'),
          null,
        ),
    ],
  ])('%s', (_name, figures) => {
    const keys = figures().map(figureKey);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});

describe('DoLS return: one application however the form wrote the home or the request time', () => {
  const dols = (
    personId: string,
    managingAuthority: string,
    standardRequestedAt: string,
    occurredAt: string,
    type = 'dols-urgent-authorisation',
  ) => {
    const details = { standardRequestedAt };
    const r = decision({
      type,
      personId,
      s42Duty: null,
      enquiryDelegated: null,
      managingAuthority,
      dols: details,
      occurredAt: new Date(occurredAt),
    });
    return { ...r, row: dolsReturnRow(type as 'dols-urgent-authorisation', details, LONDON) };
  };

  it.each<[string, Array<ReturnType<typeof dols>>, string[]]>([
    [
      'the home spelled two ways, the request a minute apart: one row, from the latest decision',
      [
        dols('dora', 'Probe Lodge', '2025-11-20T20:00:00Z', '2025-11-20T21:00:00Z'),
        dols('dora', 'Probe Lodge Care Home', '2025-11-20T20:01:00Z', '2025-11-26T19:00:00Z', 'dols-extension'),
      ],
      ['dora|Probe Lodge Care Home'],
    ],
    [
      'two homes (a move, each with its own request): two rows',
      [
        dols('dora', 'Probe Lodge', '2025-11-20T20:00:00Z', '2025-11-20T21:00:00Z'),
        dols('dora', 'Elm House', '2025-11-20T22:00:00Z', '2025-11-20T23:00:00Z'),
      ],
      ['dora|Elm House', 'dora|Probe Lodge'],
    ],
    ...(['as made', 'the other way round'] as const).map((read): [string, Array<ReturnType<typeof dols>>, string[]] => {
      const made = [
        { ...dols('dora', 'Probe Lodge', '2025-11-20T20:00:00Z', '2025-11-20T21:00:00Z'), seq: 1 },
        { ...dols('dora', 'Probe Lodge Care Home', '2025-11-20T20:01:00Z', '2025-11-20T21:00:00Z', 'dols-extension'), seq: 2 },
      ];
      return [
        `an urgent authorisation and its extension made at the same instant, read ${read}: one row, from the one made last`,
        read === 'as made' ? made : made.reverse(),
        ['dora|Probe Lodge Care Home'],
      ];
    }),
    [
      'a new request a month later: two rows',
      [
        dols('dora', 'Probe Lodge', '2025-11-20T20:00:00Z', '2025-11-20T21:00:00Z'),
        dols('dora', 'Probe Lodge', '2025-12-20T20:00:00Z', '2025-12-20T21:00:00Z'),
      ],
      ['dora|Probe Lodge', 'dora|Probe Lodge'],
    ],
  ])('%s', (_case, rows, expected) => {
    const cases = dolsReturnCases(FY, rows, 'Northshire County Council');
    expect(cases.map((c) => `${c.personReference}|${c.managingAuthority}`).sort()).toEqual(expected);
  });
});
