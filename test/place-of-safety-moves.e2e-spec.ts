import { createTestApp, TestApp, TestUser } from './support/test-app';
import { s136Referral } from './support/referral-fixtures';

// s.136(2A), (3) and s.135(3ZA), (3A) (POL-07, POL-04): a person detained at a place of safety may be taken on to
// another within the period; the 24 hours (and a s.136B extension) still run from the first arrival.
describe('places of safety: a person moved on keeps the period of the first arrival', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-06T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const post = (p: string, b: object) => t.http.post(p).set('authorization', manager.auth).send(b);
  const get = (p: string) => t.http.get(p).set('authorization', manager.auth);
  const pol07 = (r: { clocks: Array<{ id: string }> }) => r.clocks.find((c) => c.id === 'POL-07') as Record<string, unknown>;
  const codes = (r: { findings: Array<{ code: string }> }) => r.findings.map((f) => f.code);
  const pol7Basis = (r: { clocks: Array<{ id: string }> }) => String(pol07(r).basis);
  let n = 0;
  /** A s.136 at A&E, arrived `arrivedAt`, received 5 minutes later. */
  const atAandE = async (arrivedAt: string) =>
    (
      await post(
        '/referrals',
        s136Referral(`Moved${++n}`, arrivedAt, {
          legalContext: { kind: 's136', placeOfSafetyType: 'a-and-e', locationType: 'public-place', arrivedAt },
          receivedAt: new Date(Date.parse(arrivedAt) + 300_000).toISOString(),
        }),
      ).expect(201)
    ).body;
  /** The police at the second place of safety refer the same person again, with the arrival there. */
  const referredAgain = async (personId: string, arrivedAt: string) => {
    const { person: _person, ...rest } = s136Referral('unused', arrivedAt, {
      receivedAt: new Date(Date.parse(arrivedAt) + 300_000).toISOString(),
    });
    return (await post('/referrals', { ...rest, personId }).expect(201)).body;
  };

  it('referred again from the s.136 suite after midnight: the deadline is 24 h from arrival at A&E, with a finding linking the first referral', async () => {
    const first = await atAandE('2026-12-05T20:00:00Z');
    const second = await referredAgain(first.person.id, '2026-12-06T01:00:00Z');
    expect(pol07(second)).toMatchObject({ anchor: '2026-12-05T20:00:00.000Z', deadline: '2026-12-06T20:00:00.000Z', provisional: false });
    expect(pol07(second).basis).toContain(first.reference);
    expect(second.legalContext.continues).toEqual({
      referralId: first.id,
      reference: first.reference,
      startedAt: '2026-12-05T20:00:00.000Z',
    });
    expect(second.findings).toContainEqual(
      expect.objectContaining({
        rule: 'POL-07',
        severity: 'warning',
        code: 'place-of-safety-period-continues',
        referralId: first.id,
        href: `/referrals/${first.id}`,
      }),
    );
    expect(codes(second)).toContain('open-referral-exists');
    // The queue orders it by the lawful end, and a read of it says the same as the answer.
    const read = (await get(`/referrals/${second.id}`).expect(200)).body;
    expect(pol07(read)).toMatchObject({ deadline: '2026-12-06T20:00:00.000Z' });
    const events = (await get(`/referrals/${second.id}/events`).expect(200)).body.items;
    expect(events[0]).toMatchObject({ type: 'received', data: expect.objectContaining({ continuesReferralId: first.id }) });
  });

  it('the first arrival corrected earlier: the further referral runs from it too, and the managers are paged at once on both when the 24 hours have run out', async () => {
    // Arrived at A&E at 04:00 yesterday, as the police first said; referred again from the s.136 suite at 01:00.
    const first = await atAandE('2026-12-05T04:00:00Z');
    const second = await referredAgain(first.person.id, '2026-12-06T01:00:00Z');
    expect(pol07(second)).toMatchObject({ deadline: '2026-12-06T04:00:00.000Z' });
    // The custody record shows A&E at 01:30: the 24 hours ended half an hour ago.
    const res = await post(`/referrals/${first.id}/time-corrections`, {
      time: 'arrivedAt',
      at: '2026-12-05T01:30:00Z',
      reason: 'The custody record gives 01:30 for the arrival at A&E',
    }).expect(200);
    expect(pol07(res.body)).toMatchObject({ deadline: '2026-12-06T01:30:00.000Z', state: 'breached' });
    expect(pol07((await get(`/referrals/${second.id}`).expect(200)).body)).toMatchObject({ deadline: '2026-12-06T01:30:00.000Z' });
    // Nobody holds either: the managers on call (every manager, the rota naming none) are paged of each breach now.
    const breaches = await t.sql<{ referral_id: string; recipient_user_id: string }>(
      `SELECT referral_id, recipient_user_id FROM pages WHERE referral_id = ANY($1::uuid[]) AND chain_key LIKE '%:POL-07:breach' AND closed_reason IS NULL`,
      [[first.id, second.id]],
    );
    expect(
      breaches
        .filter((p) => p.recipient_user_id === manager.id)
        .map((p) => p.referral_id)
        .sort(),
    ).toEqual([first.id, second.id].sort());
  });

  it('the s.136B extension authorised at the first place carries over, and a second one on the further referral is refused', async () => {
    const first = await atAandE('2026-12-05T20:00:00Z');
    await post(`/referrals/${first.id}/extensions`, {
      authorisedAt: '2026-12-06T01:30:00Z',
      hours: 12,
      authorisingDoctor: { name: 'Dr Ada Bello', gmcNumber: '7100001' },
      reason: 'patient-condition',
    }).expect(201);
    const second = await referredAgain(first.person.id, '2026-12-06T01:00:00Z');
    expect(pol07(second)).toMatchObject({ deadline: '2026-12-07T08:00:00.000Z', extendedBy: 12 });
    expect(second.extensions).toEqual([expect.objectContaining({ hours: 12 })]);
    const again = await post(`/referrals/${second.id}/extensions`, {
      authorisedAt: '2026-12-06T01:50:00Z',
      hours: 6,
      authorisingDoctor: { name: 'Dr Ada Bello', gmcNumber: '7100001' },
      reason: 'patient-condition',
    }).expect(422);
    expect(again.body.code).toBe('second-extension');
  });

  it('an extension recorded on the further referral is the detention’s one: the first referral shows it too', async () => {
    const first = await atAandE('2026-12-05T20:00:00Z');
    const second = await referredAgain(first.person.id, '2026-12-06T01:00:00Z');
    await post(`/referrals/${second.id}/extensions`, {
      authorisedAt: '2026-12-06T01:30:00Z',
      hours: 6,
      authorisingDoctor: { name: 'Dr Ada Bello', gmcNumber: '7100001' },
      reason: 'patient-condition',
    }).expect(201);
    const read = (await get(`/referrals/${first.id}`).expect(200)).body;
    expect(pol07(read)).toMatchObject({ deadline: '2026-12-07T02:00:00.000Z', extendedBy: 6 });
    expect(await t.sql('SELECT next_deadline FROM referrals WHERE id = $1', [first.id])).toEqual([{ next_deadline: expect.any(Date) }]);
  });

  it('a referrer who refers the person again is shown the clocks of what they sent, never the first detention’s start or extension', async () => {
    // Another force's officer, who knows who the person is (names, date of birth and NHS number) and nothing of them.
    const referrer = await t.user(['referrer']);
    const person = { givenName: 'Robin', familyName: `Moved${++n}`, dateOfBirth: '1991-03-04', nhsNumber: '9434765919' };
    const first = (
      await post(
        '/referrals',
        s136Referral('unused', '2026-12-05T20:00:00Z', {
          person,
          legalContext: { kind: 's136', placeOfSafetyType: 'a-and-e', locationType: 'public-place', arrivedAt: '2026-12-05T20:00:00Z' },
          receivedAt: '2026-12-05T20:05:00Z',
        }),
      ).expect(201)
    ).body;
    await post(`/referrals/${first.id}/extensions`, {
      authorisedAt: '2026-12-06T01:30:00Z',
      hours: 12,
      authorisingDoctor: { name: 'Dr Ada Bello', gmcNumber: '7100001' },
      reason: 'patient-condition',
    }).expect(201);
    const sent = await t.http
      .post('/referrals')
      .set('authorization', referrer.auth)
      .send(s136Referral('unused', '2026-12-06T01:00:00Z', { person, receivedAt: '2026-12-06T01:05:00Z' }))
      .expect(201);
    const read = await t.http.get(`/referrals/${sent.body.id}`).set('authorization', referrer.auth).expect(200);
    for (const answer of [sent.body, read.body]) {
      // 24 hours from the arrival they sent: nothing says the person was already detained, since when, or extended.
      expect(pol07(answer)).toMatchObject({ deadline: '2026-12-07T01:00:00.000Z' });
      expect(JSON.stringify(answer)).not.toMatch(/2026-12-05T20:00|2026-12-06T20:00|2026-12-07T08:00|extended/);
    }
    // The hub's staff work to the detention as it is: one period from the first arrival, extended.
    const staff = (await get(`/referrals/${sent.body.id}`).expect(200)).body;
    expect(staff.legalContext.continues).toMatchObject({ referralId: first.id });
    expect(pol07(staff)).toMatchObject({ deadline: '2026-12-07T08:00:00.000Z', extendedBy: 12 });
  });

  it('a new s.136 after the first period ended starts a period of its own, with no continuation', async () => {
    const first = await atAandE('2026-12-04T20:00:00Z');
    const second = await referredAgain(first.person.id, '2026-12-06T01:00:00Z');
    expect(pol07(second)).toMatchObject({ deadline: '2026-12-07T01:00:00.000Z' });
    expect(codes(second)).not.toContain('place-of-safety-period-continues');
    expect(second.legalContext.continues).toBeUndefined();
  });

  it('recording a move to the s.136 suite: on the referral, its timeline and the audit trail; the clock still ends 24 h after arrival at A&E', async () => {
    const first = await atAandE('2026-12-05T20:00:00Z');
    const moved = (
      await post(`/referrals/${first.id}/transfers`, {
        at: '2026-12-06T01:00:00Z',
        placeOfSafetyType: 'health-based',
        place: 'Northshire General, s.136 suite',
      }).expect(201)
    ).body;
    expect(moved.legalContext.transfers).toEqual([
      { at: '2026-12-06T01:00:00.000Z', placeOfSafetyType: 'health-based', place: 'Northshire General, s.136 suite' },
    ]);
    expect(moved.legalContext.placeOfSafetyType).toBe('a-and-e');
    expect(pol07(moved)).toMatchObject({ deadline: '2026-12-06T20:00:00.000Z' });
    expect(pol07(moved).basis).toContain(
      'Moved to Northshire General, s.136 suite (a health-based place of safety) at Sun 6 Dec 2026 01:00 GMT',
    );
    const events = (await get(`/referrals/${first.id}/events`).expect(200)).body.items;
    expect(events.at(-1)).toMatchObject({
      type: 'place-of-safety-moved',
      data: { at: '2026-12-06T01:00:00.000Z', placeOfSafetyType: 'health-based' },
    });
    expect(
      await t.sql(`SELECT actor_id FROM audit_events WHERE action = 'referral.place-of-safety-moved' AND resource_id = $1`, [first.id]),
    ).toEqual([{ actor_id: manager.id }]);
  });

  it.each([
    ['after the 24 hours ended', '2026-12-04T20:00:00Z', '2026-12-05T21:00:00Z', 'transfer-after-expiry'],
    ['before the person arrived at the first place', '2026-12-05T20:00:00Z', '2026-12-05T19:00:00Z', 'transfer-before-detention'],
    ['in the future', '2026-12-05T20:00:00Z', '2026-12-06T03:00:00Z', 'in-future'],
  ])('a move %s is refused, 422 naming at, nothing stored', async (_what, arrivedAt, at, code) => {
    const first = await atAandE(arrivedAt);
    const res = await post(`/referrals/${first.id}/transfers`, { at, placeOfSafetyType: 'health-based' }).expect(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.code).toBe(code);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'at' })]);
    expect(await t.sql(`SELECT legal_context->'transfers' AS transfers FROM referrals WHERE id = $1`, [first.id])).toEqual([
      { transfers: null },
    ]);
    expect(await t.sql(`SELECT 1 FROM referral_events WHERE referral_id = $1 AND type = 'place-of-safety-moved'`, [first.id])).toEqual([]);
  });

  it('the same move sent eight times at once is recorded once (the rest 409 transfer-already-recorded); a move before the last is 422', async () => {
    const first = await atAandE('2026-12-05T22:00:00Z');
    const body = { at: '2026-12-06T00:30:00Z', placeOfSafetyType: 'health-based', place: 'Ward 7' };
    const res = await Promise.all(Array.from({ length: 8 }, () => post(`/referrals/${first.id}/transfers`, body)));
    expect(res.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of res.filter((x) => x.status === 409)) expect(r.body.code).toBe('transfer-already-recorded');
    const read = (await get(`/referrals/${first.id}`).expect(200)).body;
    expect(read.legalContext.transfers).toEqual([{ at: '2026-12-06T00:30:00.000Z', placeOfSafetyType: 'health-based', place: 'Ward 7' }]);
    const events = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM referral_events WHERE referral_id = $1 AND type = 'place-of-safety-moved'`,
      [first.id],
    );
    expect(events).toEqual([{ n: 1 }]);
    const earlier = await post(`/referrals/${first.id}/transfers`, { at: '2026-12-06T00:00:00Z', placeOfSafetyType: 'other' }).expect(422);
    expect(earlier.body.code).toBe('transfer-not-after-last');
    expect(earlier.body.errors[0].field).toBe('at');
  });

  it('a move to a type that is not a place of safety is 400 naming placeOfSafetyType', async () => {
    const first = await atAandE('2026-12-05T20:00:00Z');
    const res = await post(`/referrals/${first.id}/transfers`, { at: '2026-12-06T01:00:00Z', placeOfSafetyType: 'car' }).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'placeOfSafetyType' })]);
  });

  it('a move on a referral the hub has withdrawn is 409 referral-not-open: nothing recorded, and the refusal kept', async () => {
    const first = await atAandE('2026-12-05T20:00:00Z');
    await post(`/referrals/${first.id}/status`, { status: 'withdrawn', reason: 'Released by the police: no assessment needed' }).expect(
      200,
    );
    const stored = () => t.sql(`SELECT legal_context, version FROM referrals WHERE id = $1`, [first.id]);
    const before = await stored();
    const res = await post(`/referrals/${first.id}/transfers`, { at: '2026-12-06T01:00:00Z', placeOfSafetyType: 'health-based' }).expect(
      409,
    );
    expect(res.body.code).toBe('referral-not-open');
    expect(await stored()).toEqual(before);
    expect(
      await t.sql(
        `SELECT outcome, details FROM audit_events WHERE action = 'access.denied' AND resource_type = 'referral' AND resource_id = $1`,
        [first.id],
      ),
    ).toEqual([{ outcome: 'denied', details: { policy: 'person.write', reason: 'The referral is withdrawn.' } }]);
  });

  it('a move cannot be recorded on an informal referral (422)', async () => {
    const first = await atAandE('2026-12-05T20:00:00Z');
    const { person: _p, ...rest } = s136Referral('x', '2026-12-05T20:00:00Z', {
      legalContext: { kind: 'informal' },
      source: 'gp',
      receivedAt: '2026-12-06T01:00:00Z',
    });
    const informal = (await post('/referrals', { ...rest, personId: first.person.id }).expect(201)).body;
    const res = await post(`/referrals/${informal.id}/transfers`, { at: '2026-12-06T01:00:00Z', placeOfSafetyType: 'health-based' }).expect(
      422,
    );
    expect(res.body.code).toBe('transfer-not-applicable');
  });

  it('the places-of-safety report counts a person moved on and referred again as one detention, not two', async () => {
    // The four further referrals above made by staff, and the one a referrer made again.
    const [{ referrals, continuations }] = await t.sql<{ referrals: number; continuations: number }>(
      `SELECT count(*)::int AS referrals, count(*) FILTER (WHERE legal_context ? 'continues')::int AS continuations
         FROM referrals WHERE legal_context->>'kind' = 's136'`,
    );
    expect(continuations).toBe(5);
    const figures = (await get('/reports/places-of-safety?period=2026-12').expect(200)).body.figures as Array<{
      section: string;
      group: string;
      measure: string;
      value: unknown;
    }>;
    const value = (key: string) => figures.find((f) => `${f.section}.${f.group}.${f.measure}` === key)?.value;
    expect(value('summary.all.detentions')).toBe(referrals - continuations);
    // The extension recorded on the further referral is the detention's one, counted once: with the two others above
    // (the first place's, and the one before the referrer referred again), 3.
    expect(value('summary.all.extensions')).toBe(3);
  });

  describe('POL-10 (s.135(6)-(7)): a move to a private dwelling or another place is judged on the agreements to it, and the findings follow the person', () => {
    type Found = { rule: string; code: string; message: string };
    const pol10 = (r: { findings: Found[] }) => r.findings.filter((f) => f.rule === 'POL-10').map((f) => f.code);
    const rejudged = async (id: string) =>
      (await get(`/referrals/${id}/events`).expect(200)).body.items.filter(
        (e: { type: string; data: { rule: string } }) => e.type === 'findings-rejudged' && e.data.rule === 'POL-10',
      );

    it("moved from A&E to her sister's flat, the sister not asked: the move keeps the agreements, a POL-10 warning names what is missing, on the timeline, audited and published", async () => {
      const first = await atAandE('2026-12-05T22:00:00Z');
      expect(pol10(first)).toEqual([]);
      const consent = { personAgreed: 'yes', soleOccupier: 'no' };
      const moved = (
        await post(`/referrals/${first.id}/transfers`, {
          at: '2026-12-06T00:30:00Z',
          placeOfSafetyType: 'private-dwelling',
          place: "Her sister's flat",
          placeOfSafetyConsent: consent,
        }).expect(201)
      ).body;
      expect(moved.legalContext.transfers).toEqual([
        {
          at: '2026-12-06T00:30:00.000Z',
          placeOfSafetyType: 'private-dwelling',
          place: "Her sister's flat",
          placeOfSafetyConsent: consent,
        },
      ]);
      expect(pol10(moved)).toEqual(['dwelling-agreement-not-recorded']);
      expect(moved.findings.find((f: Found) => f.rule === 'POL-10').message).toContain('whether one of the other occupiers agreed');
      expect(pol7Basis(moved)).toContain("Moved to Her sister's flat (a private dwelling)");
      const read = (await get(`/referrals/${first.id}`).expect(200)).body;
      expect(pol10(read)).toEqual(['dwelling-agreement-not-recorded']);
      const events = (await get(`/referrals/${first.id}/events`).expect(200)).body.items;
      expect(events.find((e: { type: string }) => e.type === 'place-of-safety-moved').data).toMatchObject({
        placeOfSafetyType: 'private-dwelling',
        placeOfSafetyConsent: consent,
        codes: ['dwelling-agreement-not-recorded'],
      });
      expect((await rejudged(first.id)).map((e: { data: unknown }) => e.data)).toEqual([
        expect.objectContaining({ rule: 'POL-10', cause: 'place-of-safety-moved', codes: ['dwelling-agreement-not-recorded'] }),
      ]);
      expect(
        await t.sql(`SELECT actor_id FROM audit_events WHERE action = 'referral.findings-rejudged' AND resource_id = $1`, [first.id]),
      ).toEqual([{ actor_id: manager.id }]);
      expect(
        await t.sql(`SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND type = 'referral.findings-rejudged'`, [first.id]),
      ).toEqual([
        {
          payload: expect.objectContaining({ rule: 'POL-10', cause: 'place-of-safety-moved', codes: ['dwelling-agreement-not-recorded'] }),
        },
      ]);
    });

    it('taken from a dwelling used without her agreement on to the s.136 suite: the POL-10 warning goes with the move, and comes back when she is taken to a place whose manager refused', async () => {
      const { person: _p, ...rest } = s136Referral(`Moved${++n}`, '2026-12-05T22:00:00Z', {
        legalContext: {
          kind: 's136',
          placeOfSafetyType: 'private-dwelling',
          placeOfSafetyConsent: { personAgreed: 'no', soleOccupier: 'yes' },
          locationType: 'public-place',
          arrivedAt: '2026-12-05T22:00:00Z',
        },
        receivedAt: '2026-12-05T22:05:00Z',
      });
      const first = (await post('/referrals', { ...rest, person: { givenName: 'Robin', familyName: `Moved${++n}` } }).expect(201)).body;
      expect(pol10(first)).toEqual(['dwelling-person-did-not-agree']);
      const suite = (
        await post(`/referrals/${first.id}/transfers`, { at: '2026-12-06T00:00:00Z', placeOfSafetyType: 'health-based' }).expect(201)
      ).body;
      expect(pol10(suite)).toEqual([]);
      const hall = (
        await post(`/referrals/${first.id}/transfers`, {
          at: '2026-12-06T01:00:00Z',
          placeOfSafetyType: 'other',
          placeOfSafetyConsent: { managerAgreed: 'no' },
        }).expect(201)
      ).body;
      expect(pol10(hall)).toEqual(['place-manager-did-not-agree']);
      expect((await rejudged(first.id)).map((e: { data: { codes: string[] } }) => e.data.codes)).toEqual([
        [],
        ['place-manager-did-not-agree'],
      ]);
    });

    it('moved to a house whose occupier and the person both agreed: no POL-10 warning, and nothing judged again', async () => {
      const first = await atAandE('2026-12-05T22:00:00Z');
      const moved = (
        await post(`/referrals/${first.id}/transfers`, {
          at: '2026-12-06T00:30:00Z',
          placeOfSafetyType: 'private-dwelling',
          placeOfSafetyConsent: { personAgreed: 'yes', soleOccupier: 'no', occupierAgreed: 'yes' },
        }).expect(201)
      ).body;
      expect(pol10(moved)).toEqual([]);
      expect(await rejudged(first.id)).toEqual([]);
    });

    it.each([
      ['agreements with a move to a health-based place', 'health-based', { personAgreed: 'yes' }, 'placeOfSafetyConsent'],
      [
        'a person’s agreement with a move to another place',
        'other',
        { personAgreed: 'yes', managerAgreed: 'yes' },
        'placeOfSafetyConsent.personAgreed',
      ],
    ])(
      '%s is refused (422 place-of-safety-consent-not-applicable) naming the field, nothing stored',
      async (_what, type, consent, field) => {
        const first = await atAandE('2026-12-05T22:00:00Z');
        const stored = () => t.sql(`SELECT legal_context, version FROM referrals WHERE id = $1`, [first.id]);
        const before = await stored();
        const res = await post(`/referrals/${first.id}/transfers`, {
          at: '2026-12-06T00:30:00Z',
          placeOfSafetyType: type,
          placeOfSafetyConsent: consent,
        }).expect(422);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.body).toMatchObject({ code: 'place-of-safety-consent-not-applicable', errors: [expect.objectContaining({ field })] });
        expect(await stored()).toEqual(before);
        expect(await t.sql(`SELECT 1 FROM referral_events WHERE referral_id = $1 AND type = 'place-of-safety-moved'`, [first.id])).toEqual(
          [],
        );
      },
    );

    it('the places-of-safety report counts a detention begun at a private dwelling under its own type, in words', async () => {
      const { person: _p, ...rest } = s136Referral('unused', '2026-12-05T23:00:00Z', {
        legalContext: {
          kind: 's136',
          placeOfSafetyType: 'private-dwelling',
          placeOfSafetyConsent: { personAgreed: 'yes', soleOccupier: 'yes' },
          locationType: 'public-place',
          arrivedAt: '2026-12-05T23:00:00Z',
        },
        receivedAt: '2026-12-05T23:05:00Z',
      });
      await post('/referrals', { ...rest, person: { givenName: 'Robin', familyName: `Moved${++n}` } }).expect(201);
      const [{ dwellings }] = await t.sql<{ dwellings: number }>(
        `SELECT count(*)::int AS dwellings FROM referrals WHERE legal_context->>'placeOfSafetyType' = 'private-dwelling'`,
      );
      const figures = (await get('/reports/places-of-safety?period=2026-12').expect(200)).body.figures as Array<{
        section: string;
        group: string;
        groupLabel: string;
        measure: string;
        value: unknown;
      }>;
      expect(figures.find((f) => f.section === 'place-type' && f.group === 'private-dwelling' && f.measure === 'detentions')).toMatchObject(
        {
          groupLabel: 'Private dwelling',
          value: dwellings,
        },
      );
    });
  });
});
