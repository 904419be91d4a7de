import { TokenService } from '../src/auth/token.service';
import { amhp, approvalOf, shiftWorked } from './support/workforce-fixtures';
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
  /** The same user signed in again now (a token lasts a day). */
  const signedIn = async <U extends TestUser>(u: U): Promise<U> => {
    const { token } = await t.app.get(TokenService).issueAccessToken(u.id, u.roles);
    return { ...u, token, auth: `Bearer ${token}` };
  };
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
        startsAt: '2026-11-22T08:00:00Z',
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

  it('a suspension dated back leaves the shifts already worked as they were; leave dated back over them is refused, naming them', async () => {
    await setNow('2026-11-26T10:00:00Z');
    const grace = await amhp(t);
    const dan = await amhp(t);
    const day = await shift('2026-11-27T09:00:00Z', '2026-11-27T17:00:00Z');
    const dayTwo = await shift('2026-11-28T09:00:00Z', '2026-11-28T17:00:00Z');
    const graceDay = await assign(day, grace.practitionerId);
    const danDay = await assign(dayTwo, dan.practitionerId);

    await setNow('2026-11-29T10:00:00Z');
    const sick = (startsAt: string) =>
      as(manager).post('/rota/leave', {
        practitionerId: grace.practitionerId,
        kind: 'sick',
        startsAt,
        endsAt: '2026-11-30T00:00:00Z',
        approve: true,
        unassign: true,
      });
    // She cannot have been on sick leave on the day she worked (ROTA-WORKED): refused, naming the shift, nothing kept.
    const refused = await sick('2026-11-26T00:00:00Z').expect(409);
    expect(refused.body).toMatchObject({
      code: 'leave-over-worked-shift',
      assignments: [expect.objectContaining({ assignmentId: graceDay })],
    });
    await sick('2026-11-27T17:00:00Z').expect(201);
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

  it('a shift already over is not added to the rota afterwards (422 naming endsAt, nothing stored); one under way still is', async () => {
    await setNow('2026-12-02T10:00:00Z');
    const count = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM shifts WHERE label = 'Added late'`))[0].n;
    for (const [startsAt, endsAt] of [
      ['2026-12-01T20:00:00Z', '2026-12-02T08:00:00Z'],
      ['2026-12-02T02:00:00Z', '2026-12-02T10:00:00Z'],
      ['2025-06-01T09:00:00Z', '2025-06-01T17:00:00Z'],
    ]) {
      const res = await as(manager).post('/rota/shifts', { label: 'Added late', startsAt, endsAt, requiredCount: 1 });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect({ code: res.body.code, fields: res.body.errors.map((e: { field: string }) => e.field) }).toEqual({
        code: 'rota-in-past',
        fields: ['endsAt'],
      });
    }
    expect(await count()).toBe(0);
    // Under way (from 08:00 to 16:00): added, and anyone put on it is on it from now.
    const kemi = await amhp(t);
    const res = await as(manager)
      .post('/rota/shifts', { label: 'Added late', startsAt: '2026-12-02T08:00:00Z', endsAt: '2026-12-02T16:00:00Z', requiredCount: 1 })
      .expect(201);
    await assign(res.body.id, kemi.practitionerId);
    expect((await assignmentsOf(kemi.practitionerId)).map((a) => a.startsAt)).toEqual(['2026-12-02T10:00:00.000Z']);
    expect(await count()).toBe(1);
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

  it('approved leave already taken cannot be cancelled afterwards (409 leave-taken); the approval stays on the record', async () => {
    await setNow('2026-12-10T10:00:00Z');
    let xena = await amhp(t);
    const asked = await as(xena)
      .post('/rota/leave', { kind: 'annual', startsAt: '2026-12-11T00:00:00Z', endsAt: '2026-12-13T00:00:00Z' })
      .expect(201);
    await as(manager).post(`/rota/leave/${asked.body.id}/approve`, { note: 'Enjoy' }, { 'if-match': '"v1"' }).expect(200);
    const approver = manager.id;

    await setNow('2026-12-14T10:00:00Z');
    xena = await signedIn(xena);
    for (const who of [xena, manager]) {
      const refused = await as(who).post(`/rota/leave/${asked.body.id}/cancel`, { note: 'Changed my mind' }, { 'if-match': '"v2"' });
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body.code).toBe('leave-taken');
    }
    expect((await as(manager).get(`/rota/leave/${asked.body.id}`).expect(200)).body).toMatchObject({
      status: 'approved',
      startsAt: '2026-12-11T00:00:00.000Z',
      endsAt: '2026-12-13T00:00:00.000Z',
      decidedBy: approver,
      decisionNote: 'Enjoy',
      cancelledBy: null,
      version: 2,
    });
  });

  it('cancelling approved leave part-way through ends it now: the days taken stay approved, with the approval beside the cancellation', async () => {
    await setNow('2026-12-15T10:00:00Z');
    let yusuf = await amhp(t);
    const asked = await as(yusuf)
      .post('/rota/leave', { kind: 'sick', startsAt: '2026-12-15T12:00:00Z', endsAt: '2026-12-19T00:00:00Z' })
      .expect(201);
    await as(manager).post(`/rota/leave/${asked.body.id}/approve`, {}, { 'if-match': '"v1"' }).expect(200);
    const approver = manager.id;
    const tomorrow = await shift('2026-12-17T09:00:00Z', '2026-12-17T17:00:00Z');

    await setNow('2026-12-16T12:00:00Z');
    yusuf = await signedIn(yusuf);
    const cancelled = await as(yusuf)
      .post(`/rota/leave/${asked.body.id}/cancel`, { note: 'Back at work' }, { 'if-match': '"v2"' })
      .expect(200);
    expect(cancelled.body).toMatchObject({
      status: 'approved',
      startsAt: '2026-12-15T12:00:00.000Z',
      endsAt: '2026-12-16T12:00:00.000Z',
      decidedBy: approver,
      cancelledBy: yusuf.id,
      cancelledAt: '2026-12-16T12:00:00.000Z',
      cancellationNote: 'Back at work',
    });
    // The rest of the leave is gone: she can be put on tomorrow's shift; the day taken is still leave.
    await assign(tomorrow, yusuf.practitionerId);
    const [audit] = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE resource_id = $1 AND action = 'rota.leave.cancel'`,
      [asked.body.id],
    );
    expect(audit.details).toMatchObject({ takenUntil: '2026-12-16T12:00:00.000Z', plannedEnd: '2026-12-19T00:00:00.000Z' });
    // What is left of it is history now.
    expect((await as(yusuf).post(`/rota/leave/${asked.body.id}/cancel`, {}, { 'if-match': '"v3"' }).expect(409)).body.code).toBe(
      'leave-taken',
    );
  });

  it('a manager-on-call period that started before now is not recorded (422 naming startsAt, nothing stored); one starting now or within the clock skew is', async () => {
    await setNow('2026-12-27T22:00:00Z');
    const mo = await t.user(['manager'], { displayName: 'Mo Started' });
    const period = (startsAt: string, endsAt: string) => as(manager).post('/rota/manager-on-call', { userId: mo.id, startsAt, endsAt });
    for (const startsAt of ['2026-12-27T17:00:00Z', '2026-12-27T21:54:00Z']) {
      const started = await period(startsAt, '2026-12-28T09:00:00Z');
      expect(started.status).toBe(422);
      expect(started.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(started.body).toMatchObject({ code: 'on-call-past', errors: [{ field: 'startsAt', messages: ['must not be before now'] }] });
    }
    expect(await t.sql('SELECT 1 FROM manager_on_call WHERE user_id = $1', [mo.id])).toEqual([]);
    expect((await as(manager).get('/rota/on-duty').expect(200)).body.managerOnCall).toBeNull();

    // A phone's clock a minute behind the hub's is not back-dating.
    const fromNow = await period('2026-12-27T21:59:00Z', '2026-12-28T09:00:00Z').expect(201);
    expect(fromNow.body).toMatchObject({ userId: mo.id, startsAt: '2026-12-27T21:59:00.000Z' });
    expect((await as(manager).get('/rota/on-duty').expect(200)).body.managerOnCall).toMatchObject({ id: fromNow.body.id });
  });

  it('a manager-on-call period served cannot be removed, nor one wholly past recorded; one in progress ends now, the part served kept', async () => {
    await setNow('2026-12-20T10:00:00Z');
    const mo = await t.user(['manager'], { displayName: 'Mo On Call' });
    const period = (startsAt: string, endsAt: string) => as(manager).post('/rota/manager-on-call', { userId: mo.id, startsAt, endsAt });
    const past = await period('2026-12-19T20:00:00Z', '2026-12-20T08:00:00Z');
    expect(past.status).toBe(422);
    expect(past.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(past.body).toMatchObject({ code: 'on-call-past', errors: [{ field: 'endsAt' }] });
    expect(await t.sql('SELECT 1 FROM manager_on_call WHERE user_id = $1', [mo.id])).toEqual([]);

    const tonight = (await period('2026-12-20T20:00:00Z', '2026-12-21T08:00:00Z').expect(201)).body.id as string;
    const tomorrow = (await period('2026-12-21T20:00:00Z', '2026-12-22T08:00:00Z').expect(201)).body.id as string;
    const later = (await period('2026-12-22T20:00:00Z', '2026-12-23T08:00:00Z').expect(201)).body.id as string;

    await setNow('2026-12-22T02:00:00Z');
    const served = await as(manager).delete(`/rota/manager-on-call/${tonight}`);
    expect(served.status).toBe(409);
    expect(served.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(served.body.code).toBe('on-call-served');
    await as(manager).delete(`/rota/manager-on-call/${tomorrow}`).expect(204);
    await as(manager).delete(`/rota/manager-on-call/${later}`).expect(204);

    const list = await as(manager).get('/rota/manager-on-call?from=2026-12-20T00:00:00Z&to=2026-12-24T00:00:00Z').expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: tonight, startsAt: '2026-12-20T20:00:00.000Z', endsAt: '2026-12-21T08:00:00.000Z' }),
      expect.objectContaining({ id: tomorrow, startsAt: '2026-12-21T20:00:00.000Z', endsAt: '2026-12-22T02:00:00.000Z' }),
    ]);
    expect((await as(manager).get('/rota/on-duty?at=2026-12-21T23:00:00Z').expect(200)).body.managerOnCall).toMatchObject({
      userId: mo.id,
    });
    expect((await as(manager).get('/rota/on-duty').expect(200)).body.managerOnCall).toBeNull();
  });

  describe('an AMHP counts only for her own part of a shift', () => {
    const feed = async (body: object) => {
      const { feedPath } = (await as(manager).post('/rota/calendar-tokens', body).expect(201)).body as { feedPath: string };
      return async () => {
        const text = (await t.http.get(feedPath).expect(200)).text.replace(/\r\n[ \t]/g, '');
        return text
          .split('BEGIN:VEVENT')
          .slice(1)
          .map((e) =>
            Object.fromEntries(e.split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).split(';')[0], l.slice(l.indexOf(':') + 1)])),
          );
      };
    };
    const shiftsBetween = async (from: string, to: string, unfilled = false) =>
      (
        await as(manager)
          .get(`/rota/shifts?from=${from}&to=${to}${unfilled ? '&unfilled=true' : ''}`)
          .expect(200)
      ).body.items as Array<{
        id: string;
        assigned: Array<{ assignmentId: string; startsAt: string; endsAt: string }>;
      }>;

    it('taken off a night part-way, she is shown on it until then, the night is unfilled from then in the list, the hub calendar, the planner and the workforce report, and her own calendar event is revised', async () => {
      await setNow('2026-12-10T10:00:00Z');
      const hamza = await amhp(t, { displayName: 'Hamza Part' });
      const night = await shift('2026-12-10T22:00:00Z', '2026-12-11T09:00:00Z');
      const id = await assign(night, hamza.practitionerId);
      const hub = await feed({ scope: 'hub' });
      const own = await feed({ scope: 'practitioner', practitionerId: hamza.practitionerId });
      const ownEvent = async () => (await own()).find((e) => e.UID === `assignment-${id}@amhp-hub`)!;
      expect(await ownEvent()).toMatchObject({ SEQUENCE: '0', DTEND: '20261211T090000Z' });

      await setNow('2026-12-10T22:39:00Z');
      await as(manager)
        .post(`/approvals/${await approvalOf(t, hamza.practitionerId)}/suspensions`, { reason: 'Interim order by the regulator' })
        .expect(201);

      const [listed] = (await shiftsBetween('2026-12-10T22:00:00Z', '2026-12-10T23:00:00Z')).filter((s) => s.id === night);
      expect(listed.assigned).toEqual([
        expect.objectContaining({ assignmentId: id, startsAt: '2026-12-10T22:00:00.000Z', endsAt: '2026-12-10T22:39:00.000Z' }),
      ]);
      expect((await shiftsBetween('2026-12-10T22:00:00Z', '2026-12-10T23:00:00Z', true)).map((s) => s.id)).toContain(night);

      const hubEvent = (await hub()).find((e) => e.UID === `shift-${night}@amhp-hub`)!;
      expect(hubEvent.SUMMARY).toBe('Test shift (22:00–09:00): Hamza Part (until 22:39)\\; short 22:39–09:00');
      expect(hubEvent.DESCRIPTION).toContain('0 of 1 AMHP');
      // Her own event: the new end, with SEQUENCE and LAST-MODIFIED moved (RFC 5545 §3.8.7.3-4).
      expect(await ownEvent()).toMatchObject({ SEQUENCE: '1', DTEND: '20261210T223900Z', 'LAST-MODIFIED': '20261210T223900Z' });

      // The planner sees the night's place as open.
      const plan = (await as(manager).post('/rota/plans', { from: '2026-12-10T22:00:00Z', to: '2026-12-11T10:00:00Z' }).expect(201))
        .body as {
        assignments: Array<{ shiftId: string }>;
        unfilled: Array<{ shiftId: string }>;
      };
      expect([...plan.assignments, ...plan.unfilled].map((a) => a.shiftId)).toContain(night);

      // The workforce report counts the night among the shifts with a gap, not as filled.
      const records = async (figure: string) =>
        JSON.stringify((await as(manager).get(`/reports/workforce/records?figure=${figure}&period=2026-12`).expect(200)).body);
      expect(await records('rota.all.gaps')).toContain(night);
      expect(await records('rota.all.filled')).not.toContain(night);
    });

    it('put on a night already under way, she is on it from then: not on duty before, and the time before is a gap in cover', async () => {
      await setNow('2026-12-12T10:00:00Z');
      const first = await amhp(t);
      const zoe = await amhp(t);
      const night = await shift('2026-12-12T22:00:00Z', '2026-12-13T09:00:00Z');
      const firstOn = await assign(night, first.practitionerId);
      await setNow('2026-12-12T22:39:00Z');
      await as(manager).delete(`/rota/assignments/${firstOn}`).expect(204);
      await setNow('2026-12-12T22:45:00Z');
      const id = await assign(night, zoe.practitionerId);

      expect(await assignmentsOf(zoe.practitionerId)).toEqual([
        expect.objectContaining({ id, startsAt: '2026-12-12T22:45:00.000Z', endsAt: '2026-12-13T09:00:00.000Z' }),
      ]);
      expect(await onDutyAt('2026-12-12T22:10:00Z')).toEqual(expect.arrayContaining([first.id]));
      expect(await onDutyAt('2026-12-12T22:10:00Z')).not.toContain(zoe.id);
      expect(await onDutyAt('2026-12-12T23:00:00Z')).toContain(zoe.id);
      const gaps = (await as(manager).get('/rota/coverage?from=2026-12-12T22:00:00Z&to=2026-12-13T09:00:00Z').expect(200)).body.gaps;
      expect(gaps).toEqual([
        expect.objectContaining({
          kind: 'understaffed',
          shiftId: night,
          startsAt: '2026-12-12T22:39:00.000Z',
          endsAt: '2026-12-12T22:45:00.000Z',
        }),
      ]);
      const [audit] = await t.sql<{ details: Record<string, unknown> }>(
        `SELECT details FROM audit_events WHERE resource_id = $1 AND action = 'rota.assign'`,
        [id],
      );
      expect(audit.details).toMatchObject({ from: '2026-12-12T22:45:00.000Z' });

      // A shift that is over is history: nobody is added to it afterwards.
      const past = (await shiftWorked(t, '2026-12-12T12:00:00Z', '2026-12-12T18:00:00Z')).id;
      const late = await as(manager).post(`/rota/shifts/${past}/assignments`, { practitionerId: zoe.practitionerId }).expect(409);
      expect(late.body.code).toBe('shift-over');
    });

    it('an approval ended "on" today keeps her on tonight\'s night until the end of the day, not only until it was recorded', async () => {
      await setNow('2026-12-14T10:00:00Z');
      const ends = await amhp(t);
      const night = await shift('2026-12-14T22:00:00Z', '2026-12-15T09:00:00Z');
      const id = await assign(night, ends.practitionerId);
      await setNow('2026-12-14T22:45:00Z');
      const res = await as(manager)
        .post(`/approvals/${await approvalOf(t, ends.practitionerId)}/end`, { endedOn: '2026-12-14', reason: 'Moved to another council' })
        .expect(200);
      expect(res.body.removedFromRota).toEqual([expect.objectContaining({ assignmentId: id })]);
      expect(await assignmentsOf(ends.practitionerId)).toEqual([
        expect.objectContaining({ id, startsAt: '2026-12-14T22:00:00.000Z', endsAt: '2026-12-15T00:00:00.000Z' }),
      ]);
      expect(await onDutyAt('2026-12-14T23:30:00Z')).toContain(ends.id);
      expect(await onDutyAt('2026-12-15T00:30:00Z')).not.toContain(ends.id);
    });

    it('leave over time she has worked is refused, naming the shift; the impact preview shows what approval would do', async () => {
      await setNow('2026-12-16T10:00:00Z');
      const kemi = await amhp(t);
      const leah = await amhp(t);
      const evening = await shift('2026-12-16T17:00:00Z', '2026-12-16T22:00:00Z');
      const kemiOn = await assign(evening, kemi.practitionerId);
      await assign(evening, leah.practitionerId);
      await setNow('2026-12-16T22:44:00Z');
      const leave = (
        await as(manager)
          .post('/rota/leave', {
            practitionerId: kemi.practitionerId,
            kind: 'sick',
            startsAt: '2026-12-16T16:00:00Z',
            endsAt: '2026-12-16T23:00:00Z',
          })
          .expect(201)
      ).body;
      const impact = (await as(manager).get(`/rota/leave/${leave.id}/impact`).expect(200)).body;
      expect(impact).toMatchObject({
        assignments: [],
        worked: [expect.objectContaining({ assignmentId: kemiOn })],
        gapsAfter: impact.gapsBefore,
      });
      const refused = await as(manager).post(`/rota/leave/${leave.id}/approve`, {}, { 'if-match': '"v1"' }).expect(409);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body).toMatchObject({
        code: 'leave-over-worked-shift',
        assignments: [expect.objectContaining({ assignmentId: kemiOn })],
      });
      expect((await as(manager).get(`/rota/leave/${leave.id}`).expect(200)).body.status).toBe('requested');
      expect(await onDutyAt('2026-12-16T18:00:00Z')).toContain(kemi.id);
    });

    it('leave starting later in a shift she is working: the preview and the approval both keep her on until the leave starts', async () => {
      await setNow('2026-12-18T10:00:00Z');
      const ann = await amhp(t);
      const evening = await shift('2026-12-18T17:00:00Z', '2026-12-18T23:00:00Z');
      const id = await assign(evening, ann.practitionerId);
      await setNow('2026-12-18T18:00:00Z');
      const leave = (
        await as(manager)
          .post('/rota/leave', {
            practitionerId: ann.practitionerId,
            kind: 'annual',
            startsAt: '2026-12-18T20:00:00Z',
            endsAt: '2026-12-20T00:00:00Z',
          })
          .expect(201)
      ).body;
      const impact = (await as(manager).get(`/rota/leave/${leave.id}/impact`).expect(200)).body;
      expect(impact.worked).toEqual([]);
      expect(impact.assignments).toEqual([expect.objectContaining({ assignmentId: id, keptUntil: '2026-12-18T20:00:00.000Z' })]);
      expect(impact.gapsAfter.filter((g: { shiftId: string | null }) => g.shiftId === evening)).toEqual([
        expect.objectContaining({
          kind: 'understaffed',
          shiftId: evening,
          startsAt: '2026-12-18T20:00:00.000Z',
          endsAt: '2026-12-18T23:00:00.000Z',
        }),
      ]);
      await as(manager).post(`/rota/leave/${leave.id}/approve`, { unassign: true }, { 'if-match': '"v1"' }).expect(200);
      expect(await assignmentsOf(ann.practitionerId)).toEqual([
        expect.objectContaining({ id, startsAt: '2026-12-18T17:00:00.000Z', endsAt: '2026-12-18T20:00:00.000Z' }),
      ]);
      const gaps = (await as(manager).get('/rota/coverage?from=2026-12-18T17:00:00Z&to=2026-12-18T23:00:00Z').expect(200)).body.gaps;
      expect(gaps).toEqual(impact.gapsAfter.filter((g: { shiftId: string | null }) => g.shiftId === evening));
    });
  });
});
