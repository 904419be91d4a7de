import { amhp, approvalOf } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** ROTA-WORKED: what has been worked is history; a change to the rota takes off only what is not yet worked. */
describe('rota: worked shifts stay on the duty record', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, headers: Record<string, string> = {}) =>
      t.http.post(p).set('authorization', u.auth).set(headers).send(b),
    delete: (p: string) => t.http.delete(p).set('authorization', u.auth),
  });
  const shift = async (startsAt: string, endsAt: string) =>
    (await as(manager).post('/rota/shifts', { label: 'Test shift', startsAt, endsAt, requiredCount: 1 }).expect(201)).body.id as string;
  const assign = async (shiftId: string, practitionerId: string) =>
    (await as(manager).post(`/rota/shifts/${shiftId}/assignments`, { practitionerId }).expect(201)).body.assigned.find(
      (x: { practitionerId: string }) => x.practitionerId === practitionerId,
    ).assignmentId as string;
  const onDutyAt = async (at: string) =>
    (
      (
        await as(manager)
          .get(`/rota/on-duty?at=${encodeURIComponent(at)}`)
          .expect(200)
      ).body.onDuty as Array<{ amhps: Array<{ userId: string }> }>
    ).flatMap((s) => s.amhps.map((a) => a.userId));
  const assignmentsOf = async (practitionerId: string) =>
    (
      await as(manager)
        .get(`/rota/assignments?practitionerId=${practitionerId}&from=2026-11-20T00:00:00Z&to=2026-12-31T00:00:00Z`)
        .expect(200)
    ).body.items as Array<{ id: string; shiftId: string; startsAt: string; endsAt: string }>;
  /** Moves the clock on, with a manager signed in then (a token lasts a day). */
  const setNow = async (iso: string) => {
    t.clock.advance(Date.parse(iso) - t.clock.now().getTime());
    manager = await t.user(['manager']);
  };

  it('sick leave from the middle of a night keeps the hours worked: she is still on duty at 02:00, off from the change, and her later shifts are taken off', async () => {
    const asha = await amhp(t);
    const night = await shift('2026-11-21T22:00:00Z', '2026-11-22T09:00:00Z');
    const later = await shift('2026-11-24T09:00:00Z', '2026-11-24T17:00:00Z');
    await assign(night, asha.practitionerId);
    await assign(later, asha.practitionerId);

    await setNow('2026-11-22T08:00:00Z');
    await as(manager)
      .post('/rota/leave', {
        practitionerId: asha.practitionerId,
        kind: 'sick',
        startsAt: '2026-11-22T07:30:00Z',
        endsAt: '2026-11-25T00:00:00Z',
        approve: true,
        unassign: true,
      })
      .expect(201);

    expect(await onDutyAt('2026-11-22T02:00:00Z')).toContain(asha.id);
    expect(await onDutyAt('2026-11-22T08:30:00Z')).not.toContain(asha.id);
    expect(await assignmentsOf(asha.practitionerId)).toEqual([
      expect.objectContaining({ shiftId: night, startsAt: '2026-11-21T22:00:00.000Z', endsAt: '2026-11-22T08:00:00.000Z' }),
    ]);
    // The rest of the night is now a gap in cover.
    const gaps = (await as(manager).get('/rota/coverage?from=2026-11-22T08:00:00Z&to=2026-11-22T09:00:00Z').expect(200)).body.gaps;
    expect(gaps).toEqual([expect.objectContaining({ shiftId: night })]);
  });

  it('leave or a suspension dated back leaves the shifts already worked as they were', async () => {
    await setNow('2026-11-26T10:00:00Z');
    const grace = await amhp(t);
    const dan = await amhp(t);
    const day = await shift('2026-11-27T09:00:00Z', '2026-11-27T17:00:00Z');
    const dayTwo = await shift('2026-11-28T09:00:00Z', '2026-11-28T17:00:00Z');
    const graceDay = await assign(day, grace.practitionerId);
    const danDay = await assign(dayTwo, dan.practitionerId);

    await setNow('2026-11-29T10:00:00Z');
    await as(manager)
      .post('/rota/leave', {
        practitionerId: grace.practitionerId,
        kind: 'sick',
        startsAt: '2026-11-26T00:00:00Z',
        endsAt: '2026-11-30T00:00:00Z',
        approve: true,
        unassign: true,
      })
      .expect(201);
    expect((await assignmentsOf(grace.practitionerId)).map((a) => a.id)).toEqual([graceDay]);

    const suspended = await as(manager)
      .post(`/approvals/${await approvalOf(t, dan.practitionerId)}/suspensions`, {
        reason: 'Interim order by the regulator',
        startsAt: '2026-11-27T00:00:00Z',
      })
      .expect(201);
    expect(suspended.body.removedFromRota ?? []).toEqual([]);
    expect((await assignmentsOf(dan.practitionerId)).map((a) => a.id)).toEqual([danDay]);
    expect(await onDutyAt('2026-11-28T12:00:00Z')).toContain(dan.id);
  });

  it('a worked assignment cannot be deleted by hand, nor a shift that has started; a future one still can', async () => {
    await setNow('2026-12-01T10:00:00Z');
    const kemi = await amhp(t);
    const past = await shift('2026-12-01T12:00:00Z', '2026-12-01T18:00:00Z');
    const ahead = await shift('2026-12-03T12:00:00Z', '2026-12-03T18:00:00Z');
    const worked = await assign(past, kemi.practitionerId);
    const planned = await assign(ahead, kemi.practitionerId);
    const empty = await shift('2026-12-01T20:00:00Z', '2026-12-01T22:00:00Z');

    await setNow('2026-12-02T10:00:00Z');
    const refused = await as(manager).delete(`/rota/assignments/${worked}`).expect(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body.code).toBe('assignment-worked');
    expect((await as(manager).delete(`/rota/shifts/${empty}`).expect(409)).body.code).toBe('shift-started');
    await as(manager).delete(`/rota/assignments/${planned}`).expect(204);
    expect((await assignmentsOf(kemi.practitionerId)).map((a) => a.id)).toEqual([worked]);
    expect((await as(manager).get(`/rota/shifts/${empty}`).expect(200)).body.id).toBe(empty);
  });

  it('taking an AMHP off a shift in progress by hand ends her part at the change, audited', async () => {
    await setNow('2026-12-05T10:00:00Z');
    const jonah = await amhp(t);
    const evening = await shift('2026-12-05T17:00:00Z', '2026-12-05T23:00:00Z');
    const id = await assign(evening, jonah.practitionerId);
    await setNow('2026-12-05T19:00:00Z');
    await as(manager).delete(`/rota/assignments/${id}`).expect(204);
    expect(await assignmentsOf(jonah.practitionerId)).toEqual([
      expect.objectContaining({ id, startsAt: '2026-12-05T17:00:00.000Z', endsAt: '2026-12-05T19:00:00.000Z' }),
    ]);
    expect(await onDutyAt('2026-12-05T18:00:00Z')).toContain(jonah.id);
    expect(await onDutyAt('2026-12-05T20:00:00Z')).not.toContain(jonah.id);
    const [audit] = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE resource_id = $1 AND action = 'rota.unassign'`,
      [id],
    );
    expect(audit.details).toMatchObject({ source: 'manual', workedUntil: '2026-12-05T19:00:00.000Z' });
  });
});
