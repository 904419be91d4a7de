import { readFileSync } from 'node:fs';
import { RULE_IDS, RULES } from '../src/statute/rule-catalogue';
import { ruleIdsIn } from './support/rule-ids';
import { createTestApp, TestApp, TestUser } from './support/test-app';

describe("GET /rules: the law's catalogue", () => {
  let t: TestApp;
  let manager: TestUser;
  let referrer: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    [manager, referrer] = await Promise.all([t.user(['manager']), t.user(['referrer'])]);
  });
  afterAll(() => t.close());

  const get = (path: string, as: TestUser = referrer) => t.http.get(path).set('authorization', as.auth);

  it.each([['admin'], ['manager'], ['amhp'], ['referrer'], ['auditor']] as const)(
    'lists every rule the hub applies, in catalogue order, to a signed-in %s',
    async (role) => {
      const user = await t.user([role]);
      const res = await get('/rules', user).expect(200);
      expect(res.body.items.map((r: { id: string }) => r.id)).toEqual(RULE_IDS);
      expect(res.body.items.find((r: { id: string }) => r.id === 'APP-04')).toEqual({
        id: 'APP-04',
        family: 'APP',
        citation: 'MHA 1983 s.11(5)',
        summary: RULES['APP-04'].summary,
        severity: 'blocker',
        regime: 'mha-1983',
        regimeName: 'Mental Health Act 1983 and its regulations',
        commencement: null,
      });
    },
  );

  it('is refused without a token (401)', async () => {
    await t.http.get('/rules').expect(401);
    await t.http.get('/rules/APP-04').expect(401);
  });

  it('filters by family and by regime', async () => {
    const app = await get('/rules?family=APP').expect(200);
    expect(app.body.items.map((r: { id: string }) => r.id)).toEqual(RULE_IDS.filter((id) => id.startsWith('APP-')));

    const mha2025 = await get('/rules?regime=mha-2025').expect(200);
    expect(mha2025.body.items.map((r: { id: string }) => r.id)).toEqual(['MHA25-02', 'MHA25-04', 'MHA25-05', 'MHA25-06', 'MHA25-09']);
    // The MHA 2025 dates are unconfirmed, so each rule names the setting that commences it.
    expect(mha2025.body.items.find((r: { id: string }) => r.id === 'MHA25-06').commencement).toBe('MHA2025_NOMINATED_PERSON_FROM');

    const both = await get('/rules?family=POL&regime=mha-2025').expect(200);
    expect(both.body.items).toEqual([]);
  });

  it('refuses an unknown family or regime, or an unknown parameter, with 400 naming the field', async () => {
    for (const [query, field] of [
      ['family=XYZ', 'family'],
      ['regime=mha-1959', 'regime'],
      ['section=2', 'section'],
    ]) {
      const res = await get(`/rules?${query}`).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('validation-failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
  });

  it('gives one rule by its id, and 404 problem+json for an id it does not know', async () => {
    const one = await get('/rules/MHA25-04').expect(200);
    expect(one.body).toMatchObject({ id: 'MHA25-04', family: 'MHA25', regime: 'mha-2025', commencement: 'MHA2025_AUTISM_LD_FROM' });

    for (const id of ['APP-99', 'app-04', 'NOT-A-RULE']) {
      const res = await get(`/rules/${id}`).expect(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, code: 'not-found', detail: `Rule ${id} does not exist.` });
    }
  });

  it('every rule id a response carries is collected for the run (the check behind "GET /rules lists them all")', async () => {
    // A 422 that cites a rule: the harness records AMHP-04 from the body as the response is sent.
    const user = await t.user(['amhp']);
    const res = await t.http
      .post('/practitioners')
      .set('authorization', manager.auth)
      .send({ userId: user.id, profession: 'doctor', registrationBody: 'GMC', registrationNumber: '7654321' })
      .expect(422);
    expect(ruleIdsIn(res.body)).toContain('AMHP-04');
    const file = process.env.AMHP_TEST_RULE_IDS_FILE!;
    expect(readFileSync(file, 'utf8').split('\n')).toContain('AMHP-04');
  });

  it('reads rule ids from every rule field of a body, at any depth', () => {
    expect(
      ruleIdsIn({
        rule: 'NR-12',
        rules: ['APP-04', 'MED-02'],
        findings: [{ rule: 'POL-05', citation: 'MHA 1983 s.136(1), (1B)' }],
        nested: { deadlines: [{ ruleId: 'APP-17' }, { rule: null }] },
        id: 'POL-07',
      }),
    ).toEqual(['NR-12', 'APP-04', 'MED-02', 'POL-05', 'APP-17']);
  });
});
