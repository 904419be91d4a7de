import fc from 'fast-check';
import { DateTime } from 'luxon';
import type {
  Applicant,
  ApplicationFacts,
  AssessmentCheck,
  AssessmentFacts,
  AssessorFacts,
  ContactFacts,
  DeadlineId,
  DetentionEndKind,
  DetentionRemaining,
  NearestRelativeFacts,
  RecommendationFacts,
  Section,
} from './assessment.types';
import {
  authorityPeriods,
  calendarMonthPeriod,
  checkAssessment,
  DEFAULT_NR_DELAY_WARNING_HOURS,
  detentionRemaining,
  type DetentionsInForce,
  examinationGapOk,
  expectedForms,
  formatDay,
  legalStatusCode,
  namesHospital,
  s4Conversion,
  conveyanceWindow,
} from './assessment-rules';
import { formatLocal } from './clocks';
import { DEFAULT_REGIME_CONFIG, legalRegime } from './legal-regime';
import { addDays, daysBetween, localDate } from './time';

const LONDON = 'Europe/London';
const HOUR = 3_600_000;
const MINUTE = 60_000;
const at = (iso: string) => new Date(iso);
const plusH = (d: Date, h: number) => new Date(d.getTime() + h * HOUR);
const local = (d: Date) => formatLocal(d, LONDON);
const REGIME_1983 = legalRegime('2026-03-01', DEFAULT_REGIME_CONFIG);
const REGIME_2025 = legalRegime('2027-06-01', {
  nominatedPersonFrom: '2027-01-01',
  newCriteriaFrom: '2027-01-01',
  autismLdGateFrom: '2027-01-01',
  shorterS3PeriodFrom: '2027-01-01',
});

// ---------------------------------------------------------------------------------------------------------------
// Builders: a complete, valid application of each section, signed at t0; tests change one thing at a time.

function rec(over: Partial<RecommendationFacts> = {}): RecommendationFacts {
  return {
    id: 'rA',
    doctorName: 'Dr Adams',
    s12ApprovedOnExamDate: true,
    approvedClinicianOnExamDate: false,
    approvalVerified: true,
    previousAcquaintance: false,
    noAcquaintanceReason: null,
    examinedAt: at('2026-03-01T10:00:00Z'),
    examMode: 'in-person',
    signedAt: at('2026-03-01T10:30:00Z'),
    section: 's2',
    jointGroup: null,
    receivedByManagersAt: null,
    learningDisabilityOnly: false,
    ldQualifyingConduct: false,
    autismOrLdWithoutPsychiatricDisorder: false,
    informalInappropriateReason: null,
    treatmentAvailableAt: null,
    ...over,
  };
}

/** A recommendation (or a copy of `over`) examined at `examinedAt` and signed 30 minutes later. */
function examined(examinedAt: Date, over: Partial<RecommendationFacts> = {}): RecommendationFacts {
  return rec({ ...over, examinedAt, signedAt: new Date(examinedAt.getTime() + 30 * MINUTE) });
}

const s3Content = {
  informalInappropriateReason: 'Refuses medication and lacks insight; informal admission failed in January.',
  treatmentAvailableAt: 'Riverside Hospital',
};

function assessor(id: string, role: AssessorFacts['role'], name: string, teams: string[], declaredAt: Date): AssessorFacts {
  return { id, role, name, teams, directsOrEmploys: [], declaration: { financial: false, business: false, personal: false, declaredAt } };
}

/** A valid application under `section`, signed at `t0`, and its facts. */
function facts(section: Section = 's2', t0iso = '2026-03-03T18:00:00Z', applicant: Applicant = 'amhp'): AssessmentFacts {
  const t0 = at(t0iso);
  const recs: RecommendationFacts[] =
    section === 's4'
      ? [examined(plusH(t0, -1), { section: 's4', noAcquaintanceReason: 'Out of hours; the GP could not be reached.' })]
      : [
          examined(plusH(t0, -30), { section, ...(section === 's3' ? s3Content : {}) }),
          examined(plusH(t0, -6), {
            id: 'rB',
            doctorName: 'Dr Brown',
            s12ApprovedOnExamDate: false,
            previousAcquaintance: true,
            section,
            ...(section === 's3' ? s3Content : {}),
          }),
        ];
  const application: ApplicationFacts = {
    section,
    applicant,
    signedAt: t0,
    hospitalSite: section === 's7' ? null : 'Riverside Hospital, Willow Ward',
    undesirableDelayStatement: section === 's4',
    applicantApprovedAtSigning: true,
    practicalMatters: { dependants: 'None', pets: 'Cat: neighbour feeding it', property: 'House locked; keys with sister' },
    guardian:
      section === 's7'
        ? { type: 'lssa', name: 'Northshire County Council', willingnessStatement: false, acceptedByLssaAt: plusH(t0, 2) }
        : null,
    forwardedToLssaAt: section === 's7' ? plusH(t0, 1) : null,
    urgentNecessity: null,
    admittedAt: section === 's7' ? null : plusH(t0, section === 's4' ? 1 : 3),
    displacementApplications: [],
  };
  return {
    regime: REGIME_1983,
    timeZone: LONDON,
    patientDateOfBirth: '1980-05-05',
    believedSixteenOrOver: false,
    contacts: [{ at: plusH(t0, -2), mode: 'in-person', byApplicant: true }],
    interview: {
      suitableMannerNotes: 'At home, with a BSL interpreter.',
      alternativesConsidered: ['Home treatment team: declined by the patient'],
    },
    recommendations: recs,
    nearestRelative: {
      identified: true,
      noneReason: null,
      informedAt: plusH(t0, -1),
      consultedAt: plusH(t0, -3),
      exception: null,
      objectionInForce: false,
      displaced: false,
      dangerousnessReport: false,
    },
    assessors: [
      assessor(
        'amhp',
        applicant === 'amhp' ? 'amhp' : 'nearest-relative-applicant',
        applicant === 'amhp' ? 'Sam Okafor (AMHP)' : 'Jo Smith (nearest relative)',
        ['AMHP hub'],
        plusH(t0, -8),
      ),
      assessor('dA', 'doctor', 'Dr Adams', ['Crisis team'], plusH(t0, -8)),
      ...(section === 's4' ? [] : [assessor('dB', 'doctor', 'Dr Brown', ['Riverside GP practice'], plusH(t0, -8))]),
    ],
    nearestRelativeRequested: false,
    writtenReasonsSentAt: null,
    application,
    cto: null,
  };
}

const withApp = (f: AssessmentFacts, over: Partial<ApplicationFacts>): AssessmentFacts => ({
  ...f,
  application: { ...f.application!, ...over },
});
const withNr = (f: AssessmentFacts, over: Partial<NearestRelativeFacts>): AssessmentFacts => ({
  ...f,
  nearestRelative: { ...f.nearestRelative, ...over },
});
const withRecs = (f: AssessmentFacts, recommendations: RecommendationFacts[]): AssessmentFacts => ({ ...f, recommendations });
const live = (f: AssessmentFacts): AssessmentFacts => ({ ...f, application: null });

/** Checked a day after t0 unless told, with the NR-01 SLA at 72 hours. */
function check(f: AssessmentFacts, asAt?: Date | string, nrInformSlaHours = 72, nrDelayWarningHours?: number): AssessmentCheck {
  const now =
    asAt === undefined
      ? plusH(f.application?.signedAt ?? f.recommendations[0]?.examinedAt ?? at('2026-03-03T18:00:00Z'), 20)
      : typeof asAt === 'string'
        ? at(asAt)
        : asAt;
  return checkAssessment(f, { asAt: now, nrInformSlaHours, nrDelayWarningHours });
}
const codes = (c: AssessmentCheck) => c.findings.map((f) => `${f.rule}:${f.severity}:${f.code}`);
const blockers = (c: AssessmentCheck) => c.findings.filter((f) => f.severity === 'blocker').map((f) => `${f.rule}:${f.code}`);
const finding = (c: AssessmentCheck, code: string) => {
  const f = c.findings.find((x) => x.code === code);
  if (!f) throw new Error(`no finding ${code}; got ${codes(c).join(', ')}`);
  return f;
};
const deadline = (c: AssessmentCheck, id: DeadlineId) => {
  const d = c.deadlines.find((x) => x.id === id);
  if (!d) throw new Error(`no deadline ${id}; got ${c.deadlines.map((x) => x.id).join(', ')}`);
  return d;
};
const hasDeadline = (c: AssessmentCheck, id: DeadlineId) => c.deadlines.some((x) => x.id === id);

/** Every message produced in this file, for the style checks at the end. */
const seen: AssessmentCheck[] = [];
function checked(f: AssessmentFacts, asAt?: Date | string): AssessmentCheck {
  const c = check(f, asAt);
  seen.push(c);
  return c;
}

// ---------------------------------------------------------------------------------------------------------------

describe('a complete application of each section passes', () => {
  it.each<[Section, string[]]>([
    ['s2', []],
    ['s3', []],
    ['s7', []],
    ['s4', ['COP-08:warning:s4-genuine-emergency-only', 'APP-11:warning:s4-second-recommendation-missing']],
  ])('%s: no blockers, only the expected warnings', (section, expected) => {
    const c = checked(facts(section));
    expect(codes(c)).toEqual(expected);
    expect(c.regime).toBe(REGIME_1983);
  });

  it('a nearest-relative application skips the AMHP-only duties (interview, informing and consulting the nearest relative)', () => {
    const f = { ...facts('s3', undefined, 'nearest-relative'), interview: null };
    expect(codes(checked(withNr(f, { consultedAt: null })))).toEqual([]);
  });
});

describe('MED-02 (s.12(1), C3): no more than 5 clear days between the examinations', () => {
  it.each([
    ['worked example: Sun 1 Mar and Sat 7 Mar 2026 are valid (5 clear days between)', '2026-03-01T10:00:00Z', '2026-03-07T22:00:00Z', true],
    ['worked example: Sun 1 Mar and Sun 8 Mar 2026 are not (6 clear days between)', '2026-03-01T10:00:00Z', '2026-03-08T09:00:00Z', false],
    ['two examinations on the same day are valid', '2026-03-01T09:00:00Z', '2026-03-01T20:00:00Z', true],
    ['the order does not matter: 8 Mar then 1 Mar is still too far apart', '2026-03-08T09:00:00Z', '2026-03-01T10:00:00Z', false],
    ['local days count: 23:30 UTC on 7 Jul is 8 Jul in BST, 6 days after 2 Jul', '2026-07-02T09:00:00Z', '2026-07-07T23:30:00Z', true],
    ['local days count: 23:30 UTC on 8 Jul is 9 Jul in BST, 7 days after 2 Jul', '2026-07-02T09:00:00Z', '2026-07-08T23:30:00Z', false],
    // Held-out cases: a leap day is a clear day like any other; calendar days, not working days (C7); local dates (C5).
    [
      'leap year: Sat 26 Feb and Fri 3 Mar 2028 are valid (27, 28, 29 Feb, 1, 2 Mar: 5 clear days)',
      '2028-02-26T10:00:00Z',
      '2028-03-03T16:00:00Z',
      true,
    ],
    ['leap year: Sat 26 Feb and Sat 4 Mar 2028 are not (29 Feb makes 6 clear days)', '2028-02-26T10:00:00Z', '2028-03-04T08:00:00Z', false],
    [
      'common year: Fri 26 Feb and Fri 4 Mar 2027 are valid (27, 28 Feb, 1, 2, 3 Mar)',
      '2027-02-26T10:00:00Z',
      '2027-03-04T16:00:00Z',
      true,
    ],
    [
      'clocks go back on Sun 25 Oct 2026: Tue 20 Oct 23:30 BST and Mon 26 Oct are valid',
      '2026-10-20T22:30:00Z',
      '2026-10-26T20:00:00Z',
      true,
    ],
    [
      'clocks go back: Tue 20 Oct 00:30 BST (19 Oct 23:30Z) is 20 Oct; Tue 27 Oct is 7 days on',
      '2026-10-19T23:30:00Z',
      '2026-10-27T09:00:00Z',
      false,
    ],
    [
      'over Christmas and New Year: Mon 28 Dec 2026 and Sun 3 Jan 2027 are valid (bank holidays count)',
      '2026-12-28T10:00:00Z',
      '2027-01-03T10:00:00Z',
      true,
    ],
    ['a first examination at 23:59 and the second at 00:00 six days later are valid', '2026-01-10T23:59:00Z', '2026-01-16T00:00:00Z', true],
  ])('%s', (_name, e1, e2, ok) => {
    const last = Math.max(at(e1).getTime(), at(e2).getTime());
    const f = facts('s2', new Date(last + HOUR).toISOString());
    const [a, b] = f.recommendations;
    const c = checked(withRecs(f, [examined(at(e1), a), examined(at(e2), b)]));
    expect(codes(c).includes('MED-02:blocker:examinations-too-far-apart')).toBe(!ok);
  });

  it('the blocker names both examination dates and the latest valid date for the second', () => {
    const f = facts('s2', '2026-03-08T18:00:00Z');
    const c = checked(
      withRecs(f, [examined(at('2026-03-01T10:00:00Z'), f.recommendations[0]), examined(at('2026-03-08T09:00:00Z'), f.recommendations[1])]),
    );
    expect(finding(c, 'examinations-too-far-apart').message).toBe(
      'Dr Adams examined the patient on Sun 1 Mar 2026 and Dr Brown on Sun 8 Mar 2026: 6 clear days between them. No more than 5 clear days may pass between the two examinations, so after an examination on Sun 1 Mar 2026 the other had to be on or before Sat 7 Mar 2026. These recommendations cannot be used together.',
    );
  });

  it('live checklist: after a first examination on Sun 1 Mar 2026 the second must be on or before Sat 7 Mar 2026', () => {
    const f = live(withRecs(facts(), [examined(at('2026-03-01T10:00:00Z'))]));
    const c = checked(f, '2026-03-02T12:00:00Z');
    const d = deadline(c, 'second-examination');
    expect(d.rule).toBe('MED-02');
    expect(d.at.toISOString()).toBe('2026-03-08T00:00:00.000Z'); // the end of Sat 7 Mar (midnight GMT)
    expect(d.basis).toContain('on or before Sat 7 Mar 2026');
    expect(blockers(c)).toContain('APP-07:second-recommendation-missing');
  });

  it('live checklist: once the latest date has passed with one examination, a fresh pair is needed', () => {
    const f = live(withRecs(facts(), [examined(at('2026-03-01T10:00:00Z'))]));
    expect(blockers(checked(f, '2026-03-07T23:59:00Z'))).not.toContain('MED-02:second-examination-window-passed');
    const c = checked(f, '2026-03-08T00:00:00Z');
    expect(finding(c, 'second-examination-window-passed').message).toContain('by the end of Sat 7 Mar 2026, the latest valid date');
  });

  // The checklist's draft application (not made yet, "signed" at the instant asked about) shows the same windows.
  const draftAt = (f: AssessmentFacts, iso: string): AssessmentFacts =>
    withApp(f, { signedAt: at(iso), notYetMade: true, admittedAt: null });
  const oneExam = (f: AssessmentFacts): AssessmentFacts => ({
    ...withRecs(f, [examined(at('2026-03-01T10:00:00Z'))]),
    contacts: [{ at: at('2026-03-01T12:00:00Z'), mode: 'in-person', byApplicant: true }],
  });
  it.each<[string, string, string[], string[]]>([
    ['the day after the first examination', '2026-03-02T12:00:00Z', [], []],
    ['Sat 7 Mar, the last day (C3)', '2026-03-07T09:00:00Z', ['MED-02:warning:second-examination-window-closes-today'], []],
    ['Sun 8 Mar, after it', '2026-03-08T09:00:00Z', [], ['MED-02:second-examination-window-passed']],
  ])('MED-02, a draft application on %s: the second examination by the end of Sat 7 Mar 2026', (_name, iso, warnings, extra) => {
    const c = checked(draftAt(oneExam(facts()), iso), iso);
    const d = deadline(c, 'second-examination');
    expect([d.rule, d.at.toISOString()]).toEqual(['MED-02', '2026-03-08T00:00:00.000Z']);
    expect(d.basis).toContain('First in-person examination Sun 1 Mar 2026 (Dr Adams), so the second must be on or before Sat 7 Mar 2026');
    expect(codes(c).filter((x) => x.startsWith('MED-02:warning'))).toEqual(warnings);
    expect(blockers(c)).toEqual(['APP-07:second-recommendation-missing', ...extra]);
  });

  it('MED-02: the warning on the last day names the first examination and midnight', () => {
    const c = checked(draftAt(oneExam(facts()), '2026-03-07T09:00:00Z'), '2026-03-07T09:00:00Z');
    expect(finding(c, 'second-examination-window-closes-today').message).toBe(
      'Today, Sat 7 Mar 2026, is the last day for the second medical examination: the first was on Sun 1 Mar 2026 (Dr Adams), and no more than 5 clear days may pass between them. A second doctor must examine the patient in person by midnight (Sun 8 Mar 2026 00:00 GMT), or two fresh examinations will be needed.',
    );
  });

  it.each<[string, string, string | null]>([
    // Examinations Mon 2 and Tue 3 Mar; seen Tue 3 Mar: the last valid date is Mon 16 Mar (both + 13).
    ['the day before', '2026-03-15T09:00:00Z', null],
    ['the last day', '2026-03-16T09:00:00Z', 'COP-02:warning:application-window-closes-today'],
  ])('COP-02, a draft application on %s of the window: the last valid date, with a warning on it', (_name, iso, warning) => {
    const c = checked(draftAt(facts(), iso), iso);
    const d = deadline(c, 'last-valid-application');
    expect([d.rule, d.at.toISOString()]).toEqual(['COP-02', '2026-03-17T00:00:00.000Z']);
    expect(codes(c).filter((x) => x.startsWith('COP-02'))).toEqual(warning ? [warning] : []);
  });

  it('COP-02: the warning says what is needed after the day, from whichever side ends the window', () => {
    const f = { ...facts(), contacts: [{ at: at('2026-03-01T12:00:00Z'), mode: 'in-person' as const, byApplicant: true }] };
    const c = checked(draftAt(f, '2026-03-14T09:00:00Z'), '2026-03-14T09:00:00Z'); // seen Sun 1 Mar + 13 = Sat 14 Mar
    expect(finding(c, 'application-window-closes-today').message).toBe(
      "Today, Sat 14 Mar 2026, is the last day an application can be made on what is recorded (the AMHP's last in-person contact on Sun 1 Mar 2026 + 13 days). Apply by midnight (Sun 15 Mar 2026 00:00 GMT), or the AMHP must see the patient in person again will be needed.",
    );
  });

  it.each<Section>(['s2', 's3', 's7'])('a made %s application shows neither window: they are for before it is made', (section) => {
    const ids = checked(facts(section)).deadlines.map((d) => d.id);
    expect(ids).not.toContain('second-examination');
    expect(ids).not.toContain('last-valid-application');
    const draft = checked(withApp(facts(section), { notYetMade: true }), facts(section).application!.signedAt);
    expect(draft.deadlines.map((d) => d.id)).toEqual(expect.arrayContaining(['second-examination', 'last-valid-application']));
  });

  it('a joint recommendation (two doctors, one form) counts as the two recommendations', () => {
    const f = facts();
    const joint = f.recommendations.map((r) => ({
      ...r,
      jointGroup: 'J1',
      examinedAt: f.recommendations[0].examinedAt,
      signedAt: f.recommendations[0].signedAt,
    }));
    expect(codes(checked(withRecs(f, joint)))).toEqual([]);
  });

  it('a joint recommendation with only one doctor recorded is incomplete', () => {
    const f = facts();
    expect(blockers(checked(withRecs(f, [{ ...f.recommendations[0], jointGroup: 'J1' }])))).toEqual([
      'APP-07:second-recommendation-missing',
      'APP-07:joint-recommendation-incomplete',
    ]);
  });

  // C3 across month ends and 29 February: the days between are calendar days (C7), both examination days excluded.
  it.each([
    ['Fri 25 Feb 2028 and Thu 2 Mar 2028 (26, 27, 28, 29 Feb and 1 Mar between)', '2028-02-25', '2028-03-02', true],
    ['Fri 25 Feb 2028 and Fri 3 Mar 2028 (6 clear days)', '2028-02-25', '2028-03-03', false],
    ['Thu 25 Feb 2027 and Wed 3 Mar 2027 (no 29 Feb: 5 clear days)', '2027-02-25', '2027-03-03', true],
    ['Thu 25 Feb 2027 and Thu 4 Mar 2027', '2027-02-25', '2027-03-04', false],
    ['Sun 27 Dec 2026 and Sat 2 Jan 2027, across the new year', '2026-12-27', '2027-01-02', true],
    ['Sat 21 Mar 2026 and Fri 27 Mar 2026, before the spring clock change', '2026-03-21', '2026-03-27', true],
    ['Sat 28 Mar 2026 and Sat 4 Apr 2026, across it', '2026-03-28', '2026-04-04', false],
  ])('examinationGapOk: %s', (_name, d1, d2, ok) => {
    expect(examinationGapOk(d1, d2)).toBe(ok);
    expect(examinationGapOk(d2, d1)).toBe(ok);
  });

  it('property: MED-02 passes exactly when the local examination days are at most 6 apart', () => {
    const instant = fc.date({ min: at('2026-01-01T00:00:00Z'), max: at('2027-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 20 * 24 * 60 }), (e1, gapMinutes) => {
        const e2 = new Date(e1.getTime() + gapMinutes * MINUTE);
        const f = facts('s2', new Date(e2.getTime() + HOUR).toISOString());
        const c = check(withRecs(f, [examined(e1, f.recommendations[0]), examined(e2, f.recommendations[1])]));
        const days = Math.abs(daysBetween(localDate(e1, LONDON), localDate(e2, LONDON)));
        expect(codes(c).includes('MED-02:blocker:examinations-too-far-apart')).toBe(days > 6);
        expect(examinationGapOk(localDate(e1, LONDON), localDate(e2, LONDON))).toBe(days <= 6);
      }),
    );
  });
});

