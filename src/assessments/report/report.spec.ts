import { pdfText } from '../../../test/support/pdf-text';
import { escapeHtml } from '../../common/html';
import { renderLetterPdf, renderReportPdf } from './pdf';
import { buildOutcomeReport, formatDuration, renderReportHtml, wrapText, writtenReasonsLetter } from './report';
import type { OutcomeReport, OutcomeReportModel, WrittenReasonsInput } from './report.types';

const ZONE = 'Europe/London';
const t = (iso: string): Date => new Date(iso);

/** A s.136 assessment across the spring clock change (BST from 01:00 GMT on Sun 29 Mar 2026), ending in a s.2. */
function fullModel(): OutcomeReportModel {
  return {
    generatedAt: t('2026-03-30T10:00:00Z'),
    timeZone: ZONE,
    council: 'Northshire County Council',
    regime: { id: 'mha1983', representative: 'nearest-relative', basis: ['No MHA 2025 provision has commenced on 29 Mar 2026.'] },
    referral: {
      reference: 'REF-2026-000123',
      source: 'police-s136',
      referrer: 'PC 123 Jones, Northshire Police',
      receivedAt: t('2026-03-28T23:30:00Z'),
      urgency: 'emergency',
      reason: 'Found on the bridge parapet, distressed.',
      risks: 'Risk to self.',
      nearestRelativeRequested: false,
      legalContext: {
        kind: 's136',
        summary: 'Arrived at the health-based place of safety at 23:20.',
        clocks: [
          { label: 'Place of safety (s.136)', rule: 'POL-07', deadline: t('2026-03-29T23:20:00Z'), basis: '24 hours from arrival.' },
        ],
      },
    },
    person: {
      name: 'Alex Smith',
      dateOfBirth: '1990-05-02',
      nhsNumber: '9434765919',
      address: '1 High Street, Northtown, NT1 1AA',
      language: 'English',
      interpreterNeeded: false,
      communicationNeeds: null,
    },
    assessment: {
      amhpNames: ['Sam Carter', 'Jo Patel'],
      location: 'Northtown Hospital place of safety suite',
      openedAt: t('2026-03-28T23:45:00Z'),
      involvement: {
        interpreter: { needed: false, language: null, used: null, name: null },
        advocate: { involved: false, name: null },
        police: { involved: true, reason: 'Already present under s.136' },
        ambulance: { involved: true, reason: 'Conveyance to the ward' },
      },
    },
    peoplePresent: [
      { name: 'Dr Ann Lee', role: 's.12 doctor' },
      { name: 'Dr Bob Hart', role: 'GP' },
    ],
    contacts: [{ at: t('2026-03-29T00:10:00Z'), who: 'Sam Carter', role: 'amhp', mode: 'in-person', note: 'Interview in the suite' }],
    timeline: [
      { type: 'doctors-requested', at: t('2026-03-28T23:40:00Z'), delayReason: null, note: null },
      { type: 'doctor-arrived', at: t('2026-03-29T00:05:00Z'), delayReason: null, note: null },
      { type: 'bed-requested', at: t('2026-03-29T00:35:00Z'), delayReason: null, note: null },
      { type: 'bed-identified', at: t('2026-03-29T04:10:00Z'), delayReason: 'no-bed', note: 'No local bed; out of area.' },
      { type: 'admitted', at: t('2026-03-29T06:00:00Z'), delayReason: null, note: null },
    ],
    interview: {
      suitableMannerNotes: 'Quiet room, in English, with breaks.',
      capacity: 'Lacks capacity to decide on admission.',
      patientViews: 'Does not want to go to hospital.',
      relativesWishes: 'Mother wants admission.',
      professionalsConsulted: ['Crisis team (Dana Moss)', 'GP (Dr Hart)'],
      alternativesConsidered: ['crisis-home-treatment', 'informal-admission'],
    },
    nearestRelative: {
      name: 'Mary Smith',
      relationship: 'Mother',
      confirmed: true,
      notConfirmedReason: null,
      noneReason: null,
      trace: ['No spouse or civil partner.', 'No children.', 'Mother: Mary Smith, resides with the patient (s.26(4)).'],
      informedAt: t('2026-03-29T02:00:00Z'),
      informedMethod: 'phone',
      consultedAt: null,
      consultedMethod: null,
      exception: null,
      objection: { objected: false, notifiedAt: null, detail: null },
      views: 'Agrees with admission.',
      displaced: false,
    },
    recommendations: [
      {
        doctorName: 'Dr Ann Lee',
        s12ApprovedOnExamDate: true,
        approvedClinicianOnExamDate: false,
        approvalVerified: true,
        previousAcquaintance: false,
        noAcquaintanceReason: 'GP not available overnight',
        examinedAt: t('2026-03-29T00:20:00Z'),
        examMode: 'in-person',
        signedAt: t('2026-03-29T00:50:00Z'),
        section: 's2',
        jointGroup: null,
        withdrawnAt: null,
      },
      {
        doctorName: 'Dr Bob Hart',
        s12ApprovedOnExamDate: false,
        approvedClinicianOnExamDate: false,
        approvalVerified: true,
        previousAcquaintance: true,
        noAcquaintanceReason: null,
        examinedAt: t('2026-03-29T00:30:00Z'),
        examMode: 'in-person',
        signedAt: t('2026-03-29T00:55:00Z'),
        section: 's2',
        jointGroup: null,
        withdrawnAt: null,
      },
    ],
    conflicts: [
      {
        name: 'Sam Carter',
        role: 'amhp',
        declaration: { financial: false, business: false, personal: false, declaredAt: t('2026-03-29T00:58:00Z') },
        notes: null,
      },
      { name: 'Dr Ann Lee', role: 'doctor', declaration: null, notes: null },
    ],
    outcome: {
      kind: 'application',
      decidedAt: t('2026-03-29T01:30:00Z'),
      rationale: 'Risk to self; informal admission refused.',
      section: 's2',
      applicant: 'amhp',
      applicationSignedAt: t('2026-03-29T02:30:00Z'),
      hospitalSite: 'Southtown Hospital, Willow Ward site',
      guardian: null,
      bed: { ward: 'Willow Ward', details: 'Out of area', foundBy: 'Bed manager (Kim Ross)' },
      conveyance: { by: 'Ambulance service', details: 'Police escort' },
      admittedAt: null,
      legalStatusCode: '02',
      alternatives: [],
      carePlan: null,
      cto: null,
      writtenReasonsSentAt: null,
    },
    practicalMatters: { dependants: 'None', pets: 'Cat fed by neighbour', property: 'House locked, keys with mother' },
    checks: {
      findings: [
        {
          rule: 'COI-01',
          severity: 'blocker',
          code: 'coi-declaration-missing',
          message: 'Dr Ann Lee has not signed a declaration.',
          citation: 'SI 2008/1205',
        },
        {
          rule: 'MED-04',
          severity: 'warning',
          code: 'no-acquaintance',
          message: 'Neither doctor had previous acquaintance.',
          citation: 'MHA 1983 s.12(2)',
        },
      ],
      deadlines: [
        { rule: 'APP-13', label: 'Conveyance', at: t('2026-04-11T23:00:00Z'), basis: '14 days beginning with the last examination.' },
      ],
      acknowledgedWarnings: [
        { code: 'no-acquaintance', reason: 'GP examined; recorded as acquainted later', by: 'Sam Carter', at: t('2026-03-29T03:00:00Z') },
      ],
    },
    distribution: [
      { recipient: 'Southtown Hospital managers', role: 'Admitting hospital', method: 'secure email', sentAt: t('2026-03-29T06:30:00Z') },
      { recipient: 'Mary Smith', role: 'Nearest relative', method: 'post', sentAt: null },
    ],
  };
}

