import { insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { revertTo, rolledBack } from './support/migration-rollback';
import { DisplacementAppeal1796830000001 } from '../migrations/1796830000001-DisplacementAppeal';

/**
 * NR-11 (MHA 1983 s.29(4), (5)) over HTTP on real Postgres: an appeal against the county court's decision on a s.29
 * displacement application (ground c) made while the patient is detained under a s.2. While the appeal is pending the
 * application is not finally disposed of, so the s.2 stays in force with no end date; once the appeal is determined
 * or withdrawn, the s.2 ends that day, or 7 days later when an order stands.
 *
 * The patient was admitted under the s.2 on Sun 25 Oct 2026 (the day the clocks went back), so it would lapse at the
 * end of Sat 21 Nov; the s.29 was filed at 11:00 that day and the court made an order on it the same day.
 */
type ClockView = { id: string; label: string; deadline: string; state: string; stopRule: string | null; basis: string };

function world(env: Record<string, string>) {
  const w: { t: TestApp; manager: TestUser; s12Doctor: string; gpDoctor: string } = {} as never;
  beforeAll(async () => {
    w.t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400', ...env } });
    w.manager = await w.t.user(['manager']);
    w.s12Doctor = await insertDoctor(w.t, 'Dr Asha Patel', '7000001', 's12');
    w.gpDoctor = await insertDoctor(w.t, 'Dr Sam Whitfield', '7000002');
  });
  afterAll(() => w.t.close());
  const fixtures = assessmentFixtures(() => w);

  /** A patient already on a s.2 (referral and assessment), the s.29 filed and decided with an order on Sat 21 Nov. */
  async function ordered() {
    const { as, opened, prepared } = fixtures;
    const { worker, referral, assessment: a } = await opened({ legalContext: { kind: 'already-s2', admittedAt: '2026-10-25T10:00:00Z' } });
    const parent = await prepared(a, worker, 's3');
    const filed = (
      await as(worker)
        .post(`/people/${a.person.id}/displacements`, { ground: 'c', filedAt: '2026-11-21T11:00:00Z', relativeId: parent.id })
        .expect(201)
    ).body;
    const decided = (
      await as(worker)
        .patch(`/people/${a.person.id}/displacements/${filed.id}`, {
          status: 'order',
          actingNearestRelative: 'Robin Acting',
          effectiveFrom: '2026-11-21',
        })
        .expect(200)
    ).body;
    expect(decided.disposedOn).toBe('2026-11-21');
    return { referral, a, d: decided as { id: string; version: number } };
  }

  /** The hub's clock moved to `instant`, and a manager signed in then (tokens run by the hub's clock). */
  async function at(instant: string): Promise<TestUser> {
    w.t.clock.set(instant);
    return w.t.user(['manager']);
  }

  const s2Clock = async (u: TestUser, referralId: string): Promise<ClockView> =>
    ((await fixtures.as(u).get(`/referrals/${referralId}`).expect(200)).body.clocks as ClockView[]).find((c) => c.id === 'APP-17')!;
  const s2Checks = async (u: TestUser, assessmentId: string) =>
    (await fixtures.as(u).get(`/assessments/${assessmentId}/checks?section=s3`).expect(200)).body as {
      findings: Array<{ rule: string; code: string; message: string }>;
      deadlines: Array<{ id: string; at: string; label: string; basis: string }>;
    };
  const appeal = (u: TestUser, personId: string, d: { id: string; version: number }, body: object) =>
    fixtures.as(u).post(`/people/${personId}/displacements/${d.id}/appeal`, body, { 'if-match': `"v${d.version}"` });
  const appealDecision = (u: TestUser, personId: string, d: { id: string; version: number }, body: object) =>
    fixtures.as(u).post(`/people/${personId}/displacements/${d.id}/appeal/decision`, body, { 'if-match': `"v${d.version}"` });

  return { w, ordered, at, s2Clock, s2Checks, appeal, appealDecision };
}

describe('NR-11 (s.29(5)): an appeal against the decision on a displacement application keeps the s.2 it extends in force', () => {
  const { w, ordered, at, s2Clock, s2Checks, appeal, appealDecision } = world({});

  it('an order made on day 1: the s.2 ends 21 + 7 days later; an appeal lodged on day 20 leaves it with no end date, even past that end; the order upheld on appeal, it ends 7 days after the appeal', async () => {
    const { referral, a, d } = await ordered();
    try {
      // Sat 21 Nov + the 21 days allowed for an appeal (Sat 12 Dec) + 7 days (s.29(4)(b)): the end of Sat 19 Dec.
      let u = await at('2026-12-14T12:00:00Z');
      expect(await s2Clock(u, referral.id)).toMatchObject({ stopRule: null, deadline: '2026-12-20T00:00:00.000Z' });

      // Lodged on Fri 11 Dec, day 20 after the decision: pending, so the s.2 has no end date.
      const lodged = await appeal(u, a.person.id, d, { lodgedOn: '2026-12-11' }).expect(200);
      expect(lodged.headers.etag).toBe(`"v${d.version + 1}"`);
      expect(lodged.body.appeal).toEqual({ lodgedOn: '2026-12-11', outcome: null, disposedOn: null });
      const pending = await s2Clock(u, referral.id);
      expect(pending).toMatchObject({ state: 'stopped', stopRule: 'NR-11' });
      expect(pending.basis).toContain('lodged on 2026-12-11 and is pending');
      expect(pending.basis).toContain('no end date while the appeal is pending');
      const checks = await s2Checks(u, a.id);
      expect(checks.findings).toContainEqual(expect.objectContaining({ rule: 'NR-11', code: 's2-extended-pending-appeal' }));
      expect(checks.deadlines.find((x) => x.id === 's2-expiry')!.label).toContain(
        'extended while an appeal on a displacement application is pending',
      );

      // Mon 21 Dec, past the end the s.2 would have had without the appeal: still in force, not breached.
      u = await at('2026-12-21T12:00:00Z');
      const still = await s2Clock(u, referral.id);
      expect(still).toMatchObject({ state: 'stopped', stopRule: 'NR-11' });
      expect(still.state).not.toBe('breached');

      // The appeal is determined on Mon 21 Dec, upholding the order: finally disposed of that day, and 7 days more, to
      // the end of Mon 28 Dec.
      const upheld = await appealDecision(u, a.person.id, lodged.body, { outcome: 'order-upheld', disposedOn: '2026-12-21' }).expect(200);
      expect(upheld.body.appeal).toEqual({ lodgedOn: '2026-12-11', outcome: 'order-upheld', disposedOn: '2026-12-21' });
      const ends = await s2Clock(u, referral.id);
      expect(ends).toMatchObject({ stopRule: null, deadline: '2026-12-29T00:00:00.000Z' });
      expect(ends.basis).toContain('an appeal lodged on 2026-12-11 was determined, upholding the order on 2026-12-21');
      expect((await s2Checks(u, a.id)).deadlines.find((x) => x.id === 's2-expiry')!.at).toBe('2026-12-29T00:00:00.000Z');

      // Both recorded in the outbox and the audit, in the changes' transactions.
      const events = await w.t.sql<{ type: string }>(
        `SELECT type FROM outbox_events WHERE aggregate_id = $1 AND type LIKE 'nearest-relative.displacement-appeal-%' ORDER BY id`,
        [a.person.id],
      );
      expect(events.map((e) => e.type)).toEqual([
        'nearest-relative.displacement-appeal-lodged',
        'nearest-relative.displacement-appeal-disposed',
      ]);
      const audits = await w.t.sql<{ action: string }>(
        `SELECT action FROM audit_events WHERE resource_id = $1 AND action LIKE 'displacement.appeal%' ORDER BY id`,
        [d.id],
      );
      expect(audits.map((x) => x.action)).toEqual(['displacement.appeal', 'displacement.appeal-decision']);
    } finally {
      w.t.clock.set('2026-11-21T12:00:00Z');
    }
  });

  it('an appeal lodged on day 22, after the 21 days allowed, is refused (422 naming lodgedOn, NR-11) and nothing changes; an order later set aside on appeal ends the s.2 that day and appoints no one', async () => {
    const { referral, a, d } = await ordered();
    try {
      const u = await at('2026-12-14T12:00:00Z');
      const late = await appeal(u, a.person.id, d, { lodgedOn: '2026-12-13' }).expect(422);
      expect(late.headers['content-type']).toContain('application/problem+json');
      expect(late.body).toMatchObject({ code: 'appeal-out-of-time', rule: 'NR-11' });
      expect(late.body.errors).toEqual([{ field: 'lodgedOn', messages: [expect.stringContaining('21 days')] }]);
      // Before the decision, or in the future: refused too.
      expect((await appeal(u, a.person.id, d, { lodgedOn: '2026-11-20' }).expect(422)).body.errors[0].field).toBe('lodgedOn');
      expect((await appeal(u, a.person.id, d, { lodgedOn: '2026-12-15' }).expect(422)).body.errors[0].field).toBe('lodgedOn');
      const after = (await fixturesGet(u, `/people/${a.person.id}/displacements`)).items.find((x: { id: string }) => x.id === d.id);
      expect(after).toMatchObject({ appeal: null, version: d.version });
      expect(await s2Clock(u, referral.id)).toMatchObject({ stopRule: null, deadline: '2026-12-20T00:00:00.000Z' });
      // Day 21, the last day allowed, is in time; a second appeal on the same decision is 409, and a stale ETag 412.
      expect((await appeal(u, a.person.id, d, { lodgedOn: '2026-12-12' }).expect(200)).body.appeal.lodgedOn).toBe('2026-12-12');
      expect((await appeal(u, a.person.id, { ...d, version: d.version + 1 }, { lodgedOn: '2026-12-12' }).expect(409)).body.code).toBe(
        'appeal-already-recorded',
      );
      expect(
        (await appealDecision(u, a.person.id, d, { outcome: 'order-set-aside', disposedOn: '2026-12-14' }).expect(412)).body.status,
      ).toBe(412);
      // An outcome that does not fit an order, or a day before the lodging, is 422 naming the field.
      const next = { ...d, version: d.version + 1 };
      expect(
        (await appealDecision(u, a.person.id, next, { outcome: 'refusal-upheld', disposedOn: '2026-12-14' }).expect(422)).body.errors,
      ).toEqual([{ field: 'outcome', messages: [expect.any(String)] }]);
      expect(
        (await appealDecision(u, a.person.id, next, { outcome: 'order-set-aside', disposedOn: '2026-12-11' }).expect(422)).body.errors,
      ).toEqual([{ field: 'disposedOn', messages: [expect.any(String)] }]);
      // Set aside on Mon 14 Dec: no order stands, so the s.2 ends that day (the end of Mon 14 Dec), with no 7 days more.
      await appealDecision(u, a.person.id, next, { outcome: 'order-set-aside', disposedOn: '2026-12-14' }).expect(200);
      expect(await s2Clock(u, referral.id)).toMatchObject({ deadline: '2026-12-15T00:00:00.000Z' });
      // From that day the order names no acting nearest relative (NR-10), and a new order on another application is not refused.
      const nr = (await w.t.http.get(`/people/${a.person.id}/nearest-relative`).set('authorization', u.auth).expect(200)).body;
      expect(nr.proposal.nearestRelative?.basis).not.toBe('s.29');
      const again = (
        await w.t.http
          .post(`/people/${a.person.id}/displacements`)
          .set('authorization', u.auth)
          .send({ ground: 'e', filedAt: '2026-12-14T10:00:00Z' })
          .expect(201)
      ).body;
      await w.t.http
        .patch(`/people/${a.person.id}/displacements/${again.id}`)
        .set('authorization', u.auth)
        .send({ status: 'order', actingNearestRelative: 'Alex Other', effectiveFrom: '2026-12-14' })
        .expect(200);
    } finally {
      w.t.clock.set('2026-11-21T12:00:00Z');
    }
  });

  it('migration 1796830000001: down() takes the appeal columns away (an application recorded before has none), up() puts them back', async () => {
    const columns = async (q: { query: (sql: string) => Promise<Array<{ column_name: string }>> }) =>
      (
        await q.query(
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'nearest_relative_displacements' AND column_name LIKE 'appeal%' ORDER BY 1`,
        )
      ).map((c) => c.column_name);
    await rolledBack(w.t, async (q) => {
      expect(await columns(q)).toEqual(['appeal_disposed_on', 'appeal_lodged_on', 'appeal_outcome']);
      const reverted = await revertTo(q, new DisplacementAppeal1796830000001().name);
      expect(await columns(q)).toEqual([]);
      for (const m of [...reverted].reverse()) await m.up(q);
      expect(await columns(q)).toEqual(['appeal_disposed_on', 'appeal_lodged_on', 'appeal_outcome']);
    });
  });

  const fixturesGet = async (u: TestUser, path: string) => (await w.t.http.get(path).set('authorization', u.auth).expect(200)).body;
});

describe('NR-11 ✱: the days allowed for an appeal are a setting (S29_APPEAL_DAYS)', () => {
  const { ordered, at, s2Clock, appeal, w } = world({ S29_APPEAL_DAYS: '28' });

  it('with S29_APPEAL_DAYS=28, an order made on Sat 21 Nov keeps the s.2 to the end of Sat 26 Dec (28 + 7 days), and an appeal lodged on day 22 is in time', async () => {
    const { referral, a, d } = await ordered();
    try {
      const u = await at('2026-12-14T12:00:00Z');
      const clock = await s2Clock(u, referral.id);
      expect(clock).toMatchObject({ stopRule: null, deadline: '2026-12-27T00:00:00.000Z' });
      expect(clock.basis).toContain('the 28 days allowed for an appeal');
      expect((await appeal(u, a.person.id, d, { lodgedOn: '2026-12-13' }).expect(200)).body.appeal.lodgedOn).toBe('2026-12-13');
      expect(await s2Clock(u, referral.id)).toMatchObject({ state: 'stopped', stopRule: 'NR-11' });
    } finally {
      w.t.clock.set('2026-11-21T12:00:00Z');
    }
  });
});
