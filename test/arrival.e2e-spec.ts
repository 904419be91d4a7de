import { createTestApp, TestApp, TestUser } from './support/test-app';
import { s136Referral } from './support/referral-fixtures';

// CTO-03 (s.17F(8)) and POL-04 (s.135(3ZA)(a)(i)): the clock runs from an arrival the hub often learns of after the
// referral: the recalled patient reaching hospital, the person under a warrant reaching the place of safety.
describe('an arrival recorded after the referral: the clock runs from it, no longer provisionally', () => {
  let t: TestApp;
  let manager: TestUser;
  let referrer: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-06T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    referrer = await t.user(['referrer']);
  });
  afterAll(() => t.close());

  const post = (p: string, b: object, u: TestUser = manager) => t.http.post(p).set('authorization', u.auth).send(b);
  const clock = (r: { clocks: Array<{ id: string }> }, id: string) => r.clocks.find((c) => c.id === id) as Record<string, unknown>;
  let n = 0;
  const referral = async (legalContext: Record<string, unknown>, urgency = 'urgent') =>
    (
      await post(
        '/referrals',
        s136Referral(`Arrival${++n}`, '2026-12-06T09:00:00Z', {
          source: 'cmht',
          urgency,
          legalContext,
          receivedAt: '2026-12-06T10:00:00Z',
        }),
      ).expect(201)
    ).body;

  it('a CTO recall: 72 hours from the recall notice, provisionally, then from her arrival in hospital; audited, on the timeline, published', async () => {
    // Routine: the hub's own response target (5 days) is later than the recall's 72 hours, which lead the queue.
    const r = await referral({ kind: 'cto-recall', recalledAt: '2026-12-06T09:00:00Z' }, 'routine');
    expect(r.nextDeadline).toBe('2026-12-09T09:00:00.000Z');
    expect(clock(r, 'CTO-03')).toMatchObject({
      anchor: '2026-12-06T09:00:00.000Z',
      deadline: '2026-12-09T09:00:00.000Z',
      provisional: true,
    });
    t.clock.advance(3 * 3_600_000);
    const res = await post(`/referrals/${r.id}/arrival`, { at: '2026-12-06T14:30:00Z' });
    expect(res.status).toBe(201);
    expect(clock(res.body, 'CTO-03')).toMatchObject({
      anchor: '2026-12-06T14:30:00.000Z',
      deadline: '2026-12-09T14:30:00.000Z',
      provisional: false,
    });
    expect(res.body.legalContext.arrivedAt).toBe('2026-12-06T14:30:00.000Z');
    expect(res.body.findings.map((f: { code: string }) => f.code)).not.toContain('arrival-not-recorded');
    // The queue orders it by the deadline now known, and a read says the same.
    expect(await t.sql(`SELECT next_deadline FROM referrals WHERE id = $1`, [r.id])).toEqual([
      { next_deadline: new Date('2026-12-09T14:30:00Z') },
    ]);
    const read = (await t.http.get(`/referrals/${r.id}`).set('authorization', manager.auth).expect(200)).body;
    expect(clock(read, 'CTO-03')).toMatchObject({ deadline: '2026-12-09T14:30:00.000Z', provisional: false });
    expect(
      await t.sql(
        `SELECT actor_id, subject_person_id, details FROM audit_events WHERE action = 'referral.arrival-recorded' AND resource_id = $1`,
        [r.id],
      ),
    ).toEqual([
      { actor_id: manager.id, subject_person_id: r.person.id, details: { at: '2026-12-06T14:30:00.000Z', legalContext: 'cto-recall' } },
    ]);
    expect(await t.sql(`SELECT data FROM referral_events WHERE referral_id = $1 AND type = 'arrival-recorded'`, [r.id])).toEqual([
      { data: { at: '2026-12-06T14:30:00.000Z', legalContext: 'cto-recall' } },
    ]);
    expect(await t.sql(`SELECT payload FROM outbox_events WHERE type = 'referral.arrival-recorded' AND aggregate_id = $1`, [r.id])).toEqual(
      [{ payload: { referralId: r.id, at: '2026-12-06T14:30:00.000Z', legalContext: 'cto-recall' } }],
    );

    // Once: a second arrival (a retry, a colleague's) is 409 and changes nothing.
    const again = await post(`/referrals/${r.id}/arrival`, { at: '2026-12-06T14:45:00Z' }).expect(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.body.code).toBe('arrival-already-recorded');
    expect((await t.sql<{ at: string }>(`SELECT legal_context->>'arrivedAt' AS at FROM referrals WHERE id = $1`, [r.id]))[0].at).toBe(
      '2026-12-06T14:30:00.000Z',
    );
  });

  it.each([
    [
      'before the recall notice',
      { kind: 'cto-recall', recalledAt: '2026-12-06T09:00:00Z' },
      '2026-12-06T08:00:00Z',
      'arrival-before-recall',
    ],
    ['in the future', { kind: 'cto-recall', recalledAt: '2026-12-06T09:00:00Z' }, '2026-12-07T08:00:00Z', 'in-future'],
    [
      'before the warrant was executed',
      { kind: 's135-1', warrantExecutedAt: '2026-12-06T09:00:00Z', placeOfSafetyType: 'health-based' },
      '2026-12-06T08:30:00Z',
      'arrival-before-warrant',
    ],
    [
      'on a s.5(2), whose clock does not run from an arrival',
      { kind: 's5-2', h1FurnishedAt: '2026-12-06T09:00:00Z' },
      '2026-12-06T11:00:00Z',
      'arrival-not-applicable',
    ],
    [
      'on a s.135(1) kept at the premises',
      { kind: 's135-1', warrantExecutedAt: '2026-12-06T09:00:00Z', keptAtPremises: true, firstEnteredAt: '2026-12-06T09:05:00Z' },
      '2026-12-06T11:00:00Z',
      'arrival-not-applicable',
    ],
  ])('an arrival %s is refused 422 naming `at`, and nothing changes', async (_name, legalContext, at, code) => {
    const r = await referral(legalContext);
    const before = await t.sql(`SELECT legal_context, version, next_deadline FROM referrals WHERE id = $1`, [r.id]);
    const res = await post(`/referrals/${r.id}/arrival`, { at }).expect(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe(code);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['at']);
    expect(await t.sql(`SELECT legal_context, version, next_deadline FROM referrals WHERE id = $1`, [r.id])).toEqual(before);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'referral.arrival-recorded' AND resource_id = $1`, [r.id])).toEqual([]);
  });

  it('a s.135(1) warrant: 24 hours from its execution while the person is on the way, then from arrival at the place of safety', async () => {
    const r = await referral({ kind: 's135-1', warrantExecutedAt: '2026-12-06T09:00:00Z', placeOfSafetyType: 'health-based' });
    expect(clock(r, 'POL-04')).toMatchObject({ anchor: '2026-12-06T09:00:00.000Z', provisional: true });
    const res = await post(`/referrals/${r.id}/arrival`, { at: '2026-12-06T10:40:00Z' }).expect(201);
    expect(clock(res.body, 'POL-04')).toMatchObject({
      anchor: '2026-12-06T10:40:00.000Z',
      deadline: '2026-12-07T10:40:00.000Z',
      provisional: false,
    });
  });

  it('the referrer (police) may not record it, a closed referral takes none (409, the refusal kept), and a time that is not one is 400 naming at: nothing changes', async () => {
    const r = await referral({ kind: 'cto-recall', recalledAt: '2026-12-06T09:00:00Z' });
    const stored = () => t.sql(`SELECT legal_context, version FROM referrals WHERE id = $1`, [r.id]);
    const before = await stored();
    const refused = await post(`/referrals/${r.id}/arrival`, { at: '2026-12-06T11:00:00Z' }, referrer).expect(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await stored()).toEqual(before);
    const bad = await post(`/referrals/${r.id}/arrival`, { at: 'yesterday' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['at']);
    expect(await stored()).toEqual(before);
    await post(`/referrals/${r.id}/status`, { status: 'withdrawn', reason: 'Recall rescinded by the responsible clinician' }).expect(200);
    const closed = await post(`/referrals/${r.id}/arrival`, { at: '2026-12-06T11:00:00Z' }).expect(409);
    expect(closed.body.code).toBe('referral-not-open');
    expect((await stored())[0]).not.toHaveProperty('legal_context.arrivedAt');
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'referral.arrival-recorded' AND resource_id = $1`, [r.id])).toEqual([]);
    // The refusal is kept as a refused attempt, as other refusals of a change are.
    expect(
      await t.sql(
        `SELECT outcome, details FROM audit_events WHERE action = 'access.denied' AND resource_type = 'referral' AND resource_id = $1`,
        [r.id],
      ),
    ).toEqual([{ outcome: 'denied', details: { policy: 'person.write', reason: 'The referral is withdrawn.' } }]);
  });
});