describe('C8: only in-person examinations and contacts count', () => {
  it('a video examination does not count, so the application lacks its second recommendation', () => {
    const f = facts();
    const c = checked(withRecs(f, [f.recommendations[0], { ...f.recommendations[1], examMode: 'video' }]));
    expect(blockers(c)).toEqual(['MED-02:examination-not-in-person', 'APP-07:second-recommendation-missing']);
    expect(finding(c, 'examination-not-in-person').message).toContain('Dr Brown examined the patient by video on Tue 3 Mar 2026 12:00 GMT');
  });

  it('a telephone contact does not satisfy "personally seen" (APP-04)', () => {
    const f = facts();
    const c = checked({ ...f, contacts: [{ ...f.contacts[0], mode: 'phone' }] });
    expect(blockers(c)).toEqual(['APP-04:applicant-not-seen-within-14-days']);
    expect(finding(c, 'applicant-not-seen-within-14-days').message).toContain(
      'Video or telephone contact (Tue 3 Mar 2026 16:00 GMT) does not count',
    );
  });

  it('live checklist: a video contact alone leaves the AMHP not yet seen in person', () => {
    const f = facts();
    const c = checked(live({ ...f, contacts: [{ ...f.contacts[0], mode: 'video' }] }));
    expect(finding(c, 'amhp-not-seen-in-person').message).toContain('the video contact at Tue 3 Mar 2026 16:00 GMT does not count');
  });
});

describe('APP-04 (s.11(5), C2): seen in person within the 14 days ending with the application date', () => {
  const seenOn = (contact: string, t0: string, mode: ContactFacts['mode'] = 'in-person', byApplicant = true) => {
    const f = facts('s2', t0);
    const exams = [examined(plusH(at(t0), -30), f.recommendations[0]), examined(plusH(at(t0), -6), f.recommendations[1])];
    return checked(withRecs({ ...f, contacts: [{ at: at(contact), mode, byApplicant }] }, exams));
  };
  it.each([
    ['worked example: application 14 Mar 2026, seen 1 Mar counts', '2026-03-01T12:00:00Z', '2026-03-14T12:00:00Z', true],
    ['worked example: application 14 Mar 2026, seen 28 Feb does not', '2026-02-28T12:00:00Z', '2026-03-14T12:00:00Z', false],
    ['seen late on 28 Feb (23:30 GMT) is still 28 Feb: does not count', '2026-02-28T23:30:00Z', '2026-03-14T12:00:00Z', false],
    ['seen on the application day counts', '2026-03-14T08:00:00Z', '2026-03-14T12:00:00Z', true],
    ['summer: 23:30 UTC on 30 Jun is 1 Jul in BST, within 14 days ending 14 Jul', '2026-06-30T23:30:00Z', '2026-07-14T12:00:00Z', true],
    // Held-out cases (C2): the window is the 14 local dates ending with the application date.
    [
      'leap year: application Mon 13 Mar 2028, seen Tue 29 Feb counts (29 Feb is day 1 of 14)',
      '2028-02-29T12:00:00Z',
      '2028-03-13T12:00:00Z',
      true,
    ],
    ['leap year: application Mon 13 Mar 2028, seen Mon 28 Feb does not', '2028-02-28T12:00:00Z', '2028-03-13T12:00:00Z', false],
    [
      'common year: application Sat 13 Mar 2027, seen Sun 28 Feb counts (day 1 of 14)',
      '2027-02-28T12:00:00Z',
      '2027-03-13T12:00:00Z',
      true,
    ],
    [
      'clocks go back: application Tue 3 Nov 2026, seen 00:30 BST on Wed 21 Oct (20 Oct 23:30Z) counts',
      '2026-10-20T23:30:00Z',
      '2026-11-03T12:00:00Z',
      true,
    ],
    [
      'clocks go back: application Tue 3 Nov 2026, seen 23:30 BST on Tue 20 Oct does not',
      '2026-10-20T22:30:00Z',
      '2026-11-03T12:00:00Z',
      false,
    ],
    [
      'clocks go forward: application Mon 6 Apr 2026 (BST), seen Tue 24 Mar 23:59 GMT counts (day 1)',
      '2026-03-24T23:59:00Z',
      '2026-04-06T12:00:00Z',
      true,
    ],
    [
      'clocks go forward: application Mon 6 Apr 2026 (BST), seen Mon 23 Mar 23:59 GMT does not',
      '2026-03-23T23:59:00Z',
      '2026-04-06T12:00:00Z',
      false,
    ],
  ])('%s', (_name, contact, t0, ok) => {
    expect(blockers(seenOn(contact, t0)).includes('APP-04:applicant-not-seen-within-14-days')).toBe(!ok);
  });

  it('the blocker names the window in local dates and the last contact', () => {
    expect(finding(seenOn('2026-02-28T12:00:00Z', '2026-03-14T12:00:00Z'), 'applicant-not-seen-within-14-days').message).toBe(
      'The applicant must have personally seen the patient on a date from Sun 1 Mar 2026 to Sat 14 Mar 2026 (the 14 days ending with the application date). The last in-person contact recorded is Sat 28 Feb 2026 12:00 GMT, outside that window.',
    );
  });

  // s.11(5), s.13(2): the 14 days are counted in dates, but the patient must have been seen when the application is made.
  it.each([
    ['worked example: signed 09:00, seen 15:00 the same day: blocked', '2026-03-14T15:00:00Z', '2026-03-14T09:00:00Z', false],
    ['seen at the very minute of signing counts', '2026-03-14T09:00:00Z', '2026-03-14T09:00:00Z', true],
    ['seen 08:59 the same day counts', '2026-03-14T08:59:00Z', '2026-03-14T09:00:00Z', true],
    ['seen the day before counts', '2026-03-13T15:00:00Z', '2026-03-14T09:00:00Z', true],
  ])('%s', (_name, contact, signed, ok) => {
    const c = seenOn(contact, signed);
    expect(blockers(c).includes('APP-04:applicant-seen-after-signing')).toBe(!ok);
    expect(blockers(c).includes('APP-04:applicant-not-seen-within-14-days')).toBe(false);
  });

  it('the blocker for a contact after the signature names both times', () => {
    expect(finding(seenOn('2026-03-14T15:00:00Z', '2026-03-14T09:00:00Z'), 'applicant-seen-after-signing').message).toContain(
      "The application was signed at Sat 14 Mar 2026 09:00 GMT, but the applicant's in-person contact with the patient in the 14 days ending with the application date was at Sat 14 Mar 2026 15:00 GMT, after it",
    );
  });

  it("another professional's contact does not count for the applicant", () => {
    expect(blockers(seenOn('2026-03-10T12:00:00Z', '2026-03-14T12:00:00Z', 'in-person', false))).toContain(
      'APP-04:applicant-not-seen-within-14-days',
    );
  });
});

describe('APP-13 (s.6(1)(a), C1): conveyance within 14 days beginning with the last examination', () => {
  it('worked example: last examination Sun 1 Mar 2026 → conveyance by the end of Sat 14 Mar 2026', () => {
    const f = facts('s2', '2026-03-01T18:00:00Z');
    const exams = [examined(at('2026-02-28T10:00:00Z'), f.recommendations[0]), examined(at('2026-03-01T12:00:00Z'), f.recommendations[1])];
    for (const c of [checked(withRecs(f, exams)), checked(live(withRecs(f, exams)), '2026-03-02T09:00:00Z')]) {
      const d = deadline(c, 'conveyance');
      expect(d.rule).toBe('APP-13');
      expect(d.at.toISOString()).toBe('2026-03-15T00:00:00.000Z');
      expect(d.basis).toContain('by the end of Sat 14 Mar 2026');
    }
  });

  it('an admission after the window is a blocker; one at 23:59 on the last day is fine', () => {
    const f = withRecs(facts('s2', '2026-03-01T18:00:00Z'), [
      examined(at('2026-03-01T09:00:00Z')),
      examined(at('2026-03-01T12:00:00Z'), { doctorName: 'Dr Brown', s12ApprovedOnExamDate: false, previousAcquaintance: true }),
    ]);
    expect(blockers(checked(withApp(f, { admittedAt: at('2026-03-14T23:59:00Z') })))).toEqual([]);
    const late = checked(withApp(f, { admittedAt: at('2026-03-15T00:00:00Z') }));
    expect(blockers(late)).toEqual(['APP-13:admitted-after-conveyance-window']);
    expect(finding(late, 'admitted-after-conveyance-window').message).toContain(
      'after the authority to convey ended at the end of Sat 14 Mar 2026',
    );
  });

  it.each(['s2', 's3'] as const)(
    'a %s admission after the window starts no period: no lapse, first period or rectification date, as if it were a lawful detention',
    (section) => {
      const f = withRecs(facts(section, '2026-03-01T18:00:00Z'), [
        examined(at('2026-03-01T09:00:00Z'), { section }),
        examined(at('2026-03-01T12:00:00Z'), { section, doctorName: 'Dr Brown', s12ApprovedOnExamDate: false, previousAcquaintance: true }),
      ]);
      const ids = (c: ReturnType<typeof checked>) => c.deadlines.map((d) => d.id);
      const inTime = checked(withApp(f, { admittedAt: at('2026-03-14T23:59:00Z') }));
      expect(ids(inTime)).toEqual(expect.arrayContaining(['rectification', section === 's2' ? 's2-expiry' : 's3-first-period']));
      const late = withApp(f, { admittedAt: at('2026-03-15T00:00:00Z') });
      const c = checked(late);
      expect(ids(c)).not.toContain('rectification');
      expect(ids(c)).not.toContain('s2-expiry');
      expect(ids(c)).not.toContain('s3-first-period');
      expect(conveyanceWindow(late)).toMatchObject({ rule: 'APP-13', admittedTooLate: true, endsAt: at('2026-03-15T00:00:00Z') });
      expect(conveyanceWindow(withApp(f, { admittedAt: at('2026-03-14T23:59:00Z') }))?.admittedTooLate).toBe(false);
    },
  );

  // Held-out cases (C1): the last examination's local date is day 1 of 14; the window closes at local midnight after day 14.
  it.each([
    ['last examination Tue 29 Feb 2028: conveyance by the end of Mon 13 Mar 2028', '2028-02-29T11:00:00Z', '2028-03-14T00:00:00.000Z'],
    ['last examination Tue 16 Feb 2027: the end of Mon 1 Mar 2027 (no 29 Feb)', '2027-02-16T11:00:00Z', '2027-03-02T00:00:00.000Z'],
    ['last examination Tue 16 Feb 2028: the end of Tue 29 Feb 2028', '2028-02-16T11:00:00Z', '2028-03-01T00:00:00.000Z'],
    ['last examination Tue 20 Oct 2026 (BST): the end of Mon 2 Nov 2026 (GMT)', '2026-10-20T11:00:00Z', '2026-11-03T00:00:00.000Z'],
    [
      'last examination 00:15 BST on Sun 19 Jul 2026 (18 Jul 23:15Z) is 19 Jul: the end of Sat 1 Aug',
      '2026-07-18T23:15:00Z',
      '2026-08-01T23:00:00.000Z',
    ],
    ['last examination Mon 23 Mar 2026 (GMT): the end of Sun 5 Apr 2026 (BST)', '2026-03-23T11:00:00Z', '2026-04-05T23:00:00.000Z'],
  ])('held-out: %s', (_name, lastExam, closes) => {
    const f = facts('s2', plusH(at(lastExam), 2).toISOString());
    const exams = [examined(plusH(at(lastExam), -20), f.recommendations[0]), examined(at(lastExam), f.recommendations[1])];
    expect(deadline(checked(live(withRecs(f, exams)), plusH(at(lastExam), 1)), 'conveyance').at.toISOString()).toBe(closes);
  });

  it('with no admission, the window closing is a blocker from then on', () => {
    const f = withApp(facts('s2', '2026-03-01T18:00:00Z'), { admittedAt: null });
    expect(blockers(checked(f, '2026-03-14T23:00:00Z'))).toEqual([]);
    expect(blockers(checked(f, '2026-03-15T00:00:00Z'))).toEqual(['APP-13:conveyance-window-expired']);
  });

  it('property: the conveyance deadline is the end of the local day 13 days after the last examination, never before it', () => {
    const instant = fc.date({ min: at('2025-01-01T00:00:00Z'), max: at('2030-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 6 * 24 * 60 }), (e1, gapMinutes) => {
        const e2 = new Date(e1.getTime() + gapMinutes * MINUTE);
        const f = facts('s2', new Date(e2.getTime() + HOUR).toISOString());
        const c = check(live(withRecs(f, [examined(e1, f.recommendations[0]), examined(e2, f.recommendations[1])])), e2);
        const d = deadline(c, 'conveyance');
        expect(d.at.getTime()).toBeGreaterThan(e2.getTime());
        expect(localDate(new Date(d.at.getTime() - 1), LONDON)).toBe(addDays(localDate(e2, LONDON), 13));
        expect(DateTime.fromJSDate(d.at, { zone: LONDON }).toFormat('HH:mm:ss.SSS')).toBe('00:00:00.000');
      }),
    );
  });
});

