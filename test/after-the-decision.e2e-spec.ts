import { insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * What the record owes after the AMHP's decision: the s.13(4) written reasons (NR-12) dated after the decision they
 * give, and owed when the nearest relative applied themselves; the s.14 report after their application (APP-21); the
 * application's admission before the assessment closes (APP-12, APP-11); and after a CTO decision, the CTO's facts
 * instead of an application checklist (CTO-07, CTO-08). Now is Sat 21 Nov 2026 12:00 GMT.
 */
describe('after the decision: written reasons, the s.14 report, the admission, the CTO', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7000101', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7000102');
  });
  afterAll(() => t.close());

  const { as, opened, prepared, application, decide } = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));
  const notDetained = (decidedAt: string) => ({
    kind: 'not-detained',
    alternatives: ['crisis-home-treatment'],
    decidedAt,
    rationale: 'Accepts the crisis team twice daily; detention is not necessary.',
  });
  const nrRequest = () => opened({ nearestRelativeRequest: true, source: 'nearest-relative' });

  it('written reasons dated before the referral, or before the decision not to apply, are refused naming givenAt, and change nothing', async () => {
    const { worker, referral, assessment: a } = await nrRequest();
    await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T09:00:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
    await as(worker).post(`/assessments/${a.id}/outcome`, notDetained('2026-11-21T11:00:00Z')).expect(200);
    for (const givenAt of ['2019-03-01T10:00:00Z', '2026-11-20T13:00:00Z', '2026-11-21T10:59:00Z']) {
      const refused = await as(worker).post(`/referrals/${referral.id}/written-reasons`, { givenAt, method: 'letter' }).expect(422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'written-reasons-before-decision', field: 'givenAt', rule: 'NR-12' });
    }
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.writtenReasonsAt).toBeNull();
    expect((await as(worker).post(`/assessments/${a.id}/close`, {}).expect(422)).body.rule).toBe('NR-12');
    await as(worker).post(`/referrals/${referral.id}/written-reasons`, { givenAt: '2026-11-21T11:00:00Z', method: 'letter' }).expect(200);
    await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.status).toBe('closed');
  });

  it('written reasons recorded before the decision they were to give do not let the referral close (NR-12)', async () => {
    const { worker, referral, assessment: a } = await nrRequest();
    await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T09:00:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
    // Recorded while the assessment was still under way: nothing was decided yet.
    await as(worker).post(`/referrals/${referral.id}/written-reasons`, { givenAt: '2026-11-21T10:00:00Z', method: 'letter' }).expect(200);
    await as(worker).post(`/assessments/${a.id}/outcome`, notDetained('2026-11-21T11:00:00Z')).expect(200);
    const refused = await as(worker).post(`/assessments/${a.id}/close`, {}).expect(422);
    expect(refused.body).toMatchObject({ code: 'requirement-missing', rule: 'NR-12' });
    expect(refused.body.detail).toContain('before the decision on the assessment');
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.status).toBe('decided');
    await as(worker).post(`/referrals/${referral.id}/written-reasons`, { givenAt: '2026-11-21T11:30:00Z', method: 'letter' }).expect(200);
    await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);
  });

  it('a referral not accepted closes only on written reasons given after it was not accepted', async () => {
    const r = (
      await as(manager)
        .post('/referrals', {
          person: { givenName: 'Casey', familyName: 'NotAccepted', dateOfBirth: '1985-06-15' },
          source: 'nearest-relative',
          referrer: { name: 'Morgan NotAccepted', organisation: 'Family' },
          reason: 'Worried about her son: not sleeping, talking of the neighbours.',
          risks: { toSelf: false, toOthers: false, fromOthers: false, flags: [] },
          urgency: 'routine',
          legalContext: { kind: 'informal' },
          nearestRelativeRequest: true,
          receivedAt: '2026-11-21T08:00:00Z',
        })
        .expect(201)
    ).body;
    await as(manager).post(`/referrals/${r.id}/status`, { status: 'screening' }).expect(200);
    await as(manager).post(`/referrals/${r.id}/written-reasons`, { givenAt: '2026-11-21T07:00:00Z', method: 'letter' }).expect(422);
    // Given during screening, before the decision not to accept it (now, 12:00).
    await as(manager).post(`/referrals/${r.id}/written-reasons`, { givenAt: '2026-11-21T09:00:00Z', method: 'letter' }).expect(200);
    await as(manager)
      .post(`/referrals/${r.id}/status`, { status: 'not-accepted', reason: 'Support from the home treatment team is enough' })
      .expect(200);
    expect((await as(manager).post(`/referrals/${r.id}/status`, { status: 'closed' }).expect(422)).body.rule).toBe('NR-12');
    const early = await as(manager).post(`/referrals/${r.id}/written-reasons`, { givenAt: '2026-11-21T11:00:00Z', method: 'letter' });
    expect([early.status, early.body.field]).toEqual([422, 'givenAt']);
    await as(manager).post(`/referrals/${r.id}/written-reasons`, { givenAt: '2026-11-21T12:00:00Z', method: 'letter' }).expect(200);
    await as(manager).post(`/referrals/${r.id}/status`, { status: 'closed' }).expect(200);
  });

  it("the nearest relative's own application still owes them written reasons (NR-12), and the s.14 report is tracked until given (APP-21)", async () => {
    const { worker, referral, assessment: a } = await nrRequest();
    const relative = await prepared(a, worker);
    await as(worker).put(`/assessments/${a.id}/nearest-relative`, { relativeId: relative.id }).expect(200);
    const current = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    const decl = { financial: false, business: false, personal: false };
    await as(worker)
      .put(`/assessments/${a.id}/conflicts`, {
        patientTeams: [],
        assessors: [
          {
            assessorId: 'nr',
            role: 'nearest-relative-applicant',
            name: 'Morgan Assessed',
            teams: [],
            directsOrEmploys: [],
            declaration: decl,
          },
          ...(current.recommendations as Array<{ id: string; doctorName: string }>).map((r) => ({
            assessorId: r.id,
            role: 'doctor',
            name: r.doctorName,
            teams: [r.doctorName.includes('Patel') ? 'Crisis team' : 'Riverside practice'],
            directsOrEmploys: [],
            declaration: decl,
          })),
        ],
      })
      .expect(200);
    expect((await decide(worker, a.id, application('s2', { applicant: 'nearest-relative' }))).status).toBe(200);
    // Not yet admitted: nothing of s.14 is owed yet.
    const before = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(before.deadlines.map((d: { id: string }) => d.id)).not.toContain('social-circumstances-report');
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T11:30:00Z' }).expect(201);
    const admitted = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    // Admitted Sat 21 Nov; the hub's target (S14_REPORT_DAYS, 7) ends with Sat 28 Nov.
    expect(admitted.deadlines.find((d: { id: string }) => d.id === 'social-circumstances-report')).toMatchObject({
      rule: 'APP-21',
      at: '2026-11-29T00:00:00.000Z',
    });
    // The AMHP made no application: the nearest relative who asked is owed the reasons.
    const refused = await as(worker).post(`/assessments/${a.id}/close`, {}).expect(422);
    expect(refused.body).toMatchObject({ code: 'requirement-missing', rule: 'NR-12' });
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.status).toBe('in-assessment');
    // The letter can be written, and the outcome report says the reasons are owed.
    await as(worker).get(`/assessments/${a.id}/written-reasons-letter?format=text`).expect(200);
    const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body;
    expect(report.sections.find((x: { id: string }) => x.id === 'decision').lines).toContainEqual({
      label: 'Written reasons to the nearest relative (s.13(4))',
      text: expect.stringContaining('NR-12'),
    });
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'social-circumstances-report', at: '2026-11-21T11:50:00Z' }).expect(201);
    const reported = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(reported.deadlines.map((d: { id: string }) => d.id)).not.toContain('social-circumstances-report');
    await as(worker).post(`/referrals/${referral.id}/written-reasons`, { givenAt: '2026-11-21T11:45:00Z', method: 'letter' }).expect(200);
    await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);
  });

  it('an application not yet acted on keeps the assessment open, naming the admission it waits for; once admitted it closes', async () => {
    const { worker, referral, assessment: a } = await opened();
    const relative = await prepared(a, worker);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        informedAt: '2026-11-21T10:30:00Z',
        informedMethod: 'phone',
      })
      .expect(200);
    expect((await decide(worker, a.id, application('s2'))).status).toBe(200);
    const version = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.version;
    const refused = await as(worker).post(`/assessments/${a.id}/close`, {}).expect(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'application-not-acted-on', rules: ['APP-12'] });
    expect(refused.body.owed).toEqual([expect.objectContaining({ record: 'admitted', rule: 'APP-12' })]);
    // Nothing changed: the assessment and the referral stay as they were.
    const after = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    expect([after.status, after.version]).toEqual(['decided', version]);
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.status).toBe('in-assessment');
    // The admission is recorded by the AMHP on her open assessment, and the s.2's 28 days run from it.
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T11:40:00Z' }).expect(201);
    const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(checks.deadlines.map((d: { id: string }) => d.id)).toContain('s2-expiry');
    await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.status).toBe('closed');
  });

  it('a s.4 admitted stays open until it becomes a s.2 or its lapse is recorded (APP-11)', async () => {
    const { worker, assessment: a } = await opened();
    const relative = await prepared(a, worker, 's4', ['2026-11-21T09:00:00Z', '2026-11-21T09:00:00Z']);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        informedAt: '2026-11-21T10:30:00Z',
        informedMethod: 'phone',
      })
      .expect(200);
    const made = await decide(
      worker,
      a.id,
      application('s4', { undesirableDelayStatement: true, urgentNecessity: 'Violent tonight; no second doctor for hours.' }),
    );
    expect(made.status).toBe(200);
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T11:30:00Z' }).expect(201);
    const refused = await as(worker).post(`/assessments/${a.id}/close`, {}).expect(422);
    expect(refused.body.owed).toEqual([expect.objectContaining({ record: 's4-conversion-or-lapse', rule: 'APP-11' })]);
  });

  describe('after a CTO decision the checks are the CTO’s, not an application checklist', () => {
    const cto = (over: object = {}) => ({
      kind: 'cto-decision',
      ctoDecision: 'agree',
      inWriting: true,
      signedAt: '2026-11-21T11:00:00Z',
      rationale: 'I agree the criteria are met and that the order is appropriate.',
      ...over,
    });
    const applicationRules = ['APP-03', 'APP-07', 'COP-02', 'COP-03', 'NR-01', 'NR-04', 'MED-02'];

    it('a revocation agreed (s.17F(4)): no application blockers or deadlines; the s.17G period is counted from the revocation once recorded, and said plainly to be unknown before (CTO-07)', async () => {
      const { worker, assessment: a } = await opened({
        legalContext: { kind: 'cto-recall', recalledAt: '2026-11-20T13:00:00Z', arrivedAt: '2026-11-20T14:00:00Z' },
      });
      await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T09:00:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
      expect((await decide(worker, a.id, cto())).status).toBe(200);
      const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
      const rules = checks.findings.map((f: { rule: string }) => f.rule);
      for (const rule of applicationRules) expect(rules).not.toContain(rule);
      expect(checks.deadlines.map((d: { id: string }) => d.id)).not.toEqual(expect.arrayContaining(['inform-nearest-relative']));
      expect(checks.deadlines.map((d: { id: string }) => d.id)).not.toContain('last-valid-application');
      expect(checks.ready).toBe(true);
      expect(checks.findings).toContainEqual(
        expect.objectContaining({ rule: 'CTO-07', severity: 'warning', code: 'cto-revocation-not-recorded' }),
      );
      // The responsible clinician's revocation, recorded: never before the AMHP's agreement, nothing kept then.
      const early = await as(worker).patch(`/assessments/${a.id}/cto-order`, { orderMadeAt: '2026-11-21T10:59:00Z' }).expect(422);
      expect(early.body).toMatchObject({ code: 'order-before-agreement', field: 'orderMadeAt', rule: 'CTO-03' });
      await as(worker).patch(`/assessments/${a.id}/cto-order`, { orderMadeAt: '2026-11-21T11:30:00Z' }).expect(200);
      const revoked = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
      // s.17G: as if under s.3, 6 months beginning with Sat 21 Nov 2026: to the end of Thu 20 May 2027 (BST).
      expect(revoked.deadlines).toEqual([
        expect.objectContaining({ id: 's3-first-period', rule: 'CTO-07', at: '2027-05-20T23:00:00.000Z' }),
      ]);
      expect(revoked.findings.map((f: { code: string }) => f.code)).not.toContain('cto-revocation-not-recorded');
    });

    it('a CTO made with the AMHP’s agreement (s.17A(4)): no application checklist; the s.20A period is counted from the order once recorded, and said plainly to be unknown before (CTO-08)', async () => {
      const { worker, assessment: a } = await opened({ legalContext: { kind: 'already-s3', admittedAt: '2026-11-10T12:00:00Z' } });
      expect((await decide(worker, a.id, cto({ conditionsAgreed: true }))).status).toBe(200);
      const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
      const rules = checks.findings.map((f: { rule: string }) => f.rule);
      for (const rule of applicationRules) expect(rules).not.toContain(rule);
      expect(checks.deadlines.map((d: { id: string }) => d.id)).toEqual([]);
      expect(checks.findings).toContainEqual(expect.objectContaining({ rule: 'CTO-08', code: 'cto-order-not-recorded' }));
      await as(worker).patch(`/assessments/${a.id}/cto-order`, { orderMadeAt: '2026-11-21T11:30:00Z' }).expect(200);
      const made = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
      // s.20A(1): 6 months beginning with Sat 21 Nov 2026, the day the CTO was made.
      expect(made.deadlines).toEqual([expect.objectContaining({ id: 'cto-first-period', rule: 'CTO-08', at: '2027-05-20T23:00:00.000Z' })]);
      expect(made.findings.map((f: { code: string }) => f.code)).not.toContain('cto-order-not-recorded');
    });

    it('agreeing to a CTO resting on a learning disability alone, without abnormally aggressive or seriously irresponsible conduct, is refused (APP-09, s.1(2B)); with the conduct it is kept, and its period shows the s.20A(3) extensions', async () => {
      const { worker, assessment: a } = await opened({ legalContext: { kind: 'already-s3', admittedAt: '2026-11-10T12:00:00Z' } });
      const refused = await as(worker)
        .post(`/assessments/${a.id}/outcome`, cto({ conditionsAgreed: true, learningDisabilityOnly: true }))
        .expect(422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.rules).toContain('APP-09');
      expect(refused.body.findings).toContainEqual(
        expect.objectContaining({ rule: 'APP-09', severity: 'blocker', code: 'learning-disability-without-qualifying-conduct' }),
      );
      expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.outcomeKind).toBeNull();
      const ok = await decide(worker, a.id, cto({ conditionsAgreed: true, learningDisabilityOnly: true, ldQualifyingConduct: true }));
      expect(ok.status).toBe(200);
      expect(ok.body.outcome.cto).toMatchObject({ learningDisabilityOnly: true, ldQualifyingConduct: true });
      await as(worker).patch(`/assessments/${a.id}/cto-order`, { orderMadeAt: '2026-11-21T11:30:00Z' }).expect(200);
      const made = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
      expect(made.findings.map((f: { rule: string }) => f.rule)).not.toContain('APP-09');
      // s.20A(3): made Sat 21 Nov 2026, to Thu 20 May 2027; extended, from Fri 21 May 2027 for 6 months, then a year at a time.
      expect(made.deadlines[0].basis).toContain(
        '6 months from Fri 21 May 2027 to Sat 20 Nov 2027; then 1 year from Sun 21 Nov 2027 to Mon 20 Nov 2028',
      );
    });

    it('an order is recorded only on an agreement: not on an application, nor where the AMHP did not agree', async () => {
      const { worker, assessment: a } = await opened({ legalContext: { kind: 'already-s3', admittedAt: '2026-11-10T12:00:00Z' } });
      await as(worker).patch(`/assessments/${a.id}/cto-order`, { orderMadeAt: '2026-11-21T11:30:00Z' }).expect(409);
      expect((await decide(worker, a.id, cto({ ctoDecision: 'disagree' }))).status).toBe(200);
      const refused = await as(worker).patch(`/assessments/${a.id}/cto-order`, { orderMadeAt: '2026-11-21T11:30:00Z' }).expect(422);
      expect(refused.body).toMatchObject({ code: 'cto-not-agreed', field: 'orderMadeAt' });
      const future = await as(worker).patch(`/assessments/${a.id}/cto-order`, { orderMadeAt: '2026-11-22T11:30:00Z' });
      expect([future.status, future.body.field]).toEqual([422, 'orderMadeAt']);
    });
  });
});
