import { TokenService } from '../src/auth/token.service';
import { insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures, declareNewDoctors } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

interface Finding {
  rule: string;
  severity: string;
  code: string;
  message: string;
}
interface Deadline {
  id: string;
  rule: string;
  at: string;
  basis: string;
}

/**
 * What an application is founded on, over HTTP: the doctors who recommend it (their conflict declarations, COI-09),
 * the hospital their recommendations name (APP-08), the windows before it is made (MED-02, COP-02), and the patient's
 * age for guardianship (GDN-01). Now is Sat 21 Nov 2026 12:00 GMT unless a test moves it.
 */
describe('what an application is founded on', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  const NOW = '2026-11-21T12:00:00Z';

  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7000001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7000002');
  });
  afterAll(() => t.close());

  const { as, opened, prepared, application, decide, s4Made } = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));

  /** Moves the clock, and gives each user a token for the new "now". */
  const at = async (iso: string, ...users: TestUser[]) => {
    t.clock.set(iso);
    for (const u of [manager, ...users]) {
      const { token } = await t.app.get(TokenService).issueAccessToken(u.id, u.roles);
      Object.assign(u, { token, auth: `Bearer ${token}` });
    }
  };
  const statusOf = async (id: string) => (await t.sql<{ status: string }>('SELECT status FROM assessments WHERE id = $1', [id]))[0].status;
  const byCode = (findings: Finding[], code: string) => findings.filter((f) => f.code === code);
  const decl = { financial: false, business: false, personal: false };
  const amhpRow = { assessorId: 'amhp', role: 'amhp', name: 'The AMHP', teams: ['AMHP hub'], directsOrEmploys: [], declaration: decl };
  const doctorRow = (assessorId: string, name: string) => ({
    assessorId,
    role: 'doctor',
    name,
    teams: [`${name}'s team`],
    directsOrEmploys: [],
    declaration: decl,
  });

  it('an application whose conflict declarations are by doctors who gave no recommendation is refused, naming each recommending doctor who has not declared (COI-09)', async () => {
    await at(NOW);
    const { worker, assessment: a } = await opened();
    const relative = await prepared(a, worker);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        informedAt: '2026-11-21T10:30:00Z',
        informedMethod: 'phone',
      })
      .expect(200);
    const conflicts = (assessors: object[]) =>
      as(worker).put(`/assessments/${a.id}/conflicts`, { patientTeams: [], assessors }).expect(200);

    // Declarations by two doctors who recommend nothing here: neither recommending doctor has declared.
    await conflicts([amhpRow, doctorRow('other-1', 'Dr Somebody Else'), doctorRow('other-2', 'Dr Another Person')]);
    const checks = (await as(worker).get(`/assessments/${a.id}/checks?section=s2`).expect(200)).body;
    const missing = byCode(checks.findings, 'conflict-declaration-missing');
    expect(missing.map((f) => [f.rule, f.severity])).toEqual([
      ['COI-09', 'blocker'],
      ['COI-09', 'blocker'],
    ]);
    expect(missing[0].message).toMatch(
      /^Dr Asha Patel gave a medical recommendation but has not signed a conflict-of-interest declaration/,
    );
    expect(missing[0].message).toContain(
      'The doctors recorded as assessors (Dr Somebody Else, Dr Another Person) gave none of the recommendations',
    );
    expect(missing[1].message).toMatch(/^Dr Sam Whitfield gave a medical recommendation/);
    const refused = await decide(worker, a.id, application('s2'));
    expect([refused.status, refused.body.code]).toEqual([422, 'application-blocked']);
    expect(refused.body.rules).toContain('COI-09');
    expect(await statusOf(a.id)).toBe('open');

    // One of the two declares, against her recommendation: the other is still named.
    const recs = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.recommendations as Array<{
      id: string;
      doctorName: string;
    }>;
    await conflicts([amhpRow, doctorRow(recs[0].id, recs[0].doctorName)]);
    const one = await decide(worker, a.id, application('s2'));
    expect(one.status).toBe(422);
    expect(byCode(one.body.findings, 'conflict-declaration-missing').map((f) => f.message.split(' gave ')[0])).toEqual([
      'Dr Sam Whitfield',
    ]);
    expect(await statusOf(a.id)).toBe('open');

    // Both recommending doctors have declared: the application is recorded.
    await conflicts([amhpRow, ...recs.map((r) => doctorRow(r.id, r.doctorName))]);
    expect((await decide(worker, a.id, application('s2'))).status).toBe(200);
  });

  it('a s.3 application to a hospital neither recommendation names is refused (APP-08); to the hospital they name it is recorded', async () => {
    await at(NOW);
    const { worker, assessment: a } = await opened();
    const relative = await prepared(a, worker, 's3'); // both recommendations: treatment available at "Northshire General, Beech Ward"
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        consultedAt: '2026-11-21T10:00:00Z',
        consultedMethod: 'phone',
      })
      .expect(200);
    const elsewhere = await decide(worker, a.id, application('s3', { hospitalSite: 'Southshire Royal Infirmary, Ward 9' }));
    expect([elsewhere.status, elsewhere.body.code]).toEqual([422, 'application-blocked']);
    expect(elsewhere.body.rules).toEqual(['APP-08']);
    expect(byCode(elsewhere.body.findings, 'hospital-not-in-recommendation').map((f) => f.message)).toEqual([
      "Dr Asha Patel's s.3 recommendation states that appropriate medical treatment is available at Northshire General, Beech Ward, but the application is addressed to Southshire Royal Infirmary, Ward 9. The application must be to a hospital the recommendations name: address it to one of them, or ask Dr Asha Patel for a recommendation naming Southshire Royal Infirmary, Ward 9.",
      expect.stringMatching(/^Dr Sam Whitfield's s.3 recommendation states/),
    ]);
    expect(await statusOf(a.id)).toBe('open');

    const named = await decide(worker, a.id, application('s3')); // "Northshire General Hospital, Beech Ward"
    expect(named.status).toBe(200);
    expect(byCode(named.body.outcome.findingsAtDecision, 'hospital-not-in-recommendation')).toEqual([]);
  });

  it('an application signed at 08:00 when the AMHP first saw the patient at 09:00 that day is refused, naming both times; signed after the visit it is recorded (APP-04, s.11(5), s.13(2))', async () => {
    await at(NOW);
    const { worker, assessment: a } = await opened();
    // The AMHP's only in-person contact is Sat 21 Nov 09:00; both doctors examined before 08:00.
    await prepared(a, worker, 's2', ['2026-11-20T15:00:00Z', '2026-11-21T07:00:00Z']);
    const early = await decide(worker, a.id, application('s2', { signedAt: '2026-11-21T08:00:00Z' }));
    expect([early.status, early.body.code]).toEqual([422, 'application-blocked']);
    expect(early.body.rules).toEqual(['APP-04']);
    expect(byCode(early.body.findings, 'applicant-seen-after-signing').map((f) => f.message)).toEqual([
      expect.stringContaining(
        "The application was signed at Sat 21 Nov 2026 08:00 GMT, but the applicant's in-person contact with the patient in the 14 days ending with the application date was at Sat 21 Nov 2026 09:00 GMT, after it",
      ),
    ]);
    expect(await statusOf(a.id)).toBe('open');

    const after = await decide(worker, a.id, application('s2', { signedAt: '2026-11-21T09:30:00Z' }));
    expect(after.status).toBe(200);
    expect(byCode(after.body.outcome.findingsAtDecision, 'applicant-seen-after-signing')).toEqual([]);
  });

  it.each([
    ['s2', ['2026-11-21T08:00:00Z', '2026-11-21T10:00:00Z']],
    ['s4', ['2026-11-21T10:00:00Z', '2026-11-21T10:00:00Z']],
  ] as const)(
    'a %s signed at 09:30 on a recommendation given at 10:00 that day is refused, naming both times; signed after it, it is recorded (MED-01, s.12(1))',
    async (section, exams) => {
      await at(NOW);
      const { worker, assessment: a } = await opened();
      const relative = await prepared(a, worker, section, [...exams]);
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: relative.id,
          informedAt: '2026-11-21T09:15:00Z',
          informedMethod: 'phone',
        })
        .expect(200);
      const body = (signedAt: string) =>
        application(section, { signedAt, ...(section === 's4' ? { undesirableDelayStatement: true } : {}) });
      const early = await decide(worker, a.id, body('2026-11-21T09:30:00Z'));
      expect([early.status, early.body.code]).toEqual([422, 'application-blocked']);
      expect(early.body.rules).toEqual(['MED-01']);
      expect(byCode(early.body.findings, 'recommendation-examined-after-application').map((f) => f.message)).toEqual([
        expect.stringContaining(
          'examined the patient at Sat 21 Nov 2026 10:00 GMT, after the application was signed at Sat 21 Nov 2026 09:30 GMT',
        ),
      ]);
      expect(await statusOf(a.id)).toBe('open');

      const after = await decide(worker, a.id, body('2026-11-21T10:30:00Z'));
      expect(after.status).toBe(200);
      expect(byCode(after.body.outcome.findingsAtDecision, 'recommendation-examined-after-application')).toEqual([]);
    },
  );

  describe('two recommendations by two different doctors, told apart by their GMC numbers (APP-07, s.12)', () => {
    let marshA: string;
    let marshB: string;
    beforeAll(async () => {
      marshA = await insertDoctor(t, 'Dr Helen Marsh', '4100001', 's12');
      marshB = await insertDoctor(t, 'Dr Helen Marsh', '7056789');
    });
    /** A s.2 ready but for the doctors, with the nearest relative informed, and its first outcome (no acknowledgements). */
    const attempt = async (doctors: [object, object]) => {
      await at(NOW);
      const { worker, assessment: a } = await opened();
      const relative = await prepared(a, worker, 's2', undefined, doctors);
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: relative.id,
          informedAt: '2026-11-21T10:30:00Z',
          informedMethod: 'phone',
        })
        .expect(200);
      const first = await as(worker).post(`/assessments/${a.id}/outcome`, application('s2'));
      return { worker, a, first };
    };

    it('two register doctors who share a name are two doctors: the s.2 is recorded', async () => {
      const { first } = await attempt([{ doctorId: marshA }, { doctorId: marshB }]);
      expect(first.status).toBe(200);
      expect(byCode(first.body.outcome.findingsAtDecision, 'recommendations-same-doctor')).toEqual([]);
    });

    it('the register doctor entered again ad hoc with her GMC number is one doctor: refused', async () => {
      const { a, first } = await attempt([
        { doctorId: s12Doctor },
        { doctorName: 'A. Patel', gmcNumber: '7000001', statedApproval: { s12: true, approvedClinician: false } },
      ]);
      expect([first.status, first.body.code]).toEqual([422, 'application-blocked']);
      expect(first.body.rules).toEqual(['APP-07']);
      expect(byCode(first.body.findings, 'recommendations-same-doctor')).toHaveLength(1);
      expect(await statusOf(a.id)).toBe('open');
    });

    it('the register doctor entered again ad hoc by name alone may be her: a warning to answer, naming how to tell them apart', async () => {
      const { worker, a, first } = await attempt([
        { doctorId: s12Doctor },
        { doctorName: 'Asha Patel', statedApproval: { s12: true, approvedClinician: false } },
      ]);
      expect([first.status, first.body.code]).toEqual([422, 'warnings-not-acknowledged']);
      expect(byCode(first.body.findings, 'recommendations-doctor-may-be-same').map((f) => [f.rule, f.message])).toEqual([
        [
          'APP-07',
          expect.stringContaining(
            'Asha Patel (entered by name, no GMC number) has the same name as Dr Asha Patel (GMC 7000001), who gave another of the recommendations',
          ),
        ],
      ]);
      expect((await decide(worker, a.id, application('s2'))).status).toBe(200);
    });

    it("an ad hoc doctor's GMC number is seven digits, and a register doctor's comes from the register", async () => {
      const { worker, assessment: a } = await opened();
      const rec = {
        previousAcquaintance: true,
        examinedAt: '2026-11-21T09:00:00Z',
        examMode: 'in-person',
        signedAt: '2026-11-21T09:00:00Z',
        section: 's2',
      };
      const withRegister = await as(worker)
        .post(`/assessments/${a.id}/recommendations`, { ...rec, doctorId: s12Doctor, gmcNumber: '7000001' })
        .expect(422);
      expect(withRegister.body).toMatchObject({ code: 'gmc-number-from-register', field: 'gmcNumber' });
      const malformed = await as(worker).post(`/assessments/${a.id}/recommendations`, {
        ...rec,
        doctorName: 'Dr Jo Ng',
        gmcNumber: '12345',
        statedApproval: { s12: false, approvedClinician: false },
      });
      expect(malformed.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(malformed.body)).toContain('gmcNumber');
      expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.recommendations).toEqual([]);
    });
  });

  it('before the application, the checks and the job pack show the latest date for the second examination and the last valid application date, warn on the day the window closes, and block after it (MED-02, COP-02)', async () => {
    await at(NOW);
    const { worker, referral, assessment: a } = await opened();
    await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T09:00:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
    // One examination so far: Fri 20 Nov 2026 (C3: at most 5 clear days, so the second by Thu 26 Nov).
    await as(worker)
      .post(`/assessments/${a.id}/recommendations`, {
        doctorId: s12Doctor,
        previousAcquaintance: false,
        examinedAt: '2026-11-20T15:00:00Z',
        examMode: 'in-person',
        signedAt: '2026-11-20T15:30:00Z',
        section: 's2',
      })
      .expect(201);
    // The section asked about, or the one the recommendation is for (a s.3 or s.7 is founded on its own recommendations).
    for (const section of ['', '?section=s2']) {
      const checks = (await as(worker).get(`/assessments/${a.id}/checks${section}`).expect(200)).body;
      const deadlines = checks.deadlines as Deadline[];
      const second = deadlines.find((d) => d.id === 'second-examination');
      expect([second?.rule, second?.at]).toEqual(['MED-02', '2026-11-27T00:00:00.000Z']);
      expect(second?.basis).toContain('so the second must be on or before Thu 26 Nov 2026');
      // The last examination Fri 20 Nov + 13 = Thu 3 Dec is earlier than seen Sat 21 Nov + 13 = Fri 4 Dec.
      const last = deadlines.find((d) => d.id === 'last-valid-application');
      expect([last?.rule, last?.at]).toEqual(['COP-02', '2026-12-04T00:00:00.000Z']);
      expect(last?.basis).toContain('The earlier is Thu 3 Dec 2026');
      expect(byCode(checks.findings, 'second-examination-window-closes-today')).toEqual([]);
    }
    // The duty AMHP's job shows the same.
    const pack = (await as(worker).get('/me/job-pack').expect(200)).body;
    const job = pack.jobs.find((j: { referral: { id: string } }) => j.referral.id === referral.id);
    expect((job.checks.deadlines as Deadline[]).map((d) => d.id)).toEqual(
      expect.arrayContaining(['second-examination', 'last-valid-application']),
    );

    // Thu 26 Nov: the last day for the second examination.
    await at('2026-11-26T10:00:00Z', worker);
    const lastDay = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(byCode(lastDay.findings, 'second-examination-window-closes-today').map((f) => [f.rule, f.severity, f.message])).toEqual([
      [
        'MED-02',
        'warning',
        'Today, Thu 26 Nov 2026, is the last day for the second medical examination: the first was on Fri 20 Nov 2026 (Dr Asha Patel), and no more than 5 clear days may pass between them. A second doctor must examine the patient in person by midnight (Fri 27 Nov 2026 00:00 GMT), or two fresh examinations will be needed.',
      ],
    ]);
    // Fri 27 Nov: too late for a second doctor to join the first.
    await at('2026-11-27T10:00:00Z', worker);
    const after = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(byCode(after.findings, 'second-examination-window-passed').map((f) => f.severity)).toEqual(['blocker']);
    // Thu 3 Dec: the last valid date to apply on the first examination.
    await at('2026-12-03T10:00:00Z', worker);
    const closing = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(byCode(closing.findings, 'application-window-closes-today').map((f) => f.rule)).toEqual(['COP-02']);
    await at(NOW, worker);
  });

  it("for a s.4, the latest date shown for the second examination is no later than the s.4's own end (APP-11)", async () => {
    await at(NOW);
    const { worker, assessment: a } = await s4Made();
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T11:30:00Z' }).expect(201);
    const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    const second = (checks.deadlines as Deadline[]).find((d) => d.id === 'second-examination')!;
    // Examined Sat 21 Nov: + 6 days would be the end of Fri 27 Nov, but the s.4 ends 72 hours after admission.
    expect(second.at).toBe('2026-11-24T11:30:00.000Z');
    expect(second.basis).toContain('the s.4 ends at Tue 24 Nov 2026 11:30 GMT, 72 hours after admission');
  });

  describe('guardianship for a patient aged 16 or over (GDN-01, s.7(4))', () => {
    /** A complete s.7 on a person whose date of birth is `dob` (null: not known). */
    async function guardianshipFor(dob: string | null) {
      await at(NOW);
      const o = await opened();
      const { worker, assessment: a } = o;
      const person = await as(manager).get(`/people/${a.person.id}`).expect(200);
      await as(manager).patch(`/people/${a.person.id}`, { dateOfBirth: dob }, { 'if-match': person.headers.etag }).expect(200);
      const relative = await prepared(a, worker, 's7');
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: relative.id,
          consultedAt: '2026-11-21T10:00:00Z',
          consultedMethod: 'phone',
        })
        .expect(200);
      return { worker, a };
    }
    const lssa = { guardian: { type: 'lssa', name: 'Northshire County Council', willingnessStatement: true } };

    it('date of birth not known: refused unless the application states the patient is believed to be 16 or over, then recorded and shown on the report', async () => {
      const { worker, a } = await guardianshipFor(null);
      const unstated = await decide(worker, a.id, application('s7', lssa));
      expect([unstated.status, unstated.body.rules]).toEqual([422, ['GDN-01']]);
      expect(byCode(unstated.body.findings, 'patient-age-not-recorded')[0].message).toContain(
        'state on the application that the patient is believed to be 16 or over',
      );
      // Only a guardianship application states it; a malformed value is 400 naming it. Nothing is recorded.
      const s2 = await as(worker).post(`/assessments/${a.id}/outcome`, application('s2', { believedSixteenOrOver: true }));
      expect([s2.status, s2.body.code, s2.body.field]).toEqual([422, 'believed-age-not-guardianship', 'believedSixteenOrOver']);
      const bad = await as(worker).post(`/assessments/${a.id}/outcome`, application('s7', { ...lssa, believedSixteenOrOver: 'yes' }));
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.errors)).toContain('believedSixteenOrOver');
      expect(await statusOf(a.id)).toBe('open');

      const stated = await decide(worker, a.id, application('s7', { ...lssa, believedSixteenOrOver: true }));
      expect(stated.status).toBe(200);
      expect(stated.body.outcome.application.believedSixteenOrOver).toBe(true);
      const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
      expect(checks.findings.filter((f: Finding) => f.rule === 'GDN-01')).toEqual([]);
      const report = (await as(worker).get(`/assessments/${a.id}/report`).expect(200)).body;
      const decision = report.sections.find((s: { id: string }) => s.id === 'decision');
      expect(decision.lines).toContainEqual({
        label: "Patient's age (s.7(4))",
        text: 'Date of birth not known: the application states the patient is believed to be 16 or over',
      });
    });

    it('a date of birth under 16 on the application date is refused whatever the application states', async () => {
      const { worker, a } = await guardianshipFor('2011-01-01');
      const refused = await decide(worker, a.id, application('s7', { ...lssa, believedSixteenOrOver: true }));
      expect([refused.status, refused.body.rules]).toEqual([422, ['GDN-01']]);
      expect(byCode(refused.body.findings, 'patient-under-16')[0].message).toContain('They are 16 on Fri 1 Jan 2027');
      expect(await statusOf(a.id)).toBe('open');
    });
  });
});

