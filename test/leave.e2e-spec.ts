import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

describe('rota leave: request, impact, approve, decline, cancel', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const api = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, headers: Record<string, string> = {}) =>
      t.http.post(p).set('authorization', u.auth).set(headers).send(b),
  });
  const shift = async (startsAt: string, endsAt: string, over: object = {}) =>
    (
      await api(manager)
        .post('/rota/shifts', { label: 'Test shift', startsAt, endsAt, requiredCount: 1, ...over })
        .expect(201)
    ).body;
  const assign = async (shiftId: string, practitionerId: string) =>
    (await api(manager).post(`/rota/shifts/${shiftId}/assignments`, { practitionerId }).expect(201)).body.assigned.find(
      (x: { practitionerId: string }) => x.practitionerId === practitionerId,
    ).assignmentId as string;
  const auditActions = async (id: string) =>
    (await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY id`, [id])).map((r) => r.action);
  const events = async (id: string) =>
    await t.sql<{ type: string; payload: Record<string, unknown> }>(
      `SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`,
      [id],
    );

  it('an AMHP requests their own leave; the manager previews no impact and approves it; audited with outbox events', async () => {
    const a = await amhp(t);
    const created = await api(a)
      .post('/rota/leave', { kind: 'annual', startsAt: '2026-12-21T00:00:00Z', endsAt: '2026-12-24T00:00:00Z', note: 'Family visit' })
      .expect(201);
    expect(created.headers.etag).toBe('"v1"');
    expect(created.headers.location).toBe(`/rota/leave/${created.body.id}`);
    expect(created.body).toMatchObject({
      practitionerId: a.practitionerId,
      kind: 'annual',
      status: 'requested',
      requestedBy: a.id,
      startsAt: '2026-12-21T00:00:00.000Z',
      endsAt: '2026-12-24T00:00:00.000Z',
      decidedBy: null,
      version: 1,
    });

    const impact = (await api(manager).get(`/rota/leave/${created.body.id}/impact`).expect(200)).body;
    expect(impact).toMatchObject({ leaveId: created.body.id, practitionerId: a.practitionerId, assignments: [] });
    expect(impact.gapsAfter).toEqual(impact.gapsBefore);

    const approved = await api(manager)
      .post(`/rota/leave/${created.body.id}/approve`, { note: 'Enjoy' }, { 'if-match': '"v1"' })
      .expect(200);
    expect(approved.headers.etag).toBe('"v2"');
    expect(approved.body).toMatchObject({
      status: 'approved',
      decidedBy: manager.id,
      decidedAt: '2026-11-21T10:00:00.000Z',
      decisionNote: 'Enjoy',
      note: 'Family visit',
      version: 2,
    });
    expect(await auditActions(created.body.id)).toEqual(['rota.leave.request', 'rota.leave.approve']);
    const outbox = await events(created.body.id);
    expect(outbox.map((e) => e.type)).toEqual(['rota.leave.requested', 'rota.leave.approved']);
    // Identifiers and times only: no kind (sickness is health information) and no note.
    expect(outbox[1].payload).toEqual({
      leaveId: created.body.id,
      practitionerId: a.practitionerId,
      startsAt: '2026-12-21T00:00:00.000Z',
      endsAt: '2026-12-24T00:00:00.000Z',
    });
  });

  it("leave is requested at the service's time, as every other record: read back and listed with that time, not the database's", async () => {
    const a = await amhp(t);
    try {
      t.clock.set('2026-11-20T08:15:42.123Z');
      const created = (
        await api(a).post('/rota/leave', { kind: 'training', startsAt: '2027-02-01T09:00:00Z', endsAt: '2027-02-01T17:00:00Z' }).expect(201)
      ).body;
      expect(created.createdAt).toBe('2026-11-20T08:15:42.123Z');
      t.clock.set('2026-11-21T10:00:00Z');
      expect((await api(manager).get(`/rota/leave/${created.id}`).expect(200)).body.createdAt).toBe('2026-11-20T08:15:42.123Z');
      const listed = (await api(manager).get(`/rota/leave?practitionerId=${a.practitionerId}`).expect(200)).body.items;
      expect(listed.map((x: { createdAt: string }) => x.createdAt)).toEqual(['2026-11-20T08:15:42.123Z']);
    } finally {
      t.clock.set('2026-11-21T10:00:00Z');
    }
  });

  it('approving leave over shifts the AMHP is on: the impact shows the gaps it opens; 409 listing them, or taken off in the same transaction with unassign', async () => {
    const a = await amhp(t, { skills: ['senior'] });
    const day = await shift('2027-05-03T08:00:00Z', '2027-05-03T16:00:00Z');
    const night = await shift('2027-05-03T16:00:00Z', '2027-05-04T08:00:00Z', { requiredSkills: ['senior'] });
    const dayAssignment = await assign(day.id, a.practitionerId);
    const leave = (
      await api(a).post('/rota/leave', { kind: 'training', startsAt: '2027-05-03T00:00:00Z', endsAt: '2027-05-04T00:00:00Z' }).expect(201)
    ).body;

    const impact = (await api(manager).get(`/rota/leave/${leave.id}/impact`).expect(200)).body;
    expect(impact.assignments).toEqual([
      {
        assignmentId: dayAssignment,
        shiftId: day.id,
        label: 'Test shift',
        startsAt: '2027-05-03T08:00:00.000Z',
        endsAt: '2027-05-03T16:00:00.000Z',
        // Not started: removed, nothing kept.
        keptUntil: null,
      },
    ]);
    expect(impact.worked).toEqual([]);
    const key = (g: { kind: string; shiftId: string | null; startsAt: string }) => `${g.kind}:${g.shiftId}:${g.startsAt}`;
    const opened = impact.gapsAfter.filter((g: never) => !impact.gapsBefore.map(key).includes(key(g)));
    expect(opened).toEqual([expect.objectContaining({ kind: 'understaffed', shiftId: day.id, missing: 1 })]);
    expect(impact.gapsBefore).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'understaffed', shiftId: night.id })]));

    const refused = await api(manager).post(`/rota/leave/${leave.id}/approve`).expect(409);
    expect(refused.body).toMatchObject({
      code: 'leave-conflicts-with-assignments',
      assignments: [expect.objectContaining({ assignmentId: dayAssignment, shiftId: day.id })],
    });
    expect((await api(manager).get(`/rota/leave/${leave.id}`).expect(200)).body.status).toBe('requested');
    expect(await t.sql('SELECT 1 FROM shift_assignments WHERE id = $1', [dayAssignment])).toHaveLength(1);

    const approved = await api(manager).post(`/rota/leave/${leave.id}/approve`, { unassign: true }).expect(200);
    expect(approved.body.status).toBe('approved');
    expect(await t.sql('SELECT 1 FROM shift_assignments WHERE id = $1', [dayAssignment])).toEqual([]);
    expect(await auditActions(dayAssignment)).toEqual(['rota.assign', 'rota.unassign']);
    const [audit] = await t.sql<{ details: { unassigned: string[] } }>(
      `SELECT details FROM audit_events WHERE action = 'rota.leave.approve' AND resource_id = $1`,
      [leave.id],
    );
    expect(audit.details.unassigned).toEqual([dayAssignment]);
    expect((await events(leave.id)).map((e) => e.type)).toEqual(['rota.leave.requested', 'rota.leave.approved']);
    expect(await t.sql(`SELECT 1 FROM outbox_events WHERE type = 'rota.assignment.removed' AND aggregate_id = $1`, [day.id])).toHaveLength(
      1,
    );
  });

  it('a manager records sickness approved at once, taking the AMHP off their shifts only when asked', async () => {
    const a = await amhp(t);
    const s = await shift('2026-11-22T09:00:00Z', '2026-11-22T17:00:00Z');
    const assignmentId = await assign(s.id, a.practitionerId);
    const body = {
      practitionerId: a.practitionerId,
      kind: 'sick',
      startsAt: '2026-11-21T09:00:00Z',
      endsAt: '2026-11-24T00:00:00Z',
      approve: true,
    };
    const refused = await api(manager).post('/rota/leave', body).expect(409);
    expect(refused.body.code).toBe('leave-conflicts-with-assignments');
    expect(await t.sql('SELECT 1 FROM leave_requests WHERE practitioner_id = $1', [a.practitionerId])).toEqual([]);
    const recorded = await api(manager)
      .post('/rota/leave', { ...body, unassign: true })
      .expect(201);
    expect(recorded.body).toMatchObject({ status: 'approved', requestedBy: manager.id, decidedBy: manager.id, version: 2 });
    expect(await t.sql('SELECT 1 FROM shift_assignments WHERE id = $1', [assignmentId])).toEqual([]);
    expect(await auditActions(recorded.body.id)).toEqual(['rota.leave.request', 'rota.leave.approve']);
  });

  it('only a manager approves: an AMHP cannot approve, nor record their leave approved (403, nothing stored)', async () => {
    const a = await amhp(t);
    const leave = (
      await api(a).post('/rota/leave', { kind: 'annual', startsAt: '2027-01-04T00:00:00Z', endsAt: '2027-01-05T00:00:00Z' }).expect(201)
    ).body;
    await api(a).post(`/rota/leave/${leave.id}/approve`).expect(403);
    await api(a).get(`/rota/leave/${leave.id}/impact`).expect(403);
    await api(a)
      .post('/rota/leave', { kind: 'annual', startsAt: '2027-02-04T00:00:00Z', endsAt: '2027-02-05T00:00:00Z', approve: true })
      .expect(403);
    expect(await t.sql('SELECT status FROM leave_requests WHERE practitioner_id = $1', [a.practitionerId])).toEqual([
      { status: 'requested' },
    ]);
  });

  it("an AMHP cannot see, list or cancel another AMHP's leave, nor request leave for them (403, audited)", async () => {
    const a = await amhp(t);
    const b = await amhp(t);
    const leave = (
      await api(a).post('/rota/leave', { kind: 'annual', startsAt: '2027-03-01T00:00:00Z', endsAt: '2027-03-05T00:00:00Z' }).expect(201)
    ).body;
    await api(b).get(`/rota/leave/${leave.id}`).expect(403);
    await api(b).post(`/rota/leave/${leave.id}/cancel`).expect(403);
    await api(b).get(`/rota/leave?practitionerId=${a.practitionerId}`).expect(403);
    await api(b)
      .post('/rota/leave', {
        practitionerId: a.practitionerId,
        kind: 'other',
        startsAt: '2027-04-01T00:00:00Z',
        endsAt: '2027-04-02T00:00:00Z',
      })
      .expect(403);
    const denials = await t.sql(
      `SELECT details->>'policy' AS policy FROM audit_events WHERE action = 'access.denied' AND actor_id = $1 ORDER BY id`,
      [b.id],
    );
    expect(denials.map((d) => d.policy)).toEqual(['leave.read', 'leave.request', 'leave.read', 'leave.request']);
    expect((await api(manager).get(`/rota/leave/${leave.id}`).expect(200)).body.status).toBe('requested');
    expect(await t.sql('SELECT 1 FROM leave_requests WHERE practitioner_id = $1', [a.practitionerId])).toHaveLength(1);

    await api(b).post('/rota/leave', { kind: 'annual', startsAt: '2027-03-02T00:00:00Z', endsAt: '2027-03-03T00:00:00Z' }).expect(201);
    const mine = (await api(b).get('/rota/leave').expect(200)).body;
    expect(mine.items.map((l: { practitionerId: string }) => l.practitionerId)).toEqual([b.practitionerId]);
    const all = (await api(manager).get('/rota/leave?from=2027-03-01T00:00:00Z&to=2027-03-10T00:00:00Z').expect(200)).body.items;
    expect(all.map((l: { practitionerId: string }) => l.practitionerId)).toEqual(
      expect.arrayContaining([a.practitionerId, b.practitionerId]),
    );
    // Their own leave they read and withdraw themselves.
    await api(a).get(`/rota/leave/${leave.id}`).expect(200);
    // A client may POST the action with no body at all.
    const withdrawn = await t.http.post(`/rota/leave/${leave.id}/cancel`).set('authorization', a.auth).expect(200);
    expect(withdrawn.body).toMatchObject({ status: 'cancelled', decidedBy: null, cancelledBy: a.id });
  });

  it('overlapping leave of the same AMHP is refused (409); adjacent or after cancelling is fine', async () => {
    const a = await amhp(t);
    const first = (
      await api(a).post('/rota/leave', { kind: 'annual', startsAt: '2027-06-01T00:00:00Z', endsAt: '2027-06-10T00:00:00Z' }).expect(201)
    ).body;
    const clash = await api(a)
      .post('/rota/leave', { kind: 'training', startsAt: '2027-06-09T00:00:00Z', endsAt: '2027-06-12T00:00:00Z' })
      .expect(409);
    expect(clash.body).toMatchObject({ code: 'leave-overlaps', overlapping: [first.id] });
    await api(manager)
      .post('/rota/leave', {
        practitionerId: a.practitionerId,
        kind: 'sick',
        startsAt: '2027-06-05T00:00:00Z',
        endsAt: '2027-06-06T00:00:00Z',
        approve: true,
      })
      .expect(409);
    await api(a).post('/rota/leave', { kind: 'training', startsAt: '2027-06-10T00:00:00Z', endsAt: '2027-06-12T00:00:00Z' }).expect(201);
    await api(a).post(`/rota/leave/${first.id}/cancel`).expect(200);
    await api(a).post('/rota/leave', { kind: 'other', startsAt: '2027-06-02T00:00:00Z', endsAt: '2027-06-03T00:00:00Z' }).expect(201);
  });

  it('approved leave blocks assignment (422 on-leave); cancelling it, audited, frees the AMHP again', async () => {
    const a = await amhp(t);
    const leave = (
      await api(a).post('/rota/leave', { kind: 'annual', startsAt: '2027-07-01T00:00:00Z', endsAt: '2027-07-08T00:00:00Z' }).expect(201)
    ).body;
    const s = await shift('2027-07-02T09:00:00Z', '2027-07-02T17:00:00Z');
    await api(manager).post(`/rota/leave/${leave.id}/approve`).expect(200);
    const refused = await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }).expect(422);
    expect(refused.body.findings.map((f: { code: string }) => f.code)).toContain('on-leave');

    const cancelled = await api(manager).post(`/rota/leave/${leave.id}/cancel`, { note: 'Holiday called off' }).expect(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      decidedBy: manager.id,
      cancelledBy: manager.id,
      cancellationNote: 'Holiday called off',
    });
    const [audit] = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE action = 'rota.leave.cancel' AND resource_id = $1`,
      [leave.id],
    );
    expect(audit.details).toEqual({ practitionerId: a.practitionerId, previousStatus: 'approved' });
    expect((await events(leave.id)).map((e) => e.type)).toEqual(['rota.leave.requested', 'rota.leave.approved', 'rota.leave.cancelled']);
    await api(manager).post(`/rota/leave/${leave.id}/cancel`).expect(409);
    await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
  });

  it('decline: If-Match guards it (stale 412); once decided, approve and decline are 409', async () => {
    const a = await amhp(t);
    const leave = (
      await api(a)
        .post('/rota/leave', { kind: 'compassionate', startsAt: '2027-08-01T00:00:00Z', endsAt: '2027-08-03T00:00:00Z' })
        .expect(201)
    ).body;
    const read = await api(manager).get(`/rota/leave/${leave.id}`).expect(200);
    expect(read.headers.etag).toBe('"v1"');
    const stale = await api(manager).post(`/rota/leave/${leave.id}/decline`, {}, { 'if-match': '"v7"' }).expect(412);
    expect(stale.body).toMatchObject({ code: 'precondition-failed', currentETag: '"v1"' });
    const declined = await api(manager)
      .post(`/rota/leave/${leave.id}/decline`, { note: 'Cover needed' }, { 'if-match': read.headers.etag })
      .expect(200);
    expect(declined.body).toMatchObject({ status: 'declined', decisionNote: 'Cover needed', version: 2 });
    expect((await api(manager).post(`/rota/leave/${leave.id}/approve`).expect(409)).body.code).toBe('leave-not-requested');
    await api(manager).post(`/rota/leave/${leave.id}/decline`).expect(409);
    await api(manager).post(`/rota/leave/${leave.id}/approve`, {}, { 'if-match': '"v1"' }).expect(412);
    expect(await auditActions(leave.id)).toEqual(['rota.leave.request', 'rota.leave.decline']);
    await api(manager).get('/rota/leave/7d0c3a8e-0000-4000-8000-000000000000').expect(404);
    await api(manager).get('/rota/leave/not-a-uuid').expect(400);
  });

  it('bad input is a 400 (or 422 for an impossible period) and stores nothing', async () => {
    const a = await amhp(t);
    const ok = { kind: 'annual', startsAt: '2027-09-01T00:00:00Z', endsAt: '2027-09-02T00:00:00Z' };
    const bad: Array<[object, number, string]> = [
      [{ ...ok, kind: 'holiday' }, 400, 'kind'],
      [{ ...ok, startsAt: 'tomorrow' }, 400, 'startsAt'],
      [{ ...ok, endsAt: '2027-09-31T00:00:00Z' }, 400, 'endsAt'],
      [{ ...ok, status: 'approved' }, 400, 'status'],
      [{ ...ok, requestedBy: manager.id }, 400, 'requestedBy'],
      [{ ...ok, note: 'x'.repeat(501) }, 400, 'note'],
      [{ ...ok, practitionerId: 'me' }, 400, 'practitionerId'],
      [{ ...ok, approve: 'yes' }, 400, 'approve'],
      [{ ...ok, endsAt: ok.startsAt }, 422, 'endsAt'],
      [{ ...ok, endsAt: '2028-09-02T00:00:00Z' }, 422, 'endsAt'],
    ];
    for (const [body, status, field] of bad) {
      const res = await api(a).post('/rota/leave', body).expect(status);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    await api(a)
      .post('/rota/leave', { ...ok, unassign: true })
      .expect(422);
    await api(a).get('/rota/leave?status=pending').expect(400);
    await api(a).get('/rota/leave?from=2027-09-02T00:00:00Z&to=2027-09-01T00:00:00Z').expect(422);
    expect(await t.sql('SELECT 1 FROM leave_requests WHERE practitioner_id = $1', [a.practitionerId])).toEqual([]);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action LIKE 'rota.leave.%' AND actor_id = $1`, [a.id])).toEqual([]);
  });

  it('lists in pages, earliest first, with filters', async () => {
    const a = await amhp(t);
    for (const d of ['10', '12', '14'])
      await api(a)
        .post('/rota/leave', { kind: 'annual', startsAt: `2027-10-${d}T00:00:00Z`, endsAt: `2027-10-${d}T12:00:00Z` })
        .expect(201);
    const first = (await api(manager).get(`/rota/leave?practitionerId=${a.practitionerId}&limit=2`).expect(200)).body;
    expect(first.items.map((l: { startsAt: string }) => l.startsAt)).toEqual(['2027-10-10T00:00:00.000Z', '2027-10-12T00:00:00.000Z']);
    const second = (await api(manager).get(`/rota/leave?practitionerId=${a.practitionerId}&limit=2&cursor=${first.nextCursor}`).expect(200))
      .body;
    expect(second).toEqual({ items: [expect.objectContaining({ startsAt: '2027-10-14T00:00:00.000Z' })], nextCursor: null });
    expect((await api(a).get('/rota/leave?status=approved').expect(200)).body.items).toEqual([]);
    expect((await api(a).get('/rota/leave?from=2027-10-11T00:00:00Z&to=2027-10-13T00:00:00Z').expect(200)).body.items).toHaveLength(1);
  });

  it("a cursor whose start is no instant a leave can have ('infinity') is a 400 naming cursor, like any cursor the API did not give", async () => {
    const cursor = Buffer.from(JSON.stringify(['infinity', '1'])).toString('base64url');
    const res = await api(manager).get(`/rota/leave?cursor=${cursor}`).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('approval and a concurrent assignment of the same AMHP never both succeed', async () => {
    for (let i = 0; i < 5; i++) {
      const a = await amhp(t);
      const s = await shift(`2027-11-0${i + 1}T09:00:00Z`, `2027-11-0${i + 1}T17:00:00Z`);
      const leave = (
        await api(a)
          .post('/rota/leave', { kind: 'annual', startsAt: `2027-11-0${i + 1}T00:00:00Z`, endsAt: `2027-11-0${i + 2}T00:00:00Z` })
          .expect(201)
      ).body;
      const [approve, assigned] = await Promise.all([
        api(manager).post(`/rota/leave/${leave.id}/approve`),
        api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }),
      ]);
      expect([approve.status, assigned.status].sort()).toEqual(approve.status === 200 ? [200, 422] : [201, 409]);
      const rows = await t.sql('SELECT 1 FROM shift_assignments WHERE practitioner_id = $1', [a.practitionerId]);
      const [{ status }] = await t.sql<{ status: string }>('SELECT status FROM leave_requests WHERE id = $1', [leave.id]);
      expect(rows.length === 1 && status === 'approved').toBe(false);
    }
  });
});