describe('APP-17 (s.2(4), C4): a s.2 lapses at the end of the 28th day beginning with admission', () => {
  it('worked example: admitted 1 Mar 2026 at 15:00 → lapses at the end of 28 Mar 2026 (last instant inside: 23:59:59.999 local)', () => {
    const c = checked(withApp(facts('s2', '2026-03-01T14:00:00Z'), { admittedAt: at('2026-03-01T15:00:00Z') }));
    const d = deadline(c, 's2-expiry');
    expect(d.rule).toBe('APP-17');
    // Half-open, as in clocks.ts: `at` is the first instant after 28 Mar ends (midnight GMT)...
    expect(d.at.toISOString()).toBe('2026-03-29T00:00:00.000Z');
    // ... so the last instant of the detention is 23:59:59.999 local on 28 Mar.
    expect(DateTime.fromMillis(d.at.getTime() - 1, { zone: LONDON }).toISO()).toBe('2026-03-28T23:59:59.999+00:00');
    expect(d.basis).toContain('lapses at the end of Sat 28 Mar 2026');
  });

  // Admitted 1 Mar 2026 at 15:00 GMT: the s.2 lapses at the end of Sat 28 Mar (midnight GMT, 2026-03-29T00:00Z).
  // A (c) or (d) application made while it is in force extends it until finally disposed of, which a decision is only
  // when the 21 days allowed for an appeal have passed (s.29(5)), and 7 days more after an order (s.29(4)(b)); one made
  // before the admission, or after it lapsed, does not (s.29(4)). Clocks go forward on 29 Mar (BST after).
  it.each([
    [
      'pending, filed during the s.2',
      [{ filedAt: '2026-03-20T10:00:00Z', status: 'applied', disposedOn: null }],
      ['NR-11:warning:s2-extended-pending-displacement'],
      '2026-03-29T00:00:00.000Z',
      'would lapse: extended',
    ],
    [
      'an interim order, filed during the s.2',
      [{ filedAt: '2026-03-20T10:00:00Z', status: 'interim-order', disposedOn: null }],
      ['NR-11:warning:s2-extended-pending-displacement'],
      '2026-03-29T00:00:00.000Z',
      'would lapse: extended',
    ],
    [
      'pending, filed before the admission (the patient was informal)',
      [{ filedAt: '2026-02-20T10:00:00Z', status: 'applied', disposedOn: null }],
      ['NR-11:warning:displacement-filed-before-s2'],
      '2026-03-29T00:00:00.000Z',
      'Section 2 lapses',
    ],
    [
      'filed at the instant it lapsed',
      [{ filedAt: '2026-03-29T00:00:00Z', status: 'applied', disposedOn: null }],
      ['NR-11:warning:displacement-filed-after-s2-lapsed'],
      '2026-03-29T00:00:00.000Z',
      'Section 2 lapses',
    ],
    [
      'an order on 25 Mar: final when the 21 days for an appeal have passed (15 Apr), then seven days more, to the end of 22 Apr (BST)',
      [{ filedAt: '2026-03-20T10:00:00Z', status: 'order', disposedOn: '2026-03-25' }],
      ['NR-11:warning:s2-extended-by-displacement'],
      '2026-04-22T23:00:00.000Z',
      'extended by a displacement application',
    ],
    [
      'an order on 3 Mar: final on 24 Mar, and its seven days more end on 31 Mar, after the 28 days',
      [{ filedAt: '2026-03-02T10:00:00Z', status: 'order', disposedOn: '2026-03-03' }],
      ['NR-11:warning:s2-extended-by-displacement'],
      '2026-03-31T23:00:00.000Z',
      'extended by a displacement application',
    ],
    [
      'refused on 5 Mar: final on 26 Mar, before the 28 days end, so not extended',
      [{ filedAt: '2026-03-04T10:00:00Z', status: 'refused', disposedOn: '2026-03-05' }],
      [],
      '2026-03-29T00:00:00.000Z',
      'Section 2 lapses',
    ],
    [
      'refused on 7 Mar: final at the end of 28 Mar, the same day the 28 days end: not extended',
      [{ filedAt: '2026-03-04T10:00:00Z', status: 'refused', disposedOn: '2026-03-07' }],
      [],
      '2026-03-29T00:00:00.000Z',
      'Section 2 lapses',
    ],
    [
      'refused on 8 Mar: final at the end of 29 Mar, a day after the 28 days',
      [{ filedAt: '2026-03-04T10:00:00Z', status: 'refused', disposedOn: '2026-03-08' }],
      ['NR-11:warning:s2-extended-by-displacement'],
      '2026-03-29T23:00:00.000Z',
      'extended by a displacement application',
    ],
    [
      'refused on 10 Apr: until the 21 days allowed for an appeal have passed, the end of 1 May',
      [{ filedAt: '2026-03-20T10:00:00Z', status: 'refused', disposedOn: '2026-04-10' }],
      ['NR-11:warning:s2-extended-by-displacement'],
      '2026-05-01T23:00:00.000Z',
      'extended by a displacement application',
    ],
    [
      'withdrawn on 2 Apr',
      [{ filedAt: '2026-03-20T10:00:00Z', status: 'withdrawn', disposedOn: '2026-04-02' }],
      ['NR-11:warning:s2-extended-by-displacement'],
      '2026-04-02T23:00:00.000Z',
      'extended by a displacement application',
    ],
    [
      'an order with no day recorded',
      [{ filedAt: '2026-03-20T10:00:00Z', status: 'order', disposedOn: null }],
      ['NR-11:warning:s2-extension-end-unknown'],
      '2026-03-29T00:00:00.000Z',
      'would lapse: extended until',
    ],
    [
      'one before the admission and one during it: the one during it extends',
      [
        { filedAt: '2026-02-20T10:00:00Z', status: 'applied', disposedOn: null },
        { filedAt: '2026-03-20T10:00:00Z', status: 'applied', disposedOn: null },
      ],
      ['NR-11:warning:displacement-filed-before-s2', 'NR-11:warning:s2-extended-pending-displacement'],
      '2026-03-29T00:00:00.000Z',
      'would lapse: extended',
    ],
  ] as const)('NR-11 (s.29(4)): %s', (_case, applications, expected, lapses, label) => {
    const c = checked(
      withApp(facts('s2', '2026-03-01T14:00:00Z'), {
        admittedAt: at('2026-03-01T15:00:00Z'),
        displacementApplications: applications.map((d) => ({ ...d, filedAt: at(d.filedAt) })),
      }),
    );
    expect(codes(c)).toEqual(expected);
    const d = deadline(c, 's2-expiry');
    expect(d.at.toISOString()).toBe(lapses);
    expect(d.label).toContain(label);
  });

  it.each([
    ['lapsed days before the s.3 took effect', '2026-02-01T10:00:00Z', '2026-03-10T14:30:00Z', true],
    ['lapsing at the very instant the s.3 took effect (half-open)', '2026-02-10T10:00:00Z', '2026-03-10T00:00:00Z', true],
    ['still in force when the s.3 took effect', '2026-02-11T10:00:00Z', '2026-03-10T14:30:00Z', false],
  ])('APP-17 / APP-20: a s.3 for a patient whose s.2 %s', (_case, s2Admitted, received, lapsed) => {
    const c = checked(
      withApp(facts('s3', '2026-03-09T23:00:00Z'), {
        inPatient: true,
        admittedAt: at(received),
        managersReceivedAt: at(received),
        detainedUnderS2: { admittedAt: at(s2Admitted) },
      }),
    );
    const f = c.findings.find((x) => x.code === 's2-lapsed-before-application');
    if (lapsed) {
      expect(f).toMatchObject({ rule: 'APP-17', severity: 'warning' });
      expect(f!.message).toContain('the s.3 does not end it (s.6(4))');
      expect(deadline(c, 's2-expiry').label).toContain('had lapsed before this application took effect');
    } else {
      expect(f).toBeUndefined();
      expect(deadline(c, 's2-expiry').label).toBe('The s.2 the patient is detained under lapses');
    }
  });

  it.each<[string, 'discharged' | 'became-s3' | 'lapsed', string, boolean]>([
    // APP-22: the s.2 (admitted Wed 11 Feb) the referral states, its end recorded; the s.3 is signed Mon 9 Mar 23:00 GMT.
    ['discharged before the s.3 was signed: the s.3 is not made against it', 'discharged', '2026-03-02T10:00:00Z', false],
    ['discharged only after the s.3 was signed: its expiry is still shown', 'discharged', '2026-03-10T10:00:00Z', true],
    ['ended by an earlier s.3 admission: not this s.3’s s.2', 'became-s3', '2026-03-02T10:00:00Z', false],
  ])('APP-17 / APP-22: a s.3 for a patient whose stated s.2 was %s', (_case, kind, endedAt, shown) => {
    const c = checked(
      withApp(facts('s3', '2026-03-09T23:00:00Z'), {
        detainedUnderS2: { admittedAt: at('2026-02-11T10:00:00Z'), ended: { kind, at: at(endedAt) } },
      }),
    );
    expect(c.deadlines.some((d) => d.id === 's2-expiry')).toBe(shown);
    expect(c.findings.map((f) => f.code)).not.toContain('s2-lapsed-before-application');
  });

  // s.2(4): not renewable. The application is signed Tue 3 Mar 2026 18:00 GMT; the s.2 it would follow was admitted then.
  it.each<[string, Section, string, 'referral' | 'record' | undefined, string | null, string | null, DetentionEndKind?, string?]>([
    ['a second s.2 while the referral says the patient is on a s.2 (day 12)', 's2', '2026-02-20T12:00:00Z', undefined, 'blocker', null],
    ['a s.4 while the referral says the patient is on a s.2', 's4', '2026-02-20T12:00:00Z', 'referral', 'blocker', null],
    [
      "a second s.2 while the hub's record shows an earlier s.2 in force, no discharge recorded",
      's2',
      '2026-02-20T12:00:00Z',
      'record',
      'blocker',
      null,
    ],
    ['a second s.2 on the last day of the first (day 28)', 's2', '2026-02-04T12:00:00Z', undefined, 'blocker', null],
    ['a second s.2 the day after the first lapsed', 's2', '2026-02-03T12:00:00Z', undefined, null, null],
    [
      'a second s.2 while a s.29 application made during the first is pending',
      's2',
      '2026-02-03T12:00:00Z',
      undefined,
      'blocker',
      '2026-02-20T10:00:00Z',
    ],
    ['a s.3: the lawful route on from a s.2', 's3', '2026-02-20T12:00:00Z', undefined, null, null],
    ['a s.2 signed before the s.2 admission', 's2', '2026-03-03T19:00:00Z', undefined, null, null],
    // APP-22: the end of the s.2 the referral states, recorded (on the referral or the hub's assessment of it) by the signing.
    [
      'a second s.2 after the patient was discharged from the stated s.2 (s.23)',
      's2',
      '2026-02-20T12:00:00Z',
      undefined,
      null,
      null,
      'discharged',
      '2026-03-01T10:00:00Z',
    ],
    [
      'a s.4 after the stated s.2 ended by admission under a s.3',
      's4',
      '2026-02-20T12:00:00Z',
      'referral',
      null,
      null,
      'became-s3',
      '2026-03-02T10:00:00Z',
    ],
    [
      'a second s.2 before a discharge recorded later that evening',
      's2',
      '2026-02-20T12:00:00Z',
      undefined,
      'blocker',
      null,
      'discharged',
      '2026-03-03T20:00:00Z',
    ],
    [
      'a second s.2 after a discharge while a s.29 application was pending',
      's2',
      '2026-02-03T12:00:00Z',
      undefined,
      null,
      '2026-02-20T10:00:00Z',
      'discharged',
      '2026-03-01T10:00:00Z',
    ],
  ])('APP-17 (s.2(4)): %s', (...row) => {
    // Rest parameters: jest takes a callback with more parameters than a row has cells for one that wants done().
    const [, section, s2Admitted, from, severity, filedAt, endedKind, endedAt] = row;
    const c = checked(
      withApp(facts(section, '2026-03-03T18:00:00Z'), {
        detainedUnderS2: {
          admittedAt: at(s2Admitted),
          ...(from ? { from } : {}),
          ...(endedKind ? { ended: { kind: endedKind, at: at(endedAt!) } } : {}),
        },
        displacementApplications: filedAt ? [{ filedAt: at(filedAt), status: 'applied', disposedOn: null }] : [],
      }),
    );
    const f = c.findings.filter((x) => x.code === 's2-not-renewable');
    if (!severity) return expect(f).toEqual([]);
    expect(f).toEqual([expect.objectContaining({ rule: 'APP-17', severity })]);
    expect(f[0].message).toContain('A s.2 cannot be renewed (s.2(4))');
    expect(f[0].message).toContain('make a s.3 application');
    if (!filedAt && s2Admitted === '2026-02-20T12:00:00Z')
      expect(f[0].message).toContain('which runs until the end of Thu 19 Mar 2026 (28 days beginning with the day of admission)');
    if (from === 'record') expect(f[0].message).toContain('record the discharge on the assessment it was made in');
  });

  // APP-22 (s.23, s.6(4)): a s.2 signed Tue 3 Mar 18:00 GMT, admitted 21:00 (lapses at the end of Mon 30 Mar, midnight BST: 23:00Z).
  it.each<[string, ApplicationFacts['detentionEnded'], string, string]>([
    ['no end recorded', null, '2026-03-30T23:00:00.000Z', 'Section 2 lapses'],
    [
      'discharged by the responsible clinician Tue 10 Mar',
      { kind: 'discharged', at: at('2026-03-10T15:00:00Z'), by: 'responsible-clinician' },
      '2026-03-10T15:00:00.000Z',
      'Section 2 ended: the patient was discharged',
    ],
    [
      'admitted under a s.3 Fri 27 Mar',
      { kind: 'became-s3', at: at('2026-03-27T12:00:00Z') },
      '2026-03-27T12:00:00.000Z',
      'Section 2 ended: admitted under a s.3',
    ],
    ['lapsed at its end', { kind: 'lapsed', at: at('2026-03-30T23:00:00Z') }, '2026-03-30T23:00:00.000Z', 'Section 2 lapses'],
  ])('APP-22: the s.2 expiry with %s', (_case, detentionEnded, deadline, label) => {
    const c = checked(withApp(facts('s2'), { detentionEnded }));
    expect(c.deadlines.find((d) => d.id === 's2-expiry')).toMatchObject({ at: at(deadline), label });
    if (detentionEnded?.kind === 'discharged')
      expect(c.deadlines.find((d) => d.id === 's2-expiry')!.basis).toContain(
        'discharged by the responsible clinician at Tue 10 Mar 2026 15:00 GMT',
      );
  });

  it('NR-11: the extension is marked in the basis, and the message says the court dates now decide', () => {
    const c = checked(
      withApp(facts('s2', '2026-03-01T14:00:00Z'), {
        admittedAt: at('2026-03-01T15:00:00Z'),
        displacementApplications: [{ filedAt: at('2026-03-20T10:00:00Z'), status: 'applied', disposedOn: null }],
      }),
    );
    expect(deadline(c, 's2-expiry').basis).toContain('EXTENDED (NR-11, s.29(4))');
    expect(finding(c, 's2-extended-pending-displacement').message).toContain('before it would have lapsed at the end of Sat 28 Mar 2026');
    const ordered = checked(
      withApp(facts('s2', '2026-03-01T14:00:00Z'), {
        admittedAt: at('2026-03-01T15:00:00Z'),
        displacementApplications: [{ filedAt: at('2026-03-20T10:00:00Z'), status: 'order', disposedOn: '2026-03-25' }],
      }),
    );
    expect(finding(ordered, 's2-extended-by-displacement').message).toBe(
      'The s.2 was extended by the displacement application filed at Fri 20 Mar 2026 10:00 GMT (s.29(4)): it was decided with an order on Wed 25 Mar 2026 and is finally disposed of when the 21 days allowed for an appeal have passed (s.29(5)), and the s.2 runs 7 days more (s.29(4)(b)), so the s.2 runs to the end of Wed 22 Apr 2026, or later if an appeal is brought in that time, not Sat 28 Mar 2026.',
    );
  });

  // Held-out cases (C4): the admission's local date is day 1 whatever the hour; the 28th day ends at local midnight.
  it.each([
    ['admitted Tue 29 Feb 2028 09:00 GMT: day 28 is Mon 27 Mar 2028 (BST from 26 Mar)', '2028-02-29T09:00:00Z', '2028-03-27T23:00:00.000Z'],
    ['admitted Sun 1 Feb 2026 (a common February): day 28 is Sat 28 Feb', '2026-02-01T12:00:00Z', '2026-03-01T00:00:00.000Z'],
    [
      'admitted 00:30 BST on Thu 1 Oct 2026 (30 Sep 23:30Z): 1 Oct is day 1, and day 28 ends in GMT',
      '2026-09-30T23:30:00Z',
      '2026-10-29T00:00:00.000Z',
    ],
    [
      'admitted 23:59 BST on Wed 30 Sep 2026: 30 Sep is day 1, so it lapses a day earlier',
      '2026-09-30T22:59:00Z',
      '2026-10-28T00:00:00.000Z',
    ],
    [
      'admitted Sun 29 Mar 2026 03:00 BST, the day the clocks go forward: day 28 is Sat 25 Apr',
      '2026-03-29T02:00:00Z',
      '2026-04-25T23:00:00.000Z',
    ],
    [
      'admitted 01:30 on Sun 25 Oct 2026, the second time that hour comes round (GMT): day 28 is Sat 21 Nov',
      '2026-10-25T01:30:00Z',
      '2026-11-22T00:00:00.000Z',
    ],
  ])('held-out: %s', (_name, admitted, lapses) => {
    const d = deadline(checked(withApp(facts('s2', plusH(at(admitted), -1).toISOString()), { admittedAt: at(admitted) })), 's2-expiry');
    expect(d.at.toISOString()).toBe(lapses);
  });

  it('property: the s.2 expiry is always the end of the local day 27 days after the admission date', () => {
    const instant = fc.date({ min: at('2025-01-01T00:00:00Z'), max: at('2035-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, (admitted) => {
        const f = withApp(facts('s2', plusH(admitted, -1).toISOString()), { admittedAt: admitted });
        const d = deadline(check(f), 's2-expiry');
        expect(d.at.getTime()).toBeGreaterThan(admitted.getTime());
        expect(localDate(new Date(d.at.getTime() - 1), LONDON)).toBe(addDays(localDate(admitted, LONDON), 27));
        expect(DateTime.fromJSDate(d.at, { zone: LONDON }).toFormat('HH:mm:ss.SSS')).toBe('00:00:00.000');
      }),
    );
  });
});

describe('APP-16 (s.15): rectification within 14 days beginning with admission', () => {
  it('admitted Tue 3 Mar 2026 → forms can be rectified until the end of Mon 16 Mar 2026', () => {
    const d = deadline(checked(facts('s2', '2026-03-03T18:00:00Z')), 'rectification');
    expect(d.at.toISOString()).toBe('2026-03-17T00:00:00.000Z');
    expect(d.basis).toContain('the end of Mon 16 Mar 2026');
  });

  // Held-out cases (C1): the admission's local date is day 1 of 14.
  it.each([
    ['admitted Tue 29 Feb 2028 → until the end of Mon 13 Mar 2028', '2028-02-29T15:00:00Z', '2028-03-14T00:00:00.000Z'],
    ['admitted Mon 16 Feb 2026 → until the end of Sun 1 Mar 2026 (a common year)', '2026-02-16T15:00:00Z', '2026-03-02T00:00:00.000Z'],
    [
      'admitted 00:10 BST on Tue 20 Oct 2026 (19 Oct 23:10Z) → until the end of Mon 2 Nov 2026 (GMT)',
      '2026-10-19T23:10:00Z',
      '2026-11-03T00:00:00.000Z',
    ],
    ['admitted Mon 23 Mar 2026 (GMT) → until the end of Sun 5 Apr 2026 (BST)', '2026-03-23T15:00:00Z', '2026-04-05T23:00:00.000Z'],
  ])('held-out: %s', (_name, admitted, until) => {
    const f = withApp(facts('s2', plusH(at(admitted), -2).toISOString()), { admittedAt: at(admitted) });
    expect(deadline(checked(f), 'rectification').at.toISOString()).toBe(until);
  });
});

describe('APP-18 (s.20(1), C6): the s.3 first period in calendar months', () => {
  it('worked example: admitted 15 Jan 2026 → first period ends 14 Jul 2026, no month-end review', () => {
    const c = checked(facts('s3', '2026-01-15T09:00:00Z'));
    const d = deadline(c, 's3-first-period');
    expect(d.at.toISOString()).toBe('2026-07-14T23:00:00.000Z'); // end of 14 Jul, BST
    expect(d.basis).toContain('end on Tue 14 Jul 2026');
    expect(codes(c)).toEqual([]);
  });

  it('a 31 Aug admission is a month-end case: the period ends 27 Feb 2027 and a human must review it', () => {
    const c = checked(facts('s3', '2026-08-31T09:00:00Z'));
    expect(deadline(c, 's3-first-period').at.toISOString()).toBe('2027-02-28T00:00:00.000Z');
    const w = finding(c, 'period-month-end-review');
    expect(w).toMatchObject({ rule: 'APP-18', severity: 'warning' });
    expect(w.message).toContain('it was taken to Sun 28 Feb 2027');
    expect(w.message).toContain('the end of Sat 27 Feb 2027');
  });

  it('MHA25-09: under the shorter-period regime a 15 Jan 2026 admission ends its first period on 14 Apr 2026', () => {
    const regime = legalRegime('2026-01-15', { ...DEFAULT_REGIME_CONFIG, shorterS3PeriodFrom: '2026-01-01' });
    const d = deadline(checked({ ...facts('s3', '2026-01-15T09:00:00Z'), regime }), 's3-first-period');
    expect(d.at.toISOString()).toBe('2026-04-14T23:00:00.000Z');
    expect(d.basis).toContain('3 calendar months');
  });

  it('a start on the last day of a month (28 Feb) is also flagged, with the date it was counted to', () => {
    const c = checked(facts('s3', '2026-02-28T09:00:00Z'));
    expect(finding(c, 'period-month-end-review').message).toContain(
      'The period starts on Sat 28 Feb 2026, the last day of a month, and 6 months later is Fri 28 Aug 2026: the period is calculated to end at the end of Thu 27 Aug 2026.',
    );
  });

  it.each([
    ['2026-01-15', 6, '2026-07-14', false],
    ['2026-08-29', 6, '2027-02-27', true],
    ['2026-08-30', 6, '2027-02-27', true],
    ['2026-08-31', 6, '2027-02-27', true],
    ['2026-03-31', 6, '2026-09-29', true],
    ['2026-02-28', 6, '2026-08-27', true], // the last day of February
    ['2026-07-31', 6, '2027-01-30', true], // 31 Jan exists, but the start is a month end
    ['2026-01-29', 6, '2026-07-28', false],
    // Held-out cases (C6): leap days, and the clamp before the day is taken off.
    ['2028-02-29', 6, '2028-08-28', true], // 29 Feb (a month end) + 6 months is 29 Aug: ends 28 Aug
    ['2027-08-31', 6, '2028-02-28', true], // + 6 months is 29 Feb 2028 (clamped from 31): ends 28 Feb
    ['2027-08-29', 6, '2028-02-28', false], // 29 Feb 2028 exists: ends 28 Feb, no clamp
    ['2027-08-30', 6, '2028-02-28', true], // clamped to 29 Feb 2028: ends 28 Feb
    ['2026-03-30', 6, '2026-09-29', false], // 30 Sep exists
    ['2026-12-31', 6, '2027-06-29', true], // 31 Jun does not: 30 Jun, ends 29 Jun
    ['2026-10-25', 6, '2027-04-24', false], // the day the clocks go back: calendar months, not hours
    ['2028-02-29', 12, '2029-02-27', true], // a year from 29 Feb: 28 Feb 2029 (clamped), ends 27 Feb
  ])('calendarMonthPeriod(%s, %i) ends %s, month-end review %s', (start, months, lastDay, monthEnd) => {
    expect(calendarMonthPeriod(start, months)).toEqual({ lastDay, monthEnd });
  });

  // C6 with s.20(2) (APP-18, GDN-07), s.20A(3) (CTO-08), MHA25-09: each renewal begins the day after the period before
  // it ends, so a month-end first period carries its clamped day on. [start, first, renewals, [from, lastDay, monthEnd]...]
  it.each<[string, string, number, number[], Array<[string, string, boolean]>]>([
    [
      'worked example: admitted 15 Jan 2026 → 14 Jul 2026; renewed 15 Jul 2026 – 14 Jan 2027; then a year, 15 Jan 2027 – 14 Jan 2028',
      '2026-01-15',
      6,
      [6, 12],
      [
        ['2026-01-15', '2026-07-14', false],
        ['2026-07-15', '2027-01-14', false],
        ['2027-01-15', '2028-01-14', false],
        ['2028-01-15', '2029-01-14', false],
      ],
    ],
    [
      'a 31 Aug admission: the first period ends 27 Feb, the renewal runs from 28 Feb (a month end too) to 27 Aug',
      '2026-08-31',
      6,
      [6, 12],
      [
        ['2026-08-31', '2027-02-27', true],
        ['2027-02-28', '2027-08-27', true],
        ['2027-08-28', '2028-08-27', false],
      ],
    ],
    [
      'a renewal from 29 Feb in a leap year is a month-end case; the year after it ends on 28 Aug',
      '2027-08-29',
      6,
      [6, 12],
      [
        ['2027-08-29', '2028-02-28', false],
        ['2028-02-29', '2028-08-28', true],
        ['2028-08-29', '2029-08-28', false],
      ],
    ],
    [
      'MHA25-09 ✱ (default schedule): 3 months, then 3, then 6, then a year at a time',
      '2026-01-15',
      3,
      [3, 6, 12],
      [
        ['2026-01-15', '2026-04-14', false],
        ['2026-04-15', '2026-07-14', false],
        ['2026-07-15', '2027-01-14', false],
        ['2027-01-15', '2028-01-14', false],
        ['2028-01-15', '2029-01-14', false],
      ],
    ],
  ])('authorityPeriods: %s', (_name, start, first, renewals, expected) => {
    const periods = authorityPeriods(start, first, renewals, expected.length);
    expect(periods.map((p) => [p.from, p.lastDay, p.monthEnd])).toEqual(expected);
    expect(periods.map((p) => p.period)).toEqual(expected.map((_, i) => i + 1));
  });

  it('authorityPeriods needs a renewal schedule', () => {
    expect(() => authorityPeriods('2026-01-15', 6, [], 2)).toThrow(RangeError);
  });

  it('the s.3 deadline says when each renewal would run (s.20(2)): 6 months, then a year at a time', () => {
    const d = deadline(checked(facts('s3', '2026-01-15T09:00:00Z')), 's3-first-period');
    expect(d.basis).toContain(
      'If renewed (s.20(2)), each period begins the day after the last ends: 6 months from Wed 15 Jul 2026 to Thu 14 Jan 2027; then 1 year from Fri 15 Jan 2027 to Fri 14 Jan 2028; then 1 year from Sat 15 Jan 2028 to Sun 14 Jan 2029; and so on, 1 year at a time.',
    );
  });

  it('MHA25-09 ✱: under the shorter-period regime the s.3 renewals follow the configured schedule', () => {
    const config = { ...DEFAULT_REGIME_CONFIG, shorterS3PeriodFrom: '2026-01-01', s3RenewalMonths2025: [3, 6, 12] };
    const d = deadline(checked({ ...facts('s3', '2026-01-15T09:00:00Z'), regime: legalRegime('2026-01-15', config) }), 's3-first-period');
    expect(d.basis).toContain('3 months from Wed 15 Apr 2026 to Tue 14 Jul 2026; then 6 months from Wed 15 Jul 2026 to Thu 14 Jan 2027');
    const other = { ...config, s3RenewalMonths2025: [6] };
    const e = deadline(checked({ ...facts('s3', '2026-01-15T09:00:00Z'), regime: legalRegime('2026-01-15', other) }), 's3-first-period');
    expect(e.basis).toContain('6 months from Wed 15 Apr 2026 to Wed 14 Oct 2026');
    expect(e.basis).toContain('and so on, 6 months at a time.');
  });

  it("a month-end renewal is marked for review in the deadline's basis", () => {
    const d = deadline(checked(facts('s3', '2026-08-31T09:00:00Z')), 's3-first-period');
    expect(d.basis).toContain('6 months from Sun 28 Feb 2027 to Fri 27 Aug 2027 (month-end case: review)');
  });
});

