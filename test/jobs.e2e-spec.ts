import { JobRunner } from '../src/alerts/job-runner.service';
import { NotificationsService } from '../src/alerts/notifications.service';
import { TokenService } from '../src/auth/token.service';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Scheduled jobs on real Postgres with the ManualClock: each job fires once per period (across concurrent runners),
 * raises a notification for the right users with a link to its subject, does not fire before it is due, and never
 * raises the same warning twice. One timeline, Sat 21 → Sun 22 Nov 2026 (GMT, so local = UTC).
 */
describe('scheduled jobs and the notifications inbox', () => {
  let t: TestApp;
  let runner: JobRunner;
  let manager: TestUser;
  let manager2: TestUser;
  let s136: { id: string };
  let expiring: { approvalId: string; farId: string; soon: TestUser & { practitionerId: string } };

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400', HANDOVER_TIME: '08:00' } });
    runner = t.app.get(JobRunner);
    manager = await t.user(['manager']);
    manager2 = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
  });
  const at = async (iso: string) => {
    t.clock.set(iso);
    return runner.runDue();
  };
  const notes = (keyLike: string) =>
    t.sql<{ user_id: string; kind: string; severity: string; link: string; subject_id: string; dedup_key: string }>(
      'SELECT user_id, kind, severity, link, subject_id, dedup_key FROM notifications WHERE dedup_key LIKE $1 ORDER BY dedup_key, user_id',
      [keyLike],
    );
  const referral = async (over: object = {}) =>
    (
      await as(manager)
        .post('/referrals', {
          person: { givenName: 'Sam', familyName: `Bridge${Math.floor(Math.random() * 1e6)}`, dateOfBirth: '1990-01-01' },
          source: 'police-s136',
          referrer: { name: 'PC Harris' },
          reason: 'Detained under s.136 on the bridge.',
          risks: { toSelf: true, toOthers: false, fromOthers: false },
          urgency: 'emergency',
          legalContext: {
            kind: 's136',
            placeOfSafetyType: 'health-based',
            locationType: 'public-place',
            arrivedAt: '2026-11-21T02:00:00Z',
          },
          ...over,
        })
        .expect(201)
    ).body;
  const accept = async (id: string) => {
    await as(manager).post(`/referrals/${id}/status`, { status: 'screening' }).expect(200);
    await as(manager).post(`/referrals/${id}/status`, { status: 'accepted' }).expect(200);
  };

  describe('the runner', () => {
    it('runs each job once per period and records it; a failing job is recorded as failed without stopping the others', async () => {
      let failing = true;
      runner.register({
        name: 'test-failing',
        every: 'minute',
        run: async () => {
          if (failing) throw new Error('boom');
          return {};
        },
      });
      const ran = await at('2026-11-21T02:00:00Z');
      expect(ran).toEqual(
        expect.arrayContaining(['clock-warnings', 'offer-escalation', 'handover-compile', 'handover-escalation', 'rota-gaps-24h']),
      );
      expect(ran).not.toContain('test-failing');
      // Daily jobs wait for their time (07:00).
      expect(ran).not.toContain('rota-gaps-14d');
      expect(ran).not.toContain('approvals-expiring');
      expect(await t.sql(`SELECT outcome, details->>'error' AS error FROM job_runs WHERE job = 'test-failing'`)).toEqual([
        { outcome: 'failed', error: 'boom' },
      ]);
      expect(await t.sql(`SELECT job, run_key, outcome FROM job_runs WHERE job = 'clock-warnings'`)).toEqual([
        { job: 'clock-warnings', run_key: '2026-11-21T02:00', outcome: 'succeeded' },
      ]);
      expect(await at('2026-11-21T02:00:30Z')).toEqual([]);
      failing = false;
      expect(await at('2026-11-21T02:01:00Z')).toContain('test-failing');
    });

    it('two runners at once for the same period: each job runs once', async () => {
      t.clock.set('2026-11-21T02:02:00Z');
      const [a, b] = await Promise.all([runner.runDue(), runner.runDue()]);
      expect([...a, ...b].sort()).toEqual([...new Set([...a, ...b])].sort());
      expect([...a, ...b]).toContain('clock-warnings');
      expect(await t.sql(`SELECT count(*)::int AS n FROM job_runs WHERE run_key = '2026-11-21T02:02' AND job = 'clock-warnings'`)).toEqual([
        { n: 1 },
      ]);
    });
  });

  describe('allocation offers not accepted in time', () => {
    it('escalate to the managers after OFFER_ESCALATION_MINUTES, once', async () => {
      t.clock.set('2026-11-21T03:00:00Z');
      const r = await referral();
      await accept(r.id);
      const answered = await referral();
      await accept(answered.id);
      const a = await amhp(t);
      await as(manager)
        .post(`/referrals/${r.id}/offers`, { userIds: [a.id] })
        .expect(201);
      await as(manager)
        .post(`/referrals/${answered.id}/offers`, { userIds: [a.id] })
        .expect(201);
      await as(a).post(`/referrals/${answered.id}/offers/accept`).expect(201);
      await at('2026-11-21T03:14:00Z');
      expect(await notes(`offer:${r.id}`)).toEqual([]);
      await at('2026-11-21T03:15:00Z');
      const raised = await notes(`offer:${r.id}`);
      expect(raised.map((n) => n.user_id).sort()).toEqual([manager.id, manager2.id].sort());
      expect(raised[0]).toMatchObject({ kind: 'offer.escalated', severity: 'urgent', link: `/referrals/${r.id}`, subject_id: r.id });
      await at('2026-11-21T03:20:00Z');
      expect(await notes(`offer:${r.id}`)).toHaveLength(2);
      expect(await notes(`offer:${answered.id}`)).toEqual([]);
      const [{ n }] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox_events WHERE type = 'notification.created' AND payload->>'subjectId' = $1 AND payload->>'kind' = 'offer.escalated'`,
        [r.id],
      );
      expect(n).toBe(2);
    });
  });

  describe('rota gaps', () => {
    let short: { id: string };
    let later: { id: string };
    let staffed: { id: string };
    it('hourly, for the next 24 hours: an understaffed shift is notified to the managers once; a staffed one is not', async () => {
      t.clock.set('2026-11-21T03:30:00Z');
      short = (
        await as(manager)
          .post('/rota/shifts', { label: 'Day', startsAt: '2026-11-21T10:00:00Z', endsAt: '2026-11-21T18:00:00Z', requiredCount: 1 })
          .expect(201)
      ).body;
      staffed = (
        await as(manager)
          .post('/rota/shifts', { label: 'Late', startsAt: '2026-11-21T18:00:00Z', endsAt: '2026-11-21T22:00:00Z', requiredCount: 1 })
          .expect(201)
      ).body;
      const a = await amhp(t);
      await as(manager).post(`/rota/shifts/${staffed.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
      later = (
        await as(manager)
          .post('/rota/shifts', { label: 'Day', startsAt: '2026-11-25T10:00:00Z', endsAt: '2026-11-25T18:00:00Z', requiredCount: 1 })
          .expect(201)
      ).body;
      await at('2026-11-21T03:59:00Z'); // the hourly job already ran for 03:00, before the shift existed
      expect(await notes(`gap:${short.id}:%`)).toEqual([]);
      await at('2026-11-21T04:00:00Z');
      const raised = await notes(`gap:${short.id}:%`);
      expect(raised.map((n) => [n.user_id, n.dedup_key]).sort()).toEqual(
        [
          [manager.id, `gap:${short.id}:24h`],
          [manager2.id, `gap:${short.id}:24h`],
        ].sort(),
      );
      expect(raised[0]).toMatchObject({ kind: 'rota.gap', link: `/rota/shifts/${short.id}` });
      expect(await notes(`gap:${staffed.id}:%`)).toEqual([]);
      expect(await notes(`gap:${later.id}:%`)).toEqual([]); // beyond 24 h, and the daily job has not run yet
      await at('2026-11-21T05:00:00Z');
      expect(await notes(`gap:${short.id}:%`)).toHaveLength(2);
    });

    it('daily at 07:00, for the next 14 days', async () => {
      await at('2026-11-21T06:59:00Z');
      expect(await notes(`gap:${later.id}:%`)).toEqual([]);
      await at('2026-11-21T07:00:00Z');
      expect((await notes(`gap:${later.id}:%`)).map((n) => n.dedup_key)).toEqual([`gap:${later.id}:14d`, `gap:${later.id}:14d`]);
      expect(await notes(`gap:${short.id}:14d`)).toHaveLength(2);
      expect(await notes(`gap:${staffed.id}:%`)).toEqual([]);
    });
  });

  describe('approvals expiring', () => {
    it('at each reminder stage the AMHP and the managers are told, once per stage', async () => {
      // Created after 07:00 on the 21st: the daily job has already run today; it runs again on the 22nd.
      const soon = await amhp(t, { approval: { startsOn: '2024-03-01', endsOn: '2027-02-19' } }); // 90 days from the 22nd
      const far = await amhp(t, { approval: { startsOn: '2026-01-01', endsOn: '2030-12-31' } });
      const [{ id: approvalId }] = await t.sql<{ id: string }>('SELECT id FROM approvals WHERE practitioner_id = $1', [
        soon.practitionerId,
      ]);
      const [{ id: farId }] = await t.sql<{ id: string }>('SELECT id FROM approvals WHERE practitioner_id = $1', [far.practitionerId]);
      expect(await notes(`approval:${approvalId}:%`)).toEqual([]);
      expiring = { approvalId, farId, soon };
    });
  });

  describe('the morning handover', () => {
    it('is compiled by the minute job at HANDOVER_TIME; items unacknowledged 2 h later escalate to the managers, once', async () => {
      s136 = await referral();
      await at('2026-11-21T07:59:00Z');
      expect(await t.sql(`SELECT 1 FROM handovers WHERE handover_date = '2026-11-21'`)).toHaveLength(0);
      await at('2026-11-21T08:00:00Z');
      expect(await t.sql(`SELECT compiled_by FROM handovers WHERE handover_date = '2026-11-21'`)).toEqual([{ compiled_by: null }]);
      const items = await t.sql<{ id: string; item_id: string }>(
        `SELECT i.id, i.item_id FROM handover_items i JOIN handovers h ON h.id = i.handover_id WHERE h.handover_date = '2026-11-21' ORDER BY i.id`,
      );
      expect(items.length).toBeGreaterThan(1);
      const acked = items.find((i) => i.item_id === s136.id)!;
      await as(manager).post(`/handovers/2026-11-21/items/${acked.id}/acknowledgement`, { note: 'Taken on.' }).expect(200);
      await at('2026-11-21T09:59:00Z');
      expect(await notes('handover:%')).toEqual([]);
      await at('2026-11-21T10:00:00Z');
      const open = items.filter((i) => i.id !== acked.id);
      const raised = await notes('handover:%');
      expect(raised).toHaveLength(open.length * 2);
      expect(
        raised
          .filter((n) => n.user_id === manager.id)
          .map((n) => n.dedup_key)
          .sort(),
      ).toEqual(open.map((i) => `handover:${i.id}`).sort());
      expect(raised[0]).toMatchObject({ kind: 'handover.escalated', link: '/handovers/2026-11-21' });
      expect(await notes(`handover:${acked.id}`)).toEqual([]);
      await at('2026-11-21T10:05:00Z');
      expect(await notes('handover:%')).toHaveLength(open.length * 2);
    });
  });

  describe('statutory clocks', () => {
    let allocated: { id: string };
    let worker: TestUser & { practitionerId: string };
    it('s.136: no warning before 4 h; the 4 h warning to the managers (unallocated) once, even with two runners at once', async () => {
      worker = await amhp(t);
      allocated = await referral();
      await accept(allocated.id);
      await as(manager).post(`/referrals/${allocated.id}/allocation`, { userId: worker.id }).expect(200);
      await at('2026-11-21T21:59:00Z');
      expect(await notes(`clock:${s136.id}:POL-07:%`)).toEqual([]);
      t.clock.set('2026-11-21T22:00:00Z');
      await Promise.all([runner.runDue(), runner.runDue()]);
      expect(await t.sql(`SELECT count(*)::int AS n FROM job_runs WHERE job = 'clock-warnings' AND run_key = '2026-11-21T22:00'`)).toEqual([
        { n: 1 },
      ]);
      const raised = await notes(`clock:${s136.id}:POL-07:%`);
      expect(raised.map((n) => [n.user_id, n.dedup_key]).sort()).toEqual(
        [
          [manager.id, `clock:${s136.id}:POL-07:240`],
          [manager2.id, `clock:${s136.id}:POL-07:240`],
        ].sort(),
      );
      expect(raised[0]).toMatchObject({ kind: 'clock.warning', severity: 'warning', link: `/referrals/${s136.id}`, subject_id: s136.id });
      await at('2026-11-21T22:30:00Z');
      expect(await notes(`clock:${s136.id}:POL-07:%`)).toHaveLength(2);
    });

    it('an allocated referral warns its AMHP only; the 1 h warning and the breach follow, each once', async () => {
      expect((await notes(`clock:${allocated.id}:POL-07:%`)).map((n) => [n.user_id, n.dedup_key])).toEqual([
        [worker.id, `clock:${allocated.id}:POL-07:240`],
      ]);
      await at('2026-11-22T00:59:00Z');
      expect(await notes(`clock:${allocated.id}:POL-07:60`)).toEqual([]);
      await at('2026-11-22T01:00:00Z');
      expect((await notes(`clock:${allocated.id}:POL-07:60`)).map((n) => n.user_id)).toEqual([worker.id]);
      await at('2026-11-22T01:30:00Z');
      expect(await notes(`clock:${allocated.id}:POL-07:%`)).toHaveLength(2);
      await at('2026-11-22T02:00:00Z');
      const breach = await notes(`clock:${allocated.id}:POL-07:breach`);
      expect(breach).toEqual([expect.objectContaining({ user_id: worker.id, kind: 'clock.breached', severity: 'urgent' })]);
      await at('2026-11-22T02:05:00Z');
      expect(await notes(`clock:${allocated.id}:POL-07:breach`)).toHaveLength(1);
    });
  });

  describe('approvals expiring (continued)', () => {
    it('fires at 07:00 on the 22nd at the 90-day stage; not for an approval far from its end; once', async () => {
      const { approvalId, farId, soon } = expiring;
      await at('2026-11-22T06:59:00Z');
      expect(await notes(`approval:${approvalId}:%`)).toEqual([]);
      await at('2026-11-22T07:00:00Z');
      const raised = await notes(`approval:${approvalId}:%`);
      expect(raised.map((n) => n.user_id).sort()).toEqual([soon.id, manager.id, manager2.id].sort());
      expect(raised[0]).toMatchObject({
        kind: 'approval.expiring',
        dedup_key: `approval:${approvalId}:90`,
        link: `/practitioners/${soon.practitionerId}/approvals`,
      });
      expect(await notes(`approval:${farId}:%`)).toEqual([]);
      await at('2026-11-22T07:30:00Z');
      expect(await runner.runDue(new Date('2026-11-22T07:31:00Z'))).not.toContain('approvals-expiring');
      expect(await notes(`approval:${approvalId}:%`)).toHaveLength(3);
    });
  });

  describe('the inbox: GET /me/notifications, mark read', () => {
    it("lists my notifications newest first with their links, filters unread, marks one read, 404 for someone else's, marks all read", async () => {
      const other = await t.user(['amhp']);
      const svc = t.app.get(NotificationsService);
      const runner: unknown = t.app.get(JobRunner);
      const ds = (runner as { db: { transaction<T>(fn: (m: never) => Promise<T>): Promise<T> } }).db;
      t.clock.set('2026-11-22T08:00:00Z');
      expect(
        await ds.transaction((m) =>
          svc.notify(m, {
            userIds: [other.id, other.id],
            kind: 'test',
            severity: 'info',
            title: 'Hello',
            link: '/referrals/x',
            dedupKey: 'test:1',
          }),
        ),
      ).toBe(1);
      expect(
        await ds.transaction((m) =>
          svc.notify(m, { userIds: [other.id], kind: 'test', severity: 'info', title: 'Hello again', dedupKey: 'test:1' }),
        ),
      ).toBe(0);
      t.clock.set('2026-11-22T08:01:00Z');
      await ds.transaction((m) =>
        svc.notify(m, {
          userIds: [other.id],
          kind: 'test',
          severity: 'warning',
          title: 'Second',
          link: '/rota/shifts/y',
          dedupKey: 'test:2',
        }),
      );

      const page = (await as(other).get('/me/notifications').expect(200)).body;
      expect(page.items.map((n: { title: string }) => n.title)).toEqual(['Second', 'Hello']);
      expect(page.items[0]).toMatchObject({ kind: 'test', severity: 'warning', link: '/rota/shifts/y', readAt: null });
      const first = (await as(other).get('/me/notifications?limit=1').expect(200)).body;
      expect(first.items).toHaveLength(1);
      const rest = (await as(other).get(`/me/notifications?limit=1&cursor=${first.nextCursor}`).expect(200)).body;
      expect(rest.items.map((n: { title: string }) => n.title)).toEqual(['Hello']);

      const read = (await as(other).post(`/me/notifications/${page.items[1].id}/read`).expect(200)).body;
      expect(read.readAt).toBe('2026-11-22T08:01:00.000Z');
      expect((await as(other).get('/me/notifications?unread=true').expect(200)).body.items.map((n: { title: string }) => n.title)).toEqual([
        'Second',
      ]);
      await as(other).post('/me/notifications/00000000-0000-4000-8000-000000000000/read').expect(404);

      // A fresh token for the manager (a day has passed on the test clock).
      const { token } = await t.app.get(TokenService).issueAccessToken(manager.id, ['manager']);
      manager = { ...manager, token, auth: `Bearer ${token}` };
      const managerUnread = (await as(manager).get('/me/notifications?unread=true&limit=200').expect(200)).body.items.length;
      expect(managerUnread).toBeGreaterThan(0);
      await as(manager).post(`/me/notifications/${page.items[0].id}/read`).expect(404);
      expect((await as(manager).post('/me/notifications/read-all').expect(200)).body).toEqual({ count: managerUnread });
      expect((await as(manager).get('/me/notifications?unread=true').expect(200)).body.items).toEqual([]);
      expect((await as(other).post('/me/notifications/read-all').expect(200)).body).toEqual({ count: 1 });
      await t.http.get('/me/notifications').expect(401);
    });
  });

  describe('DoLS authorisations ending, training short, supervision overdue (Mon 23 Nov 2026)', () => {
    it('a DoLS urgent authorisation: no warning with 26 h left, the author and managers warned within 24 h, once', async () => {
      const author = await t.user(['amhp']);
      // Signed last Tuesday: 7 days from Tue 17 Nov 10:00 GMT ends Tue 24 Nov 10:00 GMT (OOH-04).
      const [{ id }] = await t.sql<{ id: string }>(
        `INSERT INTO decisions (type, status, author_user_id, occurred_at, content, details, signed_at)
         VALUES ('dols-urgent-authorisation', 'signed', $1, '2026-11-17T10:05:00Z', '{}', $2, '2026-11-17T10:30:00Z') RETURNING id`,
        [
          author.id,
          { managingAuthority: 'Oak House', grantedAt: '2026-11-17T10:00:00Z', days: 7, standardRequestedAt: '2026-11-17T09:00:00Z' },
        ],
      );
      await at('2026-11-23T08:00:00Z');
      expect(await notes(`dols:${id}%`)).toEqual([]);
      await at('2026-11-23T11:00:00Z');
      const raised = await notes(`dols:${id}%`);
      expect(raised.map((n) => n.user_id).sort()).toEqual([author.id, manager.id, manager2.id].sort());
      expect(raised[0]).toMatchObject({ kind: 'dols.ending', severity: 'urgent', link: `/decisions/${id}`, subject_id: id });
      await at('2026-11-23T12:00:00Z');
      expect(await notes(`dols:${id}%`)).toHaveLength(raised.length);
    });

    it('training short for the approval year: the AMHP and the managers at 07:00, once per year', async () => {
      // Approved from 15 Jan 2025: the 18 h logged then count for year 1; year 2 (from 15 Jan 2026) has none, and by
      // November it is past TRAINING_WARN_AFTER_MONTHS (9) into the year.
      const short = await amhp(t, { approval: { startsOn: '2025-01-15', endsOn: '2030-01-14' } });
      // (The 23rd's daily run already happened in the test before, before this AMHP existed.)
      await at('2026-11-24T06:59:00Z');
      expect(await notes(`training:${short.practitionerId}%`)).toEqual([]);
      await at('2026-11-24T07:00:00Z');
      const raised = await notes(`training:${short.practitionerId}%`);
      expect(raised.map((n) => n.user_id)).toContain(short.id);
      expect(raised[0]).toMatchObject({ kind: 'training.short', link: `/practitioners/${short.practitionerId}/training` });
      await at('2026-11-25T07:00:00Z');
      expect(await notes(`training:${short.practitionerId}%`)).toHaveLength(raised.length);
    });

    it('professional supervision overdue: told once per missed due date; someone in date is not', async () => {
      const late = await amhp(t);
      const inDate = await amhp(t);
      // Never supervised, record made 60 days ago, 30-day interval: due 30 days ago.
      await t.sql(`UPDATE practitioners SET created_at = '2026-09-25T10:00:00Z', supervision_interval_days = 30 WHERE id = $1`, [
        late.practitionerId,
      ]);
      await at('2026-11-26T07:00:00Z');
      const raised = await notes(`supervision:${late.practitionerId}%`);
      expect(raised.map((n) => n.user_id)).toContain(late.id);
      expect(raised[0]).toMatchObject({ kind: 'supervision.overdue', dedup_key: `supervision:${late.practitionerId}:2026-10-25` });
      expect(await notes(`supervision:${inDate.practitionerId}%`)).toEqual([]);
      await at('2026-11-27T07:00:00Z');
      expect(await notes(`supervision:${late.practitionerId}%`)).toHaveLength(raised.length);
    });
  });
  it('runs no scheduled job while the first start is still seeding; they run on the next tick after', async () => {
    t.clock.set('2026-11-25T09:00:00Z');
    const runs = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM job_runs'))[0].n;
    const before = await runs();
    let duringSeed = -1;
    await runner.whileHeld(async () => {
      await runner.tick();
      duringSeed = await runs();
    });
    expect(duringSeed).toBe(before);
    await runner.tick();
    expect(await runs()).toBeGreaterThan(before);
  });
});
