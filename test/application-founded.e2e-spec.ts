import { TokenService } from '../src/auth/token.service';
import { insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

interface Finding {
  rule: string;
  severity: string;
  code: string;
  message: string;
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

  const { as, opened, prepared, application, decide } = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));

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
});
