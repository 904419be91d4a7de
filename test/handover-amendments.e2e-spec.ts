import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** OOH-08: the handover says what the record now says. The night is Fri 20 → Sat 21 Nov 2026 (GMT). */
describe('the morning handover carries amendments and drafts', () => {
  let t: TestApp;
  let worker: TestUser & { practitionerId: string };
  let manager: TestUser;
  let personId: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400', HANDOVER_TIME: '08:00' } });
    worker = await amhp(t, { displayName: 'Alex Duty' });
    manager = await t.user(['manager']);
    personId = (await as(manager).post('/people', { givenName: 'Pat', familyName: 'Handover', dateOfBirth: '1948-03-02' }).expect(201)).body
      .id;
    await t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, 'duty', 'test', 'x', '2026-11-01T00:00:00Z')`,
      [worker.id, personId],
    );
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, headers: Record<string, string> = {}) =>
      t.http.post(p).set('authorization', u.auth).set(headers).send(b),
  });

  const content = (over: object = {}) => ({
    question: 'Is it safe for the adult to remain at home tonight?',
    legalFrameworks: ['care-act-s42'],
    powerOrDuty: 'Care Act 2014 s.42(1): duty to make enquiries',
    facts: 'Neighbour reports bruising and an unpaid carer shouting; adult has dementia.',
    factSources: ['Neighbour by phone 01:40'],
    consultees: [{ name: 'PC Jones', role: 'Police', at: '2026-11-21T01:50:00Z', view: 'Adult appears frightened of the carer.' }],
    personViews: 'Wants to stay at home but not with the carer tonight.',
    options: [
      {
        option: 'Stay at home with a police welfare check',
        leastRestrictive: true,
        chosen: false,
        whyRejected: 'Carer lives there; risk tonight too high.',
      },
      { option: 'Respite bed at Oak House', leastRestrictive: false, chosen: true },
    ],
    riskAnalysis: 'High risk of further harm tonight; low risk in respite.',
    decision: 'Respite bed tonight at Oak House; s.42 enquiry to the day team.',
    rationale: 'Least restrictive option that removes the immediate risk.',
    actions: [{ description: 'Allocate the s.42 enquiry', ownerTeam: 'Riverside adult social care', dueAt: '2026-11-21T10:00:00Z' }],
    handoverNote: 'Day team to allocate the s.42 enquiry and call the daughter.',
    decisionMakerAuthority: 'AMHP, approved by Northshire CC until 2030',
    ...over,
  });

  type Item = { itemType: string; itemId: string; summary: Record<string, unknown> };
  const decisionItems = async (date: string) =>
    ((await as(manager).get(`/handovers/${date}`).expect(200)).body.items as Item[]).filter((i) => i.itemType === 'decision');

  it('an amendment made after the handover is on the next one, with the corrected text and marked amended; a draft left overnight is listed as needing action', async () => {
    t.clock.set('2026-11-21T02:30:00Z');
    const decision = (
      await as(worker)
        .post('/decisions', {
          type: 'adult-safeguarding',
          occurredAt: '2026-11-21T02:20:00Z',
          personId,
          content: content({
            sac: {
              typeOfRisk: ['physical'],
              locationOfRisk: 'own-home',
              sourceOfRisk: 'other-known-to-individual',
              lackedCapacity: 'dont-know',
              mspAsked: 'not-asked',
            },
          }),
          details: { s42: { careAndSupportNeeds: true, abuseOrNeglect: true, unableToProtectSelf: true, evidence: 'Dementia; bruising.' } },
        })
        .expect(201)
    ).body;
    const signed = await as(worker).post(`/decisions/${decision.id}/sign`).expect(200);

    t.clock.set('2026-11-21T08:05:00Z');
    await as(manager).post('/handovers/2026-11-21/compile').expect(201);
    expect(await decisionItems('2026-11-21')).toEqual([
      expect.objectContaining({
        itemId: decision.id,
        summary: expect.objectContaining({ status: 'signed', amendmentCount: 0, decision: content().decision }),
      }),
    ]);

    // That night the AMHP corrects the record, and begins a placement she does not sign.
    t.clock.set('2026-11-22T01:00:00Z');
    const corrected = 'Respite bed at Elm Court instead (Oak House had no bed); s.42 enquiry to the day team.';
    await as(worker)
      .post(
        `/decisions/${decision.id}/amendments`,
        { reason: 'Correction: Oak House had no bed', content: { decision: corrected, handoverNote: 'NOT at Oak House: at Elm Court.' } },
        { 'if-match': signed.headers.etag },
      )
      .expect(201);
    const draft = (
      await as(worker)
        .post('/decisions', {
          type: 'emergency-placement',
          occurredAt: '2026-11-22T00:30:00Z',
          personDetails: { name: 'Unknown woman at Riverside station', approximateAge: 80, address: 'not known' },
          content: { question: 'Where should she stay tonight?', decision: 'Emergency respite bed at Oak House tonight' },
        })
        .expect(201)
    ).body;

    t.clock.set('2026-11-22T08:05:00Z');
    manager = await t.user(['manager'], { displayName: 'Day Team Manager' }); // signs in for the day shift
    await as(manager).post('/handovers/2026-11-22/compile').expect(201);
    const items = await decisionItems('2026-11-22');
    expect(items.filter((i) => i.itemId === decision.id)).toEqual([
      expect.objectContaining({
        summary: expect.objectContaining({
          status: 'signed',
          amendmentCount: 1,
          lastAmendedAt: '2026-11-22T01:00:00.000Z',
          decision: corrected,
          handoverNote: 'NOT at Oak House: at Elm Court.',
        }),
      }),
    ]);
    expect(items.filter((i) => i.itemId === draft.id)).toEqual([
      expect.objectContaining({
        summary: expect.objectContaining({ status: 'draft', signedAt: null, needsAction: expect.stringContaining('sign') }),
      }),
    ]);
  });
});