/** Everything unknown: the report must still print every section. */
function emptyModel(): OutcomeReportModel {
  return {
    generatedAt: t('2026-03-30T10:00:00Z'),
    timeZone: ZONE,
    council: null,
    regime: null,
    referral: {
      reference: null,
      source: null,
      referrer: null,
      receivedAt: null,
      urgency: null,
      reason: null,
      risks: null,
      nearestRelativeRequested: null,
      legalContext: { kind: null, summary: null, clocks: [] },
    },
    person: {
      name: null,
      dateOfBirth: null,
      nhsNumber: null,
      address: null,
      language: null,
      interpreterNeeded: null,
      communicationNeeds: null,
    },
    assessment: { amhpNames: [], location: null, openedAt: null, involvement: null },
    peoplePresent: [],
    contacts: [],
    timeline: [],
    interview: null,
    nearestRelative: null,
    recommendations: [],
    conflicts: [],
    outcome: null,
    practicalMatters: null,
    checks: null,
    distribution: [],
  };
}

function section(report: OutcomeReport, id: string): Array<{ label?: string; text: string }> {
  const s = report.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id}`);
  return s.lines;
}

function value(report: OutcomeReport, id: string, label: string): string | undefined {
  return section(report, id).find((l) => l.label === label)?.text;
}

describe('AMHP outcome report (COP-07)', () => {
  it('has the COP-07 sections in order', () => {
    const report = buildOutcomeReport(fullModel());
    expect(report.sections.map((s) => s.id)).toEqual([
      'referral',
      'legal-basis',
      'people-present',
      'interview',
      'capacity',
      'nearest-relative',
      'doctors',
      'conflicts',
      'alternatives',
      'decision',
      'hospital',
      'conveyance',
      'practical-matters',
      'delays',
      'checks',
      'distribution',
    ]);
    expect(report.title).toBe('AMHP outcome report: Alex Smith (REF-2026-000123)');
    expect(report.generatedAt).toBe('2026-03-30T10:00:00.000Z');
    expect(report.generatedAtLocal).toBe('Mon 30 Mar 2026 11:00 BST');
  });

  it('prints local times with the zone abbreviation on both sides of the clock change', () => {
    const report = buildOutcomeReport(fullModel());
    expect(value(report, 'referral', 'Received')).toBe('Sat 28 Mar 2026 23:30 GMT');
    expect(value(report, 'decision', 'Decided')).toBe('Sun 29 Mar 2026 02:30 BST');
    expect(value(report, 'referral', 'Date of birth')).toBe('2 May 1990');
    expect(value(report, 'referral', 'NHS number')).toBe('943 476 5919');
  });

  it.each([
    // CTO-03 (s.17F(4)-(5)): agreed within the recall's 72 hours, the revocation stands; after them, it founds nothing.
    ['within the 72 hours', '2026-03-30T09:00:00Z', false, 'MHA 1983 s.17F(4): revocation', 'detained there again as if under s.3'],
    [
      'after the 72 hours',
      '2026-03-30T11:00:00Z',
      false,
      'None: the decision on revocation was signed after the 72 hours',
      'The patient had to be released',
    ],
    // A provisional clock (the start of the detention under the recall not recorded): the AMHP answered the warning.
    ['after a provisional 72 hours', '2026-03-30T11:00:00Z', true, 'MHA 1983 s.17F(4): revocation', 'detained there again as if under s.3'],
  ])(
    'a CTO revocation agreed %s: the authority and the hospital lines say what it founds',
    (_name, signedAt, provisional, authority, hospital) => {
      const model = fullModel();
      model.referral.legalContext = {
        kind: 'cto-recall',
        summary: null,
        clocks: [{ label: 'CTO recall', rule: 'CTO-03', deadline: t('2026-03-30T10:00:00Z'), basis: '72 hours.', provisional }],
      };
      model.outcome = {
        ...model.outcome!,
        kind: 'cto-decision',
        section: null,
        cto: { about: 'revocation', decision: 'agree', inWriting: true, signedAt: t(signedAt), conditionsAgreed: null },
      };
      const report = buildOutcomeReport(model);
      expect(value(report, 'legal-basis', 'Authority relied on')).toContain(authority);
      expect(value(report, 'hospital', 'Hospital and bed')).toContain(hospital);
    },
  );

  it("prints 'Not recorded' for a nearest relative who was not identified", () => {
    const model = fullModel();
    model.nearestRelative = null;
    const report = buildOutcomeReport(model);
    expect(value(report, 'nearest-relative', 'Nearest relative')).toBe('Not recorded');
    expect(value(report, 'nearest-relative', 'Identification trace')).toBe('Not recorded');
    expect(value(report, 'nearest-relative', 'Informed')).toBe('Not recorded');
    expect(value(report, 'nearest-relative', 'Consulted')).toBe('Not recorded');
    expect(value(report, 'nearest-relative', 'Objection (s.11(4))')).toBe('Not recorded');
  });

  it('prints the nearest relative trace, informing and consulting, and the exception relied on', () => {
    const model = fullModel();
    model.nearestRelative!.exception = { kind: 'unreasonable-delay', facts: 'Mother abroad, no phone; s.136 ends 23:20.' };
    const report = buildOutcomeReport(model);
    const lines = section(report, 'nearest-relative');
    expect(lines.filter((l) => l.label?.startsWith('Identification ')).map((l) => l.text)).toEqual(model.nearestRelative!.trace);
    expect(value(report, 'nearest-relative', 'Informed')).toBe('Sun 29 Mar 2026 03:00 BST (phone)');
    expect(value(report, 'nearest-relative', 'Consulted')).toBe('Not recorded');
    expect(value(report, 'nearest-relative', 'Exception relied on (s.11(3)/(4))')).toBe(
      'Would involve unreasonable delay: Mother abroad, no phone; s.136 ends 23:20.',
    );
  });

  it('prints beside the exception what the hub computed of the detention left when it was recorded (NR-03, CV v SLAM)', () => {
    const model = fullModel();
    const line = 'Detention in force when the exception was recorded (hub clock)';
    model.nearestRelative!.exception = {
      kind: 'unreasonable-delay',
      facts: 'The s.5(2) is about to run out; no time to reach the mother.',
      detentionRemaining: '68 h of the s.5(2) holding power remained at Sun 6 Dec 2026 12:00 GMT: it ends at Wed 9 Dec 2026 08:00 GMT.',
    };
    expect(value(buildOutcomeReport(model), 'nearest-relative', line)).toBe(
      '68 h of the s.5(2) holding power remained at Sun 6 Dec 2026 12:00 GMT: it ends at Wed 9 Dec 2026 08:00 GMT.',
    );
    // An exception recorded before the hub kept it says so.
    model.nearestRelative!.exception = { kind: 'unreasonable-delay', facts: 'Mother abroad, no phone; s.136 ends 23:20.' };
    expect(value(buildOutcomeReport(model), 'nearest-relative', line)).toBe('Not recorded');
  });

  it('calls the section "Nominated person" under the MHA 2025 regime', () => {
    const model = fullModel();
    model.regime = { id: 'mha2025', representative: 'nominated-person', basis: [] };
    const s = buildOutcomeReport(model).sections.find((x) => x.id === 'nearest-relative')!;
    expect(s.heading).toBe('Nominated person');
    expect(s.lines[0]).toEqual({ label: 'Nominated person', text: 'Mary Smith' });
  });

  it('prints every section of an empty record, with "Not recorded" instead of leaving anything out', () => {
    const report = buildOutcomeReport(emptyModel());
    expect(report.sections).toHaveLength(16);
    for (const s of report.sections) {
      expect(s.lines.length).toBeGreaterThan(0);
      for (const l of s.lines) expect(l.text.trim()).not.toBe('');
    }
    expect(report.title).toBe('AMHP outcome report: name not recorded');
    for (const id of ['capacity', 'alternatives', 'hospital', 'conveyance', 'checks', 'distribution', 'doctors', 'conflicts']) {
      expect(section(report, id).some((l) => l.text.startsWith('Not recorded'))).toBe(true);
    }
    expect(section(report, 'practical-matters').map((l) => l.text)).toEqual(['Not recorded', 'Not recorded', 'Not recorded']);
  });

  it('lists the delay between bed requested and bed identified', () => {
    const report = buildOutcomeReport(fullModel());
    const delay = section(report, 'delays').find((l) => l.label === 'Delay: No bed available');
    // 00:35 GMT to 05:10 BST is 3 h 35 min of elapsed time (the clocks went forward in between).
    expect(delay?.text).toBe(
      'Bed identified Sun 29 Mar 2026 05:10 BST. Bed requested to bed identified: 3 h 35 min (Sun 29 Mar 2026 00:35 GMT to Sun 29 Mar 2026 05:10 BST). Note: No local bed; out of area.',
    );
  });

  it('lists a bracketed wait that has no delay reason, and a wait that has not ended', () => {
    const model = fullModel();
    model.timeline.push({ type: 'conveyance-requested', at: t('2026-03-29T05:00:00Z'), delayReason: null, note: null });
    const lines = section(buildOutcomeReport(model), 'delays');
    expect(lines).toContainEqual({
      label: 'Wait',
      text: 'Doctors requested to doctor arrived: 25 min (Sat 28 Mar 2026 23:40 GMT to Sun 29 Mar 2026 00:05 GMT); no delay reason recorded',
    });
    expect(lines).toContainEqual({
      label: 'Wait',
      text: 'Conveyance requested to conveyance arrived: requested Sun 29 Mar 2026 06:00 BST; the end of the wait is not recorded; no delay reason recorded',
    });
  });

  it('says so when the timeline records no delay', () => {
    const model = fullModel();
    model.timeline = [{ type: 'interview-started', at: t('2026-03-29T00:10:00Z'), delayReason: null, note: null }];
    expect(section(buildOutcomeReport(model), 'delays')).toEqual([{ label: 'Delays', text: 'None recorded on the timeline' }]);
  });

  it('prints each examination time, s.12 status and previous acquaintance (or the reason for none)', () => {
    const lines = section(buildOutcomeReport(fullModel()), 'doctors');
    expect(lines.filter((l) => l.label === 'Doctor').map((l) => l.text)).toEqual(['Dr Ann Lee', 'Dr Bob Hart']);
    expect(lines.filter((l) => l.label === 'Examined').map((l) => l.text)).toEqual([
      'Sun 29 Mar 2026 00:20 GMT, in person',
      'Sun 29 Mar 2026 00:30 GMT, in person',
    ]);
    expect(lines.filter((l) => l.label === 's.12 approved on the examination date').map((l) => l.text)).toEqual([
      'Yes (register)',
      'No (register)',
    ]);
    expect(lines.filter((l) => l.label === 'Previous acquaintance').map((l) => l.text)).toEqual(['No: GP not available overnight', 'Yes']);
    expect(lines.filter((l) => l.label === 'Recommendation').map((l) => l.text)).toEqual([
      's.2, single (Form A4)',
      's.2, single (Form A4)',
    ]);
  });

  it('names the joint recommendation form and flags an unverified stated approval', () => {
    const model = fullModel();
    for (const r of model.recommendations) r.jointGroup = 'g1';
    model.recommendations[1].approvalVerified = false;
    model.recommendations[1].s12ApprovedOnExamDate = true;
    const lines = section(buildOutcomeReport(model), 'doctors');
    expect(lines.filter((l) => l.label === 'Recommendation').map((l) => l.text)).toEqual(['s.2, joint (Form A3)', 's.2, joint (Form A3)']);
    expect(lines.filter((l) => l.label === 's.12 approved on the examination date')[1].text).toBe(
      'Yes (stated by the doctor, not verified against the register)',
    );
  });

  it('prints conflict-of-interest declarations, and a missing one as not recorded', () => {
    const lines = section(buildOutcomeReport(fullModel()), 'conflicts');
    expect(lines).toEqual([
      { label: 'Sam Carter (AMHP)', text: 'Declared Sun 29 Mar 2026 00:58 GMT: no financial, business or personal conflict' },
      { label: 'Dr Ann Lee (doctor)', text: 'Declaration not recorded' },
    ]);
  });

  it('prints the legal basis: the context, its clocks, the law and the form', () => {
    const report = buildOutcomeReport(fullModel());
    expect(value(report, 'legal-basis', 'Legal context at referral')).toBe('MHA 1983 s.136: removed by the police to a place of safety');
    expect(value(report, 'legal-basis', 'Place of safety (s.136)')).toBe('Ends Mon 30 Mar 2026 00:20 BST (POL-07). 24 hours from arrival.');
    expect(value(report, 'legal-basis', 'Authority relied on')).toBe('MHA 1983 s.2: admission for assessment (up to 28 days)');
    expect(value(report, 'legal-basis', 'Application form')).toBe('Form A2 (AMHP application)');
    expect(value(report, 'decision', 'MHSDS legal status')).toBe('02 (Formally detained under MHA Section 2)');
  });

  it('says the legal status is not in force when the admission came after the authority to convey ended (APP-13)', () => {
    const model = fullModel();
    model.checks!.findings.push({
      rule: 'APP-13',
      severity: 'blocker',
      code: 'admitted-after-conveyance-window',
      message: 'The patient was admitted after the authority to convey ended.',
      citation: 'MHA 1983 s.6(1)(a), (2)',
    });
    expect(value(buildOutcomeReport(model), 'decision', 'MHSDS legal status')).toBe(
      '02 (Formally detained under MHA Section 2): NOT IN FORCE. The patient was admitted after the authority to convey under the application ended (APP-13), so is not detained under it',
    );
  });

  it('prints the hospital, bed and conveyance for an application', () => {
    const report = buildOutcomeReport(fullModel());
    expect(value(report, 'hospital', 'Hospital site')).toBe('Southtown Hospital, Willow Ward site');
    expect(value(report, 'hospital', 'Bed requested')).toBe('Sun 29 Mar 2026 00:35 GMT');
    expect(value(report, 'hospital', 'Admitted')).toBe('Sun 29 Mar 2026 07:00 BST');
    expect(value(report, 'conveyance', 'Arranged with')).toBe('Ambulance service');
    expect(value(report, 'conveyance', 'Conveyance requested')).toBe('Not recorded');
  });

  it.each<[string, boolean, string | null, string]>([
    [
      'believed to be 16 or over, date of birth not known',
      true,
      null,
      'Date of birth not known: the application states the patient is believed to be 16 or over',
    ],
    ['the date of birth recorded', false, '1990-05-02', 'Born 2 May 1990'],
    ['neither', false, null, 'Not recorded'],
  ])("GDN-01 (s.7(4)): a guardianship application prints the patient's age as it states it: %s", (_name, believed, dob, expected) => {
    const m = fullModel();
    const report = buildOutcomeReport({
      ...m,
      person: { ...m.person, dateOfBirth: dob },
      outcome: { ...m.outcome!, section: 's7', hospitalSite: null, guardian: 'Northshire County Council', believedSixteenOrOver: believed },
    });
    expect(value(report, 'decision', "Patient's age (s.7(4))")).toBe(expected);
    expect(value(buildOutcomeReport(m), 'decision', "Patient's age (s.7(4))")).toBeUndefined();
  });

  it('prints the alternative care plan when the person is not detained, and owes s.13(4) reasons to a requesting nearest relative', () => {
    const model = fullModel();
    model.referral.nearestRelativeRequested = true;
    model.outcome = {
      ...model.outcome!,
      kind: 'not-detained',
      section: null,
      applicant: null,
      hospitalSite: null,
      bed: null,
      conveyance: null,
      legalStatusCode: null,
      alternatives: ['crisis-home-treatment'],
      carePlan: 'Daily home visits for a week.',
    };
    const report = buildOutcomeReport(model);
    const hospital = report.sections.find((s) => s.id === 'hospital')!;
    expect(hospital.heading).toBe('Alternative care plan');
    expect(value(report, 'hospital', 'Care plan')).toBe('Daily home visits for a week.');
    expect(value(report, 'decision', 'Alternatives put in place')).toBe('Crisis resolution / home treatment');
    expect(value(report, 'conveyance', 'Conveyance')).toBe('Not applicable: no application for admission');
    expect(value(report, 'decision', 'Written reasons to the nearest relative (s.13(4))')).toBe(
      'Not recorded: required when no application is made (NR-12)',
    );
    model.outcome.writtenReasonsSentAt = t('2026-03-30T09:00:00Z');
    expect(value(buildOutcomeReport(model), 'decision', 'Written reasons to the nearest relative (s.13(4))')).toBe(
      'Sent Mon 30 Mar 2026 10:00 BST',
    );
  });

  it.each<['amhp' | 'nearest-relative', string | undefined]>([
    ['amhp', undefined],
    ['nearest-relative', 'Not recorded: required when no application is made (NR-12)'],
  ])('an application by the %s on the nearest relative’s request: s.13(4) reasons owed: %s', (applicant, expected) => {
    const model = fullModel();
    model.referral.nearestRelativeRequested = true;
    model.outcome = { ...model.outcome!, applicant };
    expect(value(buildOutcomeReport(model), 'decision', 'Written reasons to the nearest relative (s.13(4))')).toBe(expected);
  });

  it('prints open findings and acknowledged warnings separately, with the reason', () => {
    const lines = section(buildOutcomeReport(fullModel()), 'checks');
    expect(lines).toContainEqual({ label: 'Blocker COI-01', text: 'Dr Ann Lee has not signed a declaration. (SI 2008/1205)' });
    expect(lines.some((l) => l.label === 'Warning MED-04')).toBe(false);
    expect(lines).toContainEqual({
      label: 'Acknowledged no-acquaintance',
      text: 'MED-04: Neither doctor had previous acquaintance. Acknowledged by Sam Carter at Sun 29 Mar 2026 04:00 BST; reason: GP examined; recorded as acquainted later',
    });
    expect(lines).toContainEqual({
      label: 'Deadline APP-13',
      text: 'Conveyance: Sun 12 Apr 2026 00:00 BST. 14 days beginning with the last examination.',
    });
  });

  it('prints the distribution list with what has been sent', () => {
    expect(section(buildOutcomeReport(fullModel()), 'distribution')).toEqual([
      { label: 'Southtown Hospital managers (Admitting hospital)', text: 'sent Sun 29 Mar 2026 07:30 BST by secure email' },
      { label: 'Mary Smith (Nearest relative)', text: 'not yet sent (to go by post)' },
    ]);
  });

  it('is pure: the same model gives the same report whatever the clock says, and the model is not changed', () => {
    const model = fullModel();
    const before = JSON.stringify(model);
    const first = JSON.stringify(buildOutcomeReport(model));
    jest.useFakeTimers().setSystemTime(t('2031-01-01T00:00:00Z'));
    try {
      expect(JSON.stringify(buildOutcomeReport(model))).toBe(first);
    } finally {
      jest.useRealTimers();
    }
    expect(JSON.stringify(model)).toBe(before);
  });

  it('refuses an invalid generation time or time zone', () => {
    expect(() => buildOutcomeReport({ ...fullModel(), generatedAt: new Date(NaN) })).toThrow(RangeError);
    expect(() => buildOutcomeReport({ ...fullModel(), timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });

  it('formats elapsed durations', () => {
    expect(formatDuration(0)).toBe('0 min');
    expect(formatDuration(25 * 60_000)).toBe('25 min');
    expect(formatDuration(3 * 3_600_000)).toBe('3 h');
    expect(formatDuration(((2 * 24 + 3) * 60 + 5) * 60_000)).toBe('2 d 3 h 5 min');
  });
});

describe('outcome report as HTML', () => {
  it('is a complete standalone printable HTML5 document', () => {
    const html = renderReportHtml(buildOutcomeReport(fullModel()));
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en-GB">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>AMHP outcome report: Alex Smith (REF-2026-000123)</title>');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<link|<script|src=/i);
    expect(html).toContain('<h2 id="delays-heading">Delays</h2>');
    expect(html).toContain('<th scope="row">Received</th><td>Sat 28 Mar 2026 23:30 GMT</td>');
    expect(html).toContain('<span class="missing">Not recorded</span>');
  });

  it('escapes HTML in every field', () => {
    const evil = '<script>alert("x")</script> & \'q\'';
    const model = emptyModel();
    const m = model as unknown as Record<string, unknown>;
    // Every string of a full model replaced by markup, recursively (dates, codes and flags kept).
    const poison = (o: unknown): unknown => {
      if (typeof o === 'string') return evil;
      if (Array.isArray(o)) return o.map(poison);
      if (o && typeof o === 'object' && !(o instanceof Date))
        return Object.fromEntries(
          Object.entries(o).map(([k, v]) => [
            k,
            ['kind', 'section', 'applicant', 'mode', 'role', 'severity', 'id', 'representative', 'urgency'].includes(k) ? v : poison(v),
          ]),
        );
      return o;
    };
    Object.assign(m, poison(fullModel()));
    model.timeZone = ZONE;
    const report = buildOutcomeReport(model);
    const html = renderReportHtml(report);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('"x"');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    // Every label and text of every line appears escaped.
    for (const s of report.sections) {
      for (const l of s.lines) {
        expect(html).toContain(escapeHtml(l.text));
        if (l.label) expect(html).toContain(escapeHtml(l.label));
      }
    }
    expect(html).toContain(`<title>${escapeHtml(report.title)}</title>`);
  });

  it('keeps line breaks in long text', () => {
    const model = fullModel();
    model.outcome!.rationale = 'First line.\nSecond line.';
    expect(renderReportHtml(buildOutcomeReport(model))).toContain('First line.<br>\nSecond line.');
  });
});

describe('outcome report as PDF', () => {
  const render = (model: OutcomeReportModel) =>
    renderReportPdf(buildOutcomeReport(model), { createdAt: t('2026-03-30T10:00:00Z'), compress: false });

  it('is a PDF headed by the council, with every section and "page n of m" on every page', async () => {
    const pdf = await render(fullModel());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text, pages, pageCount } = pdfText(pdf);
    expect(pageCount).toBeGreaterThanOrEqual(1);
    expect(pages).toHaveLength(pageCount);
    expect(pages[0].startsWith('Northshire County Council\nApproved Mental Health Professional (AMHP) service')).toBe(true);
    expect(text).toContain('AMHP outcome report: Alex Smith (REF-2026-000123)');
    for (const s of buildOutcomeReport(fullModel()).sections) expect(text).toContain(s.heading);
    expect(text).toContain('Received\nSat 28 Mar 2026 23:30 GMT');
    expect(text).toContain('Ward\nWillow Ward');
    pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${pageCount}`));
  });

  it('a long report runs over more pages, each with its footer', async () => {
    const short = pdfText(await render(fullModel()));
    const model = fullModel();
    for (let i = 0; i < 150; i++) {
      model.timeline.push({
        type: 'bed-requested',
        at: t(`2026-03-29T${String(7 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`),
        delayReason: 'no-bed',
        note: `Re-requested (attempt ${i + 1}); ${'the bed manager had no bed in area and searched further afield. '.repeat(2)}`,
      });
    }
    const long = pdfText(await render(model));
    expect(long.pageCount).toBeGreaterThan(short.pageCount + 3);
    long.pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${long.pageCount}`));
  });

  it('a rationale longer than a page flows over the page break, and nothing after it is lost', async () => {
    const model = fullModel();
    model.outcome!.rationale = Array.from({ length: 160 }, (_, i) => `Sentence ${i + 1} of the rationale.`).join(' ');
    const { text, pages, pageCount } = pdfText(await render(model));
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('Sentence 1 of the rationale. Sentence 2 of the rationale.');
    expect(flat).toContain('Sentence 160 of the rationale.');
    expect(flat.indexOf('Sentence 160 of the rationale.')).toBeLessThan(flat.indexOf('Hospital and bed'));
    expect(text).toContain('Distribution');
    pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${pageCount}`));
  });

  it('prints Latin-1 and typographic quotes, and ? for what the standard fonts cannot show', async () => {
    const model = fullModel();
    model.person.name = "Zoë O'Brien (back\\slash) 李 “quoted”";
    const { text } = pdfText(await render(model));
    expect(text).toContain("Zo\u00eb O'Brien (back\\slash) ? \u0093quoted\u0094");
  });

  it("prints a local rule's mark and the rules' symbols spelt out, never as ?", async () => {
    const model = fullModel();
    model.person.name = 'Local target ✱ ≤ 240 minutes → due';
    const { text } = pdfText(await render(model));
    expect(text).toContain('Local target * <= 240 minutes -> due');
  });

  it('without a council, the header names the AMHP service alone', async () => {
    const { pages } = pdfText(await render({ ...fullModel(), council: null }));
    expect(pages[0].startsWith('Approved Mental Health Professional (AMHP) service\nAMHP outcome report')).toBe(true);
  });

  it('word-wraps and splits words longer than a line (the plain-text letter)', () => {
    expect(wrapText('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapText('', 10)).toEqual(['']);
    expect(wrapText('one two three', 7, 5)).toEqual(['one two', 'three']);
  });
});

