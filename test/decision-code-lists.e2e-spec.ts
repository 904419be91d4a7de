import { SAC_CODE_LISTS } from '../src/safeguarding/sac-code-lists';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** The code lists a client offers as choices for a s.42 decision's Safeguarding Adults Collection fields (OOH-09). */
describe('decision code lists', () => {
  let t: TestApp;
  let amhp: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T03:00:00Z' });
    amhp = await t.user(['amhp']);
  });
  afterAll(() => t.close());

  it('give every SAC list in the return’s order, each code with its label', async () => {
    const res = await t.http.get('/decisions/code-lists').set('authorization', amhp.auth).expect(200);
    expect(Object.keys(res.body.sac)).toEqual(Object.keys(SAC_CODE_LISTS));
    expect(res.body.sac.typeOfRisk[0]).toEqual({ code: 'physical', label: 'Physical abuse' });
    expect(res.body.sac.lackedCapacity.map((c: { code: string }) => c.code)).toEqual(['yes', 'no', 'dont-know', 'not-recorded']);
  });

  it('the AMHP who chooses from them records a s.42 draft the rules accept, and a code not listed is refused against its field', async () => {
    const { sac } = (await t.http.get('/decisions/code-lists').set('authorization', amhp.auth).expect(200)).body;
    const draft = await t.http
      .post('/decisions')
      .set('authorization', amhp.auth)
      .send({ type: 'adult-safeguarding', occurredAt: '2026-11-21T02:40:00Z', personDetails: { name: 'Jean Marsh' } })
      .expect(201);
    const chosen = {
      typeOfRisk: [sac.typeOfRisk[10].code],
      locationOfRisk: sac.locationOfRisk[0].code,
      sourceOfRisk: sac.sourceOfRisk[1].code,
      lackedCapacity: sac.lackedCapacity[1].code,
      mspAsked: sac.mspAsked[0].code,
    };
    const saved = await t.http
      .patch(`/decisions/${draft.body.id}`)
      .set('authorization', amhp.auth)
      .send({ content: { sac: chosen } })
      .expect(200);
    expect(saved.body.sac.typeOfRisk).toEqual([{ code: 'self-neglect', label: 'Self-neglect' }]);
    expect(saved.body.missingForSigning.some((m: { field: string }) => m.field.startsWith('content.sac'))).toBe(false);

    const refused = await t.http
      .patch(`/decisions/${draft.body.id}`)
      .set('authorization', amhp.auth)
      .send({ content: { sac: { ...chosen, locationOfRisk: 'the-moon' } } })
      .expect(422);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['content.sac.locationOfRisk']);
  });

  it('are not for referrers', async () => {
    const referrer = await t.user(['referrer']);
    await t.http.get('/decisions/code-lists').set('authorization', referrer.auth).expect(403);
  });
});