describe('s.4 (APP-05, APP-10, APP-11, APP-14, COP-08)', () => {
  /** C5 worked example: admitted Sat 28 Mar 2026 10:00 GMT, the day before the clocks go forward. */
  const s4 = (over: Partial<RecommendationFacts> | null = {}) => {
    const f = withApp(facts('s4', '2026-03-28T09:00:00Z'), { admittedAt: at('2026-03-28T10:00:00Z') });
    if (over === null) return f;
    const second = {
      ...examined(at('2026-03-30T09:00:00Z'), {
        id: 'rB',
        doctorName: 'Dr Brown',
        section: 's2',
        s12ApprovedOnExamDate: false,
        previousAcquaintance: true,
        receivedByManagersAt: at('2026-03-30T10:00:00Z'),
      }),
      ...over,
    };
    // The second doctor is an assessor of the s.2 the pair would found, with a declaration (COI-09).
    const declared = assessor('rB', 'doctor', second.doctorName, ['Riverside GP practice'], at('2026-03-30T09:00:00Z'));
    return { ...withRecs(f, [...f.recommendations, second]), assessors: [...f.assessors, declared] };
  };

  it('C5 worked example: the 72 hours from admission at Sat 28 Mar 2026 10:00 GMT end Tue 31 Mar 2026 11:00 BST (10:00Z)', () => {
    const d = deadline(checked(s4(null), '2026-03-29T12:00:00Z'), 's4-second-recommendation');
    expect(d.at.toISOString()).toBe('2026-03-31T10:00:00.000Z');
    expect(local(d.at)).toBe('Tue 31 Mar 2026 11:00 BST');
    expect(d.basis).toContain('Tue 31 Mar 2026 11:00 BST');
  });

  it.each([
    ['received within the 72 hours', '2026-03-30T10:00:00Z', true],
    ['received exactly at 72 hours', '2026-03-31T10:00:00Z', true],
    ['received at 72 hours + 1 minute', '2026-03-31T10:01:00Z', false],
  ])('APP-11: second recommendation %s → conversion to s.2 %s', (_name, received, valid) => {
    const result = s4Conversion(s4({ receivedByManagersAt: at(received) }));
    expect(result.valid).toBe(valid);
    if (valid) {
      expect(result.findings).toEqual([]);
      // The s.2 runs from the s.4 admission: 28 days beginning with Sat 28 Mar end with Fri 24 Apr (BST).
      expect(result.s2Expiry!.toISOString()).toBe('2026-04-24T23:00:00.000Z');
    } else {
      expect(result.s2Expiry).toBeNull();
      expect(result.findings.map((f) => f.code)).toEqual(['s4-second-recommendation-late']);
      expect(result.findings[0].message).toContain(
        'received by the managers at Tue 31 Mar 2026 11:01 BST, after the 72 hours from admission (Sat 28 Mar 2026 10:00 GMT) ended at Tue 31 Mar 2026 11:00 BST',
      );
    }
  });

  it.each<[string, Partial<RecommendationFacts>, string]>([
    ['examined by video', { examMode: 'video' }, 'examination-not-in-person'],
    [
      'examined 6 clear days after the s.4 examination',
      { examinedAt: at('2026-03-28T08:30:00Z'), signedAt: at('2026-03-31T09:00:00Z') },
      '__valid__',
    ],
    ['by a doctor who is not s.12-approved when the first was not either', { s12ApprovedOnExamDate: false }, '__valid__'],
    ['not recorded as received', { receivedByManagersAt: null }, 's4-second-recommendation-not-received'],
    ['by the doctor who gave the s.4 recommendation', { doctorName: 'Dr Adams' }, 'recommendations-same-doctor'],
  ])('APP-11: a second recommendation %s', (_name, over, code) => {
    const result = s4Conversion(s4(over));
    if (code === '__valid__') expect(result.valid).toBe(true);
    else expect(result.findings.map((f) => f.code)).toEqual([code]);
  });

  it.each<[string, Partial<RecommendationFacts>, Partial<RecommendationFacts>, boolean, string | null]>([
    [
      "a register doctor sharing the s.4 doctor's name but not her GMC number",
      { doctorId: 'dA', gmcNumber: '4100001' },
      { doctorId: 'd2', gmcNumber: '7056789', doctorName: 'Dr Adams' },
      true,
      null,
    ],
    [
      'the s.4 doctor entered again ad hoc by name',
      { doctorId: 'dA', gmcNumber: '4100001' },
      { doctorId: null, gmcNumber: null, doctorName: 'Adams' },
      false,
      'recommendations-doctor-may-be-same',
    ],
    [
      'the s.4 doctor entered again ad hoc with her GMC number under another spelling',
      { doctorId: 'dA', gmcNumber: '4100001' },
      { doctorId: null, gmcNumber: '4100001', doctorName: 'Dr J. Adams' },
      false,
      'recommendations-same-doctor',
    ],
  ])('APP-11: converting on %s', (_name, first, second, valid, code) => {
    // The second doctor as given (and declared under that name, COI-09); the s.4 doctor as given (from the register:
    // her declaration is the one recorded for her register id, dA).
    const f = s4(second);
    const result = s4Conversion(withRecs(f, [{ ...f.recommendations[0], ...first }, f.recommendations[1]]));
    expect(result.valid).toBe(valid);
    expect(result.findings.map((x) => x.code)).toEqual(code ? [code] : []);
  });

  it('APP-11: the two recommendations must together satisfy MED-02 and MED-03', () => {
    // The second doctor examined ten days before the s.4 examination (an s.4 examined that long before the second
    // could not still be conveyed and converted: APP-14's 24 hours and APP-11's 72 would have run out).
    const f = s4({ examinedAt: at('2026-03-20T09:00:00Z'), signedAt: at('2026-03-20T09:30:00Z') });
    const tooLate = withRecs(f, [f.recommendations[0], f.recommendations[1]]);
    expect(s4Conversion(tooLate).findings.map((x) => `${x.rule}:${x.code}`)).toEqual(['APP-11:examinations-too-far-apart']);
    const near = s4();
    const noApproval = withRecs(near, [{ ...near.recommendations[0], s12ApprovedOnExamDate: false }, near.recommendations[1]]);
    expect(s4Conversion(noApproval).findings.map((x) => `${x.rule}:${x.code}`)).toEqual(['APP-11:no-s12-approved-doctor']);
  });

  // The one judgement the referral's s.4 clock stops on (clocks.ts, s4ConvertedAt): the receipt, only when it converts.
  it.each<[string, Partial<RecommendationFacts> | 'first-not-approved', string | null]>([
    ['a lawful second recommendation: converts when the managers received it', {}, '2026-03-30T10:00:00.000Z'],
    ['received at the 72nd hour exactly: converts then', { receivedByManagersAt: at('2026-03-31T10:00:00Z') }, '2026-03-31T10:00:00.000Z'],
    ['received a minute after the 72 hours: never converts', { receivedByManagersAt: at('2026-03-31T10:01:00Z') }, null],
    ['examined by video: does not convert, whenever received', { examMode: 'video' }, null],
    ['by the doctor who gave the s.4 recommendation: does not convert', { doctorName: 'Dr Adams' }, null],
    ['neither doctor s.12-approved on the examination day: does not convert', 'first-not-approved', null],
    ['not recorded as received: does not convert yet', { receivedByManagersAt: null }, null],
  ])('APP-11: convertsAt, %s', (_name, over, convertsAt) => {
    let f = s4(over === 'first-not-approved' ? {} : over);
    if (over === 'first-not-approved') f = withRecs(f, [{ ...f.recommendations[0], s12ApprovedOnExamDate: false }, f.recommendations[1]]);
    expect(s4Conversion(f).convertsAt?.toISOString() ?? null).toBe(convertsAt);
  });

  it('APP-11: a defective second recommendation received first does not stop a later lawful one converting the s.4 at its receipt', () => {
    const f = s4({ examMode: 'video' });
    const lawful = {
      ...f.recommendations[1],
      id: 'rC',
      doctorName: 'Dr Clark',
      examMode: 'in-person' as const,
      receivedByManagersAt: at('2026-03-31T09:00:00Z'),
    };
    const clark = assessor('rC', 'doctor', 'Dr Clark', ['Riverside GP practice'], at('2026-03-31T08:00:00Z'));
    const result = s4Conversion({ ...withRecs(f, [...f.recommendations, lawful]), assessors: [...f.assessors, clark] });
    expect(result).toMatchObject({ valid: true, findings: [] });
    expect(result.convertsAt!.toISOString()).toBe('2026-03-31T09:00:00.000Z');
    // Without it, the video one is the one reported.
    expect(s4Conversion(f).findings.map((x) => x.code)).toEqual(['examination-not-in-person']);
  });

  // s.4(4)(b): the two recommendations comply with s.12 "and the regulations under s.12A": judged for the s.2 the pair
  // would found as for an ordinary s.2 (COI-01..09, MED-04), so a conflicted or undeclared second doctor converts nothing.
  const second = (f: AssessmentFacts, over: Partial<AssessorFacts> | null): AssessmentFacts => ({
    ...f,
    assessors: over === null ? f.assessors.filter((a) => a.id !== 'rB') : f.assessors.map((a) => (a.id === 'rB' ? { ...a, ...over } : a)),
  });
  const declaring = (d: Partial<NonNullable<AssessorFacts['declaration']>>) => ({
    declaration: { financial: false, business: false, personal: false, declaredAt: at('2026-03-30T09:00:00Z'), ...d },
  });
  it.each<[string, (f: AssessmentFacts) => AssessmentFacts, string[]]>([
    ['who declared a financial interest', (f) => second(f, declaring({ financial: true })), ['COI-01:conflict-financial-interest']],
    ['who declared a business interest', (f) => second(f, declaring({ business: true })), ['COI-02:conflict-business']],
    ['who declared a personal relationship', (f) => second(f, declaring({ personal: true })), ['COI-08:conflict-personal-relationship']],
    ['with no declaration recorded', (f) => second(f, null), ['COI-09:conflict-declaration-missing']],
    ['whose declaration is not signed', (f) => second(f, { declaration: null }), ['COI-09:conflict-declaration-missing']],
    ['who directs the work of the s.4 doctor', (f) => second(f, { directsOrEmploys: ['dA'] }), ['COI-03:conflict-directs-or-employs']],
    [
      'in one clinical team with the AMHP and the s.4 doctor',
      (f) => ({ ...f, assessors: f.assessors.map((a) => ({ ...a, teams: ['North CMHT'] })) }),
      ['COI-05:three-assessors-one-team'],
    ],
    [
      'with no previous acquaintance, as the s.4 doctor had none, and no reason recorded',
      (f) =>
        withRecs(f, [
          { ...f.recommendations[0], noAcquaintanceReason: null },
          { ...f.recommendations[1], previousAcquaintance: false },
        ]),
      ['MED-04:previous-acquaintance-reason-missing'],
    ],
  ])('APP-11: a second recommendation by a doctor %s does not convert the s.4', (_name, change, expected) => {
    const result = s4Conversion(change(s4()));
    expect(result).toMatchObject({ valid: false, s2Expiry: null, convertsAt: null });
    expect(result.findings.filter((f) => f.severity === 'blocker').map((f) => `${f.rule}:${f.code}`)).toEqual(expected);
  });

  it('APP-11: a conflicted second doctor is said once in the checks, the s.4 lapses at the 72nd hour, and no s.2 expiry is shown', () => {
    const c = checked(second(s4(), declaring({ financial: true })), '2026-03-31T12:00:00Z');
    expect(blockers(c)).toEqual(['COI-01:conflict-financial-interest', 'APP-11:s4-lapsed']);
    expect(hasDeadline(c, 's2-expiry')).toBe(false);
    // The AMHP's own conflict is the s.4's and the conversion's: one finding, not two.
    const amhp = checked({
      ...s4(),
      assessors: s4().assessors.map((a) => (a.role === 'amhp' ? { ...a, ...declaring({ personal: true }) } : a)),
    });
    expect(blockers(amhp).filter((x) => x.startsWith('COI-08'))).toEqual(['COI-08:conflict-personal-relationship']);
  });

  // s.4(4)(a): "given and received" within the 72 hours: a receipt recorded before the signature is judged on the signature.
  it.each<[string, string, string, string, string | null]>([
    [
      'received before it was examined, signed after the 72 hours: lapsed',
      '2026-03-31T11:00:00Z',
      '2026-03-31T11:30:00Z',
      '2026-03-31T08:00:00Z',
      null,
    ],
    [
      'received before it was signed, signed within the 72 hours: converts at the signature',
      '2026-03-30T09:00:00Z',
      '2026-03-30T09:30:00Z',
      '2026-03-30T08:00:00Z',
      '2026-03-30T09:30:00.000Z',
    ],
    [
      'received at its signature: converts then',
      '2026-03-31T09:00:00Z',
      '2026-03-31T10:00:00Z',
      '2026-03-31T10:00:00Z',
      '2026-03-31T10:00:00.000Z',
    ],
  ])('APP-11: a second recommendation %s', (_name, examinedAt, signedAt, received, convertsAt) => {
    const result = s4Conversion(s4({ examinedAt: at(examinedAt), signedAt: at(signedAt), receivedByManagersAt: at(received) }));
    expect(result.convertsAt?.toISOString() ?? null).toBe(convertsAt);
    expect(result.valid).toBe(convertsAt !== null);
    if (convertsAt === null) {
      expect(result.findings.map((f) => f.code)).toEqual(['s4-second-recommendation-late']);
      expect(result.findings[0].message).toContain('was signed at Tue 31 Mar 2026 12:30 BST');
      expect(result.findings[0].message).toContain('before it was signed');
    }
  });

  it('s4Conversion needs a s.4 application', () => {
    expect(() => s4Conversion(facts('s2'))).toThrow(RangeError);
    expect(s4Conversion(withApp(facts('s4'), { admittedAt: null })).findings.map((f) => f.code)).toEqual(['s4-not-admitted']);
  });

  it('a converted s.4 shows the s.2 expiry from the s.4 admission', () => {
    const c = checked(s4(), '2026-03-31T12:00:00Z');
    expect(codes(c)).toEqual(['COP-08:warning:s4-genuine-emergency-only']);
    expect(deadline(c, 's2-expiry').at.toISOString()).toBe('2026-04-24T23:00:00.000Z');
    expect(deadline(c, 's2-expiry').label).toBe('Section 2 (converted from s.4) lapses');
    expect(deadline(c, 's4-second-recommendation').basis).toContain('Converted to s.2.');
    expect(deadline(c, 's2-expiry').basis).toContain('the s.4 admission (Sat 28 Mar 2026, day 1)');
  });

  it('while the 72 hours run, a missing second recommendation is a warning; after them, the s.4 has lapsed', () => {
    expect(codes(checked(s4(null), '2026-03-31T10:00:00Z'))).toContain('APP-11:warning:s4-second-recommendation-missing');
    const after = checked(s4(null), '2026-03-31T10:00:01Z');
    expect(blockers(after)).toEqual(['APP-11:s4-lapsed']);
    expect(finding(after, 's4-lapsed').message).toContain('The s.4 lapsed at Tue 31 Mar 2026 11:00 BST');
  });

  it.each<[string, Date | null, string, string]>([
    // The s.4 examination Tue 3 Mar 2026 17:00 GMT: + 6 days is the end of Mon 9 Mar, after the s.4 has ended.
    [
      'admitted Tue 3 Mar 19:00: the 72 hours end Fri 6 Mar 19:00',
      at('2026-03-03T19:00:00Z'),
      '2026-03-06T19:00:00.000Z',
      'the s.4 ends at Fri 6 Mar 2026 19:00 GMT, 72 hours after admission',
    ],
    [
      'not admitted: at the latest 72 hours after the conveyance window (Wed 4 Mar 17:00)',
      null,
      '2026-03-07T17:00:00.000Z',
      'no admission is recorded, and the s.4 ends at the latest at Sat 7 Mar 2026 17:00 GMT',
    ],
  ])('MED-02 for the conversion is capped by the s.4 itself (APP-11): %s', (_name, admittedAt, end, basis) => {
    const d = deadline(checked(withApp(facts('s4'), { admittedAt }), '2026-03-03T20:00:00Z'), 'second-examination');
    expect(d.at.toISOString()).toBe(end);
    expect(d.basis).toContain('the second must be on or before Mon 9 Mar 2026');
    expect(d.basis).toContain(basis);
  });

  it('APP-14: conveyance within 24 hours of the earlier of the examination and the application', () => {
    const d = deadline(checked(s4(null), '2026-03-28T12:00:00Z'), 'conveyance');
    expect(d.rule).toBe('APP-14');
    expect(d.at.toISOString()).toBe('2026-03-29T08:00:00.000Z'); // examined 08:00Z, before the 09:00Z application
  });

  it('APP-14: a s.4 admitted after its 24 hours is not invited to convert: no 72-hour clock, no second recommendation awaited, no conversion', () => {
    // Examined Sat 28 Mar 08:00Z: the authority to convey ended Sun 29 Mar 08:00Z; admitted at 09:00Z.
    const late = withApp(s4(null), { admittedAt: at('2026-03-29T09:00:00Z') });
    const c = checked(late, '2026-03-29T12:00:00Z');
    expect(blockers(c)).toEqual(['APP-14:admitted-after-conveyance-window']);
    expect(codes(c).filter((x) => x.startsWith('APP-11'))).toEqual([]);
    expect(c.deadlines.map((d) => d.id)).not.toEqual(expect.arrayContaining(['s4-second-recommendation']));
    expect(c.deadlines.map((d) => d.id)).not.toContain('second-examination');
    const conversion = s4Conversion(withApp(s4(), { admittedAt: at('2026-03-29T09:00:00Z') }));
    expect(conversion).toMatchObject({ valid: false, convertsAt: null, s2Expiry: null });
    expect(conversion.findings.map((x) => `${x.rule}:${x.code}`)).toEqual(['APP-11:s4-admitted-after-conveyance-window']);
    expect(conveyanceWindow(late)).toMatchObject({ rule: 'APP-14', admittedTooLate: true, endsAt: at('2026-03-29T08:00:00Z') });
  });

  it('APP-05: the applicant must have seen the patient in person in the 24 hours before applying', () => {
    const f = s4(null);
    const seenAt = (iso: string) =>
      blockers(checked({ ...f, contacts: [{ at: at(iso), mode: 'in-person', byApplicant: true }] }, '2026-03-28T12:00:00Z'));
    expect(seenAt('2026-03-27T10:00:00Z')).toEqual([]); // 23 hours before
    expect(seenAt('2026-03-27T08:00:00Z')).toEqual(['APP-05:applicant-not-seen-within-24-hours']); // 25 hours before
  });

  // Held-out cases over the autumn clock change (C5: hours are elapsed time; the clocks go back at 02:00 BST on Sun 25 Oct
  // 2026). The application is signed Sat 24 Oct 2026 22:00 BST (21:00Z), the s.4 examination an hour before it.
  const autumn = (over: Partial<ApplicationFacts> = {}, contactAt?: string) => {
    const f = withApp(facts('s4', '2026-10-24T21:00:00Z'), over);
    return contactAt ? { ...f, contacts: [{ at: at(contactAt), mode: 'in-person' as const, byApplicant: true }] } : f;
  };
  it.each([
    ['seen Fri 23 Oct 22:00 BST, exactly 24 hours before: counts', '2026-10-23T21:00:00Z', true],
    ['seen Fri 23 Oct 21:59 BST, 24 hours and a minute before: does not count', '2026-10-23T20:59:00Z', false],
  ])('APP-05, held-out: %s', (_name, contact, ok) => {
    const c = checked(autumn({}, contact), '2026-10-24T21:30:00Z');
    expect(blockers(c).includes('APP-05:applicant-not-seen-within-24-hours')).toBe(!ok);
  });

  it('APP-14, held-out: examined Sat 24 Oct 21:00 BST → conveyance by Sun 25 Oct 20:00 GMT, 24 elapsed hours across the clocks going back', () => {
    const d = deadline(checked(autumn({ admittedAt: null }), '2026-10-24T21:30:00Z'), 'conveyance');
    expect(d.at.toISOString()).toBe('2026-10-25T20:00:00.000Z');
    expect(local(d.at)).toBe('Sun 25 Oct 2026 20:00 GMT');
    expect(blockers(checked(autumn({ admittedAt: at('2026-10-25T19:59:00Z') }), '2026-10-25T20:30:00Z'))).not.toContain(
      'APP-14:admitted-after-conveyance-window',
    );
    expect(blockers(checked(autumn({ admittedAt: at('2026-10-25T20:00:00Z') }), '2026-10-25T20:30:00Z'))).toContain(
      'APP-14:admitted-after-conveyance-window',
    );
  });

  it.each([
    ['received Tue 27 Oct 23:00 GMT, the 72nd elapsed hour: converts', '2026-10-27T23:00:00Z', true],
    ['received Tue 27 Oct 23:01 GMT: lapsed', '2026-10-27T23:01:00Z', false],
    ['received Wed 28 Oct 00:00 GMT, 72 wall-clock hours after 00:00 BST but 73 elapsed: lapsed', '2026-10-28T00:00:00Z', false],
  ])('APP-11, held-out: admitted Sun 25 Oct 2026 00:00 BST (24 Oct 23:00Z), second recommendation %s', (_name, received, valid) => {
    const f = autumn({ admittedAt: at('2026-10-24T23:00:00Z') });
    const second = examined(at('2026-10-26T10:00:00Z'), {
      id: 'rB',
      doctorName: 'Dr Brown',
      section: 's2',
      s12ApprovedOnExamDate: false,
      previousAcquaintance: true,
      receivedByManagersAt: at(received),
    });
    const declared = assessor('rB', 'doctor', 'Dr Brown', ['Riverside GP practice'], at('2026-10-26T09:00:00Z'));
    const result = s4Conversion({ ...withRecs(f, [...f.recommendations, second]), assessors: [...f.assessors, declared] });
    expect(result.valid).toBe(valid);
    // Converted, the s.2 runs from the s.4 admission: day 1 is Sun 25 Oct, day 28 Sat 21 Nov (GMT).
    expect(result.s2Expiry?.toISOString() ?? null).toBe(valid ? '2026-11-22T00:00:00.000Z' : null);
  });

  it('APP-10: the undesirable-delay statement is required, and s.4 is always flagged as for genuine emergencies only (COP-08)', () => {
    const c = checked(withApp(s4(null), { undesirableDelayStatement: false }), '2026-03-28T12:00:00Z');
    expect(blockers(c)).toEqual(['APP-10:undesirable-delay-statement-missing']);
    expect(codes(c)).toContain('COP-08:warning:s4-genuine-emergency-only');
  });

  it('MED-03 is not required for the single s.4 recommendation', () => {
    const f = s4(null);
    expect(blockers(checked(withRecs(f, [{ ...f.recommendations[0], s12ApprovedOnExamDate: false }]), '2026-03-28T12:00:00Z'))).toEqual([]);
  });

  it("the s.4 recommendation's doctor without previous acquaintance needs a reason (s.4(3))", () => {
    const f = s4(null);
    expect(blockers(checked(withRecs(f, [{ ...f.recommendations[0], noAcquaintanceReason: null }]), '2026-03-28T12:00:00Z'))).toEqual([
      'MED-04:previous-acquaintance-reason-missing',
    ]);
  });
});