describe('s.13(4) written-reasons letter', () => {
  const input = (): WrittenReasonsInput => ({
    nearestRelative: { name: 'Mary Smith', address: '1 High Street, Northtown, NT1 1AA' },
    patientName: 'Alex Smith',
    referralReceivedAt: t('2026-03-28T23:30:00Z'),
    decidedAt: t('2026-03-29T14:15:00Z'),
    amhpName: 'Sam Carter',
    council: 'Northshire County Council',
    reasons: 'Alex agreed to stay at home with daily visits from the crisis team.\nThe doctors did not recommend admission.',
    alternatives: ['crisis-home-treatment', 'GP review within a week'],
    timeZone: ZONE,
  });

  it('the written-reasons letter cites s.13(4) and includes the reasons', () => {
    const { text, html } = writtenReasonsLetter(input());
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('section 13(4) of the Mental Health Act 1983');
    expect(flat).toContain('Alex agreed to stay at home with daily visits from the crisis team.');
    expect(flat).toContain('The doctors did not recommend admission.');
    expect(flat).toContain('I decided not to make an application');
    expect(flat).toContain('On Sun 29 Mar 2026 15:15 BST I decided');
    expect(flat).toContain('On Sat 28 Mar 2026 23:30 GMT you asked Northshire County Council');
    expect(html).toContain('section 13(4) of the Mental Health Act 1983');
    expect(html).toContain(
      'Alex agreed to stay at home with daily visits from the crisis team.<br>\nThe doctors did not recommend admission.',
    );
  });

  it('tells the nearest relative what will happen instead, and that they may apply under s.11(1) or seek advice', () => {
    const { text, html } = writtenReasonsLetter(input());
    const flat = text.replace(/\s+/g, ' ');
    expect(text).toContain('What will happen instead\n\n- Crisis resolution / home treatment\n- GP review within a week');
    expect(flat).toContain('you can make an application yourself under section 11(1) of the Mental Health Act 1983');
    expect(flat).toContain('You may want advice');
    expect(text.startsWith('Northshire County Council\n')).toBe(true);
    expect(text).toContain('Mary Smith\n1 High Street\nNorthtown\nNT1 1AA\n\n29 March 2026\n\nDear Mary Smith,');
    expect(text.trimEnd().endsWith('Sam Carter\nApproved Mental Health Professional\non behalf of Northshire County Council')).toBe(true);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('@media print');
    expect(html).toContain('<li>GP review within a week</li>');
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(78);
  });

  it('says when nothing else has been arranged and when the address is not recorded', () => {
    const { text } = writtenReasonsLetter({ ...input(), alternatives: [], nearestRelative: { name: 'Mary Smith', address: null } });
    expect(text).toContain('Mary Smith\n(address not recorded)');
    expect(text.replace(/\s+/g, ' ')).toContain('No other services have been arranged at present.');
  });

  it('escapes HTML in the letter', () => {
    const { html } = writtenReasonsLetter({
      ...input(),
      patientName: '<script>x</script>',
      reasons: '<img src=x onerror=alert(1)>',
      nearestRelative: { name: '"Mary" & <b>', address: '<i>addr</i>' },
    });
    expect(html).not.toMatch(/<script|<img|<b>|<i>/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;Mary&quot; &amp; &lt;b&gt;');
  });

  it('without a council name, the letter says "the council" and is signed for it, never a placeholder', () => {
    const { text } = writtenReasonsLetter({ ...input(), council: null });
    const flat = text.replace(/\s+/g, ' ');
    expect(text.startsWith('Approved Mental Health Professional (AMHP) service\n\nMary Smith')).toBe(true);
    expect(flat).toContain('you asked the council to arrange');
    expect(flat).toContain('please contact the AMHP service.');
    expect(text.trimEnd().endsWith('on behalf of the council')).toBe(true);
    expect(flat).not.toMatch(/local social services authority|null|undefined/);
  });

  it('as a PDF: the letterhead, the address, the date, the reasons and the signature for the council, in that order', async () => {
    const pdf = await renderLetterPdf(writtenReasonsLetter(input()), { createdAt: t('2026-03-29T15:00:00Z'), compress: false });
    const { text, pages, pageCount } = pdfText(pdf);
    const order = [
      'Northshire County Council',
      'PRIVATE AND CONFIDENTIAL',
      'Mary Smith\n1 High Street\nNorthtown\nNT1 1AA',
      '29 March 2026',
      'Dear Mary Smith,',
      'Why I decided not to make an application',
      'Alex agreed to stay at home with daily visits from the crisis team.',
      'The doctors did not recommend admission.',
      'Crisis resolution / home treatment',
      'Yours sincerely,',
      'Sam Carter\nApproved Mental Health Professional\non behalf of Northshire County Council',
    ];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${pageCount}`));
  });

  it('refuses a letter without reasons or with an invalid date', () => {
    expect(() => writtenReasonsLetter({ ...input(), reasons: '  ' })).toThrow(RangeError);
    expect(() => writtenReasonsLetter({ ...input(), decidedAt: new Date(NaN) })).toThrow(RangeError);
  });
});
