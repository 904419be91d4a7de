import { TokenService } from '../src/auth/token.service';
import { createTestApp, TestApp, TestUser } from './support/test-app';

describe('supervision: sessions, notes, actions and the overdue list (AMHP-10)', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  const NOW = '2026-11-21T10:00:00Z';
  const NOTES = 'Discussed a hard s.3 decision; reflective notes that only three kinds of people may read.';

  beforeAll(async () => {
    // Saturday 21 Nov 2026, 10:00 London (GMT).
    t = await createTestApp({ now: NOW, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    auditor = await t.user(['auditor']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (path: string) => t.http.get(path).set('authorization', u.auth),
    post: (path: string, body: object = {}) => t.http.post(path).set('authorization', u.auth).send(body),
    patch: (path: string, body: object, ifMatch?: string) => {
      const req = t.http.patch(path).set('authorization', u.auth);
      if (ifMatch) req.set('if-match', ifMatch);
      return req.send(body);
    },
  });

  /** A fresh token for a user at the clock's current time (tokens last a day). */
  async function reauth(u: TestUser): Promise<TestUser> {
    const { token } = await t.app.get(TokenService).issueAccessToken(u.id, u.roles);
    return { ...u, token, auth: `Bearer ${token}` };
  }

  async function practitioner(over: Record<string, unknown> = {}) {
    const user = await t.user(['amhp']);
    const res = await as(manager)
      .post('/practitioners', {
        userId: user.id,
        profession: 'social-worker',
        registrationBody: 'Social Work England',
        registrationNumber: `SW${Math.floor(Math.random() * 1e6)}`,
        ...over,
      })
      .expect(201);
    return { user, p: res.body as { id: string } };
  }

  async function session(by: TestUser, body: Record<string, unknown>) {
    return (
      await as(by)
        .post('/supervision-sessions', { heldOn: '2026-11-20', type: 'professional', durationMinutes: 60, ...body })
        .expect(201)
    ).body;
  }

  const auditOf = (action: string, resourceId: string) =>
    t.sql<{ actor_id: string; access_basis: string | null; details: Record<string, unknown> | null }>(
      `SELECT actor_id, access_basis, details FROM audit_events WHERE action = $1 AND resource_id = $2 ORDER BY id`,
      [action, resourceId],
    );
  const countSessions = async (superviseeId: string) =>
    Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM supervision_sessions WHERE supervisee_id = $1', [superviseeId]))[0].n);

  describe('recording a session', () => {
    it('a manager records a session with actions: stored, answered with ETag and Location, audited without the notes text', async () => {
      const supervisor = await t.user(['amhp']);
      const { user, p } = await practitioner({ lineManagerUserId: supervisor.id });
      const res = await as(manager)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: supervisor.id,
          heldOn: '2026-11-20',
          type: 'professional',
          durationMinutes: 75,
          notes: NOTES,
          actions: [{ description: 'Read the NR chapter of the Code', ownerUserId: user.id, dueOn: '2026-12-18' }],
        })
        .expect(201);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.headers.location).toBe(`/supervision-sessions/${res.body.id}`);
      expect(res.body).toMatchObject({
        superviseeId: p.id,
        supervisorUserId: supervisor.id,
        heldOn: '2026-11-20',
        type: 'professional',
        durationMinutes: 75,
        notes: NOTES,
        notesWithheld: false,
        recordedBy: manager.id,
        version: 1,
      });
      expect(res.body.actions).toEqual([
        expect.objectContaining({
          description: 'Read the NR chapter of the Code',
          ownerUserId: user.id,
          dueOn: '2026-12-18',
          doneOn: null,
          overdue: false,
        }),
      ]);
      const [created] = await auditOf('supervision.create', res.body.id);
      expect(created).toMatchObject({
        actor_id: manager.id,
        details: {
          superviseeId: p.id,
          supervisorUserId: supervisor.id,
          heldOn: '2026-11-20',
          type: 'professional',
          withNotes: true,
          actionIds: [res.body.actions[0].id],
        },
      });
      const everything = await t.sql<{ details: string }>(`SELECT coalesce(details::text, '') AS details FROM audit_events`);
      expect(everything.some((e) => e.details.includes('reflective notes'))).toBe(false);
      expect(await auditOf('supervision-action.create', res.body.actions[0].id)).toHaveLength(1);
    });

    it('an AMHP records a session they held as supervisor, but not one recorded as held by someone else (403, nothing stored)', async () => {
      const supervisor = await t.user(['amhp']);
      const other = await t.user(['amhp']);
      const { p } = await practitioner({ lineManagerUserId: supervisor.id });
      const s = await session(supervisor, { superviseeId: p.id, supervisorUserId: supervisor.id, notes: NOTES });
      expect(s).toMatchObject({ supervisorUserId: supervisor.id, recordedBy: supervisor.id, notes: NOTES });
      const denied = await as(supervisor)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: other.id,
          heldOn: '2026-11-20',
          type: 'professional',
          durationMinutes: 60,
        })
        .expect(403);
      expect(denied.body.detail).toMatch(/own records/);
      expect(await countSessions(p.id)).toBe(1);
    });

    it('an AMHP cannot record a supervision of a colleague they are not recorded as supervising by naming themselves supervisor (403, nothing stored)', async () => {
      const amhp = await t.user(['amhp']);
      const { p } = await practitioner();
      const denied = await as(amhp)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: amhp.id,
          heldOn: '2026-11-20',
          type: 'professional',
          durationMinutes: 60,
        })
        .expect(403);
      expect(denied.body.detail).toMatch(/supervisor/);
      expect(await countSessions(p.id)).toBe(0);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`, [amhp.id])).toHaveLength(1);
    });

    it('refuses a session or an appraisal dated more than 10 years back (a mistyped year) with 422 naming heldOn, and stores nothing', async () => {
      const { p } = await practitioner();
      const session = await as(manager).post('/supervision-sessions', {
        superviseeId: p.id,
        supervisorUserId: manager.id,
        heldOn: '1800-01-01',
        type: 'professional',
        durationMinutes: 60,
        notes: NOTES,
      });
      expect(session.status).toBe(422);
      expect(session.body).toMatchObject({ code: 'too-long-ago', errors: [{ field: 'heldOn' }] });
      const appraisal = await as(manager).post(`/practitioners/${p.id}/appraisals`, {
        heldOn: '1800-01-01',
        periodFrom: '1800-01-01',
        periodTo: '1800-01-01',
        outcome: 'meets',
      });
      expect(appraisal.status).toBe(422);
      expect(appraisal.body).toMatchObject({ code: 'too-long-ago', errors: [{ field: 'heldOn' }] });
      expect(await t.sql('SELECT 1 FROM supervision_sessions WHERE supervisee_id = $1', [p.id])).toEqual([]);
    });

    it('refuses a session dated after today with 422 naming heldOn, and stores nothing', async () => {
      const { p } = await practitioner();
      const res = await as(manager)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: manager.id,
          heldOn: '2026-11-22',
          type: 'professional',
          durationMinutes: 60,
          notes: NOTES,
        })
        .expect(422);
      expect(res.body).toMatchObject({ code: 'supervision-date-in-future', errors: [{ field: 'heldOn' }] });
      expect(res.body.detail).toContain('2026-11-21');
      await as(manager)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: manager.id,
          heldOn: '2026-11-21',
          type: 'professional',
          durationMinutes: 60,
        })
        .expect(201);
      expect(await countSessions(p.id)).toBe(1);
    });

    it("today is the service time zone's: at 23:30 UTC on 1 July it is already 2 July in London", async () => {
      const { p } = await practitioner();
      t.clock.set('2026-07-01T23:30:00Z');
      try {
        const m = await reauth(manager);
        await as(m)
          .post('/supervision-sessions', {
            superviseeId: p.id,
            supervisorUserId: manager.id,
            heldOn: '2026-07-02',
            type: 'professional',
            durationMinutes: 60,
          })
          .expect(201);
        await as(m)
          .post('/supervision-sessions', {
            superviseeId: p.id,
            supervisorUserId: manager.id,
            heldOn: '2026-07-03',
            type: 'professional',
            durationMinutes: 60,
          })
          .expect(422);
      } finally {
        t.clock.set(NOW);
      }
    });

    it.each([
      [{ mood: 'good' }, 'mood'],
      [{ heldOn: '2026-02-30' }, 'heldOn'],
      [{ heldOn: '20/11/2026' }, 'heldOn'],
      [{ type: 'chat' }, 'type'],
      [{ durationMinutes: 4 }, 'durationMinutes'],
      [{ durationMinutes: 601 }, 'durationMinutes'],
      [{ durationMinutes: 60.5 }, 'durationMinutes'],
      [{ superviseeId: 'not-a-uuid' }, 'superviseeId'],
      [{ actions: [{ description: 'x', ownerUserId: 'nope' }] }, 'actions.0.ownerUserId'],
      [{ actions: [{ description: 'Do it', ownerUserId: '00000000-0000-4000-8000-000000000000', dueOn: 'soon' }] }, 'actions.0.dueOn'],
      [{ actions: [{ description: 'Do it', ownerUserId: '00000000-0000-4000-8000-000000000000', priority: 1 }] }, 'actions.0.priority'],
    ])('refuses bad input %j with 400 naming %s, storing nothing', async (over, field) => {
      const { p } = await practitioner();
      const res = await as(manager)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: manager.id,
          heldOn: '2026-11-20',
          type: 'professional',
          durationMinutes: 60,
          ...over,
        })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await countSessions(p.id)).toBe(0);
    });

    it('refuses with 422 an unknown supervisee, self-supervision, an unknown supervisor and an action due before the session, storing nothing', async () => {
      const { user, p } = await practitioner();
      const base = { superviseeId: p.id, supervisorUserId: manager.id, heldOn: '2026-11-20', type: 'professional', durationMinutes: 60 };
      expect(
        (
          await as(manager)
            .post('/supervision-sessions', { ...base, superviseeId: '00000000-0000-4000-8000-000000000000' })
            .expect(422)
        ).body.code,
      ).toBe('supervisee-not-found');
      expect(
        (
          await as(manager)
            .post('/supervision-sessions', { ...base, supervisorUserId: user.id })
            .expect(422)
        ).body.code,
      ).toBe('self-supervision');
      await as(manager)
        .post('/supervision-sessions', { ...base, supervisorUserId: '00000000-0000-4000-8000-000000000000' })
        .expect(422);
      const early = await as(manager)
        .post('/supervision-sessions', { ...base, actions: [{ description: 'Too early', ownerUserId: user.id, dueOn: '2026-11-19' }] })
        .expect(422);
      expect(early.body).toMatchObject({ code: 'action-due-before-session', errors: [{ field: 'actions.0.dueOn' }] });
      await as(manager)
        .post('/supervision-sessions', {
          ...base,
          actions: [{ description: 'Unknown owner', ownerUserId: '00000000-0000-4000-8000-000000000000' }],
        })
        .expect(422);
      expect(await countSessions(p.id)).toBe(0);
      expect(
        await t.sql('SELECT 1 FROM supervision_actions a JOIN supervision_sessions s ON s.id = a.session_id WHERE s.supervisee_id = $1', [
          p.id,
        ]),
      ).toEqual([]);
    });

    it('a referrer and an auditor cannot record sessions (403)', async () => {
      const referrer = await t.user(['referrer']);
      const { p } = await practitioner();
      await as(referrer)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: referrer.id,
          heldOn: '2026-11-20',
          type: 'professional',
          durationMinutes: 60,
        })
        .expect(403);
      await as(auditor)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: auditor.id,
          heldOn: '2026-11-20',
          type: 'professional',
          durationMinutes: 60,
        })
        .expect(403);
      await as(referrer).get('/supervision-sessions').expect(403);
    });
  });

  describe('who reads the notes', () => {
    it('the supervisee reads their own session with its notes, and the read is audited with its basis', async () => {
      const { user, p } = await practitioner();
      const s = await session(manager, { superviseeId: p.id, supervisorUserId: manager.id, notes: NOTES });
      const res = await as(user).get(`/supervision-sessions/${s.id}`).expect(200);
      expect(res.body).toMatchObject({ id: s.id, notes: NOTES, notesWithheld: false });
      expect(res.headers.etag).toBe('"v1"');
      expect(await auditOf('supervision.read-notes', s.id)).toEqual([
        { actor_id: user.id, access_basis: 'own:supervisee', details: { superviseeId: p.id } },
      ]);
    });

    it('an AMHP who is neither supervisor nor supervisee gets 403 on the session (audited) and never sees it in a list', async () => {
      const { p } = await practitioner();
      const colleague = await practitioner();
      const s = await session(manager, { superviseeId: p.id, supervisorUserId: manager.id, notes: NOTES });
      const denied = await as(colleague.user).get(`/supervision-sessions/${s.id}`).expect(403);
      expect(JSON.stringify(denied.body)).not.toContain('reflective notes');
      expect(
        await t.sql(`SELECT 1 FROM audit_events WHERE action = 'access.denied' AND resource_id = $1 AND actor_id = $2`, [
          s.id,
          colleague.user.id,
        ]),
      ).toHaveLength(1);
      expect(await auditOf('supervision.read-notes', s.id)).toEqual([]);
      const all = await as(colleague.user).get('/supervision-sessions').expect(200);
      expect(all.body.items).toEqual([]);
      const filtered = await as(colleague.user).get(`/supervision-sessions?superviseeId=${p.id}`).expect(200);
      expect(filtered.body.items).toEqual([]);
    });

    it('an auditor sees that the session happened but not its notes, and no read of notes is recorded for them', async () => {
      const { p } = await practitioner();
      const s = await session(manager, { superviseeId: p.id, supervisorUserId: manager.id, notes: NOTES });
      const res = await as(auditor).get(`/supervision-sessions/${s.id}`).expect(200);
      expect(res.body).toMatchObject({
        id: s.id,
        superviseeId: p.id,
        heldOn: '2026-11-20',
        type: 'professional',
        durationMinutes: 60,
        notes: null,
        notesWithheld: true,
      });
      const list = await as(auditor).get(`/supervision-sessions?superviseeId=${p.id}`).expect(200);
      expect(list.body.items).toEqual([expect.objectContaining({ id: s.id, notes: null, notesWithheld: true })]);
      expect(JSON.stringify([res.body, list.body])).not.toContain('reflective notes');
      expect(await auditOf('supervision.read-notes', s.id)).toEqual([]);
    });

    it("an auditor sees that a session's actions exist, whose they are and when due, but not their words, in the session and in the actions list", async () => {
      const { p } = await practitioner();
      const owner = await t.user(['amhp']);
      const words = 'Debrief re the bridge s136 and refer to occupational health';
      const s = await session(manager, { superviseeId: p.id, supervisorUserId: manager.id, notes: NOTES });
      const action = (
        await as(manager)
          .post(`/supervision-sessions/${s.id}/actions`, { description: words, ownerUserId: owner.id, dueOn: '2026-12-01' })
          .expect(201)
      ).body;
      expect(action).toMatchObject({ description: words, descriptionWithheld: false });
      const withheld = { id: action.id, ownerUserId: owner.id, dueOn: '2026-12-01', description: null, descriptionWithheld: true };
      const one = await as(auditor).get(`/supervision-sessions/${s.id}`).expect(200);
      expect(one.body.actions).toEqual([expect.objectContaining(withheld)]);
      const list = await as(auditor).get(`/supervision-actions?sessionId=${s.id}`).expect(200);
      expect(list.body.items).toEqual([expect.objectContaining(withheld)]);
      const sessions = await as(auditor).get(`/supervision-sessions?superviseeId=${p.id}`).expect(200);
      expect(JSON.stringify([one.body, list.body, sessions.body])).not.toContain('occupational health');
      // Its owner, who carries it out, and managers read it.
      const theirs = await as(owner).get(`/supervision-actions?owner=me`).expect(200);
      expect(theirs.body.items).toEqual([expect.objectContaining({ id: action.id, description: words, descriptionWithheld: false })]);
      const managers = await as(manager).get(`/supervision-actions?sessionId=${s.id}`).expect(200);
      expect(managers.body.items).toEqual([expect.objectContaining({ description: words })]);
    });

    it('the supervisor and managers read notes, in lists too, and every list read of notes is audited per session', async () => {
      const supervisor = await t.user(['amhp']);
      const { p } = await practitioner({ lineManagerUserId: supervisor.id });
      const s1 = await session(supervisor, { superviseeId: p.id, supervisorUserId: supervisor.id, heldOn: '2026-10-20', notes: NOTES });
      const s2 = await session(supervisor, {
        superviseeId: p.id,
        supervisorUserId: supervisor.id,
        heldOn: '2026-11-20',
        notes: 'Second session',
      });
      const s3 = await session(supervisor, {
        superviseeId: p.id,
        supervisorUserId: supervisor.id,
        heldOn: '2026-11-01',
        type: 'managerial',
      });
      const mine = await as(supervisor).get(`/supervision-sessions?supervisorUserId=${supervisor.id}`).expect(200);
      expect(mine.body.items.map((x: { id: string }) => x.id)).toEqual([s2.id, s3.id, s1.id]);
      expect(mine.body.items.map((x: { notes: string | null }) => x.notes)).toEqual(['Second session', null, NOTES]);
      const byManager = await as(manager).get(`/supervision-sessions?superviseeId=${p.id}&from=2026-10-01&to=2026-10-31`).expect(200);
      expect(byManager.body.items).toEqual([expect.objectContaining({ id: s1.id, notes: NOTES, notesWithheld: false })]);
      expect(await auditOf('supervision.read-notes', s1.id)).toEqual([
        expect.objectContaining({ actor_id: supervisor.id, access_basis: 'own:supervisor' }),
        expect.objectContaining({ actor_id: manager.id, access_basis: 'role:manager' }),
      ]);
      // A session without notes has no notes to read.
      expect(await auditOf('supervision.read-notes', s3.id)).toEqual([]);
    });

    it('pages through sessions with a cursor and refuses a backwards range', async () => {
      const { p } = await practitioner();
      for (const heldOn of ['2026-09-01', '2026-10-01', '2026-11-01'])
        await session(manager, { superviseeId: p.id, supervisorUserId: manager.id, heldOn });
      const first = await as(manager).get(`/supervision-sessions?superviseeId=${p.id}&limit=2`).expect(200);
      expect(first.body.items.map((x: { heldOn: string }) => x.heldOn)).toEqual(['2026-11-01', '2026-10-01']);
      const second = await as(manager)
        .get(`/supervision-sessions?superviseeId=${p.id}&limit=2&cursor=${first.body.nextCursor}`)
        .expect(200);
      expect(second.body).toMatchObject({ items: [expect.objectContaining({ heldOn: '2026-09-01' })], nextCursor: null });
      await as(manager).get(`/supervision-sessions?from=2026-11-01&to=2026-10-01`).expect(422);
      await as(manager).get(`/supervision-sessions?from=yesterday`).expect(400);
    });
  });

  describe('changing a session', () => {
    it('the supervisor changes notes and type with If-Match; a stale If-Match is 412; the supervisee cannot change it (403)', async () => {
      const supervisor = await t.user(['amhp']);
      const { user, p } = await practitioner({ lineManagerUserId: supervisor.id });
      const s = await session(supervisor, { superviseeId: p.id, supervisorUserId: supervisor.id, notes: NOTES });
      const ok = await as(supervisor)
        .patch(`/supervision-sessions/${s.id}`, { notes: 'Corrected notes', type: 'reflective' }, '"v1"')
        .expect(200);
      expect(ok.body).toMatchObject({ notes: 'Corrected notes', type: 'reflective', version: 2 });
      expect(ok.headers.etag).toBe('"v2"');
      const stale = await as(supervisor).patch(`/supervision-sessions/${s.id}`, { durationMinutes: 90 }, '"v1"').expect(412);
      expect(stale.body).toMatchObject({ code: 'precondition-failed', currentETag: '"v2"' });
      await as(user).patch(`/supervision-sessions/${s.id}`, { notes: 'My version' }).expect(403);
      const stored = await t.sql<{ notes: string; duration_minutes: number; version: number }>(
        'SELECT notes, duration_minutes, version FROM supervision_sessions WHERE id = $1',
        [s.id],
      );
      expect(stored).toEqual([{ notes: 'Corrected notes', duration_minutes: 60, version: 2 }]);
      const [updated] = await auditOf('supervision.update', s.id);
      expect(updated).toMatchObject({
        actor_id: supervisor.id,
        details: { superviseeId: p.id, fields: ['notes', 'type'], type: 'reflective' },
      });
      expect(JSON.stringify(updated.details)).not.toContain('Corrected');
    });

    it('a manager clears the notes with null; nonsense is 400 and unchanged', async () => {
      const { p } = await practitioner();
      const s = await session(manager, { superviseeId: p.id, supervisorUserId: manager.id, notes: NOTES });
      await as(manager).patch(`/supervision-sessions/${s.id}`, { durationMinutes: 0 }).expect(400);
      await as(manager).patch(`/supervision-sessions/${s.id}`, { heldOn: '2026-11-01' }).expect(400);
      await as(manager).patch(`/supervision-sessions/${s.id}`, { type: null }).expect(400);
      await as(manager).patch(`/supervision-sessions/${s.id}`, {}, '"v0"').expect(412);
      await as(manager).patch(`/supervision-sessions/${s.id}`, {}, 'v1').expect(400);
      const cleared = await as(manager).patch(`/supervision-sessions/${s.id}`, { notes: null }).expect(200);
      expect(cleared.body).toMatchObject({ notes: null, version: 2 });
      await as(manager).patch(`/supervision-sessions/00000000-0000-4000-8000-000000000000`, { notes: 'x' }).expect(404);
    });
  });

  describe('actions agreed in supervision', () => {
    it("owner=me&open=true&overdue=true lists the caller's open actions past their due date, and not the day they are due", async () => {
      const supervisor = await t.user(['amhp']);
      const { user, p } = await practitioner({ lineManagerUserId: supervisor.id });
      const s = await session(supervisor, {
        superviseeId: p.id,
        supervisorUserId: supervisor.id,
        heldOn: '2026-11-01',
        actions: [
          { description: 'Overdue and mine', ownerUserId: user.id, dueOn: '2026-11-10' },
          { description: 'Due today and mine', ownerUserId: user.id, dueOn: '2026-11-21' },
          { description: 'Undated and mine', ownerUserId: user.id },
          { description: "Overdue but the supervisor's", ownerUserId: supervisor.id, dueOn: '2026-11-05' },
        ],
      });
      const byDescription = Object.fromEntries(s.actions.map((a: { description: string; id: string }) => [a.description, a]));
      const overdue = await as(user).get('/supervision-actions?owner=me&open=true&overdue=true').expect(200);
      expect(overdue.body.items).toEqual([
        expect.objectContaining({
          id: byDescription['Overdue and mine'].id,
          overdue: true,
          dueOn: '2026-11-10',
          sessionId: s.id,
          superviseeId: p.id,
        }),
      ]);
      const open = await as(user).get('/supervision-actions?owner=me&open=true').expect(200);
      expect(open.body.items.map((a: { description: string }) => a.description)).toEqual([
        'Overdue and mine',
        'Due today and mine',
        'Undated and mine',
      ]);
      const supervisorsOverdue = await as(supervisor).get('/supervision-actions?owner=me&overdue=true').expect(200);
      expect(supervisorsOverdue.body.items.map((a: { description: string }) => a.description)).toEqual(["Overdue but the supervisor's"]);

      // The owner does it; it leaves the overdue list.
      const done = await as(user)
        .patch(`/supervision-actions/${byDescription['Overdue and mine'].id}`, { doneOn: '2026-11-21' }, '"v1"')
        .expect(200);
      expect(done.body).toMatchObject({ doneOn: '2026-11-21', overdue: false, version: 2 });
      expect(done.headers.etag).toBe('"v2"');
      expect((await as(user).get('/supervision-actions?owner=me&open=true&overdue=true').expect(200)).body.items).toEqual([]);
      expect(await auditOf('supervision-action.update', byDescription['Overdue and mine'].id)).toEqual([
        expect.objectContaining({ actor_id: user.id, details: { sessionId: s.id, fields: ['doneOn'], doneOn: '2026-11-21' } }),
      ]);
    });

    it('an action becomes overdue the day after its due date as the clock moves', async () => {
      const { user, p } = await practitioner();
      const s = await session(manager, {
        superviseeId: p.id,
        supervisorUserId: manager.id,
        actions: [{ description: 'Due Monday', ownerUserId: user.id, dueOn: '2026-11-23' }],
      });
      t.clock.set('2026-11-23T23:00:00Z');
      try {
        const owner = await reauth(user);
        expect((await as(owner).get('/supervision-actions?owner=me&overdue=true').expect(200)).body.items).toEqual([]);
        t.clock.set('2026-11-24T00:30:00Z');
        const later = await reauth(user);
        expect((await as(later).get('/supervision-actions?owner=me&overdue=true').expect(200)).body.items).toEqual([
          expect.objectContaining({ id: s.actions[0].id, overdue: true }),
        ]);
      } finally {
        t.clock.set(NOW);
      }
    });

    it('the supervisor adds an action; only the owner, the supervisor or a manager changes one; bad changes are refused and leave it as it was', async () => {
      const supervisor = await t.user(['amhp']);
      const { user, p } = await practitioner({ lineManagerUserId: supervisor.id });
      const colleague = await practitioner();
      const s = await session(supervisor, { superviseeId: p.id, supervisorUserId: supervisor.id, heldOn: '2026-11-10' });
      const added = await as(supervisor)
        .post(`/supervision-sessions/${s.id}/actions`, { description: 'Shadow a night duty', ownerUserId: user.id, dueOn: '2026-12-31' })
        .expect(201);
      expect(added.body).toMatchObject({ sessionId: s.id, ownerUserId: user.id, dueOn: '2026-12-31', version: 1 });
      await as(user).post(`/supervision-sessions/${s.id}/actions`, { description: 'Self-assigned', ownerUserId: user.id }).expect(403);
      await as(supervisor)
        .post(`/supervision-sessions/${s.id}/actions`, { description: 'Too early', ownerUserId: user.id, dueOn: '2026-11-01' })
        .expect(422);
      const id = added.body.id;
      await as(colleague.user).patch(`/supervision-actions/${id}`, { doneOn: '2026-11-20' }).expect(403);
      expect((await as(user).patch(`/supervision-actions/${id}`, { doneOn: '2026-11-22' }).expect(422)).body.code).toBe('done-in-future');
      expect((await as(user).patch(`/supervision-actions/${id}`, { doneOn: '2026-11-09' }).expect(422)).body.code).toBe(
        'done-before-session',
      );
      await as(user).patch(`/supervision-actions/${id}`, { dueOn: '2026-11-09' }).expect(422);
      await as(user).patch(`/supervision-actions/${id}`, { doneOn: '21/11/2026' }).expect(400);
      await as(user).patch(`/supervision-actions/${id}`, { owner: 'someone' }).expect(400);
      await as(manager).patch(`/supervision-actions/${id}`, { description: 'Shadow two night duties' }, '"v1"').expect(200);
      await as(user).patch(`/supervision-actions/${id}`, { doneOn: '2026-11-20' }, '"v1"').expect(412);
      const [stored] = await t.sql(
        "SELECT description, to_char(due_on, 'YYYY-MM-DD') AS due_on, done_on, version FROM supervision_actions WHERE id = $1",
        [id],
      );
      expect(stored).toEqual({ description: 'Shadow two night duties', due_on: '2026-12-31', done_on: null, version: 2 });
      const reopened = await as(supervisor).patch(`/supervision-actions/${id}`, { doneOn: '2026-11-20' }).expect(200);
      expect(reopened.body.doneOn).toBe('2026-11-20');
      expect((await as(supervisor).patch(`/supervision-actions/${id}`, { doneOn: null }).expect(200)).body.doneOn).toBeNull();
      // The colleague sees none of it in a list.
      expect((await as(colleague.user).get(`/supervision-actions?sessionId=${s.id}`).expect(200)).body.items).toEqual([]);
      await as(manager).get('/supervision-actions?owner=someone').expect(400);
    });
  });

  describe('who a record may name: supervisor, appraiser, line manager, owner of an action', () => {
    it('a referrer or an auditor named as supervisor, appraiser, line manager or owner of an action is 422 naming the field; oneself as appraiser or line manager too; nothing is stored', async () => {
      const { user, p } = await practitioner();
      const gp = await t.user(['referrer']);
      const colleague = await t.user(['amhp']);
      const before = await countSessions(p.id);
      const asSupervisor = await as(manager)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: gp.id,
          heldOn: '2026-11-20',
          type: 'professional',
          durationMinutes: 60,
        })
        .expect(422);
      expect(asSupervisor.body).toMatchObject({ code: 'supervisor-not-staff', errors: [{ field: 'supervisorUserId' }] });
      const asOwner = await as(manager)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: colleague.id,
          heldOn: '2026-11-20',
          type: 'professional',
          durationMinutes: 60,
          actions: [{ description: 'Read the NR chapter', ownerUserId: auditor.id }],
        })
        .expect(422);
      expect(asOwner.body).toMatchObject({ code: 'owner-not-staff', errors: [{ field: 'actions.0.ownerUserId' }] });
      expect(await countSessions(p.id)).toBe(before);
      // A fellow AMHP supervising is a supervision, and an action owned by the supervisee is fine.
      const held = await session(manager, {
        superviseeId: p.id,
        supervisorUserId: colleague.id,
        actions: [{ description: 'Read it', ownerUserId: user.id }],
      });
      const addAction = await as(manager)
        .post(`/supervision-sessions/${held.id}/actions`, { description: 'Ring the GP', ownerUserId: gp.id })
        .expect(422);
      expect(addAction.body).toMatchObject({ code: 'owner-not-staff', errors: [{ field: 'ownerUserId' }] });

      const appraisal = { heldOn: '2026-02-28', periodFrom: '2025-03-01', periodTo: '2026-02-28', outcome: 'meets' };
      const self = await as(manager)
        .post(`/practitioners/${p.id}/appraisals`, { ...appraisal, appraiserUserId: user.id })
        .expect(422);
      expect(self.body).toMatchObject({ code: 'self-appraisal', errors: [{ field: 'appraiserUserId' }] });
      const byGp = await as(manager)
        .post(`/practitioners/${p.id}/appraisals`, { ...appraisal, appraiserUserId: gp.id })
        .expect(422);
      expect(byGp.body).toMatchObject({ code: 'appraiser-not-staff', errors: [{ field: 'appraiserUserId' }] });
      expect(await t.sql('SELECT 1 FROM appraisals WHERE practitioner_id = $1', [p.id])).toEqual([]);

      const ownLine = await as(manager).patch(`/practitioners/${p.id}`, { lineManagerUserId: user.id }).expect(422);
      expect(ownLine.body).toMatchObject({ code: 'self-line-manager', errors: [{ field: 'lineManagerUserId' }] });
      const auditorLine = await as(manager).patch(`/practitioners/${p.id}`, { lineManagerUserId: auditor.id }).expect(422);
      expect(auditorLine.body).toMatchObject({ code: 'line-manager-not-staff', errors: [{ field: 'lineManagerUserId' }] });
      await as(manager).patch(`/practitioners/${p.id}`, { lineManagerUserId: manager.id }).expect(200);
      const newcomer = await t.user(['amhp']);
      const created = await as(manager)
        .post('/practitioners', {
          userId: newcomer.id,
          profession: 'social-worker',
          registrationBody: 'Social Work England',
          registrationNumber: 'SW424242',
          lineManagerUserId: gp.id,
        })
        .expect(422);
      expect(created.body).toMatchObject({ code: 'line-manager-not-staff', errors: [{ field: 'lineManagerUserId' }] });
    });
  });

  describe('appraisals', () => {
    it("a manager records an appraisal, next due a year after it was held by default, audited; the AMHP reads their own, not a colleague's", async () => {
      const { user, p } = await practitioner();
      const colleague = await practitioner();
      const res = await as(manager)
        .post(`/practitioners/${p.id}/appraisals`, {
          heldOn: '2026-02-28',
          periodFrom: '2025-03-01',
          periodTo: '2026-02-28',
          outcome: 'meets',
          summary: 'A strong year',
          objectives: 'Lead a case review',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        practitionerId: p.id,
        appraiserUserId: manager.id,
        heldOn: '2026-02-28',
        outcome: 'meets',
        summary: 'A strong year',
        nextDueOn: '2027-02-28',
        version: 1,
      });
      expect(res.headers.etag).toBe('"v1"');
      const [created] = await auditOf('appraisal.create', res.body.id);
      expect(created).toMatchObject({
        actor_id: manager.id,
        details: { practitionerId: p.id, heldOn: '2026-02-28', outcome: 'meets', nextDueOn: '2027-02-28' },
      });
      expect(JSON.stringify(created.details)).not.toContain('strong');
      await as(manager)
        .post(`/practitioners/${p.id}/appraisals`, {
          heldOn: '2026-11-20',
          periodFrom: '2026-03-01',
          periodTo: '2026-10-31',
          outcome: 'partially-meets',
          nextDueOn: '2027-05-20',
        })
        .expect(201);
      const own = await as(user).get(`/practitioners/${p.id}/appraisals`).expect(200);
      expect(own.body.items.map((a: { heldOn: string; nextDueOn: string }) => [a.heldOn, a.nextDueOn])).toEqual([
        ['2026-11-20', '2027-05-20'],
        ['2026-02-28', '2027-02-28'],
      ]);
      await as(colleague.user).get(`/practitioners/${p.id}/appraisals`).expect(403);
      await as(auditor).get(`/practitioners/${p.id}/appraisals`).expect(403);
      await as(user)
        .post(`/practitioners/${p.id}/appraisals`, {
          heldOn: '2026-11-20',
          periodFrom: '2026-03-01',
          periodTo: '2026-10-31',
          outcome: 'meets',
        })
        .expect(403);
      await as(manager).get(`/practitioners/00000000-0000-4000-8000-000000000000/appraisals`).expect(404);
    });

    it('refuses a backwards period, a future appraisal and a next due date not after it with 422, bad values with 400, storing nothing', async () => {
      const { p } = await practitioner();
      const base = { heldOn: '2026-11-20', periodFrom: '2025-11-01', periodTo: '2026-10-31', outcome: 'meets' };
      expect(
        (
          await as(manager)
            .post(`/practitioners/${p.id}/appraisals`, { ...base, periodFrom: '2026-11-01' })
            .expect(422)
        ).body.code,
      ).toBe('appraisal-period-backwards');
      expect(
        (
          await as(manager)
            .post(`/practitioners/${p.id}/appraisals`, { ...base, heldOn: '2026-11-22' })
            .expect(422)
        ).body.code,
      ).toBe('appraisal-date-in-future');
      expect(
        (
          await as(manager)
            .post(`/practitioners/${p.id}/appraisals`, { ...base, nextDueOn: '2026-11-20' })
            .expect(422)
        ).body.code,
      ).toBe('next-due-not-after-held');
      const refusal = async (body: object) => {
        const res = await as(manager)
          .post(`/practitioners/${p.id}/appraisals`, { ...base, ...body })
          .expect(422);
        return [res.body.code, res.body.errors[0].field];
      };
      // A mistyped year, a period that has not happened yet, and a next date that would keep her off the overdue list.
      expect(await refusal({ periodFrom: '1996-11-01' })).toEqual(['too-long-ago', 'periodFrom']);
      expect(await refusal({ periodTo: '2027-10-31' })).toEqual(['appraisal-period-after-held', 'periodTo']);
      expect(await refusal({ nextDueOn: '2126-11-20' })).toEqual(['next-due-too-far', 'nextDueOn']);
      // The year to 31 March appraised in March is a year appraised.
      await as(manager)
        .post(`/practitioners/${p.id}/appraisals`, { ...base, heldOn: '2026-03-16', periodFrom: '2025-04-01', periodTo: '2026-03-31' })
        .expect(201);
      await t.sql('DELETE FROM appraisals WHERE practitioner_id = $1', [p.id]);
      await as(manager)
        .post(`/practitioners/${p.id}/appraisals`, { ...base, outcome: 'excellent' })
        .expect(400);
      await as(manager)
        .post(`/practitioners/${p.id}/appraisals`, { ...base, periodTo: '2026-13-01' })
        .expect(400);
      await as(manager)
        .post(`/practitioners/${p.id}/appraisals`, { ...base, rating: 5 })
        .expect(400);
      expect(await t.sql('SELECT 1 FROM appraisals WHERE practitioner_id = $1', [p.id])).toEqual([]);
    });
  });

  describe('practice audits', () => {
    it('an auditor records a practice audit as its reviewer (audited); managers, auditors and the AMHP themselves read them, a colleague does not', async () => {
      const { user, p } = await practitioner();
      const colleague = await practitioner();
      const res = await as(auditor)
        .post(`/practitioners/${p.id}/practice-audits`, {
          workReference: 'ASMT-2026-00123',
          themes: ['nearest-relative', 'least-restrictive'],
          findings: 'Clear rationale for the decision.',
          rating: 'good',
          score: 82,
          actions: 'Share at team meeting',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        practitionerId: p.id,
        reviewerUserId: auditor.id,
        auditedOn: '2026-11-21',
        workReference: 'ASMT-2026-00123',
        themes: ['nearest-relative', 'least-restrictive'],
        rating: 'good',
        score: 82,
      });
      const [created] = await auditOf('practice-audit.create', res.body.id);
      expect(created).toMatchObject({
        actor_id: auditor.id,
        details: {
          practitionerId: p.id,
          auditedOn: '2026-11-21',
          rating: 'good',
          score: 82,
          themes: ['nearest-relative', 'least-restrictive'],
        },
      });
      expect(JSON.stringify(created.details)).not.toContain('rationale');
      for (const reader of [manager, auditor, user]) {
        expect((await as(reader).get(`/practitioners/${p.id}/practice-audits`).expect(200)).body.items).toEqual([
          expect.objectContaining({ id: res.body.id, findings: 'Clear rationale for the decision.' }),
        ]);
      }
      await as(colleague.user).get(`/practitioners/${p.id}/practice-audits`).expect(403);
      await as(user)
        .post(`/practitioners/${p.id}/practice-audits`, {
          workReference: 'ASMT-1',
          themes: [],
          findings: 'Marking my own work',
          rating: 'outstanding',
        })
        .expect(403);
    });

    it.each([
      [{ workReference: 'Mr Smith, 12 High St\nhistory of psychosis' }, 'workReference'],
      [{ themes: ['Nearest Relative'] }, 'themes'],
      [{ themes: ['ok', 'ok'] }, 'themes'],
      [{ rating: 'fine' }, 'rating'],
      [{ score: 101 }, 'score'],
      [{ auditedOn: '2026-02-30' }, 'auditedOn'],
      [{ patientName: 'X' }, 'patientName'],
    ])('refuses %j with 400 naming %s, storing nothing', async (over, field) => {
      const { p } = await practitioner();
      const res = await as(manager)
        .post(`/practitioners/${p.id}/practice-audits`, {
          workReference: 'REF-1',
          themes: ['consent'],
          findings: 'Fine.',
          rating: 'good',
          ...over,
        })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await t.sql('SELECT 1 FROM practice_audits WHERE practitioner_id = $1', [p.id])).toEqual([]);
    });

    it('refuses an audit dated after today and a reviewer auditing their own practice with 422', async () => {
      const { p } = await practitioner();
      expect(
        (
          await as(manager)
            .post(`/practitioners/${p.id}/practice-audits`, {
              auditedOn: '2026-11-22',
              workReference: 'REF-1',
              themes: [],
              findings: 'Fine.',
              rating: 'good',
            })
            .expect(422)
        ).body.code,
      ).toBe('audit-date-in-future');
      const both = await t.user(['auditor', 'amhp']);
      const self = (
        await as(manager)
          .post('/practitioners', { userId: both.id, profession: 'psychologist', registrationBody: 'HCPC', registrationNumber: 'PYL999' })
          .expect(201)
      ).body;
      expect(
        (
          await as(both)
            .post(`/practitioners/${self.id}/practice-audits`, {
              workReference: 'REF-2',
              themes: [],
              findings: 'Fine.',
              rating: 'outstanding',
            })
            .expect(422)
        ).body.code,
      ).toBe('own-practice');
    });
  });

  describe('the overdue list', () => {
    it("follows the clock: in date on the due day, overdue the day after; only professional sessions count; never-supervised people are due from their record's creation", async () => {
      const team = 'Overdue North';
      const a = await practitioner({ team, supervisionIntervalDays: 30 });
      const b = await practitioner({ team, supervisionIntervalDays: 14 });
      const c = await practitioner({ team, supervisionIntervalDays: 30 });
      const gone = await practitioner({ team });
      await as(manager).patch(`/practitioners/${gone.p.id}`, { active: false }).expect(200);
      await t.sql(`UPDATE practitioners SET created_at = $2 WHERE id = $1`, [a.p.id, '2026-01-05T09:00:00Z']);
      await t.sql(`UPDATE practitioners SET created_at = $2 WHERE id = $1`, [b.p.id, '2026-10-01T09:00:00Z']);
      await t.sql(`UPDATE practitioners SET created_at = $2 WHERE id = $1`, [c.p.id, '2026-11-15T00:30:00Z']);
      await session(manager, { superviseeId: a.p.id, supervisorUserId: manager.id, heldOn: '2026-09-01' });
      await session(manager, { superviseeId: a.p.id, supervisorUserId: manager.id, heldOn: '2026-11-01' });
      await session(manager, { superviseeId: a.p.id, supervisorUserId: manager.id, heldOn: '2026-11-15', type: 'managerial' });
      await session(manager, { superviseeId: b.p.id, supervisorUserId: manager.id, heldOn: '2026-11-20', type: 'managerial' });
      await session(manager, { superviseeId: b.p.id, supervisorUserId: manager.id, heldOn: '2026-11-19', type: 'group' });

      const list = async (by: TestUser, query = '') =>
        (
          await as(by)
            .get(`/supervision/overdue?team=${encodeURIComponent(team)}${query}`)
            .expect(200)
        ).body;

      const now = await list(manager);
      expect(now.asOf).toBe('2026-11-21');
      expect(now.items).toEqual([
        {
          practitionerId: b.p.id,
          displayName: expect.any(String),
          team,
          intervalDays: 14,
          lastProfessionalOn: null,
          nextDueOn: '2026-10-15',
          dueFrom: 'record-created',
          neverSupervised: true,
          status: 'overdue',
          daysOverdue: 37,
          daysUntilDue: 0,
        },
        expect.objectContaining({
          practitionerId: a.p.id,
          lastProfessionalOn: '2026-11-01',
          nextDueOn: '2026-12-01',
          dueFrom: 'last-professional-supervision',
          neverSupervised: false,
          status: 'in-date',
          daysOverdue: 0,
          daysUntilDue: 10,
        }),
        expect.objectContaining({
          practitionerId: c.p.id,
          lastProfessionalOn: null,
          nextDueOn: '2026-12-15',
          neverSupervised: true,
          status: 'in-date',
          daysUntilDue: 24,
        }),
      ]);
      expect((await list(auditor, '&overdueOnly=true')).items.map((i: { practitionerId: string }) => i.practitionerId)).toEqual([b.p.id]);

      try {
        t.clock.set('2026-12-01T12:00:00Z');
        const dueDay = await list(await reauth(manager));
        expect(dueDay.items.find((i: { practitionerId: string }) => i.practitionerId === a.p.id)).toMatchObject({
          nextDueOn: '2026-12-01',
          status: 'in-date',
          daysOverdue: 0,
          daysUntilDue: 0,
        });

        t.clock.set('2026-12-02T00:05:00Z');
        const dayAfter = await list(await reauth(manager));
        expect(dayAfter.asOf).toBe('2026-12-02');
        expect(dayAfter.items.map((i: { practitionerId: string; daysOverdue: number }) => [i.practitionerId, i.daysOverdue])).toEqual([
          [b.p.id, 48],
          [a.p.id, 1],
          [c.p.id, 0],
        ]);
        expect(
          (await list(await reauth(auditor), '&overdueOnly=true')).items.map((i: { practitionerId: string }) => i.practitionerId),
        ).toEqual([b.p.id, a.p.id]);
      } finally {
        t.clock.set(NOW);
      }
    });

    it('an AMHP sees only their own line of the overdue list; a referrer is refused (403)', async () => {
      const { user, p } = await practitioner({ team: 'Overdue own' });
      await practitioner({ team: 'Overdue own' });
      const own = await as(user).get('/supervision/overdue').expect(200);
      expect(own.body.items.map((i: { practitionerId: string }) => i.practitionerId)).toEqual([p.id]);
      const referrer = await t.user(['referrer']);
      await as(referrer).get('/supervision/overdue').expect(403);
    });
  });
});