describe('medical recommendations (MED-01, MED-03, MED-04, MED-06, APP-07, APP-09)', () => {
  it('MED-01: a recommendation signed after the application date is a blocker', () => {
    const f = facts();
    const nextDay = { ...f.recommendations[1], signedAt: at('2026-03-04T00:30:00Z') };
    const c = checked(withRecs(f, [f.recommendations[0], nextDay]));
    expect(blockers(c)).toEqual(['MED-01:recommendation-signed-after-application']);
    expect(finding(c, 'recommendation-signed-after-application').message).toContain(
      'signed the recommendation on Wed 4 Mar 2026, after the application date (Tue 3 Mar 2026)',
    );
  });

  // s.2(3), s.3(3), s.4(3), s.7(3): founded on recommendations already given, judged by the instant, not the date.
  // The application is signed at 18:00 on Tue 3 Mar; the last founding recommendation is changed.
  it.each<[Section, string, string, string | null]>([
    ['s2', 'examined and signed later the same day', '2026-03-03T19:00:00Z', 'recommendation-examined-after-application'],
    ['s3', 'examined and signed later the same day', '2026-03-03T19:00:00Z', 'recommendation-examined-after-application'],
    ['s4', 'examined and signed later the same day', '2026-03-03T19:00:00Z', 'recommendation-examined-after-application'],
    ['s7', 'examined and signed later the same day', '2026-03-03T19:00:00Z', 'recommendation-examined-after-application'],
    [
      's2',
      'examined before, signed ten minutes after',
      '2026-03-03T17:00:00Z|2026-03-03T18:10:00Z',
      'recommendation-signed-after-application',
    ],
    [
      's4',
      'examined before, signed ten minutes after',
      '2026-03-03T17:00:00Z|2026-03-03T18:10:00Z',
      'recommendation-signed-after-application',
    ],
    ['s2', 'examined and signed at the very instant', '2026-03-03T18:00:00Z', null],
    // Recorded on two devices, a minute apart is within the skew any recorded time has: not told apart.
    ['s2', 'examined before, signed a minute after', '2026-03-03T17:00:00Z|2026-03-03T18:01:00Z', null],
    ['s3', 'examined and signed an hour before', '2026-03-03T17:00:00Z', null],
  ])('MED-01: a %s application whose last recommendation was %s', (section, _name, when, code) => {
    const f = facts(section);
    const [examinedAt, signedAt] = when.split('|').map(at);
    const recs = [...f.recommendations];
    recs[recs.length - 1] = { ...recs[recs.length - 1], examinedAt, signedAt: signedAt ?? examinedAt };
    const c = checked(withRecs(f, recs));
    const med01 = blockers(c).filter((b) => b.startsWith('MED-01'));
    expect(med01).toEqual(code ? [`MED-01:${code}`] : []);
    if (code === 'recommendation-examined-after-application')
      expect(finding(c, code).message).toContain(
        'examined the patient at Tue 3 Mar 2026 19:00 GMT, after the application was signed at Tue 3 Mar 2026 18:00 GMT',
      );
    if (code === 'recommendation-signed-after-application')
      expect(finding(c, code).message).toContain(
        'at Tue 3 Mar 2026 18:10 GMT, after the application was signed at Tue 3 Mar 2026 18:00 GMT',
      );
  });

  // APP-16 (s.15(3)(a)): a fresh recommendation given in rectification days after the s.2 signed Tue 3 Mar 18:00 GMT
  // (the first examination Mon 2 Mar 12:00) is not judged on the time of its signature nor the interval between the
  // examinations; everything else of s.12 still is, and the authority to convey still runs from the examinations made on.
  it.each<[string, string, boolean, string[]]>([
    [
      'examined Mon 9 Mar, not marked fresh',
      '2026-03-09T10:00:00Z',
      false,
      ['MED-01:recommendation-examined-after-application', 'MED-02:examinations-too-far-apart'],
    ],
    ['examined Mon 9 Mar, fresh under s.15(3)', '2026-03-09T10:00:00Z', true, []],
    ['examined Wed 4 Mar, fresh under s.15(3)', '2026-03-04T10:00:00Z', true, []],
  ])('APP-16: a replacement recommendation %s', (_name, when, fresh, expected) => {
    const f = facts('s2');
    const recs = [
      f.recommendations[0],
      { ...f.recommendations[1], id: 'rFresh', examinedAt: at(when), signedAt: at(when), ...(fresh ? { freshUnderS15: true } : {}) },
    ];
    const c = checked(withRecs(f, recs));
    expect(blockers(c).filter((b) => b.startsWith('MED-0'))).toEqual(expected);
    // The authority to convey runs from the examination the application keeps (Mon 2 Mar): to the end of Sun 15 Mar.
    if (fresh) expect(c.deadlines.find((d) => d.id === 'conveyance')?.at).toEqual(at('2026-03-16T00:00:00Z'));
  });

  it('APP-16 with APP-13: the authority to convey runs from the examinations the application was made on, the replaced one included', () => {
    const f = facts('s2');
    const [first, replaced] = f.recommendations;
    const fresh = {
      ...replaced,
      id: 'rFresh',
      examinedAt: at('2026-03-09T10:00:00Z'),
      signedAt: at('2026-03-09T10:30:00Z'),
      freshUnderS15: true,
    };
    const c = checked(withApp(withRecs(f, [first, fresh]), { replacedUnderS15: [replaced] }));
    // The last examination it was made on: Tue 3 Mar (the replaced one), so to the end of Mon 16 Mar.
    expect(c.deadlines.find((d) => d.id === 'conveyance')?.at).toEqual(at('2026-03-17T00:00:00Z'));
  });

  it('APP-16: a fresh recommendation still needs an in-person examination and the s.12 approval between the two (MED-02, MED-03)', () => {
    const f = facts('s2');
    const fresh = { ...f.recommendations[0], id: 'rFresh', freshUnderS15: true };
    const byVideo = checked(withRecs(f, [{ ...fresh, examMode: 'video' as const }, f.recommendations[1]]));
    expect(blockers(byVideo)).toContain('MED-02:examination-not-in-person');
    const unapproved = checked(withRecs(f, [{ ...fresh, s12ApprovedOnExamDate: false }, f.recommendations[1]]));
    expect(blockers(unapproved)).toContain('MED-03:no-s12-approved-doctor');
  });

  it('MED-01: a recommendation signed before the examination is a blocker', () => {
    const f = facts();
    const c = checked(
      withRecs(f, [{ ...f.recommendations[0], signedAt: plusH(f.recommendations[0].examinedAt, -1) }, f.recommendations[1]]),
    );
    expect(blockers(c)).toEqual(['MED-01:recommendation-signed-before-examination']);
  });

  it.each<[string, Partial<RecommendationFacts>, Partial<RecommendationFacts>, string[], string[]]>([
    ['one s.12-approved doctor is enough', {}, {}, [], []],
    ['an approved clinician counts as s.12-approved', { s12ApprovedOnExamDate: false, approvedClinicianOnExamDate: true }, {}, [], []],
    ['neither approved is a blocker', { s12ApprovedOnExamDate: false }, {}, ['MED-03:no-s12-approved-doctor'], []],
    [
      'an approval not checked against the register is a warning',
      { approvalVerified: false },
      {},
      [],
      ['MED-03:warning:approval-not-verified'],
    ],
    [
      'a verified approval on the other doctor makes an unverified one irrelevant',
      { approvalVerified: false },
      { s12ApprovedOnExamDate: true },
      [],
      [],
    ],
  ])('MED-03: %s', (_name, a, b, expectedBlockers, expectedWarnings) => {
    const f = facts();
    const c = checked(
      withRecs(f, [
        { ...f.recommendations[0], ...a },
        { ...f.recommendations[1], ...b },
      ]),
    );
    expect(blockers(c)).toEqual(expectedBlockers);
    expect(codes(c).filter((x) => x.includes(':warning:'))).toEqual(expectedWarnings);
  });

  it('MED-03 and MED-04 name both doctors', () => {
    const f = facts();
    const c = checked(
      withRecs(f, [
        { ...f.recommendations[0], s12ApprovedOnExamDate: false },
        { ...f.recommendations[1], previousAcquaintance: false },
      ]),
    );
    expect(finding(c, 'no-s12-approved-doctor').message).toMatch(
      /^Neither Dr Adams nor Dr Brown was s\.12-approved or an approved clinician on the day they examined the patient\./,
    );
    expect(finding(c, 'previous-acquaintance-reason-missing').message).toMatch(
      /^Neither Dr Adams nor Dr Brown had previous acquaintance with the patient/,
    );
  });

  it.each<[string, Partial<RecommendationFacts>, string[]]>([
    [
      'neither doctor knew the patient and no reason: blocker',
      { previousAcquaintance: false },
      ['MED-04:previous-acquaintance-reason-missing'],
    ],
    [
      'neither knew the patient but a reason is recorded: fine',
      { previousAcquaintance: false, noAcquaintanceReason: 'GP surgery closed at the weekend.' },
      [],
    ],
    [
      'a blank reason is no reason',
      { previousAcquaintance: false, noAcquaintanceReason: '   ' },
      ['MED-04:previous-acquaintance-reason-missing'],
    ],
  ])('MED-04: %s', (_name, b, expected) => {
    const f = facts();
    expect(blockers(checked(withRecs(f, [f.recommendations[0], { ...f.recommendations[1], ...b }])))).toEqual(expected);
  });

  it('MED-06: a s.3 recommendation must say why informal treatment is inappropriate and where treatment is available', () => {
    const f = facts('s3');
    const c = checked(
      withRecs(f, [{ ...f.recommendations[0], informalInappropriateReason: null, treatmentAvailableAt: '' }, f.recommendations[1]]),
    );
    expect(blockers(c)).toEqual(['MED-06:informal-inappropriate-reason-missing', 'MED-06:treatment-availability-missing']);
  });

  // APP-08 (s.3(2)(d), s.3(3)): the recommendations (A7/A8) name where appropriate treatment is available; the
  // application (A6) must be addressed to a hospital they name. The facts: both say "Riverside Hospital".
  it.each<[string, string | null, [string | null, string | null], string[]]>([
    [
      'the hospital both recommendations name, with a ward',
      'Riverside Hospital, Willow Ward',
      ['Riverside Hospital', 'Riverside Hospital'],
      [],
    ],
    [
      'a hospital neither recommendation names',
      'Southshire Royal Infirmary, Ward 9',
      ['Riverside Hospital', 'Riverside Hospital'],
      ['APP-08:hospital-not-in-recommendation', 'APP-08:hospital-not-in-recommendation'],
    ],
    [
      'a hospital only one recommendation names',
      'Southshire Royal Infirmary, Ward 9',
      ['Riverside Hospital', 'Riverside Hospital; Southshire Royal Infirmary'],
      ['APP-08:hospital-not-in-recommendation'],
    ],
    [
      'one of the hospitals each recommendation names',
      'Southshire Royal Infirmary',
      ['Riverside or Southshire Royal Infirmary', 'Southshire Royal Infirmary, Ward 9'],
      [],
    ],
    [
      'no hospital site yet: APP-03 asks for it, APP-08 waits',
      null,
      ['Riverside Hospital', 'Riverside Hospital'],
      ['APP-03:hospital-site-missing'],
    ],
  ])('APP-08: a s.3 application to %s', (_name, hospitalSite, named, expected) => {
    const f = withApp(facts('s3'), { hospitalSite });
    const c = checked(
      withRecs(
        f,
        f.recommendations.map((r, i) => ({ ...r, treatmentAvailableAt: named[i] })),
      ),
    );
    expect(blockers(c)).toEqual(expected);
  });

  it("APP-08: the blocker names the doctor, the hospital they named and the application's", () => {
    const f = withApp(facts('s3'), { hospitalSite: 'Southshire Royal Infirmary, Ward 9' });
    const c = checked(withRecs(f, [f.recommendations[0], { ...f.recommendations[1], treatmentAvailableAt: 'Southshire Royal Infirmary' }]));
    expect(finding(c, 'hospital-not-in-recommendation').message).toBe(
      "Dr Adams's s.3 recommendation states that appropriate medical treatment is available at Riverside Hospital, but the application is addressed to Southshire Royal Infirmary, Ward 9. The application must be to a hospital the recommendations name: address it to one of them, or ask Dr Adams for a recommendation naming Southshire Royal Infirmary, Ward 9.",
    );
    expect(blockers(checked(withApp(f, { section: 's2' })))).not.toContain('APP-08:hospital-not-in-recommendation');
  });

  it.each<[string, string, boolean]>([
    ['Northshire General, Beech Ward', 'Northshire General Hospital, Beech Ward', true],
    ['Northshire General Hospital', 'Beech Ward, Northshire General Hospital', true],
    ["St Mary's", 'St Marys Hospital, Ward 2', true],
    ['The Royal & General', 'Royal and General Hospital', true],
    ['Northshire General', 'Southshire Royal Infirmary, Ward 9', false],
    ['Northshire General', 'Northshire Royal', false],
    ['Hospital', 'Northshire General Hospital', false],
  ])('APP-08: %j names the site %j: %s', (named, site, expected) => {
    expect(namesHospital(named, site)).toBe(expected);
  });

  it('APP-07: one recommendation is not enough for a s.2', () => {
    const f = facts();
    const c = checked(withRecs(f, [f.recommendations[0]]));
    expect(blockers(c)).toEqual(['APP-07:second-recommendation-missing']);
    expect(finding(c, 'second-recommendation-missing').message).toContain('A s.2 application needs two');
  });

  it('APP-07: two recommendations by the same doctor are not two', () => {
    const f = facts();
    expect(blockers(checked(withRecs(f, [f.recommendations[0], { ...f.recommendations[1], doctorName: ' dr adams ' }])))).toContain(
      'APP-07:recommendations-same-doctor',
    );
  });

  // "Different doctors" (s.2(3), s.12) by who they are: the GMC number (the register's, or given for an ad hoc doctor).
  it.each<[string, Partial<RecommendationFacts>, Partial<RecommendationFacts>, string | null]>([
    [
      'two register doctors who share a name are two doctors',
      { doctorId: 'd1', gmcNumber: '4100001', doctorName: 'Dr Helen Marsh' },
      { doctorId: 'd2', gmcNumber: '7056789', doctorName: 'Dr Helen Marsh' },
      null,
    ],
    [
      'one register doctor twice is one doctor',
      { doctorId: 'd1', gmcNumber: '4100001' },
      { doctorId: 'd1', gmcNumber: '4100001', doctorName: 'Dr Brown' },
      'blocker:recommendations-same-doctor',
    ],
    [
      'the register doctor and an ad hoc entry with her GMC number are one doctor',
      { doctorId: 'd1', gmcNumber: '7034567', doctorName: 'Dr Aisha Bello' },
      { doctorId: null, gmcNumber: '7034567', doctorName: 'A. Bello' },
      'blocker:recommendations-same-doctor',
    ],
    [
      'an ad hoc entry with the name of the register doctor (titles aside) and no GMC number may be her',
      { doctorId: 'd1', gmcNumber: '7034567', doctorName: 'Dr Aisha Bello' },
      { doctorId: null, gmcNumber: null, doctorName: 'Aisha Bello' },
      'warning:recommendations-doctor-may-be-same',
    ],
    [
      'an ad hoc entry with the same name and another GMC number is another doctor',
      { doctorId: 'd1', gmcNumber: '7034567', doctorName: 'Dr Aisha Bello' },
      { doctorId: null, gmcNumber: '7111111', doctorName: 'Aisha Bello' },
      null,
    ],
    [
      'two ad hoc entries of one name, neither with a GMC number, are one doctor',
      { doctorName: 'Dr Jo Ng' },
      { doctorName: 'Jo  Ng' },
      'blocker:recommendations-same-doctor',
    ],
    [
      'an ad hoc entry with another name is another doctor',
      { doctorId: 'd1', gmcNumber: '7034567', doctorName: 'Dr Aisha Bello' },
      { doctorName: 'Dr Sam Lloyd' },
      null,
    ],
  ])('APP-07: %s', (_name, first, second, expected) => {
    const f = facts();
    const c = checked(
      withRecs(f, [
        { ...f.recommendations[0], ...first },
        { ...f.recommendations[1], ...second },
      ]),
    );
    const found = c.findings.filter((x) => x.code.startsWith('recommendations-')).map((x) => `${x.severity}:${x.code}`);
    expect(found).toEqual(expected ? [expected] : []);
    if (expected?.startsWith('warning'))
      expect(c.findings.find((x) => x.code === 'recommendations-doctor-may-be-same')!.message).toContain('Record the GMC number');
  });

  it('APP-07: a recommendation for another section cannot found the application', () => {
    const f = facts('s3');
    const c = checked(withRecs(f, [f.recommendations[0], { ...f.recommendations[1], section: 's2' }]));
    expect(blockers(c)).toEqual(['APP-07:recommendation-section-mismatch', 'APP-08:second-recommendation-missing']);
    expect(finding(c, 'recommendation-section-mismatch').message).toContain('(A8 or A7)');
  });

  it.each<[Section, boolean]>([
    ['s3', true],
    ['s7', true],
    ['s2', false],
  ])('APP-09: learning disability without the qualifying conduct blocks %s: %s', (section, blocks) => {
    const f = facts(section);
    const c = checked(withRecs(f, [{ ...f.recommendations[0], learningDisabilityOnly: true }, f.recommendations[1]]));
    expect(blockers(c).includes('APP-09:learning-disability-without-qualifying-conduct')).toBe(blocks);
    const withConduct = checked(
      withRecs(f, [{ ...f.recommendations[0], learningDisabilityOnly: true, ldQualifyingConduct: true }, f.recommendations[1]]),
    );
    expect(blockers(withConduct)).toEqual([]);
  });
});

describe('the application (APP-01, APP-03, APP-06, COP-03)', () => {
  it.each<[string, Partial<ApplicationFacts>, string[]]>([
    ['APP-01: an applicant whose AMHP approval was not current', { applicantApprovedAtSigning: false }, ['APP-01:applicant-not-approved']],
    ['APP-03: no hospital site', { hospitalSite: ' ' }, ['APP-03:hospital-site-missing']],
    [
      'COP-03: practical matters not recorded',
      { practicalMatters: { dependants: null, pets: 'None', property: null } },
      ['COP-03:practical-matters-missing'],
    ],
  ])('%s is a blocker', (_name, over, expected) => {
    expect(blockers(checked(withApp(facts(), over)))).toEqual(expected);
  });

  it('COP-03 names what is missing', () => {
    const c = checked(withApp(facts(), { practicalMatters: { dependants: null, pets: null, property: null } }));
    expect(finding(c, 'practical-matters-missing').message).toBe(
      'Record the arrangements for dependent children or adults the patient cares for, pets and the home and property (write "none" if there are none) before the application is made.',
    );
  });

  it.each<[string, AssessmentFacts['interview'], string[]]>([
    ['no interview', null, ['APP-06:interview-not-recorded']],
    [
      'no notes on the manner',
      { suitableMannerNotes: null, alternativesConsidered: ['Crisis house'] },
      ['APP-06:interview-manner-not-recorded'],
    ],
    ['no alternative considered', { suitableMannerNotes: 'At home.', alternativesConsidered: [' '] }, ['APP-06:alternatives-not-recorded']],
    [
      'notes of left-to-right marks and a zero-width space (nothing a reader sees)',
      { suitableMannerNotes: '\u200e\u200b', alternativesConsidered: ['Crisis house'] },
      ['APP-06:interview-manner-not-recorded'],
    ],
    [
      'alternatives of soft hyphens, the braille blank and a Hangul filler',
      { suitableMannerNotes: 'At home.', alternativesConsidered: ['\u00ad\u00ad', '\u2800', '\u3164'] },
      ['APP-06:alternatives-not-recorded'],
    ],
  ])('APP-06: %s is a blocker', (_name, interview, expected) => {
    expect(blockers(checked({ ...facts(), interview }))).toEqual(expected);
  });

  it('APP-01: a nearest-relative applicant must be the identified nearest relative', () => {
    const f = withNr(facts('s2', undefined, 'nearest-relative'), { identified: false });
    expect(blockers(checked(f))).toEqual(['APP-01:nearest-relative-applicant-not-confirmed']);
  });

  it('APP-12: an admission before the application is signed is flagged', () => {
    const f = facts();
    expect(blockers(checked(withApp(f, { admittedAt: plusH(f.application!.signedAt, -1) })))).toEqual([
      'APP-12:admitted-before-application',
    ]);
  });

  it.each<[string, Partial<ApplicationFacts>, string[], string | null]>([
    ["the managers' receipt after the signing", { managersReceivedAt: plusH(at('2026-03-03T18:00:00Z'), 0.5) }, [], null],
    [
      "the managers' receipt before the signing",
      { managersReceivedAt: plusH(at('2026-03-03T18:00:00Z'), -0.5) },
      ['APP-12:managers-received-before-application'],
      "The hospital managers' receipt of the application is recorded at Tue 3 Mar 2026 17:30 GMT, before the application was signed at Tue 3 Mar 2026 18:00 GMT",
    ],
    [
      'an in-patient whose receipt (the admission) is before the signing',
      { inPatient: true, managersReceivedAt: plusH(at('2026-03-03T18:00:00Z'), -0.5), admittedAt: plusH(at('2026-03-03T18:00:00Z'), -0.5) },
      ['APP-12:admitted-before-application'],
      'The patient is already in hospital, so the application takes effect when the hospital managers receive it',
    ],
  ])('APP-12: %s', (_name, over, expected, words) => {
    const c = checked(withApp(facts(), over));
    expect(blockers(c)).toEqual(expected);
    if (words) expect(c.findings.find((f) => f.rule === 'APP-12')?.message).toContain(words);
  });

  // HOLD-01 / HOLD-02 with APP-12 (s.5(1)): a s.5(2) ending at 18:30 GMT; the application (signed 18:00) takes effect on receipt.
  it.each<[string, string, 'HOLD-01' | 'HOLD-02', string[]]>([
    ['received before the holding power ends: it took effect in time', '2026-03-03T18:29:00Z', 'HOLD-01', []],
    [
      'received at the 72nd hour exactly: too late (half-open)',
      '2026-03-03T18:30:00Z',
      'HOLD-01',
      ['HOLD-01:warning:holding-power-lapsed-before-application'],
    ],
    ['received 30 minutes after it ended', '2026-03-03T19:00:00Z', 'HOLD-01', ['HOLD-01:warning:holding-power-lapsed-before-application']],
    [
      "a nurse's s.5(4) (HOLD-02) that ended before the receipt",
      '2026-03-03T19:00:00Z',
      'HOLD-02',
      ['HOLD-02:warning:holding-power-lapsed-before-application'],
    ],
  ])('HOLD-01/02: an in-patient application %s', (_name, receivedAt, rule, expected) => {
    const received = at(receivedAt);
    const c = checked(
      withApp(facts(), {
        inPatient: true,
        managersReceivedAt: received,
        admittedAt: received,
        holdingPower: { rule, endsAt: at('2026-03-03T18:30:00Z') },
      }),
    );
    expect(codes(c).filter((x) => x.startsWith('HOLD'))).toEqual(expected);
    if (expected.length)
      expect(finding(c, 'holding-power-lapsed-before-application').message).toContain(
        'The holding power lapsed at Tue 3 Mar 2026 18:30 GMT, before the application took effect',
      );
  });

  it("APP-12: an in-patient's s.2 runs from the managers' receipt (its admission)", () => {
    const received = at('2026-03-03T18:20:00Z');
    const c = checked(withApp(facts(), { inPatient: true, managersReceivedAt: received, admittedAt: received }));
    expect(deadline(c, 's2-expiry').basis).toContain('beginning with the day of admission (Tue 3 Mar 2026, day 1)');
  });
});

