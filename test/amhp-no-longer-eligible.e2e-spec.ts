import { amhp, approvalOf } from './support/workforce-fixtures';
import { acceptedS136 } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * An AMHP who may no longer act as one (MHA 1983 s.114: her approval suspended, AMHP-07; ended, AMHP-08; her record
 * made inactive, AMHP-03) loses, in the same change, what she held because she could act: her open offers, her
 * allocations not yet in assessment (back to the queue), and the access to the person each gave her; the managers are
 * paged to reallocate. Now is Sat 21 Nov 2026 02:00 GMT.
 */
describe('an AMHP who may no longer act loses her offers and allocations, and the access they gave', () => {
  let t: TestApp;
  let manager: TestUser;
  let police: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    police = await t.user(['referrer']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object = {}) => t.http.patch(p).set('authorization', u.auth).send(b),
  });
  let n = 0;

  /** A police s.136 for a new person, screened and accepted (offered to `offerTo` when given). */
  const referral = (offerTo?: string[]) => acceptedS136(t, police.auth, manager.auth, `Heron${++n}`, '2026-11-21T01:30:00Z', offerTo);
  const suspend = (approvalId: string, body: object = {}) =>
    as(manager).post(`/approvals/${approvalId}/suspensions`, { reason: 'Interim suspension order by the regulator', ...body });

  it('a suspension withdraws her open offer: listed in the answer, gone from her offers, her access to the person ended, a late acceptance told why; the other AMHP still holds his', async () => {
    const kemi = await amhp(t, { displayName: 'Kemi Offered' });
    const other = await amhp(t);
    const r = await referral([kemi.id, other.id]);
    await as(kemi).get(`/people/${r.personId}`).expect(200);
    // And paged about another referral's clock as an AMHP on duty (DUTY-03), which let her read that person too.
    const paged = await referral();
    await t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from)
       VALUES ($1, $2, 'duty', 'referral-escalation', $3, '2026-11-21T01:55:00Z')`,
      [kemi.id, paged.personId, paged.id],
    );
    await as(kemi).get(`/people/${paged.personId}`).expect(200);

    const res = await suspend(await approvalOf(t, kemi.practitionerId)).expect(201);
    const [offer] = await t.sql<{ id: string }>('SELECT id FROM allocation_offers WHERE referral_id = $1 AND user_id = $2', [
      r.id,
      kemi.id,
    ]);
    expect(res.body).toMatchObject({
      status: 'suspended',
      removedFromRota: [],
      offersWithdrawn: [{ offerId: offer.id, referralId: r.id, reference: r.reference }],
      allocationsReturned: [],
      awaitingReallocation: [],
    });
    expect((await as(kemi).get('/me/offers').expect(200)).body.items).toEqual([]);
    await as(kemi).get(`/people/${r.personId}`).expect(403);
    await as(kemi).get(`/people/${paged.personId}`).expect(403);
    expect(
      await t.sql(
        `SELECT details->>'userId' AS "userId" FROM audit_events WHERE action = 'referral.escalation-access-end' AND resource_id = $1`,
        [paged.id],
      ),
    ).toEqual([{ userId: kemi.id }]);
    const late = await as(kemi).post(`/referrals/${r.id}/offers/accept`).expect(409);
    expect(late.body).toMatchObject({ code: 'offer-withdrawn', reason: 'amhp-not-eligible' });
    expect(late.body.detail).toContain('you may not act as an AMHP now');

    // The referral still waits in the queue, offered to the other AMHP, who can read the person and accept.
    const queue = (await as(manager).get('/referrals?status=accepted').expect(200)).body.items.map((x: { id: string }) => x.id);
    expect(queue).toContain(r.id);
    const offers = (await as(manager).get(`/referrals/${r.id}/offers`).expect(200)).body.items;
    expect(offers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: kemi.id, response: 'withdrawn' }),
        expect.objectContaining({ userId: other.id, response: null }),
      ]),
    );
    await as(other).get(`/people/${r.personId}`).expect(200);
    const timeline = await t.sql<{ type: string; data: Record<string, unknown> }>(
      `SELECT type, data FROM referral_events WHERE referral_id = $1 AND type = 'offer-withdrawn'`,
      [r.id],
    );
    expect(timeline).toEqual([
      { type: 'offer-withdrawn', data: { userId: kemi.id, reason: 'amhp-not-eligible', because: ['approval-suspended'] } },
    ]);
    const audited = await t.sql<{ actor_id: string }>(
      `SELECT actor_id FROM audit_events WHERE action = 'referral.offer-withdraw' AND resource_id = $1`,
      [r.id],
    );
    expect(audited).toEqual([{ actor_id: manager.id }]);
    await as(other).post(`/referrals/${r.id}/offers/accept`).expect(201);
  });

  it('a suspension hands her allocated referral back to the queue and pages the managers; one in assessment with her as lead is listed and paged to reallocate', async () => {
    const jonah = await amhp(t, { displayName: 'Jonah Allocated' });
    const waiting = await referral();
    await as(manager).post(`/referrals/${waiting.id}/allocation`, { userId: jonah.id }).expect(200);
    const started = await referral();
    await as(manager).post(`/referrals/${started.id}/allocation`, { userId: jonah.id }).expect(200);
    const assessment = (await as(jonah).post('/assessments', { referralId: started.id, location: 'Northshire General' }).expect(201)).body;
    await as(jonah).get(`/people/${waiting.personId}`).expect(200);

    const res = await suspend(await approvalOf(t, jonah.practitionerId)).expect(201);
    expect(res.body.offersWithdrawn).toEqual([]);
    expect(res.body.allocationsReturned).toEqual([{ referralId: waiting.id, reference: waiting.reference }]);
    expect(res.body.awaitingReallocation).toEqual([{ referralId: started.id, reference: started.reference, assessmentId: assessment.id }]);

    // The manager sees it back in the queue, allocated to nobody; she can no longer read its person or hold it offline.
    const back = (await as(manager).get(`/referrals/${waiting.id}`).expect(200)).body;
    expect(back).toMatchObject({ status: 'accepted', allocatedUserId: null });
    const queue = (await as(manager).get('/referrals?status=accepted').expect(200)).body.items.map((x: { id: string }) => x.id);
    expect(queue).toContain(waiting.id);
    await as(jonah).get(`/people/${waiting.personId}`).expect(403);
    await as(jonah).get(`/referrals/${waiting.id}`).expect(403);
    const pack = (await as(jonah).get('/me/job-pack').expect(200)).body;
    expect(pack.jobs.map((j: { referral: { id: string } }) => j.referral.id)).not.toContain(waiting.id);
    // The one in assessment stays (it cannot go back), and she cannot act on it.
    expect((await as(manager).get(`/referrals/${started.id}`).expect(200)).body.status).toBe('in-assessment');

    // Both paged to the managers (no manager on call on the rota: every manager), with the words to act on.
    type MyPage = { referralId: string; kind: string; step: number };
    const pages = (await as(manager).get('/me/pages').expect(200)).body.items.filter(
      (p: MyPage) => p.referralId === waiting.id || p.referralId === started.id,
    ) as MyPage[];
    const toReallocate = pages.filter((p) => p.kind === 'escalation');
    expect(toReallocate).toHaveLength(2);
    for (const p of toReallocate)
      expect(p).toMatchObject({ kind: 'escalation', reason: 'amhp-not-eligible', title: "A job's AMHP may no longer act: reallocate it" });
    // The one back in the queue has nobody to answer its clocks: the managers are paged about each clock due at once,
    // the last step of its chain (DUTY-03), not at the clock job's next run; the one in assessment stays with its lead.
    const due = await t.sql<{ chain_key: string }>(
      `SELECT DISTINCT chain_key FROM pages WHERE referral_id = $1 AND chain_key LIKE 'clock:%' AND recipient_user_id = $2`,
      [waiting.id, jonah.id],
    );
    expect(due.length).toBeGreaterThan(0);
    expect(pages.filter((p) => p.kind !== 'escalation').map((p) => [p.referralId, p.kind, p.step])).toEqual(
      due.map(() => [waiting.id, 'clock-warning', 3]),
    );
    const notes = (await as(manager).get('/me/notifications').expect(200)).body.items.filter(
      (x: { kind: string }) => x.kind === 'referral.reallocate',
    );
    expect(notes.map((x: { title: string }) => x.title).sort()).toEqual(
      [
        `${waiting.reference}: its AMHP may no longer act; reallocate it`,
        `${started.reference}: its AMHP may no longer act; reallocate it`,
      ].sort(),
    );

    const timeline = (await as(manager).get(`/referrals/${waiting.id}/events`).expect(200)).body.items;
    expect(timeline.slice(-2)).toEqual([
      expect.objectContaining({ type: 'accepted', actorId: null, data: expect.objectContaining({ from: 'allocated', userId: jonah.id }) }),
      expect.objectContaining({ type: 'escalated', data: expect.objectContaining({ reason: 'amhp-not-eligible', step: 3 }) }),
    ]);
    const audit = await t.sql<{ action: string; details: Record<string, unknown> }>(
      `SELECT action, details FROM audit_events WHERE resource_id = $1 AND action IN ('referral.accepted', 'referral.escalate') ORDER BY id`,
      [waiting.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['referral.accepted', 'referral.accepted', 'referral.escalate']);
    expect(audit[1].details).toMatchObject({ from: 'allocated', to: 'accepted', userId: jonah.id, reason: 'amhp-not-eligible' });
    expect(await t.sql(`SELECT 1 FROM outbox_events WHERE aggregate_id = $1 AND type = 'referral.accepted'`, [waiting.id])).toHaveLength(2);

    // Another AMHP can now be allocated it.
    const next = await amhp(t);
    await as(manager).post(`/referrals/${waiting.id}/allocation`, { userId: next.id }).expect(200);
  });

  it('a practitioner record made inactive or an approval ended today hands back her work too; a change that leaves her able to act now touches nothing', async () => {
    const inactive = await amhp(t);
    const r1 = await referral();
    await as(manager).post(`/referrals/${r1.id}/allocation`, { userId: inactive.id }).expect(200);
    const changed = await as(manager).patch(`/practitioners/${inactive.practitionerId}`, { active: false }).expect(200);
    expect(changed.body.allocationsReturned).toEqual([{ referralId: r1.id, reference: r1.reference }]);

    const ended = await amhp(t);
    const r2 = await referral([ended.id]);
    const res = await as(manager)
      .post(`/approvals/${await approvalOf(t, ended.practitionerId)}/end`, { endedOn: '2026-11-20', reason: 'Moved to another council' })
      .expect(200);
    expect(res.body.offersWithdrawn).toEqual([expect.objectContaining({ referralId: r2.id })]);

    // A suspension from next week, an approval ending next month: she may still act now, and keeps her work.
    const later = await amhp(t);
    const r3 = await referral([later.id]);
    const r4 = await referral();
    await as(manager).post(`/referrals/${r4.id}/allocation`, { userId: later.id }).expect(200);
    const approval = await approvalOf(t, later.practitionerId);
    const future = await suspend(approval, { startsAt: '2026-11-28T09:00:00Z' }).expect(201);
    expect(future.body).toMatchObject({ offersWithdrawn: [], allocationsReturned: [], awaitingReallocation: [] });
    expect((await as(later).get('/me/offers').expect(200)).body.items.map((o: { referralId: string }) => o.referralId)).toEqual([r3.id]);
    expect((await as(manager).get(`/referrals/${r4.id}`).expect(200)).body).toMatchObject({
      status: 'allocated',
      allocatedUserId: later.id,
    });
    await as(later).get(`/people/${r4.personId}`).expect(200);
  });
});
