import { randomUUID } from 'node:crypto';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

describe('rota swaps: offer, accept, approve, decline, cancel', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400', ROTA_MAX_CONSECUTIVE_NIGHTS: '3' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const api = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, headers: Record<string, string> = {}) =>
      t.http.post(p).set('authorization', u.auth).set(headers).send(b),
  });
  let day = 0;
  /** A fresh future day shift for each call, so that tests do not meet each other's shifts. */
  const shift = async (over: object = {}) => {
    day += 1;
    const date = new Date(Date.UTC(2027, 0, 1 + day * 3)).toISOString().slice(0, 10);
    return (
      await api(manager)
        .post('/rota/shifts', { label: 'Day', startsAt: `${date}T09:00:00Z`, endsAt: `${date}T17:00:00Z`, requiredCount: 2, ...over })
        .expect(201)
    ).body;
  };
  const assign = async (shiftId: string, practitionerId: string, overrides?: object[]) =>
    (
      await api(manager)
        .post(`/rota/shifts/${shiftId}/assignments`, { practitionerId, ...(overrides ? { overrides } : {}) })
        .expect(201)
    ).body.assigned.find((x: { practitionerId: string }) => x.practitionerId === practitionerId).assignmentId as string;
  const onShift = async (shiftId: string) =>
    (await api(manager).get(`/rota/shifts/${shiftId}`).expect(200)).body.assigned.map((x: { practitionerId: string }) => x.practitionerId);
  /** An AMHP on a fresh shift, offering it. */
  const offered = async (body: object = {}) => {
    const from = await amhp(t);
    const s = await shift();
    const assignmentId = await assign(s.id, from.practitionerId);
    const swap = (
      await api(from)
        .post('/rota/swaps', { assignmentId, ...body })
        .expect(201)
    ).body;
    return { from, s, assignmentId, swap };
  };

  it('offered to a named colleague, accepted and approved: the shift has the taker and not the offerer; every step audited with outbox events', async () => {
    const from = await amhp(t);
    const to = await amhp(t);
    const s = await shift();
    const assignmentId = await assign(s.id, from.practitionerId);

    const offer = await api(from).post('/rota/swaps', { assignmentId, toPractitionerId: to.practitionerId, note: 'Dentist' }).expect(201);
    expect(offer.headers.location).toBe(`/rota/swaps/${offer.body.id}`);
    expect(offer.body).toMatchObject({
      assignmentId,
      shiftId: s.id,
      fromPractitionerId: from.practitionerId,
      toPractitionerId: to.practitionerId,
      takerPractitionerId: null,
      status: 'offered',
      createdBy: from.id,
      version: 1,
    });
    const id = offer.body.id;

    const accepted = await api(to).post(`/rota/swaps/${id}/accept`).expect(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      takerPractitionerId: to.practitionerId,
      acceptedAt: '2026-11-21T10:00:00.000Z',
      warnings: [],
      version: 2,
    });
    expect(await onShift(s.id)).toEqual([from.practitionerId]);

    const approved = await api(manager).post(`/rota/swaps/${id}/approve`, {}, { 'if-match': accepted.headers.etag }).expect(200);
    expect(approved.headers.etag).toBe('"v3"');
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: manager.id, takerPractitionerId: to.practitionerId });
    expect(await onShift(s.id)).toEqual([to.practitionerId]);
    const [taken] = await t.sql<{ id: string; source: string; user_id: string }>(
      'SELECT id, source, user_id FROM shift_assignments WHERE shift_id = $1',
      [s.id],
    );
    expect(taken).toEqual({ id: approved.body.assignmentId, source: 'swap', user_id: to.id });

    expect(
      (await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY id`, [id])).map((r) => r.action),
    ).toEqual(['rota.swap.offer', 'rota.swap.accept', 'rota.swap.approve']);
    expect(
      await t.sql(`SELECT action, details->>'source' AS source FROM audit_events WHERE resource_id IN ($1, $2) ORDER BY id`, [
        assignmentId,
        taken.id,
      ]),
    ).toEqual([
      { action: 'rota.assign', source: 'manual' },
      { action: 'rota.assign', source: 'swap' },
      { action: 'rota.unassign', source: 'swap' },
    ]);
    expect(
      (await t.sql<{ type: string }>(`SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`, [id])).map((e) => e.type),
    ).toEqual(['rota.swap.offered', 'rota.swap.accepted', 'rota.swap.approved']);
    // As the event schema says, after approval the swap's assignment is the taker's new one, not the one removed.
    const [approvedEvent] = await t.sql<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND type = 'rota.swap.approved'`,
      [id],
    );
    expect(approvedEvent.payload).toMatchObject({ assignmentId: taken.id, newAssignmentId: taken.id, removedAssignmentId: assignmentId });
    expect(
      (await t.sql<{ type: string }>(`SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`, [s.id])).map((e) => e.type),
    ).toEqual(['rota.shift.created', 'rota.assignment.created', 'rota.assignment.created', 'rota.assignment.removed']);
    // The approved swap stays on record.
    expect((await api(to).get(`/rota/swaps/${id}`).expect(200)).body.status).toBe('approved');
  });

  it('an offer to a named colleague cannot be taken by anyone else (403); the offerer cannot take their own', async () => {
    const to = await amhp(t);
    const other = await amhp(t);
    const { from, swap } = await offered({ toPractitionerId: to.practitionerId });
    await api(other).post(`/rota/swaps/${swap.id}/accept`).expect(403);
    await api(other).get(`/rota/swaps/${swap.id}`).expect(403);
    expect((await api(from).post(`/rota/swaps/${swap.id}/accept`).expect(422)).body.code).toBe('swap-to-self');
    expect(
      (await api(manager).post(`/rota/swaps/${swap.id}/accept`, { takerPractitionerId: other.practitionerId }).expect(422)).body.code,
    ).toBe('taker-not-addressee');
    expect((await api(manager).get(`/rota/swaps/${swap.id}`).expect(200)).body.status).toBe('offered');
  });

  it('accepting an offer not made to you is the same audited 403 whether it is open, taken, withdrawn or not held at all; nothing of its state is told', async () => {
    const to = await amhp(t);
    const other = await amhp(t);
    const open = (await offered({ toPractitionerId: to.practitionerId })).swap;
    const taken = (await offered({ toPractitionerId: to.practitionerId })).swap;
    await api(to).post(`/rota/swaps/${taken.id}/accept`).expect(200);
    const withdrawn = await offered({ toPractitionerId: to.practitionerId });
    await api(withdrawn.from).post(`/rota/swaps/${withdrawn.swap.id}/cancel`).expect(200);
    const shape = (res: { status: number; body: Record<string, unknown> }, id: string) => {
      const { requestId: _r, instance: _i, ...rest } = res.body;
      return { status: res.status, body: JSON.parse(JSON.stringify(rest).replaceAll(id, ':id')) as unknown };
    };
    const unknown = randomUUID();
    const answers = [];
    for (const id of [open.id, taken.id, withdrawn.swap.id, unknown]) {
      // A stale If-Match changes nothing: the refusal comes before the version, which is not told either.
      for (const headers of [{}, { 'if-match': '"v9"' }] as Array<Record<string, string>>)
        answers.push(shape(await api(other).post(`/rota/swaps/${id}/accept`, {}, headers), id));
      answers.push(shape(await api(other).post(`/rota/swaps/${id}/accept`, { takerPractitionerId: other.practitionerId }), id));
    }
    expect(answers[0].status).toBe(403);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(
      await t.sql(
        `SELECT resource_id, outcome FROM audit_events WHERE actor_id = $1 AND action = 'access.denied' AND resource_id = ANY($2::text[]) ORDER BY id`,
        [other.id, [open.id, unknown]],
      ),
    ).toEqual([
      ...Array(3).fill({ resource_id: open.id, outcome: 'denied' }),
      ...Array(3).fill({ resource_id: unknown, outcome: 'denied' }),
    ]);
    expect((await api(manager).get(`/rota/swaps/${open.id}`).expect(200)).body).toMatchObject({ status: 'offered', version: 1 });
    // A manager, who acts on every swap, is told that an id the hub does not hold does not exist.
    expect((await api(manager).post(`/rota/swaps/${unknown}/accept`, { takerPractitionerId: other.practitionerId })).status).toBe(404);
  });

  it('one an open offer was made to who lost the race to it is told so: 409 once taken or withdrawn, 412 on a stale If-Match, never 403', async () => {
    const [first, second] = [await amhp(t), await amhp(t)];
    const { swap, from } = await offered();
    await api(first).post(`/rota/swaps/${swap.id}/accept`, {}, { 'if-match': '"v1"' }).expect(200);
    expect((await api(second).post(`/rota/swaps/${swap.id}/accept`, {}, { 'if-match': '"v1"' }).expect(412)).body.currentETag).toBe('"v2"');
    expect((await api(second).post(`/rota/swaps/${swap.id}/accept`).expect(409)).body).toMatchObject({
      code: 'swap-not-open',
      swapStatus: 'accepted',
    });
    // The colleague it was addressed to, after the offerer withdrew it.
    const named = await amhp(t);
    const withdrawn = await offered({ toPractitionerId: named.practitionerId });
    await api(withdrawn.from).post(`/rota/swaps/${withdrawn.swap.id}/cancel`).expect(200);
    expect((await api(named).post(`/rota/swaps/${withdrawn.swap.id}/accept`).expect(409)).body.code).toBe('swap-not-open');
    expect((await api(from).post(`/rota/swaps/${swap.id}/accept`).expect(409)).body.code).toBe('swap-not-open');
  });

  it('an ineligible taker (no approval) is refused at accept with 422 listing the findings; the offer stays open', async () => {
    const unapproved = await amhp(t, { approval: null });
    const { swap } = await offered();
    const res = await api(unapproved).post(`/rota/swaps/${swap.id}/accept`).expect(422);
    expect(res.body.code).toBe('swap-refused');
    expect(res.body.findings.map((f: { code: string }) => f.code)).toContain('no-approval');
    expect((await api(manager).get(`/rota/swaps/${swap.id}`).expect(200)).body).toMatchObject({
      status: 'offered',
      takerPractitionerId: null,
      version: 1,
    });
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'rota.swap.accept' AND resource_id = $1`, [swap.id])).toEqual([]);
  });

  it("a taker already on an overlapping shift, or without 11 hours' rest, is refused at accept", async () => {
    const busy = await amhp(t);
    const { s, swap } = await offered();
    const clash = (
      await api(manager)
        .post('/rota/shifts', {
          label: 'Late',
          startsAt: s.startsAt.replace('09:00', '13:00'),
          endsAt: s.endsAt.replace('17:00', '21:00'),
          requiredCount: 1,
        })
        .expect(201)
    ).body;
    await assign(clash.id, busy.practitionerId);
    const res = await api(busy).post(`/rota/swaps/${swap.id}/accept`).expect(422);
    expect(res.body.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'overlap', severity: 'hard' })]));

    const tired = await amhp(t);
    const night = (
      await api(manager)
        .post('/rota/shifts', {
          label: 'Night before',
          startsAt: s.startsAt.replace('T09:00', 'T00:00'),
          endsAt: s.startsAt.replace('T09:00', 'T03:00'),
          requiredCount: 1,
        })
        .expect(201)
    ).body;
    await assign(night.id, tired.practitionerId);
    const rest = await api(tired).post(`/rota/swaps/${swap.id}/accept`).expect(422);
    expect(rest.body.findings.map((f: { code: string }) => f.code)).toContain('rest-too-short');
    expect((await api(manager).get(`/rota/swaps/${swap.id}`).expect(200)).body.status).toBe('offered');
  });

  it('two AMHPs accepting the same open offer at once: exactly one wins, the others get 409', async () => {
    for (let round = 0; round < 3; round++) {
      const takers = [await amhp(t), await amhp(t), await amhp(t)];
      const { swap } = await offered();
      const results = await Promise.all(takers.map((k) => api(k).post(`/rota/swaps/${swap.id}/accept`)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      const winner = takers[results.findIndex((r) => r.status === 200)];
      expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(['swap-not-open', 'swap-not-open']);
      const [row] = await t.sql<{ taker_practitioner_id: string; version: number }>(
        'SELECT taker_practitioner_id, version FROM swap_requests WHERE id = $1',
        [swap.id],
      );
      expect(row).toEqual({ taker_practitioner_id: winner.practitionerId, version: 2 });
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'rota.swap.accept' AND resource_id = $1`, [swap.id])).toHaveLength(1);
    }
  });

  it('approval re-checks every rule: a taker suspended between accept and approve is refused (422) and nothing changes', async () => {
    const taker = await amhp(t);
    const { from, s, assignmentId, swap } = await offered();
    await api(taker).post(`/rota/swaps/${swap.id}/accept`).expect(200);
    await t.sql(
      `INSERT INTO approval_suspensions (approval_id, starts_at, reason, created_by) SELECT id, '2026-11-21T10:00:00Z', 'regulator', $2 FROM approvals WHERE practitioner_id = $1`,
      [taker.practitionerId, manager.id],
    );
    const res = await api(manager).post(`/rota/swaps/${swap.id}/approve`).expect(422);
    expect(res.body.findings.map((f: { code: string }) => f.code)).toContain('approval-suspended');
    expect(await onShift(s.id)).toEqual([from.practitionerId]);
    expect(await t.sql('SELECT 1 FROM shift_assignments WHERE id = $1', [assignmentId])).toHaveLength(1);
    expect((await api(manager).get(`/rota/swaps/${swap.id}`).expect(200)).body).toMatchObject({ status: 'accepted', version: 2 });
    // The manager declines it instead; a declined swap cannot be approved.
    await api(manager).post(`/rota/swaps/${swap.id}/decline`, { note: 'Taker suspended' }).expect(200);
    expect((await api(manager).post(`/rota/swaps/${swap.id}/approve`).expect(409)).body.code).toBe('swap-not-accepted');
  });

  it('warnings found at accept come back for the manager, whose approval needs an override with a reason', async () => {
    const taker = await amhp(t);
    const base = Date.UTC(2027, 5, 1);
    const nights = [];
    for (let i = 0; i < 4; i++) {
      const startsAt = new Date(base + i * 86_400_000 + 22 * 3_600_000).toISOString();
      const endsAt = new Date(base + (i + 1) * 86_400_000 + 9 * 3_600_000).toISOString();
      nights.push((await api(manager).post('/rota/shifts', { label: 'Night', startsAt, endsAt, requiredCount: 1 }).expect(201)).body);
    }
    for (const n of nights.slice(0, 3)) await assign(n.id, taker.practitionerId);
    const from = await amhp(t);
    const assignmentId = await assign(nights[3].id, from.practitionerId);
    const swap = (await api(from).post('/rota/swaps', { assignmentId, toPractitionerId: taker.practitionerId }).expect(201)).body;
    const accepted = (await api(taker).post(`/rota/swaps/${swap.id}/accept`).expect(200)).body;
    expect(accepted.warnings).toEqual([expect.objectContaining({ code: 'consecutive-nights', severity: 'warning' })]);
    expect((await api(manager).post(`/rota/swaps/${swap.id}/approve`).expect(422)).body.code).toBe('override-required');
    const approved = await api(manager)
      .post(`/rota/swaps/${swap.id}/approve`, {
        overrides: [{ code: 'consecutive-nights', reason: 'Agreed with the AMHP; cover is short' }],
      })
      .expect(200);
    expect(approved.body.status).toBe('approved');
    expect(await onShift(nights[3].id)).toEqual([taker.practitionerId]);
    expect(
      await t.sql(`SELECT 1 FROM review_alerts WHERE kind = 'rota-override' AND subject_id = $1`, [approved.body.assignmentId]),
    ).toHaveLength(1);
  });

  it('a stale If-Match is 412 on accept and approve', async () => {
    const taker = await amhp(t);
    const { s, from, swap } = await offered();
    await api(taker).post(`/rota/swaps/${swap.id}/accept`, {}, { 'if-match': '"v5"' }).expect(412);
    await api(taker).post(`/rota/swaps/${swap.id}/accept`, {}, { 'if-match': '"v1"' }).expect(200);
    const stale = await api(manager).post(`/rota/swaps/${swap.id}/approve`, {}, { 'if-match': '"v1"' }).expect(412);
    expect(stale.body.currentETag).toBe('"v2"');
    expect(await onShift(s.id)).toEqual([from.practitionerId]);
    const read = await api(manager).get(`/rota/swaps/${swap.id}`).expect(200);
    await api(manager).post(`/rota/swaps/${swap.id}/approve`, {}, { 'if-match': read.headers.etag }).expect(200);
  });

  it('a manager arranges a swap directly: checked and applied at once, or refused with nothing stored', async () => {
    const from = await amhp(t);
    const taker = await amhp(t);
    const unapproved = await amhp(t, { approval: null });
    const s = await shift();
    const assignmentId = await assign(s.id, from.practitionerId);
    const refused = await api(manager)
      .post('/rota/swaps', { assignmentId, takerPractitionerId: unapproved.practitionerId, approve: true })
      .expect(422);
    expect(refused.body.findings.map((f: { code: string }) => f.code)).toContain('no-approval');
    expect(await t.sql('SELECT 1 FROM swap_requests WHERE shift_id = $1', [s.id])).toEqual([]);

    const done = await api(manager)
      .post('/rota/swaps', { assignmentId, takerPractitionerId: taker.practitionerId, approve: true })
      .expect(201);
    expect(done.body).toMatchObject({
      status: 'approved',
      fromPractitionerId: from.practitionerId,
      toPractitionerId: taker.practitionerId,
      takerPractitionerId: taker.practitionerId,
      createdBy: manager.id,
      decidedBy: manager.id,
    });
    expect(await onShift(s.id)).toEqual([taker.practitionerId]);
    expect(
      (await t.sql<{ type: string }>(`SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`, [done.body.id])).map(
        (e) => e.type,
      ),
    ).toEqual(['rota.swap.offered', 'rota.swap.accepted', 'rota.swap.approved']);
    // An AMHP cannot arrange one.
    const other = await amhp(t);
    const mine = await assign((await shift()).id, other.practitionerId);
    await api(other).post('/rota/swaps', { assignmentId: mine, takerPractitionerId: taker.practitionerId, approve: true }).expect(403);
  });

  it('a swap that takes away the only senior AMHP on a night that requires one needs an override (ROTA-SKILLS); a senior taker or another senior staying needs none', async () => {
    const senior = await amhp(t, { skills: ['senior'] });
    const junior = await amhp(t);
    const night = await shift({ label: 'Night', requiredCount: 1, requiredSkills: ['senior'] });
    const assignmentId = await assign(night.id, senior.practitionerId);
    const warned = await api(manager)
      .post('/rota/swaps', { assignmentId, takerPractitionerId: junior.practitionerId, approve: true })
      .expect(422);
    expect(warned.body).toMatchObject({
      code: 'override-required',
      findings: [
        expect.objectContaining({
          code: 'swap-leaves-skill-missing',
          rule: 'ROTA-SKILLS',
          severity: 'warning',
          message: expect.stringContaining('"senior"'),
        }),
      ],
    });
    expect(await onShift(night.id)).toEqual([senior.practitionerId]);
    const done = await api(manager)
      .post('/rota/swaps', {
        assignmentId,
        takerPractitionerId: junior.practitionerId,
        approve: true,
        overrides: [{ code: 'swap-leaves-skill-missing', reason: 'The senior manager on call covers senior decisions tonight' }],
      })
      .expect(201);
    expect(done.body.status).toBe('approved');
    expect(await onShift(night.id)).toEqual([junior.practitionerId]);

    // A senior taking over, or another senior staying on the shift: nothing is lost.
    const other = await shift({ label: 'Night', requiredCount: 2, requiredSkills: ['senior'] });
    const first = await assign(other.id, (await amhp(t, { skills: ['senior'] })).practitionerId);
    await assign(other.id, (await amhp(t, { skills: ['senior'] })).practitionerId);
    await api(manager)
      .post('/rota/swaps', { assignmentId: first, takerPractitionerId: (await amhp(t)).practitionerId, approve: true })
      .expect(201);
    const third = await shift({ label: 'Night', requiredCount: 1, requiredSkills: ['senior'] });
    const only = await assign(third.id, (await amhp(t, { skills: ['senior'] })).practitionerId);
    await api(manager)
      .post('/rota/swaps', {
        assignmentId: only,
        takerPractitionerId: (await amhp(t, { skills: ['senior'] })).practitionerId,
        approve: true,
      })
      .expect(201);
  });

  it("only the assignment's AMHP or a manager offers it, for a future shift, once at a time", async () => {
    const owner = await amhp(t);
    const stranger = await amhp(t);
    const s = await shift();
    const assignmentId = await assign(s.id, owner.practitionerId);
    await api(stranger).post('/rota/swaps', { assignmentId }).expect(403);
    const first = (await api(owner).post('/rota/swaps', { assignmentId }).expect(201)).body;
    const again = await api(manager).post('/rota/swaps', { assignmentId }).expect(409);
    expect(again.body).toMatchObject({ code: 'swap-already-open', swapId: first.id });
    await api(stranger).post(`/rota/swaps/${first.id}/cancel`).expect(403);
    expect((await api(owner).post(`/rota/swaps/${first.id}/cancel`).expect(200)).body).toMatchObject({
      status: 'cancelled',
      decidedBy: owner.id,
    });
    await t.http.post(`/rota/swaps/${first.id}/cancel`).set('authorization', owner.auth).expect(409);
    expect(
      (
        await t.sql<{ type: string; payload: Record<string, unknown> }>(
          `SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`,
          [first.id],
        )
      ).map((e) => e.type),
    ).toEqual(['rota.swap.offered', 'rota.swap.cancelled']);
    await api(stranger).post(`/rota/swaps/${first.id}/accept`).expect(409);
    const second = (await api(manager).post('/rota/swaps', { assignmentId, note: 'On their behalf' }).expect(201)).body;
    expect(second.createdBy).toBe(manager.id);
    expect((await api(manager).post(`/rota/swaps/${second.id}/cancel`).expect(200)).body.status).toBe('cancelled');

    const past = (
      await api(manager)
        .post('/rota/shifts', { label: 'Now', startsAt: '2026-11-21T08:00:00Z', endsAt: '2026-11-21T16:00:00Z', requiredCount: 1 })
        .expect(201)
    ).body;
    const started = await assign(past.id, owner.practitionerId);
    expect((await api(owner).post('/rota/swaps', { assignmentId: started }).expect(422)).body.code).toBe('shift-started');
    expect((await api(owner).post('/rota/swaps', { assignmentId, toPractitionerId: owner.practitionerId }).expect(422)).body.code).toBe(
      'swap-to-self',
    );
    await api(owner).post('/rota/swaps', { assignmentId: '7d0c3a8e-0000-4000-8000-000000000000' }).expect(404);
    expect(await t.sql(`SELECT count(*)::int AS n FROM swap_requests WHERE assignment_id = $1`, [assignmentId])).toEqual([{ n: 2 }]);
  });

  it('AMHPs list the open offers they could take and their own, never offers addressed to others; managers list all', async () => {
    const viewer = await amhp(t);
    const someoneElse = await amhp(t);
    const open = await offered();
    const toViewer = await offered({ toPractitionerId: viewer.practitionerId });
    const toOther = await offered({ toPractitionerId: someoneElse.practitionerId });
    const viewerShift = await shift();
    const own = (
      await api(viewer)
        .post('/rota/swaps', { assignmentId: await assign(viewerShift.id, viewer.practitionerId) })
        .expect(201)
    ).body;

    const ids = (items: Array<{ id: string }>) => items.map((i) => i.id);
    const seen = ids((await api(viewer).get('/rota/swaps?limit=200').expect(200)).body.items);
    expect(seen).toEqual(expect.arrayContaining([open.swap.id, toViewer.swap.id, own.id]));
    expect(seen).not.toContain(toOther.swap.id);
    expect(ids((await api(viewer).get('/rota/swaps?mine=true').expect(200)).body.items).sort()).toEqual([toViewer.swap.id, own.id].sort());
    expect(ids((await api(someoneElse).get('/rota/swaps?mine=true').expect(200)).body.items)).toEqual([toOther.swap.id]);
    const all = ids((await api(manager).get('/rota/swaps?status=offered&limit=200').expect(200)).body.items);
    expect(all).toEqual(expect.arrayContaining([open.swap.id, toViewer.swap.id, toOther.swap.id, own.id]));

    const page = (await api(manager).get('/rota/swaps?limit=2').expect(200)).body;
    expect(page.items).toHaveLength(2);
    const next = (await api(manager).get(`/rota/swaps?limit=2&cursor=${page.nextCursor}`).expect(200)).body;
    expect(ids(next.items).some((id) => ids(page.items).includes(id))).toBe(false);
    await api(viewer).get('/rota/swaps?status=pending').expect(400);
  });

  it('bad input is a 400 and stores nothing', async () => {
    const from = await amhp(t);
    const s = await shift();
    const assignmentId = await assign(s.id, from.practitionerId);
    const bad: Array<[object, string]> = [
      [{}, 'assignmentId'],
      [{ assignmentId: 'abc' }, 'assignmentId'],
      [{ assignmentId, toPractitionerId: 42 }, 'toPractitionerId'],
      [{ assignmentId, status: 'approved' }, 'status'],
      [{ assignmentId, note: 'x'.repeat(501) }, 'note'],
      [{ assignmentId, approve: 'yes' }, 'approve'],
    ];
    for (const [body, field] of bad) {
      const res = await api(from).post('/rota/swaps', body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const swap = (await api(from).post('/rota/swaps', { assignmentId }).expect(201)).body;
    await api(manager)
      .post(`/rota/swaps/${swap.id}/approve`, { overrides: [{ code: 'weekly-rest', reason: 'short' }] })
      .expect(400);
    await api(manager).post(`/rota/swaps/${swap.id}/accept`, { takerPractitionerId: 'nobody' }).expect(400);
    await api(manager).post('/rota/swaps/not-a-uuid/accept').expect(400);
    expect(await t.sql('SELECT status, version FROM swap_requests WHERE shift_id = $1', [s.id])).toEqual([
      { status: 'offered', version: 1 },
    ]);
  });

  it("a swap is requested at the service's time, as every other record: read back and listed (newest first) by that time, not the database's", async () => {
    const from = await amhp(t);
    const mine = async () => {
      const s = await shift();
      return api(from)
        .post('/rota/swaps', { assignmentId: await assign(s.id, from.practitionerId) })
        .expect(201);
    };
    try {
      t.clock.set('2026-11-20T08:15:42.123Z');
      const later = (await mine()).body;
      t.clock.set('2026-11-19T22:05:00.000Z');
      const earlier = (await mine()).body;
      expect([later.createdAt, earlier.createdAt]).toEqual(['2026-11-20T08:15:42.123Z', '2026-11-19T22:05:00.000Z']);
      expect((await api(manager).get(`/rota/swaps/${later.id}`).expect(200)).body.createdAt).toBe('2026-11-20T08:15:42.123Z');
      const listed = (await api(from).get('/rota/swaps?mine=true').expect(200)).body.items as Array<{ id: string; createdAt: string }>;
      expect(listed.filter((x) => [later.id, earlier.id].includes(x.id)).map((x) => x.createdAt)).toEqual([
        '2026-11-20T08:15:42.123Z',
        '2026-11-19T22:05:00.000Z',
      ]);
    } finally {
      t.clock.set('2026-11-21T10:00:00Z');
    }
  });

  it('taking the AMHP off the offered shift cancels the open swap, which stays on record', async () => {
    const { swap, assignmentId } = await offered();
    await t.http.delete(`/rota/assignments/${assignmentId}`).set('authorization', manager.auth).expect(204);
    const after = (await api(manager).get(`/rota/swaps/${swap.id}`).expect(200)).body;
    expect(after).toMatchObject({ id: swap.id, status: 'cancelled', assignmentId: null });
    const [audit] = await t.sql<{ details: { cancelledSwaps: string[] } }>(
      `SELECT details FROM audit_events WHERE action = 'rota.unassign' AND resource_id = $1`,
      [assignmentId],
    );
    expect(audit.details.cancelledSwaps).toEqual([swap.id]);
  });
});