describe('conflicts of interest (COI-*)', () => {
  const teams = (f: AssessmentFacts, t: string[][]) => ({ ...f, assessors: f.assessors.map((a, i) => ({ ...a, teams: t[i] })) });

  it('COI-05: all three assessors in one team is a blocker', () => {
    const c = checked(teams(facts(), [['North CMHT'], ['North CMHT', 'Crisis'], ['north cmht ']]));
    expect(blockers(c)).toEqual(['COI-05:three-assessors-one-team']);
    expect(finding(c, 'three-assessors-one-team').message).toContain(
      'All three assessors (Sam Okafor (AMHP), Dr Adams, Dr Brown) are in the same clinical team (North CMHT)',
    );
  });

  it('COI-06: with urgent necessity recorded, the three-in-one-team conflict is allowed with a warning', () => {
    const c = checked(
      withApp(teams(facts(), [['North CMHT'], ['North CMHT'], ['North CMHT']]), {
        urgentNecessity: 'Patient on a roof; no other doctor within 3 hours.',
      }),
    );
    expect(blockers(c)).toEqual([]);
    expect(codes(c)).toEqual(['COI-06:warning:three-assessors-one-team-urgent']);
  });

  it('COI-05: two of the three in one team is not a conflict', () => {
    expect(codes(checked(teams(facts(), [['North CMHT'], ['North CMHT'], ['GP practice']])))).toEqual([]);
  });

  it('COI-06 does not excuse other conflicts (a declared personal relationship)', () => {
    const f = withApp(facts(), { urgentNecessity: 'Serious risk.' });
    const c = checked({
      ...f,
      assessors: f.assessors.map((a, i) => (i === 1 ? { ...a, declaration: { ...a.declaration!, personal: true } } : a)),
    });
    expect(blockers(c)).toEqual(['COI-08:conflict-personal-relationship']);
  });

  it.each<[string, (a: AssessorFacts[]) => AssessorFacts[], string[]]>([
    ['a missing declaration', (a) => a.map((x, i) => (i === 2 ? { ...x, declaration: null } : x)), ['COI-09:conflict-declaration-missing']],
    [
      'a declared financial interest',
      (a) => a.map((x, i) => (i === 0 ? { ...x, declaration: { ...x.declaration!, financial: true } } : x)),
      ['COI-01:conflict-financial-interest'],
    ],
    [
      'a declared business link',
      (a) => a.map((x, i) => (i === 1 ? { ...x, declaration: { ...x.declaration!, business: true } } : x)),
      ['COI-02:conflict-business'],
    ],
    [
      'a doctor who manages the other doctor',
      (a) => a.map((x, i) => (i === 1 ? { ...x, directsOrEmploys: ['dB'] } : x)),
      ['COI-03:conflict-directs-or-employs'],
    ],
    [
      'an assessor who employs the patient',
      (a) => a.map((x, i) => (i === 0 ? { ...x, directsOrEmploys: ['patient'] } : x)),
      ['COI-03:conflict-directs-or-employs'],
    ],
    ['no assessors recorded', () => [], ['COI-09:assessors-not-recorded']],
    ['the AMHP missing from the assessors', (a) => a.slice(1), ['COI-09:amhp-not-in-conflict-check']],
  ])('%s is a blocker', (_name, change, expected) => {
    const f = facts();
    expect(blockers(checked({ ...f, assessors: change(f.assessors) }))).toEqual(expected);
  });

  // COI (SI 2008/1205 reg 2): the assessors are the applicant and the doctors whose recommendations found the application.
  // The facts: Dr Adams (rA) and Dr Brown (rB) recommend; their records are dA and dB, found by name (entered ad hoc).
  const other = (id: string, name: string, teams: string[] = ['Elsewhere']) =>
    assessor(id, 'doctor', name, teams, at('2026-03-03T10:00:00Z'));
  const amhpOnly = (f: AssessmentFacts) => f.assessors.filter((a) => a.role === 'amhp');
  const onRegister = (f: AssessmentFacts) =>
    withRecs(
      f,
      f.recommendations.map((r, i) => (i === 0 ? { ...r, doctorId: 'reg-adams' } : r)),
    );
  it.each<[string, (f: AssessmentFacts) => AssessmentFacts, string[]]>([
    [
      'declarations by two doctors who gave neither recommendation count for neither recommending doctor',
      (f) => ({ ...f, assessors: [...amhpOnly(f), other('x1', 'Dr Somebody Else'), other('x2', 'Dr Another Person')] }),
      ['Dr Adams', 'Dr Brown'],
    ],
    [
      'a declaration by one of the two recommending doctors leaves the other undeclared',
      (f) => ({ ...f, assessors: f.assessors.filter((a) => a.name !== 'Dr Brown') }),
      ['Dr Brown'],
    ],
    [
      'a register doctor declared under the recommendation id is found',
      (f) => onRegister({ ...f, assessors: f.assessors.map((a) => (a.id === 'dA' ? { ...a, id: 'rA', name: 'Adams' } : a)) }),
      [],
    ],
    [
      'a register doctor declared under the register id is found',
      (f) => onRegister({ ...f, assessors: f.assessors.map((a) => (a.id === 'dA' ? { ...a, id: 'reg-adams', name: 'Adams' } : a)) }),
      [],
    ],
    ['a register doctor is not found by name alone', (f) => onRegister(f), ['Dr Adams']],
    [
      'a doctor entered ad hoc is found by name, whatever the case and spaces',
      (f) => ({ ...f, assessors: f.assessors.map((a) => (a.id === 'dB' ? { ...a, name: ' dr brown ' } : a)) }),
      [],
    ],
    [
      'a doctor entered ad hoc is found by name as sameDoctor compares names, with or without a title',
      (f) => ({ ...f, assessors: f.assessors.map((a) => (a.id === 'dB' ? { ...a, name: 'Brown' } : a)) }),
      [],
    ],
    [
      'a doctor entered ad hoc is not found under another name',
      (f) => ({ ...f, assessors: f.assessors.map((a) => (a.id === 'dB' ? { ...a, name: 'Dr Browne' } : a)) }),
      ['Dr Brown'],
    ],
  ])('COI-09: %s', (_name, change, undeclared) => {
    const c = checked(change(facts()));
    expect(blockers(c)).toEqual(undeclared.map(() => 'COI-09:conflict-declaration-missing'));
    const messages = c.findings.filter((f) => f.code === 'conflict-declaration-missing').map((f) => f.message);
    undeclared.forEach((name, i) => expect(messages[i]).toMatch(new RegExp(`^${name} gave a medical recommendation`)));
  });

  it('COI-09: the blocker names the doctors listed whose declarations do not count, and a register doctor declared by name is told to link it', () => {
    const f = facts();
    const c = checked({ ...f, assessors: [...amhpOnly(f), other('x1', 'Dr Somebody Else'), f.assessors[2]] });
    expect(finding(c, 'conflict-declaration-missing').message).toBe(
      'Dr Adams gave a medical recommendation but has not signed a conflict-of-interest declaration (financial, business and personal). It is needed before their recommendation can be relied on. The doctors recorded as assessors (Dr Somebody Else) gave none of the recommendations: their declarations do not count for it.',
    );
    expect(finding(checked(onRegister(f)), 'conflict-declaration-missing').message).toContain(
      'the one recorded for "Dr Adams" is not linked to this recommendation from the register',
    );
  });

  it('COI-09: the applying AMHP needs a declaration too; a second AMHP listed does not stand in for them', () => {
    const f = facts();
    const undeclared = { ...f, assessors: f.assessors.map((a) => (a.role === 'amhp' ? { ...a, declaration: null } : a)) };
    const second = {
      ...undeclared,
      assessors: [...undeclared.assessors, assessor('amhp-2', 'amhp', 'Kit Ng (AMHP)', [], at('2026-03-03T10:00:00Z'))],
    };
    expect(blockers(checked(second))).toEqual(['COI-09:conflict-declaration-missing']);
    expect(finding(checked(second), 'conflict-declaration-missing').message).toMatch(/^Sam Okafor \(AMHP\) has not signed/);
  });

  it.each<[string, (f: AssessmentFacts) => AssessmentFacts, string[]]>([
    [
      'a doctor replaced after declaring a financial interest is no longer an assessor',
      (f) => ({
        ...f,
        assessors: [
          ...f.assessors,
          {
            ...other('x1', 'Dr Replaced'),
            declaration: { financial: true, business: false, personal: false, declaredAt: at('2026-03-02T10:00:00Z') },
          },
        ],
      }),
      [],
    ],
    [
      'COI-04: the patient in the team of a doctor who gave no recommendation is not a conflict',
      (f) => ({ ...f, patientTeams: ['Ward 7'], assessors: [...f.assessors, other('x1', 'Dr Ward', ['Ward 7'])] }),
      [],
    ],
    [
      'COI-05: the three assessors in one team are a conflict whatever team a fourth doctor listed is in',
      (f) => ({ ...f, assessors: [...f.assessors.map((a) => ({ ...a, teams: ['North CMHT'] })), other('x1', 'Dr Elsewhere')] }),
      ['COI-05:three-assessors-one-team'],
    ],
    [
      'COI-05: a doctor who gave no recommendation does not make a third in the team',
      (f) => ({
        ...f,
        assessors: [
          ...f.assessors.map((a) => (a.id === 'dB' ? a : { ...a, teams: ['North CMHT'] })),
          other('x1', 'Dr Team', ['North CMHT']),
        ],
      }),
      [],
    ],
    [
      'COI-03: directing the work of a doctor who gave no recommendation is not a conflict',
      (f) => ({
        ...f,
        assessors: [...f.assessors.map((a) => (a.id === 'dA' ? { ...a, directsOrEmploys: ['x1'] } : a)), other('x1', 'Dr Junior')],
      }),
      [],
    ],
  ])('%s', (_name, change, expected) => {
    expect(blockers(checked(change(facts())))).toEqual(expected);
  });

  it('COI-09 in the live checklist: the recommending doctors so far need declarations', () => {
    const f = live(facts());
    expect(blockers(checked({ ...f, assessors: amhpOnly(f) }, '2026-03-03T18:00:00Z'))).toEqual([
      'COI-09:conflict-declaration-missing',
      'COI-09:conflict-declaration-missing',
    ]);
  });

  it("COI-04: the patient in an assessor's clinical team is a blocker (patientTeams)", () => {
    const c = checked({ ...facts(), patientTeams: ['Crisis Team'] });
    expect(blockers(c)).toEqual(['COI-04:patient-in-assessor-team']);
    expect(finding(c, 'patient-in-assessor-team').message).toContain("The patient is a member of Dr Adams's clinical team (Crisis team)");
  });

  it("COI-07: for a nearest-relative application, a doctor in the nearest relative's team is a blocker", () => {
    const f = facts('s2', undefined, 'nearest-relative');
    const c = checked({ ...f, assessors: f.assessors.map((a, i) => (i === 0 ? { ...a, teams: ['Crisis team'] } : a)) });
    expect(blockers(c)).toEqual(['COI-07:doctor-in-nearest-relative-team']);
  });

  it('COI-07: for a nearest-relative application, a doctor who directs or employs the nearest relative is a blocker', () => {
    const f = facts('s2', undefined, 'nearest-relative');
    const c = checked({ ...f, assessors: f.assessors.map((a) => (a.id === 'dA' ? { ...a, directsOrEmploys: ['amhp'] } : a)) });
    expect(blockers(c)).toEqual(['COI-07:conflict-directs-or-employs']);
  });

  it('COI-09: a nearest-relative application with the nearest relative not among the assessors cannot be checked for COI-07', () => {
    const f = facts('s2', undefined, 'nearest-relative');
    expect(blockers(checked({ ...f, assessors: f.assessors.filter((a) => a.role === 'doctor') }))).toEqual([
      'COI-09:nearest-relative-applicant-not-in-conflict-check',
    ]);
  });

  it("an AMHP's application: a nearest relative listed as applicant is not an assessor (SI 2008/1205 reg 2), so COI-07 does not arise", () => {
    const f = facts('s2');
    const nr = { ...f.assessors[0], id: 'nr', role: 'nearest-relative-applicant' as const, name: 'Jo Smith', teams: ['Crisis team'] };
    expect(blockers(checked({ ...f, assessors: [...f.assessors, nr] }))).toEqual([]);
  });
});

describe('nearest relative (NR-01, NR-02, NR-03) and the 2025 nominated person (MHA25-06)', () => {
  // NR-03 / NR-01 (s.11(3), s.11(4)(b), s.26(5)(c), s.27): the identification judged again as at the signing.
  it.each<[Section, 'blocker' | 'warning', string, string]>([
    ['s3', 'blocker', 'NR-03', 'consulted'],
    ['s7', 'blocker', 'NR-03', 'consulted'],
    ['s2', 'warning', 'NR-01', 'informed'],
    ['s4', 'warning', 'NR-01', 'informed'],
  ])('a %s made when the relative identified is no longer the nearest relative: %s (%s, %s)', (section, severity, rule, duty) => {
    const f = withNr(facts(section), {
      identifiedNoLongerNearest: { identified: 'Uncle Vic', identifiedAsAt: at('2026-03-02T10:00:00Z'), proposed: 'Sam Sibling' },
    });
    const x = finding(checked(f), 'nearest-relative-changed');
    expect(x).toMatchObject({ rule, severity });
    expect(x.message).toContain(
      'Uncle Vic was identified as the nearest relative as at Mon 2 Mar 2026 10:00 GMT, but when the application was signed',
    );
    expect(x.message).toContain(
      `make Sam Sibling the nearest relative (s.26): the duty is owed to them. Identify Sam Sibling, and record that they were ${duty}`,
    );
  });

  it('the relative identified still the nearest relative at the signing: nothing to answer', () => {
    expect(codes(checked(withNr(facts('s3'), { identifiedNoLongerNearest: null }))).filter((x) => x.startsWith('NR'))).toEqual([]);
  });

  it.each<[string, Section, LegalRegimeName, Partial<NearestRelativeFacts>, string[]]>([
    ['an objection blocks a s.3 under the 1983 Act', 's3', '1983', { objectionInForce: true }, ['NR-02:nearest-relative-objects']],
    ['an objection blocks guardianship under the 1983 Act', 's7', '1983', { objectionInForce: true }, ['NR-02:nearest-relative-objects']],
    ['an objection does not block a s.2', 's2', '1983', { objectionInForce: true }, []],
    [
      "the acting nearest relative's objection blocks a s.3 (s.29(6))",
      's3',
      '1983',
      { objectionInForce: true, displaced: true },
      ['NR-02:nearest-relative-objects'],
    ],
    [
      "another relative's objection does not block a s.3 (NR-14)",
      's3',
      '1983',
      { objectionInForce: false, objectionsWithoutStanding: [{ by: 'Uncle Ray', explanation: 'Not the nearest relative.' }] },
      [],
    ],
    [
      'under the 2025 Act an objection blocks a s.3 without the dangerousness report',
      's3',
      '2025',
      { objectionInForce: true },
      ['MHA25-06:objection-without-dangerousness-report'],
    ],
    [
      'under the 2025 Act an objection with the dangerousness report does not block',
      's3',
      '2025',
      { objectionInForce: true, dangerousnessReport: true },
      [],
    ],
  ])('NR-02: %s', (_name, section, regime, nr, expected) => {
    const f = { ...withNr(facts(section), nr), regime: regime === '1983' ? REGIME_1983 : REGIME_2025 };
    expect(blockers(checked(f))).toEqual(expected);
  });

  it("NR-14: another relative's objection is shown as a warning naming them, not a blocker", () => {
    const c = checked(
      withNr(facts('s3'), {
        objectionsWithoutStanding: [
          { by: 'Uncle Ray (a relative who is not the nearest relative)', explanation: 'Only the nearest relative can object.' },
        ],
      }),
    );
    expect(codes(c)).toEqual(['NR-14:warning:objection-without-standing']);
    expect(c.findings[0].message).toContain('Uncle Ray');
  });

  it('NR-02: the s.2 still shows a warning that the objection would block a s.3', () => {
    expect(codes(checked(withNr(facts('s2'), { objectionInForce: true })))).toEqual(['NR-02:warning:objection-in-force']);
  });

  it.each<[string, Partial<NearestRelativeFacts>, string[]]>([
    ['not consulted and no exception: blocker', { consultedAt: null }, ['NR-03:nearest-relative-not-consulted']],
    [
      'an exception with the facts relied on: fine',
      {
        consultedAt: null,
        exception: { kind: 'unreasonable-delay', facts: 's.5(2) ends at 14:00; NR abroad, unreachable by phone for 6 hours.' },
      },
      [],
    ],
    [
      'an exception without facts: blocker',
      { consultedAt: null, exception: { kind: 'not-reasonably-practicable', facts: ' ' } },
      ['NR-03:consultation-exception-without-facts'],
    ],
    [
      'no nearest relative, with the reason recorded: fine',
      { identified: false, noneReason: 'No relatives; confirmed with the patient.', consultedAt: null },
      [],
    ],
    [
      'not identified and no reason: blocker',
      { identified: false, consultedAt: null },
      ['NR-04:nearest-relative-not-identified', 'NR-03:nearest-relative-not-consulted'],
    ],
    [
      'consulted after the application was signed: blocker',
      { consultedAt: at('2026-03-03T19:00:00Z') },
      ['NR-03:consulted-after-application'],
    ],
  ])('NR-03 (s.3): %s', (_name, nr, expected) => {
    expect(blockers(checked(withNr(facts('s3'), nr)))).toEqual(expected);
  });

  it('NR-01 (s.2): not yet informed is a warning with a deadline at the SLA after the application, never a blocker', () => {
    const f = withNr(facts('s2'), { informedAt: null });
    const c = checked(f, '2026-03-04T12:00:00Z');
    expect(codes(c)).toEqual(['NR-01:warning:nearest-relative-not-informed']);
    const d = deadline(c, 'inform-nearest-relative');
    expect(d.at.toISOString()).toBe('2026-03-06T18:00:00.000Z'); // signed 3 Mar 18:00 + 72 h
    expect(finding(c, 'nearest-relative-not-informed').message).toContain('Do it by Fri 6 Mar 2026 18:00 GMT');
    const overdue = checked(f, '2026-03-06T18:00:00Z');
    expect(codes(overdue)).toEqual(['NR-01:warning:nearest-relative-inform-overdue']);
    expect(
      checkAssessment(f, { asAt: at('2026-03-04T12:00:00Z'), nrInformSlaHours: 24 })
        .deadlines.find((x) => x.id === 'inform-nearest-relative')!
        .at.toISOString(),
    ).toBe('2026-03-04T18:00:00.000Z');
  });

  it('NR-01: once informed there is nothing outstanding and no deadline', () => {
    expect(hasDeadline(checked(facts('s2')), 'inform-nearest-relative')).toBe(false);
  });

  it('the 2025 regime speaks of the nominated person', () => {
    const c = checked({ ...withNr(facts('s3'), { consultedAt: null }), regime: REGIME_2025 });
    expect(finding(c, 'nearest-relative-not-consulted').message).toMatch(/^The nominated person has not been consulted/);
  });
});

