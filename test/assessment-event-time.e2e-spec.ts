import { amhp, insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The duty AMHP taps "doctor arrived" on her phone ten minutes late, and corrects the time without recording it again.
 * Now is Sat 21 Nov 2026 12:00 GMT.
 */
describe('correcting the time of a timeline event', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7000001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7000002');
  });
  afterAll(() => t.close());

  const { as, opened } = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));
  const patch = (u: TestUser, p: string, b: object) => t.http.patch(p).set('authorization', u.auth).send(b);

  it('the AMHP corrects a late tap: the event moves to the time it happened and keeps the time first recorded, audited', async () => {
    const { worker, assessment: a } = await opened();
    const recorded = (
      await as(worker).post(`/assessments/${a.id}/events`, { type: 'doctor-arrived', at: '2026-11-21T11:50:00Z' }).expect(201)
    ).body;
    const event = recorded.timeline.find((e: { type: string }) => e.type === 'doctor-arrived');
    const res = await patch(worker, `/assessments/${a.id}/events/${event.id}`, { at: '2026-11-21T11:40:00+00:00' }).expect(200);
    expect(res.headers.etag).toBe(`"v${res.body.version}"`);
    const corrected = res.body.timeline.find((e: { id: string }) => e.id === event.id);
    expect(corrected.at).toBe('2026-11-21T11:40:00.000Z');
    expect(corrected.type).toBe('doctor-arrived');
    expect(corrected.data.corrections).toEqual([{ from: '2026-11-21T11:50:00.000Z', by: worker.id, at: '2026-11-21T12:00:00.000Z' }]);
    // One event still: corrected, not recorded twice.
    expect(res.body.timeline.filter((e: { type: string }) => e.type === 'doctor-arrived')).toHaveLength(1);
    expect(
      await t.sql(
        `SELECT action, access_basis, details FROM audit_events WHERE resource_id = $1 AND action = 'assessment.event-corrected'`,
        [a.id],
      ),
    ).toEqual([
      {
        action: 'assessment.event-corrected',
        access_basis: 'relationship:allocated',
        details: { eventId: event.id, type: 'doctor-arrived' },
      },
    ]);
    expect(
      await t.sql<{ payload: object }>(
        `SELECT payload FROM outbox_events WHERE type = 'assessment.event-corrected' AND aggregate_id = $1`,
        [a.id],
      ),
    ).toEqual([{ payload: { assessmentId: a.id, referralId: recorded.referralId, eventId: event.id, type: 'doctor-arrived' } }]);
  });

  it("a step is recorded at the service's time, as every other record, not the database's: recordedAt is the service's now, beside the time it happened", async () => {
    const { worker, assessment: a } = await opened();
    try {
      t.clock.set('2026-11-21T12:03:07.250Z');
      const view = (
        await as(worker).post(`/assessments/${a.id}/events`, { type: 'doctors-requested', at: '2026-11-21T11:30:00Z' }).expect(201)
      ).body;
      expect(view.timeline.find((e: { type: string }) => e.type === 'doctors-requested')).toMatchObject({
        at: '2026-11-21T11:30:00.000Z',
        recordedAt: '2026-11-21T12:03:07.250Z',
      });
    } finally {
      t.clock.set('2026-11-21T12:00:00Z');
    }
  });

  it('a time in the future, a bad time, an unknown event and the outcome’s own events are refused, changing nothing', async () => {
    const { worker, assessment: a } = await opened();
    const view = (await as(worker).post(`/assessments/${a.id}/events`, { type: 'bed-requested', at: '2026-11-21T11:00:00Z' }).expect(201))
      .body;
    const id = view.timeline[0].id;
    const future = await patch(worker, `/assessments/${a.id}/events/${id}`, { at: '2026-11-21T13:00:00Z' }).expect(422);
    expect(future.body.detail).toBe('at cannot be in the future.');
    const bad = await patch(worker, `/assessments/${a.id}/events/${id}`, { at: '2026-11-21 11:00' }).expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['at']);
    await patch(worker, `/assessments/${a.id}/events/999999999`, { at: '2026-11-21T11:00:00Z' }).expect(404);
    await patch(worker, `/assessments/${a.id}/events/not-a-number`, { at: '2026-11-21T11:00:00Z' }).expect(400);
    // Before the hub received the referral (20 Nov 14:00 GMT): nothing of its handling happened then, recorded or corrected.
    const before = await as(worker).post(`/assessments/${a.id}/events`, { type: 'bed-requested', at: '2026-11-20T13:59:00Z' }).expect(422);
    expect(before.body).toMatchObject({
      code: 'event-before-referral',
      field: 'at',
      detail: expect.stringContaining('Fri 20 Nov 2026 14:00 GMT'),
    });
    expect((await patch(worker, `/assessments/${a.id}/events/${id}`, { at: '2026-11-20T13:00:00Z' }).expect(422)).body.code).toBe(
      'event-before-referral',
    );
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.timeline).toHaveLength(1);
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.timeline[0].at).toBe('2026-11-21T11:00:00.000Z');

    await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T11:00:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
    const decided = (
      await as(worker)
        .post(`/assessments/${a.id}/outcome`, {
          kind: 'not-detained',
          alternatives: ['crisis-home-treatment'],
          rationale: 'Settled once safe; the crisis team visits twice a day.',
        })
        .expect(200)
    ).body;
    const decision = decided.timeline.find((e: { type: string }) => e.type === 'decision');
    expect((await patch(worker, `/assessments/${a.id}/events/${decision.id}`, { at: '2026-11-21T11:30:00Z' }).expect(409)).body.code).toBe(
      'event-from-outcome',
    );
    // Another assessment's event is not this one's.
    const other = await opened();
    await patch(other.worker, `/assessments/${other.assessment.id}/events/${id}`, { at: '2026-11-21T11:00:00Z' }).expect(404);
  });

  it('another AMHP cannot correct it, and nobody can once the assessment is closed', async () => {
    const { worker, assessment: a } = await opened();
    const view = (
      await as(worker).post(`/assessments/${a.id}/events`, { type: 'doctors-requested', at: '2026-11-21T10:00:00Z' }).expect(201)
    ).body;
    const id = view.timeline[0].id;
    await patch(await amhp(t), `/assessments/${a.id}/events/${id}`, { at: '2026-11-21T09:55:00Z' }).expect(403);
    await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T11:00:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
    await as(worker)
      .post(`/assessments/${a.id}/outcome`, {
        kind: 'not-detained',
        alternatives: ['community-follow-up'],
        rationale: 'No grounds for detention tonight; the community team follows up.',
      })
      .expect(200);
    await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);
    await patch(manager, `/assessments/${a.id}/events/${id}`, { at: '2026-11-21T09:55:00Z' }).expect(409);
    expect((await as(manager).get(`/assessments/${a.id}`).expect(200)).body.timeline[0].at).toBe('2026-11-21T10:00:00.000Z');
  });
  it('the time the event already has changes nothing: no correction in its history, no version, no correction audited', async () => {
    const { worker, assessment: a } = await opened();
    const view = (
      await as(worker).post(`/assessments/${a.id}/events`, { type: 'doctors-requested', at: '2026-11-21T11:06:00Z' }).expect(201)
    ).body;
    const id = view.timeline[0].id;
    const res = await patch(worker, `/assessments/${a.id}/events/${id}`, { at: '2026-11-21T11:06:00+00:00' }).expect(200);
    expect(res.body.version).toBe(view.version);
    expect(res.headers.etag).toBe(`"v${view.version}"`);
    expect(res.body.timeline[0].at).toBe('2026-11-21T11:06:00.000Z');
    expect(res.body.timeline[0].data?.corrections).toBeUndefined();
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE resource_id = $1 AND action = 'assessment.event-corrected'`, [a.id])).toEqual([]);
    expect(await t.sql(`SELECT 1 FROM outbox_events WHERE type = 'assessment.event-corrected' AND aggregate_id = $1`, [a.id])).toEqual([]);
  });

  it('takes If-Match: a correction made on a version someone has since changed is 412 with the current ETag, and changes nothing', async () => {
    const { worker, assessment: a } = await opened();
    const view = (await as(worker).post(`/assessments/${a.id}/events`, { type: 'bed-requested', at: '2026-11-21T10:00:00Z' }).expect(201))
      .body;
    const id = view.timeline[0].id;
    const read = `"v${view.version}"`;
    const first = await as(worker)
      .patch(`/assessments/${a.id}/events/${id}`, { at: '2026-11-21T09:50:00Z' }, { 'if-match': read })
      .expect(200);
    const stale = await as(worker)
      .patch(`/assessments/${a.id}/events/${id}`, { at: '2026-11-21T09:40:00Z' }, { 'if-match': read })
      .expect(412);
    expect(stale.body).toMatchObject({ code: 'precondition-failed', currentETag: first.headers.etag });
    const now = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    expect(now.timeline[0].at).toBe('2026-11-21T09:50:00.000Z');
    expect(now.timeline[0].data.corrections).toHaveLength(1);
  });

  it('a retried correction with the same Idempotency-Key is answered with its first answer and recorded once', async () => {
    const { worker, assessment: a } = await opened();
    const view = (await as(worker).post(`/assessments/${a.id}/events`, { type: 'doctor-arrived', at: '2026-11-21T11:10:00Z' }).expect(201))
      .body;
    const id = view.timeline[0].id;
    const headers = { 'idempotency-key': `correct-${id}`, 'if-match': `"v${view.version}"` };
    const sends = [];
    for (let i = 0; i < 3; i++)
      sends.push(await as(worker).patch(`/assessments/${a.id}/events/${id}`, { at: '2026-11-21T11:06:00Z' }, headers).expect(200));
    expect(sends.map((r) => r.headers['idempotent-replayed'])).toEqual([undefined, 'true', 'true']);
    expect(sends.map((r) => r.headers.etag)).toEqual(Array(3).fill(sends[0].headers.etag));
    const now = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    expect(now.timeline[0].data.corrections).toHaveLength(1);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE resource_id = $1 AND action = 'assessment.event-corrected'`, [a.id])).toHaveLength(
      1,
    );
  });
});