/**
 * A made application stays as it was made: the recommendations it was founded on, and the s.12 approval each doctor
 * had on the examination date as the register gave it then (MED-01, MED-03, APP-16). Now is Sat 21 Nov 2026 12:00 GMT.
 */
describe('a made application stays as it was made', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7000001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7000002');
  });
  afterAll(() => t.close());

  const { as, opened, prepared, application, decide } = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));
  interface Rec {
    id: string;
    doctorName: string;
    withdrawnAt: string | null;
    approvalOnExamDate: { s12: boolean; approvedClinician: boolean } | null;
    approvalReliedOn: { asAt: string; s12: { approvalId: string; startsOn: string; endsOn: string } | null } | null;
  }
  const ruleCodes = (findings: Finding[]) => findings.map((f) => `${f.rule}:${f.code}`).sort();

  /** A s.3 made on Dr Asha Patel's (20 Nov) and Dr Sam Whitfield's (21 Nov) recommendations, signed 21 Nov 11:00. */
  async function madeS3() {
    const { worker, assessment: a } = await opened();
    const relative = await prepared(a, worker, 's3');
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        consultedAt: '2026-11-21T10:00:00Z',
        consultedMethod: 'phone',
      })
      .expect(200);
    const made = await decide(worker, a.id, application('s3'));
    expect(made.status).toBe(200);
    return { worker, a };
  }
  const read = async (worker: TestUser, id: string) => {
    const view = (await as(worker).get(`/assessments/${id}`).expect(200)).body as { version: number; recommendations: Rec[] };
    const checks = (await as(worker).get(`/assessments/${id}/checks`).expect(200)).body as { findings: Finding[]; deadlines: Deadline[] };
    return { view, checks };
  };

  it('withdrawing a recommendation the made application was founded on is refused (409 naming the application); its recommendations, findings and deadlines stay as made', async () => {
    const { worker, a } = await madeS3();
    const before = await read(worker, a.id);
    const [, later] = before.view.recommendations; // Dr Sam Whitfield, the last examination (21 Nov)
    const refused = await as(worker)
      .post(`/assessments/${a.id}/recommendations/${later.id}/withdrawal`, { reason: 'The doctor withdrew it after signing.' })
      .expect(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      code: 'recommendation-founds-application',
      rule: 'APP-16',
      section: 's3',
      signedAt: '2026-11-21T11:00:00.000Z',
    });
    expect(refused.body.detail).toContain('founds the s.3 application signed at Sat 21 Nov 2026 11:00 GMT');
    const after = await read(worker, a.id);
    expect(after.view.version).toBe(before.view.version);
    expect(after.view.recommendations.map((r) => r.withdrawnAt)).toEqual([null, null]);
    expect(after.checks).toEqual(before.checks);
    expect(ruleCodes(after.checks.findings)).not.toContain('APP-07:medical-recommendations-missing');
  });

  it('a recommendation added after the application was made does not change what it was founded on, and one entered in error can be withdrawn', async () => {
    const { worker, a } = await madeS3();
    const before = await read(worker, a.id);
    const extra = (
      await as(worker)
        .post(`/assessments/${a.id}/recommendations`, {
          doctorId: s12Doctor,
          previousAcquaintance: false,
          noAcquaintanceReason: 'Entered on the wrong assessment.',
          examinedAt: '2026-11-21T11:30:00Z',
          examMode: 'in-person',
          signedAt: '2026-11-21T11:40:00Z',
          section: 's3',
          informalInappropriateReason: 'Refuses all informal treatment.',
          treatmentAvailableAt: 'Northshire General, Beech Ward',
        })
        .expect(201)
    ).body.recommendations.find((r: Rec & { examinedAt: string }) => r.examinedAt === '2026-11-21T11:30:00.000Z') as Rec;
    // The made application's judgement and its deadlines (from the last examination it was founded on) have not moved.
    const withExtra = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(withExtra).toEqual(before.checks);
    await as(worker).post(`/assessments/${a.id}/recommendations/${extra.id}/withdrawal`, { reason: 'Entered in error.' }).expect(200);
  });

  it('for a s.4, the second recommendation cannot be withdrawn once the s.4 has become a s.2 on it (APP-11)', async () => {
    const { worker, assessment: a } = await opened();
    await prepared(a, worker, 's4');
    expect((await decide(worker, a.id, application('s4', { undesirableDelayStatement: true }))).status).toBe(200);
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T11:30:00Z' }).expect(201);
    const second = (
      await as(worker)
        .post(`/assessments/${a.id}/recommendations`, {
          doctorId: gpDoctor,
          previousAcquaintance: true,
          examinedAt: '2026-11-21T11:40:00Z',
          examMode: 'in-person',
          signedAt: '2026-11-21T11:45:00Z',
          section: 's2',
          receivedByManagersAt: '2026-11-21T11:50:00Z',
        })
        .expect(201)
    ).body.recommendations.find((r: Rec & { section: string }) => r.section === 's2') as Rec;
    await declareNewDoctors(t, worker, a.id);
    await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(200);
    const refused = await as(worker)
      .post(`/assessments/${a.id}/recommendations/${second.id}/withdrawal`, { reason: 'Withdrawn after the conversion.' })
      .expect(409);
    expect(refused.body).toMatchObject({ code: 'recommendation-founds-application', section: 's4' });
    expect(refused.body.detail).toContain('founds the s.2 that the s.4 application signed at Sat 21 Nov 2026 11:00 GMT became');
    const view = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    expect([view.section, view.recommendations.map((r: Rec) => r.withdrawnAt)]).toEqual(['s2', [null, null]]);
  });

  // Held-out case (MED-03, s.12(2): approved on the day of the examination): the day is the London date. The clocks go
  // back at 02:00 BST on Sun 25 Oct 2026, so 23:30 UTC on Sat 24 Oct is 00:30 BST on Sun 25 Oct.
  it.each([
    ['at 23:30 BST on Sat 24 Oct, the last day of her s.12 approval: approved', '2026-10-24T22:30:00Z', true],
    ['at 00:30 BST on Sun 25 Oct (23:30 UTC on the 24th), the day after it ended: not approved', '2026-10-24T23:30:00Z', false],
  ])('MED-03: a doctor whose s.12 approval ended on Sat 24 Oct 2026 examined %s', async (_name, examinedAt, approved) => {
    const saved = s12Doctor;
    s12Doctor = await insertDoctor(t, 'Dr Oona Octavia', `70100${approved ? '41' : '42'}`);
    await t.sql(`INSERT INTO doctor_approvals (doctor_id, kind, starts_on, ends_on) VALUES ($1, 's12', '2021-10-25', '2026-10-24')`, [
      s12Doctor,
    ]);
    try {
      const { worker, assessment: a } = await opened({ receivedAt: '2026-10-24T12:00:00Z', openedAt: '2026-10-24T13:00:00Z' });
      await prepared(a, worker, 's2', [examinedAt, '2026-10-26T10:00:00Z']);
      const view = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
      expect(view.recommendations.find((r: { doctorName: string }) => r.doctorName === 'Dr Oona Octavia')).toMatchObject({
        approvalOnExamDate: { s12: approved, approvedClinician: false },
      });
      const checks = (await as(worker).get(`/assessments/${a.id}/checks?section=s2`).expect(200)).body;
      expect(ruleCodes(checks.findings).includes('MED-03:no-s12-approved-doctor')).toBe(!approved);
    } finally {
      s12Doctor = saved;
    }
  });

  it("removing a doctor's s.12 approval from the register leaves a made application judged on the approval it rested on; an application not yet made sees the register as it is; the audit keeps the period removed", async () => {
    const saved = s12Doctor;
    s12Doctor = await insertDoctor(t, 'Dr Ivy Ending', '7000003', 's12');
    try {
      const { worker, a } = await madeS3();
      const { assessment: open, worker: other } = await opened();
      await prepared(open, other, 's3');
      const [approval] = (await as(manager).get(`/doctors/${s12Doctor}`).expect(200)).body.approvals;
      const before = await read(worker, a.id);
      expect(before.view.recommendations[0]).toMatchObject({
        doctorName: 'Dr Ivy Ending',
        approvalOnExamDate: { s12: true, approvedClinician: false },
        approvalReliedOn: {
          asAt: '2026-11-21T12:00:00.000Z',
          s12: { approvalId: approval.id, startsOn: '2025-01-01', endsOn: '2029-12-31' },
        },
      });

      await t.http.delete(`/doctors/${s12Doctor}/approvals/${approval.id}`).set('authorization', manager.auth).expect(204);

      const after = await read(worker, a.id);
      expect(after.checks).toEqual(before.checks);
      expect(ruleCodes(after.checks.findings)).not.toContain('MED-03:no-s12-approved-doctor');
      expect(after.view.recommendations).toEqual(before.view.recommendations);
      const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body;
      const lines = (report.sections as Array<{ lines?: Array<{ label: string; text: string }> }>).flatMap((s) => s.lines ?? []);
      expect(lines.filter((l) => l.label === 's.12 approved on the examination date').map((l) => l.text.split(' ')[0])).toEqual([
        'Yes',
        'No',
      ]);
      expect(JSON.stringify(report)).not.toContain('MED-03');

      // The assessment whose application is not made yet is judged on the register as it now is.
      const openChecks = (await as(other).get(`/assessments/${open.id}/checks?section=s3`).expect(200)).body;
      expect(ruleCodes(openChecks.findings)).toContain('MED-03:no-s12-approved-doctor');

      const [audit] = await t.sql<{ details: Record<string, unknown> }>(
        `SELECT details FROM audit_events WHERE action = 'doctor-approval.remove' AND resource_id = $1`,
        [s12Doctor],
      );
      expect(audit.details).toEqual({
        approvalId: approval.id,
        kind: 's12',
        startsOn: '2025-01-01',
        endsOn: '2029-12-31',
        approvingBody: null,
      });
    } finally {
      s12Doctor = saved;
    }
  });
});
