import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The night's workflow as the users found it: a police referrer and the duty AMHPs at night. Now is Sat 21 Nov 2026
 * 02:00 GMT (local time is GMT in November); the night shift runs 22:00–09:00.
 */
describe('the night workflow: offers, races, access after close, the referrer’s clock, a second referral', () => {
  let t: TestApp;
  let manager: TestUser;
  let police: TestUser;
  let shiftId: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    police = await t.user(['referrer']);
    shiftId = (
      await as(manager)
        .post('/rota/shifts', { label: 'Night', startsAt: '2026-11-20T22:00:00Z', endsAt: '2026-11-21T09:00:00Z', requiredCount: 4 })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
  });
  let n = 0;
  const s136 = (person: object = { givenName: 'Robin', familyName: `Bridge${++n}`, dateOfBirth: '1991-03-04' }) => ({
    person,
    source: 'police-s136',
    referrer: { name: 'PC Jones', organisation: 'Northshire Police', phone: '+44 1632 960111' },
    reason: 'Found on the bridge in distress, detained under s.136',
    risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
    urgency: 'emergency',
    legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: '2026-11-21T01:30:00Z' },
    location: 'Northshire General health-based place of safety',
  });

  /** A police s.136 referral, screened and accepted by the manager, waiting for an AMHP. */
  async function waiting(): Promise<{ id: string; reference: string; personId: string }> {
    const r = (await as(police).post('/referrals', s136()).expect(201)).body;
    await as(manager).post(`/referrals/${r.id}/status`, { status: 'screening' }).expect(200);
    await as(manager).post(`/referrals/${r.id}/status`, { status: 'accepted' }).expect(200);
    const [{ person_id }] = await t.sql<{ person_id: string }>('SELECT person_id FROM referrals WHERE id = $1', [r.id]);
    return { id: r.id, reference: r.reference, personId: person_id };
  }

  async function onDuty(): Promise<TestUser & { practitionerId: string }> {
    const a = await amhp(t);
    await as(manager).post(`/rota/shifts/${shiftId}/assignments`, { practitionerId: a.practitionerId }).expect(201);
    return a;
  }

  it('the AMHPs an offer goes to are each notified, and see it in their offers with the clock, until someone takes it', async () => {
    const r = await waiting();
    const [a, b] = [await amhp(t), await amhp(t)];
    await as(manager)
      .post(`/referrals/${r.id}/offers`, { userIds: [a.id, b.id] })
      .expect(201);

    for (const u of [a, b]) {
      const inbox = (await as(u).get('/me/notifications?unread=true').expect(200)).body.items;
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ kind: 'offer.received', severity: 'urgent', link: `/referrals/${r.id}`, subjectId: r.id });
      expect(inbox[0].title).toBe(`${r.reference}: offered to you (emergency, s136)`);
      // The soonest running clock (the local target for the assessment to start, 3 h from arrival at 01:30 GMT), in
      // local time with its zone; the notification carries no name.
      expect(inbox[0].body).toBe(
        'Offered at Sat 21 Nov 2026 02:00 GMT. Place-of-safety assessment to start (local target) ends at Sat 21 Nov 2026 04:30 GMT. Accept or decline it in your offers.',
      );
      expect(JSON.stringify(inbox[0])).not.toContain('Robin');
    }
    // Acknowledged: read, and no longer unread.
    const [note] = (await as(a).get('/me/notifications').expect(200)).body.items;
    await as(a).post(`/me/notifications/${note.id}/read`).expect(200);
    expect((await as(a).get('/me/notifications?unread=true').expect(200)).body.items).toEqual([]);

    const mine = (await as(a).get('/me/offers').expect(200)).body.items;
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      referralId: r.id,
      reference: r.reference,
      link: `/referrals/${r.id}`,
      urgency: 'emergency',
      legalContext: 's136',
      offeredAt: '2026-11-21T02:00:00.000Z',
      offeredAtLocal: 'Sat 21 Nov 2026 02:00 GMT',
      escalatesAt: '2026-11-21T02:15:00.000Z',
      nextDeadline: '2026-11-21T04:30:00.000Z',
      nextDeadlineLocal: 'Sat 21 Nov 2026 04:30 GMT',
      location: 'Northshire General health-based place of safety',
    });
    expect(mine[0].person).toMatchObject({ id: r.personId, givenName: 'Robin' });
    // The s.136 24 hours run from arrival at 01:30 GMT.
    expect(mine[0].clocks).toContainEqual(
      expect.objectContaining({ id: 'POL-07', deadline: '2026-11-22T01:30:00.000Z', deadlineLocal: 'Sun 22 Nov 2026 01:30 GMT' }),
    );
    // Showing the person is a read of their record: audited with the basis the offer gave.
    expect(
      await t.sql(
        `SELECT access_basis FROM audit_events WHERE action = 'referral.read' AND actor_id = $1 AND resource_id = $2 AND details->>'via' = 'my-offers'`,
        [a.id, r.id],
      ),
    ).toEqual([{ access_basis: 'relationship:offer' }]);
    // Someone else's offers are not mine; a referrer has none to see.
    expect(
      (
        await as(await amhp(t))
          .get('/me/offers')
          .expect(200)
      ).body.items,
    ).toEqual([]);
    await as(police).get('/me/offers').expect(403);

    // B takes it: it drops off A's list (and B's, who now has it allocated).
    await as(b).post(`/referrals/${r.id}/offers/accept`).expect(201);
    expect((await as(a).get('/me/offers').expect(200)).body.items).toEqual([]);
    expect((await as(b).get('/me/offers').expect(200)).body.items).toEqual([]);
  });

  it('the loser of an accept race is told the referral was accepted by another AMHP, and when; a withdrawn referral’s offer says so', async () => {
    const r = await waiting();
    const [a, b] = [await onDuty(), await onDuty()];
    await as(manager)
      .post(`/referrals/${r.id}/offers`, { userIds: [a.id, b.id] })
      .expect(201);
    t.clock.advance(7 * 60_000);
    const results = await Promise.all([as(a).post(`/referrals/${r.id}/offers/accept`), as(b).post(`/referrals/${r.id}/offers/accept`)]);
    expect(results.map((x) => x.status).sort()).toEqual([201, 409]);
    const lost = results.find((x) => x.status === 409)!;
    expect(lost.headers['content-type']).toMatch(/problem\+json/);
    expect(lost.body.code).toBe('offer-taken');
    expect(lost.body.detail).toBe(
      'This referral was accepted by another AMHP at Sat 21 Nov 2026 02:07 GMT; the offer to you is closed and nothing more is needed from you.',
    );
    expect(lost.body.detail).not.toContain('withdrawn');
    // No name of the winner.
    const winner = results.find((x) => x.status === 201)!.body.allocatedUserId;
    const [{ display_name }] = await t.sql<{ display_name: string }>('SELECT display_name FROM users WHERE id = $1', [winner]);
    expect(lost.body.detail).not.toContain(display_name);
    expect(
      await t.sql(`SELECT response, withdrawn_reason FROM allocation_offers WHERE referral_id = $1 ORDER BY response`, [r.id]),
    ).toEqual([
      { response: 'accepted', withdrawn_reason: null },
      { response: 'withdrawn', withdrawn_reason: 'accepted-by-another' },
    ]);
    // Declining it afterwards says the same.
    const loser = winner === a.id ? b : a;
    expect((await as(loser).post(`/referrals/${r.id}/offers/decline`).expect(409)).body.code).toBe('offer-taken');

    // A referral withdrawn while offered: the late answer says the offer was withdrawn with the referral.
    const w = await waiting();
    const c = await onDuty();
    await as(manager)
      .post(`/referrals/${w.id}/offers`, { userIds: [c.id] })
      .expect(201);
    await as(manager)
      .post(`/referrals/${w.id}/status`, { status: 'withdrawn', reason: 'Police released the person: no longer detained.' })
      .expect(200);
    expect((await as(c).get('/me/offers').expect(200)).body.items).toEqual([]);
    const late = (await as(c).post(`/referrals/${w.id}/offers/decline`).expect(409)).body;
    expect(late.code).toBe('offer-withdrawn');
    expect(late.detail).toBe('This offer was withdrawn at Sat 21 Nov 2026 02:07 GMT: the referral is now withdrawn.');
    t.clock.advance(-7 * 60_000);
  });

  it('a referral the manager allocates while it is offered closes the offers as allocated to another AMHP, and ends their access', async () => {
    const r = await waiting();
    const [offeredTo, chosen] = [await onDuty(), await onDuty()];
    await as(manager)
      .post(`/referrals/${r.id}/offers`, { userIds: [offeredTo.id] })
      .expect(201);
    await as(manager).post(`/referrals/${r.id}/allocation`, { userId: chosen.id }).expect(200);
    const late = (await as(offeredTo).post(`/referrals/${r.id}/offers/accept`).expect(409)).body;
    expect(late.code).toBe('offer-withdrawn');
    expect(late.detail).toBe('This referral was allocated to another AMHP at Sat 21 Nov 2026 02:00 GMT; the offer to you was withdrawn.');
    expect(await t.sql(`SELECT response, withdrawn_reason FROM allocation_offers WHERE referral_id = $1`, [r.id])).toEqual([
      { response: 'withdrawn', withdrawn_reason: 'allocated' },
    ]);
    // The offer's relationship to the person has ended; the allocation's holds.
    expect(
      await t.sql(
        `SELECT user_id, source_type, valid_to IS NULL AS open FROM access_relationships WHERE person_id = $1 AND user_id = ANY($2) ORDER BY source_type`,
        [r.personId, [offeredTo.id, chosen.id]],
      ),
    ).toEqual([
      { user_id: chosen.id, source_type: 'referral-allocation', open: true },
      { user_id: offeredTo.id, source_type: 'referral-offer', open: false },
    ]);
  });

  it('the AMHP keeps reading her assessment and her outcome report after she closes it, but cannot change it', async () => {
    const r = await waiting();
    const worker = await amhp(t);
    await as(manager).post(`/referrals/${r.id}/allocation`, { userId: worker.id }).expect(200);
    const a = (await as(worker).post('/assessments', { referralId: r.id }).expect(201)).body;
    t.clock.advance(20 * 60_000);
    await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T02:10:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
    await as(worker)
      .post(`/assessments/${a.id}/outcome`, {
        kind: 'not-detained',
        alternatives: ['crisis-home-treatment'],
        rationale: 'Settled once safe, accepts the crisis team tonight; detention not necessary.',
      })
      .expect(200);
    await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);

    const read = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    expect(read.status).toBe('closed');
    const report = (await as(worker).get(`/assessments/${a.id}/report`).expect(200)).body;
    expect(JSON.stringify(report)).toContain('accepts the crisis team tonight');
    // Her list keeps it too.
    const listed = (await as(worker).get('/assessments?status=closed').expect(200)).body.items;
    expect(listed.map((x: { id: string }) => x.id)).toEqual([a.id]);
    const basis = await t.sql(
      `SELECT DISTINCT access_basis FROM audit_events WHERE actor_id = $1 AND resource_id = $2 AND action IN ('assessment.read', 'assessment.report')`,
      [worker.id, a.id],
    );
    expect(basis).toEqual([{ access_basis: 'relationship:conducted' }]);
    // Reading, not changing: the closed record is not hers to change, and the person's other records are not hers.
    const closed = await t.http
      .patch(`/assessments/${a.id}`)
      .set('authorization', worker.auth)
      .send({ location: 'Changed afterwards' })
      .expect(409);
    expect(closed.body.code).toBe('assessment-closed');
    await as(worker).get(`/people/${r.personId}`).expect(403);
    // Another AMHP, who did not conduct it, cannot read it.
    await as(await amhp(t))
      .get(`/assessments/${a.id}`)
      .expect(403);
    // The relationship lasts: it was not ended when the referral closed.
    expect(
      await t.sql(`SELECT valid_to FROM access_relationships WHERE kind = 'conducted' AND source_type = 'assessment' AND source_id = $1`, [
        a.id,
      ]),
    ).toEqual([{ valid_to: null }]);
    t.clock.advance(-20 * 60_000);
  });

  it('the police referrer sees the clock and the progress of their s.136 referral, with times and no names, and not other referrers’', async () => {
    const r = await waiting();
    const before = (await as(police).get(`/referrals/${r.id}`).expect(200)).body;
    // The s.136 24 hours from arrival, and the local targets, soonest first.
    expect(before.clocks.map((c: { id: string; deadlineLocal: string; state: string }) => `${c.id} ${c.deadlineLocal} ${c.state}`)).toEqual(
      [
        'COP-09 Sat 21 Nov 2026 04:30 GMT running',
        'LOCAL-RESPONSE Sat 21 Nov 2026 06:00 GMT running',
        'POL-07 Sun 22 Nov 2026 01:30 GMT running',
      ],
    );
    expect(before.progress).toEqual([{ step: 'received', at: '2026-11-21T02:00:00.000Z', atLocal: 'Sat 21 Nov 2026 02:00 GMT' }]);

    const a = await amhp(t, { displayName: 'Alex Night-Duty' });
    await as(manager)
      .post(`/referrals/${r.id}/offers`, { userIds: [a.id] })
      .expect(201);
    t.clock.advance(10 * 60_000);
    await as(a).post(`/referrals/${r.id}/offers/accept`).expect(201);
    t.clock.advance(20 * 60_000);
    await as(a).post('/assessments', { referralId: r.id }).expect(201);
    const after = (await as(police).get(`/referrals/${r.id}`).expect(200)).body;
    t.clock.advance(-30 * 60_000);
    expect(after.progress.map((p: { step: string; atLocal: string }) => `${p.step} ${p.atLocal}`)).toEqual([
      'received Sat 21 Nov 2026 02:00 GMT',
      'offered Sat 21 Nov 2026 02:00 GMT',
      'allocated Sat 21 Nov 2026 02:10 GMT',
      'assessment-started Sat 21 Nov 2026 02:30 GMT',
    ]);
    expect(after.status).toBe('in-assessment');
    // The assessment starting met the target for it to start (stopped); the s.136 24 hours still run.
    expect(after.clocks.find((c: { id: string }) => c.id === 'COP-09')).toMatchObject({
      state: 'stopped',
      stoppedAt: '2026-11-21T02:30:00.000Z',
    });
    expect(after.clocks.find((c: { id: string }) => c.id === 'POL-07')).toMatchObject({
      state: 'running',
      deadline: '2026-11-22T01:30:00.000Z',
    });
    const text = JSON.stringify(after);
    expect(text).not.toContain('Alex');
    expect(text).not.toContain(a.id);
    expect(text).not.toContain('Robin');
    // The read is audited; another referrer is refused (and that is audited too).
    expect(
      await t.sql(`SELECT access_basis FROM audit_events WHERE action = 'referral.read' AND actor_id = $1 AND resource_id = $2 LIMIT 1`, [
        police.id,
        r.id,
      ]),
    ).toEqual([{ access_basis: 'own:referrer' }]);
    const other = await t.user(['referrer']);
    await as(other).get(`/referrals/${r.id}`).expect(403);
    expect((await as(other).get('/referrals').expect(200)).body.items).toEqual([]);
    // The queue gives the referrer the same view of their own.
    const listed = (await as(police).get('/referrals').expect(200)).body.items.find((x: { id: string }) => x.id === r.id);
    expect(listed.progress).toHaveLength(4);
    expect(
      await t.sql(
        `SELECT access_basis FROM audit_events WHERE action = 'referral.read' AND actor_id = $1 AND resource_id = $2 AND details->>'via' = 'status' AND request_id IS NOT NULL ORDER BY id DESC LIMIT 1`,
        [police.id, r.id],
      ),
    ).toEqual([{ access_basis: 'own:referrer' }]);
  });

  it('the same referral sent twice without an Idempotency-Key is one person, two linked referrals, and a warning pointing to the first', async () => {
    const body = s136({ givenName: 'Sam', familyName: 'Twice', dateOfBirth: '1988-08-08' });
    const first = (await as(police).post('/referrals', body).expect(201)).body;
    const second = (await as(police).post('/referrals', body).expect(201)).body;
    expect(second.id).not.toBe(first.id);
    const personOf = async (id: string) => (await t.sql(`SELECT person_id FROM referrals WHERE id = $1`, [id]))[0].person_id;
    expect(await personOf(second.id)).toBe(await personOf(first.id));
    expect(await t.sql(`SELECT 1 FROM persons WHERE family_name = 'Twice'`)).toHaveLength(1);
    // The police officer is answered with the status view; the warning is the hub's, on the referral.
    expect(second).not.toHaveProperty('findings');
    expect((await as(manager).get(`/referrals/${second.id}`).expect(200)).body.findings).toContainEqual(
      expect.objectContaining({
        rule: 'DUTY-02',
        severity: 'warning',
        code: 'open-referral-exists',
        referralId: first.id,
        href: `/referrals/${first.id}`,
      }),
    );
    expect((await as(manager).get(`/referrals/${first.id}`).expect(200)).body.findings.map((f: { code: string }) => f.code)).not.toContain(
      'open-referral-exists',
    );
    // Both timelines say so, for the duty AMHP.
    const timeline = (await as(manager).get(`/referrals/${first.id}/events`).expect(200)).body.items;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['received', 'further-referral']);
    expect(timeline[1].data).toMatchObject({ referralId: second.id, reference: second.reference });
    const [received] = (await as(manager).get(`/referrals/${second.id}/events`).expect(200)).body.items;
    expect(received.data.linkedReferralId).toBe(first.id);

    // With the NHS number, sent by hub staff: the same person, warned too.
    const nhs = s136({ givenName: 'Jo', familyName: 'Numbered', dateOfBirth: '1979-01-02', nhsNumber: '9434765919' });
    const one = (await as(manager).post('/referrals', nhs).expect(201)).body;
    const two = (await as(manager).post('/referrals', nhs).expect(201)).body;
    expect(two.person.id).toBe(one.person.id);
    expect(two.findings.find((f: { code: string }) => f.code === 'open-referral-exists').referralId).toBe(one.id);

    // Another referrer giving only a name and date of birth is not matched to a record they may not read.
    const stranger = await t.user(['referrer']);
    const theirs = (await as(stranger).post('/referrals', body).expect(201)).body;
    expect(await personOf(theirs.id)).not.toBe(await personOf(first.id));
    expect((await as(manager).get(`/referrals/${theirs.id}`).expect(200)).body.findings.map((f: { code: string }) => f.code)).not.toContain(
      'open-referral-exists',
    );
  });

  it.each([
    ['a zero-width space', ['Renée', 'Fuzzc'], ['Renée', 'Fuzz\u200bc']],
    ['a soft hyphen', ['Renée', 'Fuzzc'], ['Renée', 'Fuzz\u00adc']],
    ['a bidirectional override', ['Renée', 'Fuzzc'], ['Renée', 'Fuzz\u202dc']],
    ['a decomposed accent', ['Ren\u00e9e', 'Fuzzc'], ['Rene\u0301e', 'Fuzzc']],
    ['no-break and doubled spaces', ['Renée Anne', 'Fuzz Clark'], ['Renée  Anne', 'Fuzz\u00a0Clark']],
  ])(
    'a second referral whose name differs from the first only by %s is the same person, with the open-referral warning, and found by name',
    async (_, [givenName, familyName], [otherGiven, otherFamily]) => {
      const dateOfBirth = `1980-01-${String(10 + ++n).padStart(2, '0')}`;
      const one = (await as(manager).post('/referrals', s136({ givenName, familyName, dateOfBirth })).expect(201)).body;
      const two = (
        await as(manager)
          .post('/referrals', s136({ givenName: otherGiven, familyName: otherFamily, dateOfBirth }))
          .expect(201)
      ).body;
      expect(two.person.id).toBe(one.person.id);
      expect(two.findings.find((f: { code: string }) => f.code === 'open-referral-exists')?.referralId).toBe(one.id);
      expect(await t.sql(`SELECT given_name, family_name FROM persons WHERE id = $1`, [one.person.id])).toEqual([
        { given_name: givenName.normalize('NFC'), family_name: familyName },
      ]);
      for (const name of [familyName, otherFamily]) {
        const found = await as(manager)
          .get(`/people?familyName=${encodeURIComponent(name)}&dateOfBirth=${dateOfBirth}`)
          .expect(200);
        expect(found.body.items.map((p: { id: string }) => p.id)).toEqual([one.person.id]);
      }
    },
  );
});