describe('guardianship (GDN-01, GDN-04, GDN-06, GDN-07)', () => {
  it.each<[string, string | null, boolean, string[]]>([
    ['a patient who is 16 on the application date', '2010-03-03', false, []],
    ['a patient who is 16 the day after', '2010-03-04', false, ['GDN-01:patient-under-16']],
    ['no date of birth but believed 16 or over', null, true, []],
    ['no date of birth and no belief recorded', null, false, ['GDN-01:patient-age-not-recorded']],
  ])('GDN-01: %s', (_name, dob, believed, expected) => {
    expect(blockers(checked({ ...facts('s7'), patientDateOfBirth: dob, believedSixteenOrOver: believed }))).toEqual(expected);
  });

  // Held-out cases: the age is taken on the local date of the application (s.7(1)); a birthday counts from its start.
  it.each<[string, string, string, string[]]>([
    ['signed 00:30 BST on Wed 15 Jul 2026 (14 Jul 23:30Z), 16th birthday 15 Jul: 16', '2026-07-14T23:30:00Z', '2010-07-15', []],
    [
      'signed 23:30 BST on Tue 14 Jul 2026, 16th birthday the next day: under 16',
      '2026-07-14T22:30:00Z',
      '2010-07-15',
      ['GDN-01:patient-under-16'],
    ],
    ['born 29 Feb 2012, signed Tue 29 Feb 2028 (a leap year): 16 that day', '2028-02-29T12:00:00Z', '2012-02-29', []],
    ['born 29 Feb 2012, signed Mon 28 Feb 2028: under 16', '2028-02-28T12:00:00Z', '2012-02-29', ['GDN-01:patient-under-16']],
    [
      'born 1 Mar 2010, signed Sat 28 Feb 2026: under 16 (no 29 Feb that year)',
      '2026-02-28T12:00:00Z',
      '2010-03-01',
      ['GDN-01:patient-under-16'],
    ],
    ['born 31 Dec 2009, signed at 00:00 GMT on Thu 31 Dec 2025: 16', '2025-12-31T00:00:00Z', '2009-12-31', []],
  ])('GDN-01, held-out: %s', (_name, signed, dob, expected) => {
    expect(blockers(checked({ ...facts('s7', signed), patientDateOfBirth: dob }))).toEqual(expected);
  });

  it('GDN-01: born 29 Feb 2084, the patient is 16 on 1 Mar 2100 (2100 is not a leap year), not on 28 Feb', () => {
    const f = { ...facts('s7', '2100-02-28T18:00:00Z'), patientDateOfBirth: '2084-02-29' };
    expect(finding(checked(f), 'patient-under-16').message).toContain('They are 16 on Mon 1 Mar 2100');
    expect(blockers(checked({ ...facts('s7', '2100-03-01T18:00:00Z'), patientDateOfBirth: '2084-02-29' }))).toEqual([]);
  });

  it.each<[string, NonNullable<ApplicationFacts['guardian']> | null, string[]]>([
    ['no guardian named', null, ['GDN-04:guardian-not-named']],
    [
      'a private guardian without a willingness statement or acceptance',
      { type: 'private', name: 'Pat Jones', willingnessStatement: false, acceptedByLssaAt: null },
      ['GDN-04:guardian-willingness-missing'],
    ],
    [
      'a willing private guardian not yet accepted (the application is made; the acceptance comes later)',
      { type: 'private', name: 'Pat Jones', willingnessStatement: true, acceptedByLssaAt: null },
      [],
    ],
    [
      'a willing private guardian accepted by the LSSA',
      { type: 'private', name: 'Pat Jones', willingnessStatement: true, acceptedByLssaAt: at('2026-03-04T10:00:00Z') },
      [],
    ],
  ])('GDN-04: %s', (_name, guardian, expected) => {
    expect(blockers(checked(withApp(facts('s7'), { guardian })))).toEqual(expected);
  });

  it.each<[string, NonNullable<ApplicationFacts['guardian']>, string[]]>([
    [
      'a private guardian not yet accepted',
      { type: 'private', name: 'Pat Jones', willingnessStatement: true, acceptedByLssaAt: null },
      ['GDN-08:guardianship-not-yet-accepted'],
    ],
    [
      'the council as guardian, not yet accepted',
      { type: 'lssa', name: 'Northshire County Council', willingnessStatement: false, acceptedByLssaAt: null },
      ['GDN-08:guardianship-not-yet-accepted'],
    ],
    ['accepted', { type: 'private', name: 'Pat Jones', willingnessStatement: true, acceptedByLssaAt: at('2026-03-04T10:00:00Z') }, []],
  ])('GDN-08: %s: no effect until accepted, a warning (no first period yet)', (_name, guardian, expected) => {
    const c = checked(withApp(facts('s7'), { guardian }));
    expect(c.findings.filter((f) => f.rule === 'GDN-08').map((f) => `${f.rule}:${f.code}`)).toEqual(expected);
    expect(c.deadlines.some((d) => d.id === 'guardianship-first-period')).toBe(!expected.length);
  });

  it('GDN-06: forward to the LSSA within 14 days beginning with the last examination', () => {
    const f = facts('s7'); // last examination Tue 3 Mar 2026 12:00 GMT
    const d = deadline(checked(f), 'forward-to-lssa');
    expect(d.at.toISOString()).toBe('2026-03-17T00:00:00.000Z');
    expect(d.basis).toContain('the end of Mon 16 Mar 2026');
    expect(blockers(checked(withApp(f, { forwardedToLssaAt: at('2026-03-17T00:00:00Z') })))).toEqual(['GDN-06:forwarded-to-lssa-late']);
    expect(blockers(checked(withApp(f, { forwardedToLssaAt: null }), '2026-03-17T00:00:00Z'))).toEqual(['GDN-06:not-forwarded-to-lssa']);
  });

  // GDN-06 ✱: the days are a setting (GUARDIANSHIP_FORWARD_DAYS), 14 by default. Last examination Tue 3 Mar 2026 12:00 GMT.
  it.each<[string, number | undefined, string, string]>([
    ['the default, 14 days: by the end of Mon 16 Mar 2026', undefined, '2026-03-17T00:00:00.000Z', '14 days beginning'],
    ['set to 7 days: by the end of Mon 9 Mar 2026', 7, '2026-03-10T00:00:00.000Z', '7 days beginning'],
    ['set to 1 day: by the end of the examination day', 1, '2026-03-04T00:00:00.000Z', '1 day beginning'],
  ])('GDN-06 ✱: %s', (_name, days, end, words) => {
    const f = facts('s7');
    const c = checkAssessment(f, { asAt: plusH(f.application!.signedAt, 20), nrInformSlaHours: 72, guardianshipForwardDays: days });
    expect(deadline(c, 'forward-to-lssa').at.toISOString()).toBe(end);
    expect(deadline(c, 'forward-to-lssa').basis).toContain(words);
  });

  it('GDN-06 ✱: forwarded on day 8 is late when the setting is 7 days', () => {
    const f = withApp(facts('s7'), { forwardedToLssaAt: at('2026-03-10T09:00:00Z') });
    const asAt = at('2026-03-11T09:00:00Z');
    expect(codes(checkAssessment(f, { asAt, nrInformSlaHours: 72 }))).not.toContain('GDN-06:blocker:forwarded-to-lssa-late');
    const late = checkAssessment(f, { asAt, nrInformSlaHours: 72, guardianshipForwardDays: 7 });
    expect(finding(late, 'forwarded-to-lssa-late').message).toContain('7 days beginning with the last examination on Tue 3 Mar 2026');
    expect(() => checkAssessment(f, { asAt, nrInformSlaHours: 72, guardianshipForwardDays: 0 })).toThrow(RangeError);
  });

  it('the live checklist for guardianship shows the s.8(2) forwarding date (GDN-06), never a s.6 conveyance to hospital', () => {
    // Examinations Mon 2 Mar and Tue 3 Mar 2026: forward by the end of Mon 16 Mar; with a 7-day setting, of Mon 9 Mar.
    const f = live(facts('s7'));
    const c = checked(f, '2026-03-04T12:00:00Z');
    expect(hasDeadline(c, 'conveyance')).toBe(false);
    expect(deadline(c, 'forward-to-lssa')).toMatchObject({ rule: 'GDN-06', at: at('2026-03-17T00:00:00Z') });
    expect(deadline(c, 'last-valid-application').at).toEqual(at('2026-03-17T00:00:00Z'));
    const seven = checkAssessment(f, { asAt: at('2026-03-04T12:00:00Z'), nrInformSlaHours: 72, guardianshipForwardDays: 7 });
    expect(deadline(seven, 'forward-to-lssa').at).toEqual(at('2026-03-10T00:00:00Z'));
    expect(deadline(seven, 'last-valid-application').basis).toContain(
      'the last medical examination on Tue 3 Mar 2026 + 6 days = Mon 9 Mar 2026',
    );
    // A s.2 keeps its conveyance window (APP-13) and no forwarding.
    const s2 = checked(live(facts('s2')), '2026-03-04T12:00:00Z');
    expect(hasDeadline(s2, 'conveyance')).toBe(true);
    expect(hasDeadline(s2, 'forward-to-lssa')).toBe(false);
  });

  it('GDN-06 is judged on the forwarding date, not on when the record is typed in', () => {
    const f = facts('s7'); // the 14 days end at the end of Mon 16 Mar 2026
    const typedIn = '2026-03-30T09:00:00Z';
    expect(blockers(checked(withApp(f, { forwardedToLssaAt: at('2026-03-16T16:00:00Z') }), typedIn))).toEqual([]);
    expect(blockers(checked(withApp(f, { forwardedToLssaAt: at('2026-03-17T09:00:00Z') }), typedIn))).toEqual([
      'GDN-06:forwarded-to-lssa-late',
    ]);
  });

  it('GDN-07: the first period runs 6 calendar months from acceptance', () => {
    const d = deadline(checked(facts('s7')), 'guardianship-first-period'); // accepted Tue 3 Mar 2026 20:00 GMT
    expect(d.at.toISOString()).toBe('2026-09-02T23:00:00.000Z'); // end of Wed 2 Sept 2026, BST
  });

  it('GDN-07 (s.20(2)): the guardianship deadline says when each renewal would run, 6 months then a year at a time', () => {
    const d = deadline(checked(facts('s7')), 'guardianship-first-period');
    expect(d.basis).toContain(
      'If renewed (s.20(2)), each period begins the day after the last ends: 6 months from Thu 3 Sept 2026 to Tue 2 Mar 2027; then 1 year from Wed 3 Mar 2027 to Thu 2 Mar 2028',
    );
  });

  it('guardianship has no hospital site, conveyance or s.2/s.3 clocks', () => {
    const ids = checked(facts('s7')).deadlines.map((d) => d.id);
    expect(ids).toEqual(['forward-to-lssa', 'guardianship-first-period']);
  });
});

describe("CTO-01 / CTO-02 / CTO-03: the AMHP's written decision on making or revoking a CTO", () => {
  // The recall's 72 hours ending at `endsAt` (the agreement below is signed 2026-03-03T12:00Z).
  const recall = (endsAt: string, provisional: boolean) => ({
    startsAt: new Date(at(endsAt).getTime() - 72 * 3_600_000),
    endsAt: at(endsAt),
    provisional,
  });
  const cto = (over: Partial<NonNullable<AssessmentFacts['cto']>>) => ({
    ...live(facts()),
    cto: {
      decision: 'agree' as const,
      inWriting: true,
      signedAt: at('2026-03-03T12:00:00Z'),
      amhpApprovedAtSigning: true,
      conditionsAgreed: true,
      ...over,
    },
  });
  it.each<[string, Partial<NonNullable<AssessmentFacts['cto']>>, string[]]>([
    ['agreement in writing by an approved AMHP, with the conditions', {}, []],
    ['not in writing', { inWriting: false }, ['CTO-01:blocker:cto-decision-not-in-writing']],
    ['by an AMHP not approved at signing', { amhpApprovedAtSigning: false }, ['CTO-01:blocker:cto-amhp-not-approved']],
    ['agreeing without agreeing the conditions', { conditionsAgreed: false }, ['CTO-02:blocker:cto-conditions-not-agreed']],
    [
      'disagreeing (the RC cannot make the order)',
      { decision: 'disagree', conditionsAgreed: false },
      ['CTO-01:warning:cto-amhp-disagrees'],
    ],
    // s.17A(1)-(2): only a patient detained for treatment (s.3, an unrestricted Part 3 order) can go on a CTO.
    [
      'agreeing for a patient referred as detained under s.2',
      { referredAs: 'already-s2' },
      ['CTO-01:warning:cto-patient-not-detained-for-treatment'],
    ],
    ['agreeing for a patient referred as informal', { referredAs: 'informal' }, ['CTO-01:warning:cto-patient-not-detained-for-treatment']],
    ['agreeing for a patient held under s.5(2)', { referredAs: 's5-2' }, ['CTO-01:warning:cto-patient-not-detained-for-treatment']],
    ['agreeing for a recalled CTO patient (revocation)', { referredAs: 'cto-recall', about: 'revocation' }, []],
    // CTO-03 (s.17F(4), CTO5): revoking a recalled patient's CTO has no conditions (CTO-02 is about making one).
    ['agreeing to revocation, with no conditions to agree', { about: 'revocation', conditionsAgreed: false }, []],
    [
      'agreeing to revocation not in writing (CTO5)',
      { about: 'revocation', conditionsAgreed: false, inWriting: false },
      ['CTO-03:blocker:cto-decision-not-in-writing'],
    ],
    [
      'agreeing to revocation by an AMHP not approved at signing',
      { about: 'revocation', conditionsAgreed: false, amhpApprovedAtSigning: false },
      ['CTO-03:blocker:cto-amhp-not-approved'],
    ],
    [
      'disagreeing with revocation: the CTO continues and the patient is released by the end of the 72 hours',
      { about: 'revocation', decision: 'disagree', conditionsAgreed: false, referredAs: 'cto-recall' },
      ['CTO-06:warning:cto-revocation-not-agreed'],
    ],
    [
      'disagreeing for a patient referred as detained under s.2',
      { decision: 'disagree', conditionsAgreed: false, referredAs: 'already-s2' },
      ['CTO-01:warning:cto-amhp-disagrees'],
    ],
    // s.17A(1)-(2): detained under s.3 (or an unrestricted Part 3 order) is the position a CTO is made from.
    ['agreeing for a patient referred as detained under s.3', { referredAs: 'already-s3' }, []],
    // CTO-03 (s.17F(4)-(5), (8)): the agreement must fall within the 72 hours from the detention in hospital under the recall.
    [
      'agreeing to revocation within the 72 hours of the recall',
      { about: 'revocation', conditionsAgreed: false, referredAs: 'cto-recall', recall: recall('2026-03-03T12:00:01Z', false) },
      [],
    ],
    [
      'agreeing to revocation at the end of the 72 hours of the recall (half-open: too late)',
      { about: 'revocation', conditionsAgreed: false, referredAs: 'cto-recall', recall: recall('2026-03-03T12:00:00Z', false) },
      ['CTO-03:blocker:cto-revocation-after-recall-period'],
    ],
    [
      'agreeing to revocation after the 72 hours counted provisionally from the notice: confirm the arrival',
      { about: 'revocation', conditionsAgreed: false, referredAs: 'cto-recall', recall: recall('2026-03-02T12:00:00Z', true) },
      ['CTO-03:warning:cto-decision-after-provisional-recall-period'],
    ],
    [
      'disagreeing with revocation after the 72 hours: no blocker, the patient had to be released',
      {
        about: 'revocation',
        decision: 'disagree',
        conditionsAgreed: false,
        referredAs: 'cto-recall',
        recall: recall('2026-03-02T12:00:00Z', false),
      },
      ['CTO-06:warning:cto-revocation-not-agreed'],
    ],
  ])('%s', (_name, over, expected) => {
    expect(codes(checked(cto(over), '2026-03-03T13:00:00Z')).filter((x) => x.startsWith('CTO'))).toEqual(expected);
  });

  // A CTO decision is not an application: no application checklist (APP-*, COP-02/03, NR-01, MED-02) comes with it.
  it.each<[string, Partial<NonNullable<AssessmentFacts['cto']>>, string[], string[]]>([
    ['being recorded: its own findings only', {}, [], []],
    ['a CTO agreed, recorded: the order is not in the hub (CTO-08)', { recorded: true }, ['CTO-08:warning:cto-order-not-recorded'], []],
    [
      'a revocation agreed, recorded: the order is not in the hub (CTO-07)',
      { about: 'revocation', conditionsAgreed: false, recorded: true },
      ['CTO-07:warning:cto-revocation-not-recorded'],
      [],
    ],
    [
      'a CTO disagreed, recorded: no order, nothing to count',
      { decision: 'disagree', conditionsAgreed: false, recorded: true },
      ['CTO-01:warning:cto-amhp-disagrees'],
      [],
    ],
    // s.20A(1): 6 months beginning with Wed 4 Mar 2026, the day made: to the end of Thu 3 Sep.
    [
      'a CTO made on a known day (CTO-08)',
      { recorded: true, orderMadeAt: at('2026-03-04T09:00:00Z') },
      [],
      ['cto-first-period:2026-09-03T23:00:00.000Z'],
    ],
    // s.17G: as if s.3 from the day of revocation, 6 months (APP-18).
    [
      'a CTO revoked on a known day (CTO-07)',
      { about: 'revocation', conditionsAgreed: false, recorded: true, orderMadeAt: at('2026-03-04T09:00:00Z') },
      [],
      ['s3-first-period:2026-09-03T23:00:00.000Z'],
    ],
  ])('%s', (_name, over, expected, deadlines) => {
    const c = checked(cto(over), '2026-03-05T13:00:00Z');
    expect(codes(c)).toEqual(expected);
    expect(c.deadlines.map((d) => `${d.id}:${d.at.toISOString()}`)).toEqual(deadlines);
  });

  // APP-09 (s.1(2A), (2B): s.17A is among the provisions) and MHA25-04 (MHA 2025 ss.3-4: no s.3, nor a CTO, for autism or a
  // learning disability alone), for a CTO made or revoked (revoked, the patient is detained as if under s.3, s.17G).
  it.each<[string, Partial<NonNullable<AssessmentFacts['cto']>>, 'mha1983' | 'gate', string[]]>([
    [
      'a learning disability alone, without the conduct: agreeing is refused',
      { learningDisabilityOnly: true },
      'mha1983',
      ['APP-09:blocker:learning-disability-without-qualifying-conduct'],
    ],
    [
      'a learning disability with abnormally aggressive or seriously irresponsible conduct',
      { learningDisabilityOnly: true, ldQualifyingConduct: true },
      'mha1983',
      [],
    ],
    [
      'revoking on a learning disability alone, without the conduct',
      { about: 'revocation', conditionsAgreed: false, learningDisabilityOnly: true },
      'mha1983',
      ['APP-09:blocker:learning-disability-without-qualifying-conduct'],
    ],
    [
      'the AMHP disagreeing is never refused for it',
      { decision: 'disagree', conditionsAgreed: false, learningDisabilityOnly: true },
      'mha1983',
      ['CTO-01:warning:cto-amhp-disagrees'],
    ],
    [
      'autism without a psychiatric disorder, before the 2025 gate commences',
      { autismOrLdWithoutPsychiatricDisorder: true },
      'mha1983',
      [],
    ],
    [
      'autism without a psychiatric disorder, once the 2025 gate commences',
      { autismOrLdWithoutPsychiatricDisorder: true },
      'gate',
      ['MHA25-04:blocker:autism-ld-without-psychiatric-disorder'],
    ],
    [
      'revoking for autism without a psychiatric disorder, once the gate commences',
      { about: 'revocation', conditionsAgreed: false, autismOrLdWithoutPsychiatricDisorder: true },
      'gate',
      ['MHA25-04:blocker:autism-ld-without-psychiatric-disorder'],
    ],
  ])('APP-09 / MHA25-04 for a CTO: %s', (_name, over, regime, expected) => {
    const gate = legalRegime('2027-06-01', { ...DEFAULT_REGIME_CONFIG, autismLdGateFrom: '2027-01-01' });
    const f = cto(over);
    expect(codes(checked(regime === 'gate' ? { ...f, regime: gate } : f, '2026-03-03T13:00:00Z'))).toEqual(expected);
  });

  it.each<[string, Partial<NonNullable<AssessmentFacts['cto']>>, 'cto-first-period' | 's3-first-period', string]>([
    [
      'a CTO made Wed 4 Mar 2026 may be extended (s.20A(3)) for 6 months, then a year at a time',
      { recorded: true, orderMadeAt: at('2026-03-04T09:00:00Z') },
      'cto-first-period',
      'If renewed (s.20A(3)), each period begins the day after the last ends: 6 months from Fri 4 Sept 2026 to Wed 3 Mar 2027; then 1 year from Thu 4 Mar 2027 to Fri 3 Mar 2028',
    ],
    [
      'a CTO revoked Wed 4 Mar 2026: the s.3 it becomes is renewable as a s.3 (s.20(2))',
      { about: 'revocation', conditionsAgreed: false, recorded: true, orderMadeAt: at('2026-03-04T09:00:00Z') },
      's3-first-period',
      'If renewed (s.20(2)), each period begins the day after the last ends: 6 months from Fri 4 Sept 2026 to Wed 3 Mar 2027',
    ],
  ])('%s', (_name, over, id, basis) => {
    expect(deadline(checked(cto(over), '2026-03-05T13:00:00Z'), id).basis).toContain(basis);
  });
});

