import { createTestApp, TestApp, TestUser } from './support/test-app';

type Figure = { section: string; group: string; measure: string; value: unknown; records?: string };

// The activity report: a referral withdrawn as the duplicate of another open referral of the same person (DUTY-02) is
// shown on its own line, as is any other referral withdrawn, so the referrals received reconcile.
describe('activity: duplicates withdrawn and other withdrawals beside the referrals received', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-06T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const post = (p: string, b: object) => t.http.post(p).set('authorization', manager.auth).send(b);
  const body = (familyName: string) => ({
    person: { givenName: 'Dana', familyName, dateOfBirth: '1980-02-29', nhsNumber: undefined },
    source: 'gp',
    referrer: { name: 'Dr Khan', organisation: 'Riverside Surgery', phone: '+44 1632 960222' },
    reason: 'Deteriorating mental state, family worried',
    risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
    urgency: 'urgent',
    legalContext: { kind: 'informal' },
  });

  it('counts each referral received, and shows the duplicate withdrawn and the other withdrawal on their own lines, with their records', async () => {
    const first = (await post('/referrals', body('Twice')).expect(201)).body;
    const again = (await post('/referrals', { ...body('Twice'), personId: first.person.id, person: undefined }).expect(201)).body;
    expect(again.findings.map((f: { code: string }) => f.code)).toContain('open-referral-exists');
    await post(`/referrals/${again.id}/status`, { status: 'withdrawn', reason: `Duplicate of ${first.reference}` }).expect(200);
    const other = (await post('/referrals', body('Once')).expect(201)).body;
    await post(`/referrals/${other.id}/status`, { status: 'withdrawn', reason: 'The GP withdrew it: admitted informally' }).expect(200);

    const f = (await t.http.get('/reports/activity?period=2026-12').set('authorization', manager.auth).expect(200)).body
      .figures as Figure[];
    const fig = (measure: string) => f.find((x) => x.section === 'by-month' && x.group === 'total' && x.measure === measure)!;
    expect([fig('referrals').value, fig('duplicates-withdrawn').value, fig('withdrawn').value]).toEqual([3, 1, 1]);
    const records = async (measure: string) =>
      (await t.http.get(fig(measure).records!).set('authorization', manager.auth).expect(200)).body.items.map(
        (i: { reference: string }) => i.reference,
      );
    expect(await records('duplicates-withdrawn')).toEqual([again.reference]);
    expect(await records('withdrawn')).toEqual([other.reference]);
  });
});