describe('APP-21 (s.14): the social circumstances report after an admission on the nearest relative’s application', () => {
  const byNr = (over: Partial<ApplicationFacts> = {}) => withApp(facts('s2', undefined, 'nearest-relative'), over);
  const s14 = (c: AssessmentCheck) => c.deadlines.filter((d) => d.id === 'social-circumstances-report');
  it('is owed from the admission, by the local target (default 7 days), until the report is recorded', () => {
    // Admitted Tue 3 Mar 2026 21:00 (t0 + 3 h): due by the end of Tue 10 Mar; with a 3-day target, of Fri 6 Mar.
    const admittedOn = byNr();
    expect(s14(checked(admittedOn))).toEqual([expect.objectContaining({ rule: 'APP-21', at: at('2026-03-11T00:00:00Z') })]);
    const f = admittedOn;
    const now = plusH(f.application!.signedAt, 20);
    expect(s14(checkAssessment(f, { asAt: now, nrInformSlaHours: 72, s14ReportDays: 3 }))[0].at).toEqual(at('2026-03-07T00:00:00Z'));
    expect(s14(checked(byNr({ socialCircumstancesReportAt: plusH(f.application!.signedAt, 30) })))).toEqual([]);
  });
  it.each<[string, AssessmentFacts]>([
    ['an AMHP’s application', facts('s2')],
    ['not yet admitted', withApp(facts('s2', undefined, 'nearest-relative'), { admittedAt: null })],
    ['guardianship (no admission)', facts('s7', undefined, 'nearest-relative')],
  ])('is not owed for %s', (_name, f) => {
    expect(s14(checked(f))).toEqual([]);
  });
});

describe('MHA 2025 switches (MHA25-02, MHA25-04)', () => {
  it('MHA25-04: under the autism/LD gate a s.3 for autism or LD alone is blocked; s.2 is not', () => {
    const s3 = facts('s3');
    const autism = (f: AssessmentFacts) =>
      withRecs(f, [{ ...f.recommendations[0], autismOrLdWithoutPsychiatricDisorder: true }, f.recommendations[1]]);
    const gate = legalRegime('2027-06-01', { ...DEFAULT_REGIME_CONFIG, autismLdGateFrom: '2027-01-01' });
    expect(blockers(checked({ ...autism(s3), regime: gate }))).toEqual(['MHA25-04:autism-ld-without-psychiatric-disorder']);
    expect(blockers(checked({ ...autism(s3), regime: REGIME_1983 }))).toEqual([]);
    expect(blockers(checked({ ...autism(facts('s2')), regime: gate }))).toEqual([]);
  });

  it('MHA25-02: under the 2025 criteria a warning names them', () => {
    const regime = legalRegime('2027-06-01', { ...DEFAULT_REGIME_CONFIG, newCriteriaFrom: '2027-01-01' });
    const c = checked({ ...facts('s2'), regime });
    expect(codes(c)).toEqual(['MHA25-02:warning:mha2025-criteria-apply']);
    expect(finding(c, 'mha2025-criteria-apply').message).toContain(
      'serious harm may be caused to the health or safety of the patient or of another person unless the patient is detained',
    );
    expect(codes(checked({ ...facts('s2'), regime: REGIME_1983 }))).toEqual([]);
  });
});

describe('the live checklist (no application yet)', () => {
  it('an empty assessment lists everything still needed for an application', () => {
    const f: AssessmentFacts = {
      ...live(facts()),
      contacts: [],
      interview: null,
      recommendations: [],
      assessors: [],
      nearestRelative: {
        identified: false,
        noneReason: null,
        informedAt: null,
        consultedAt: null,
        exception: null,
        objectionInForce: false,
        displaced: false,
        dangerousnessReport: false,
      },
    };
    const c = checked(f, '2026-03-03T12:00:00Z');
    expect(blockers(c)).toEqual([
      'APP-07:medical-recommendations-missing',
      'APP-04:amhp-not-seen-in-person',
      'APP-06:interview-not-recorded',
      'NR-04:nearest-relative-not-identified',
      'COI-09:assessors-not-recorded',
    ]);
    expect(c.deadlines).toEqual([]);
  });

  it('a complete assessment before the application has no findings and shows the deadlines', () => {
    const c = checked(live(facts('s2', '2026-03-03T18:00:00Z')), '2026-03-03T18:00:00Z');
    expect(codes(c)).toEqual([]);
    expect(c.deadlines.map((d) => d.id)).toEqual(['second-examination', 'conveyance', 'last-valid-application']);
  });

  it('COP-02: the last valid application date is the earlier of last examination + 13 and last in-person AMHP contact + 13', () => {
    const f = live(facts('s2', '2026-03-10T18:00:00Z')); // examinations 9 and 10 Mar
    const seenEarlier = checked(
      { ...f, contacts: [{ at: at('2026-03-05T12:00:00Z'), mode: 'in-person', byApplicant: true }] },
      '2026-03-10T19:00:00Z',
    );
    const d1 = deadline(seenEarlier, 'last-valid-application');
    expect(d1.at.toISOString()).toBe('2026-03-19T00:00:00.000Z'); // seen Thu 5 Mar + 13 = Wed 18 Mar
    expect(d1.basis).toContain('The earlier is Wed 18 Mar 2026');
    const seenLater = checked(
      { ...f, contacts: [{ at: at('2026-03-11T12:00:00Z'), mode: 'in-person', byApplicant: true }] },
      '2026-03-11T19:00:00Z',
    );
    expect(deadline(seenLater, 'last-valid-application').at.toISOString()).toBe('2026-03-24T00:00:00.000Z'); // last exam Tue 10 Mar + 13 = Mon 23 Mar
  });

  it('COP-02: once 14 days from the last examination have passed, the window is closed and fresh examinations are needed', () => {
    const f = live({
      ...facts('s2', '2026-03-10T18:00:00Z'),
      contacts: [{ at: at('2026-03-20T12:00:00Z'), mode: 'in-person', byApplicant: true }],
    });
    expect(blockers(checked(f, '2026-03-23T23:00:00Z'))).toEqual([]);
    const c = checked(f, '2026-03-24T00:00:00Z');
    expect(blockers(c)).toEqual(['COP-02:application-window-closed']);
    expect(finding(c, 'application-window-closed').message).toContain(
      'The last valid date for an application on these recommendations was Mon 23 Mar 2026 (14 days beginning with the last medical examination on Tue 10 Mar 2026)',
    );
  });

  it('APP-04: once 14 days from the last in-person visit have passed, the AMHP must see the patient again', () => {
    const f = live(facts('s2', '2026-03-10T18:00:00Z'));
    const c = checked(
      { ...f, contacts: [{ at: at('2026-03-01T12:00:00Z'), mode: 'in-person', byApplicant: true }] },
      '2026-03-15T00:00:00Z',
    );
    expect(blockers(c)).toEqual(['APP-04:amhp-seen-too-long-ago']);
    expect(finding(c, 'amhp-seen-too-long-ago').message).toContain(
      'last saw the patient in person on Sun 1 Mar 2026; an application had to be made by the end of Sat 14 Mar 2026',
    );
  });

  it('the checks for an intended s.3 apply before the application (consultation, MED-06)', () => {
    const f = live(withNr(facts('s3'), { consultedAt: null }));
    expect(blockers(checked(f, '2026-03-03T18:00:00Z'))).toEqual(['NR-03:nearest-relative-not-consulted']);
  });

  it('one examination by a doctor without s.12 approval or acquaintance gives advice for the second doctor', () => {
    const f = live(withRecs(facts(), [examined(at('2026-03-02T10:00:00Z'), { s12ApprovedOnExamDate: false })]));
    const c = checked(f, '2026-03-02T12:00:00Z');
    expect(codes(c)).toEqual([
      'APP-07:blocker:second-recommendation-missing',
      'MED-03:warning:s12-doctor-needed',
      'MED-04:warning:previous-acquaintance-preferred',
    ]);
  });
});

describe('forms and codes', () => {
  it.each<[Section, Applicant, boolean, string, string[]]>([
    ['s2', 'amhp', false, 'A2', ['A4', 'A4']],
    ['s2', 'nearest-relative', true, 'A1', ['A3']],
    ['s3', 'amhp', true, 'A6', ['A7']],
    ['s3', 'nearest-relative', false, 'A5', ['A8', 'A8']],
    ['s4', 'amhp', false, 'A10', ['A11']],
    ['s4', 'nearest-relative', false, 'A9', ['A11']],
    ['s7', 'amhp', true, 'G2', ['G3']],
    ['s7', 'nearest-relative', false, 'G1', ['G4', 'G4']],
  ])('FORM: %s by %s (joint %s) uses %s with %j', (section, applicant, joint, application, recommendations) => {
    expect(expectedForms(section, applicant, joint)).toEqual({ application, recommendations });
  });

  it.each<[Section, string]>([
    ['s2', '02'],
    ['s3', '03'],
    ['s4', '04'],
    ['s7', '35'],
  ])('MHSDS legal status code for %s is %s (England: 35 is guardianship)', (section, code) => {
    expect(legalStatusCode(section)).toBe(code);
  });

  it('formatDay reads like the rest of the app', () => {
    expect(formatDay('2026-03-07')).toBe('Sat 7 Mar 2026');
  });
});

describe('inputs', () => {
  it.each<[string, () => unknown]>([
    ['an invalid asAt', () => checkAssessment(facts(), { asAt: new Date(NaN), nrInformSlaHours: 72 })],
    ['a negative NR-01 SLA', () => checkAssessment(facts(), { asAt: at('2026-03-04T00:00:00Z'), nrInformSlaHours: -1 })],
    [
      'an unknown time zone',
      () => checkAssessment({ ...facts(), timeZone: 'Europe/Atlantis' }, { asAt: at('2026-03-04T00:00:00Z'), nrInformSlaHours: 72 }),
    ],
    [
      'an invalid examination time',
      () => checkAssessment(withRecs(facts(), [examined(new Date(NaN))]), { asAt: at('2026-03-04T00:00:00Z'), nrInformSlaHours: 72 }),
    ],
  ])('rejects %s', (_name, run) => {
    expect(run).toThrow(RangeError);
  });

  it('does not change the facts it is given', () => {
    const f = facts('s4');
    const before = JSON.stringify(f);
    check(f);
    s4Conversion(f);
    expect(JSON.stringify(f)).toBe(before);
  });

  it('deadlines come out in time order', () => {
    const times = check(facts('s2')).deadlines.map((d) => d.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('messages a duty AMHP can read at 3 a.m.', () => {
  it('every finding and deadline produced in this file is a plain sentence with local dates, never ISO timestamps', () => {
    // The checks made by the tests above (when the file runs whole), plus some of their own.
    const own = [
      checked(live({ ...facts(), recommendations: [], contacts: [], interview: null, assessors: [] })),
      checked(
        withRecs(facts(), [facts().recommendations[0], { ...facts().recommendations[1], examMode: 'video', s12ApprovedOnExamDate: false }]),
      ),
      checked(facts('s4'), '2026-03-10T00:00:00Z'),
    ];
    expect(own.every((c) => c.findings.length > 0)).toBe(true);
    for (const c of seen) {
      for (const f of c.findings) {
        expect(f.message).toMatch(/^[A-Z"].*[.)]$/s);
        expect(f.message).not.toMatch(/\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}|undefined|null|NaN/);
        expect(f.citation).not.toBe('');
        expect(['blocker', 'warning']).toContain(f.severity);
      }
      for (const d of c.deadlines) expect(`${d.label} ${d.basis}`).not.toMatch(/\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}|undefined|NaN/);
    }
  });
});

type LegalRegimeName = '1983' | '2025';

describe('NR-03 with CV v SLAM: "unreasonable delay" against what the hub\'s clock shows of the detention left', () => {
  // Worked example: a s.5(2) report furnished Sun 6 Dec 2026 08:00 GMT runs to Wed 9 Dec 08:00 (HOLD-01, 72 h).
  const relied = at('2026-12-06T12:00:00Z');
  const s52: DetentionsInForce = { holdingPower: { rule: 'HOLD-01', endsAt: at('2026-12-09T08:00:00Z') } };
  it.each<[string, DetentionsInForce, Date, DetentionRemaining['detention'], string]>([
    [
      's.5(2) relied on at Sun 12:00: 68 h remain',
      s52,
      relied,
      { rule: 'HOLD-01', name: 'the s.5(2) holding power', endsAt: at('2026-12-09T08:00:00Z'), remainingMinutes: 68 * 60 },
      '68 h of the s.5(2) holding power remained',
    ],
    [
      's.5(2) relied on at Wed 05:30: 2 h 30 min remain',
      s52,
      at('2026-12-09T05:30:00Z'),
      { rule: 'HOLD-01', name: 'the s.5(2) holding power', endsAt: at('2026-12-09T08:00:00Z'), remainingMinutes: 150 },
      '2 h 30 min of the s.5(2) holding power remained',
    ],
    [
      's.5(2) relied on at Wed 09:00, after it lapsed: nothing remains',
      s52,
      at('2026-12-09T09:00:00Z'),
      { rule: 'HOLD-01', name: 'the s.5(2) holding power', endsAt: at('2026-12-09T08:00:00Z'), remainingMinutes: 0 },
      'had already lapsed',
    ],
    [
      's.136 arrival Sun 10:00, relied on at 12:00: 22 h remain',
      { placeOfSafety: { rule: 'POL-07', endsAt: at('2026-12-07T10:00:00Z') } },
      relied,
      { rule: 'POL-07', name: 'the s.136 detention', endsAt: at('2026-12-07T10:00:00Z'), remainingMinutes: 22 * 60 },
      '22 h of the s.136 detention remained',
    ],
    [
      's.2 admitted Sat 7 Nov 10:00 (lapses at the end of Fri 4 Dec), relied on Fri 4 Dec 12:00: 12 h remain',
      { detainedUnderS2: { admittedAt: at('2026-11-07T10:00:00Z') } },
      at('2026-12-04T12:00:00Z'),
      { rule: 'APP-17', name: 'the s.2 detention', endsAt: at('2026-12-05T00:00:00Z'), remainingMinutes: 12 * 60 },
      '12 h of the s.2 detention remained',
    ],
    [
      'that s.2 with a s.29 application (ground c) filed Thu 3 Dec and pending: no end date',
      {
        detainedUnderS2: { admittedAt: at('2026-11-07T10:00:00Z') },
        displacementApplications: [{ filedAt: at('2026-12-03T10:00:00Z'), status: 'applied', disposedOn: null }],
      },
      at('2026-12-04T12:00:00Z'),
      { rule: 'APP-17', name: 'the s.2 detention', endsAt: null, remainingMinutes: null },
      'no end date',
    ],
    [
      'that s.2, the patient discharged from it Wed 2 Dec 10:00 (APP-22), relied on Fri 4 Dec 12:00: nothing remains',
      {
        detainedUnderS2: {
          admittedAt: at('2026-11-07T10:00:00Z'),
          ended: { kind: 'discharged', at: at('2026-12-02T10:00:00Z'), by: 'tribunal' },
        },
      },
      at('2026-12-04T12:00:00Z'),
      { rule: 'APP-17', name: 'the s.2 detention', endsAt: at('2026-12-02T10:00:00Z'), remainingMinutes: 0 },
      'had already ended (the patient was discharged by the tribunal, s.23, at Wed 2 Dec 2026 10:00 GMT)',
    ],
    [
      'that s.2 discharged while a s.29 application was pending: ended, not without an end date',
      {
        detainedUnderS2: { admittedAt: at('2026-11-07T10:00:00Z'), ended: { kind: 'discharged', at: at('2026-12-04T09:00:00Z') } },
        displacementApplications: [{ filedAt: at('2026-12-03T10:00:00Z'), status: 'applied', disposedOn: null }],
      },
      at('2026-12-04T12:00:00Z'),
      { rule: 'APP-17', name: 'the s.2 detention', endsAt: at('2026-12-04T09:00:00Z'), remainingMinutes: 0 },
      'had already ended',
    ],
    [
      'that s.2 discharged only after the reliance: the time left then is as it was',
      { detainedUnderS2: { admittedAt: at('2026-11-07T10:00:00Z'), ended: { kind: 'discharged', at: at('2026-12-04T20:00:00Z') } } },
      at('2026-12-04T12:00:00Z'),
      { rule: 'APP-17', name: 'the s.2 detention', endsAt: at('2026-12-05T00:00:00Z'), remainingMinutes: 12 * 60 },
      '12 h of the s.2 detention remained',
    ],
    ['an informal patient: no detention clock', {}, relied, null, 'No detention with a clock'],
  ])('%s', (_name, detentions, when, detention, text) => {
    const r = detentionRemaining(when, detentions, LONDON);
    expect(r.detention).toEqual(detention);
    expect(r.at).toEqual(when);
    expect(r.text).toContain(text);
  });

  const s3WithDelay = (remaining: DetentionRemaining, kind: 'unreasonable-delay' | 'not-reasonably-practicable' = 'unreasonable-delay') =>
    withNr(facts('s3'), {
      consultedAt: null,
      exception: { kind, facts: 'The s.5(2) is about to run out; no time to reach the mother.', detentionRemaining: remaining },
    });
  const delayCodes = (c: AssessmentCheck) => codes(c).filter((x) => x.startsWith('NR-03'));
  it.each<[string, DetentionRemaining, 'unreasonable-delay' | 'not-reasonably-practicable', number | undefined, string[]]>([
    [
      'unreasonable delay with 68 h of a s.5(2) left: a warning to answer',
      detentionRemaining(relied, s52, LONDON),
      'unreasonable-delay',
      undefined,
      ['NR-03:warning:unreasonable-delay-with-time-remaining'],
    ],
    [
      'unreasonable delay with 2 h 30 min left: no warning (under the 12 h default)',
      detentionRemaining(at('2026-12-09T05:30:00Z'), s52, LONDON),
      'unreasonable-delay',
      undefined,
      [],
    ],
    [
      'with 2 h 30 min left and the hub threshold set to 2 h: a warning',
      detentionRemaining(at('2026-12-09T05:30:00Z'), s52, LONDON),
      'unreasonable-delay',
      2,
      ['NR-03:warning:unreasonable-delay-with-time-remaining'],
    ],
    [
      'exactly at the threshold (12 h left): no warning',
      detentionRemaining(at('2026-12-08T20:00:00Z'), s52, LONDON),
      'unreasonable-delay',
      undefined,
      [],
    ],
    [
      'unreasonable delay with no detention clock at all: a warning to answer',
      detentionRemaining(relied, {}, LONDON),
      'unreasonable-delay',
      undefined,
      ['NR-03:warning:unreasonable-delay-without-detention'],
    ],
    [
      'unreasonable delay on a s.2 with no end date (s.29 pending): a warning',
      detentionRemaining(
        at('2026-12-04T12:00:00Z'),
        {
          detainedUnderS2: { admittedAt: at('2026-11-07T10:00:00Z') },
          displacementApplications: [{ filedAt: at('2026-12-03T10:00:00Z'), status: 'applied', disposedOn: null }],
        },
        LONDON,
      ),
      'unreasonable-delay',
      undefined,
      ['NR-03:warning:unreasonable-delay-with-time-remaining'],
    ],
    [
      'not reasonably practicable with 68 h left: no warning (the time left is not what it rests on)',
      detentionRemaining(relied, s52, LONDON),
      'not-reasonably-practicable',
      undefined,
      [],
    ],
  ])('%s', (_name, remaining, kind, hours, expected) => {
    const c = check(s3WithDelay(remaining, kind), undefined, 72, hours);
    seen.push(c);
    expect(delayCodes(c)).toEqual(expected);
  });

  it('the warning states the time the hub computed and the threshold; the checks show the end relied on', () => {
    const c = checked(s3WithDelay(detentionRemaining(relied, s52, LONDON)));
    const f = finding(c, 'unreasonable-delay-with-time-remaining');
    expect(f.message).toContain(
      '68 h of the s.5(2) holding power remained at Sun 6 Dec 2026 12:00 GMT: it ends at Wed 9 Dec 2026 08:00 GMT',
    );
    expect(f.message).toContain(`${DEFAULT_NR_DELAY_WARNING_HOURS} hours`);
    expect(f.message).toContain('CV v SLAM');
    expect(deadline(c, 'nr-exception-detention-ends')).toMatchObject({ rule: 'NR-03', at: at('2026-12-09T08:00:00Z') });
  });

  it('a s.2 application is not affected (NR-03 is for s.3 and guardianship)', () => {
    const f = withNr(facts('s2'), {
      consultedAt: null,
      exception: {
        kind: 'unreasonable-delay',
        facts: 'No time to reach the mother before the s.5(2) ends.',
        detentionRemaining: detentionRemaining(relied, s52, LONDON),
      },
    });
    expect(codes(checked(f)).filter((x) => x.includes('unreasonable-delay'))).toEqual([]);
  });

  it('refuses a negative threshold', () => {
    expect(() => checkAssessment(facts(), { asAt: at('2026-03-04T00:00:00Z'), nrInformSlaHours: 72, nrDelayWarningHours: -1 })).toThrow(
      RangeError,
    );
  });
});
