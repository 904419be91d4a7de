import { EntityManager, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { AuditService } from '../src/audit/audit.service';
import { AuthService } from '../src/auth/auth.service';
import { UsersService } from '../src/auth/users.service';
import { Db, TransactionIsolationError } from '../src/database/db';
import { AssignmentsService } from '../src/rota/assignments.service';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const LEVEL = `SELECT current_setting('transaction_isolation') AS level`;

describe('transactions: the isolation a service asks for holds inside a request transaction', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    await amhp(t, { displayName: 'Alex' });
    await amhp(t, { displayName: 'Bea' });
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const post = (path: string, body: object, key: string, ifMatch?: string) => {
    const req = t.http.post(path).set('authorization', manager.auth).set('idempotency-key', key);
    if (ifMatch) req.set('if-match', ifMatch);
    return req.send(body);
  };
  /** Two day shifts on `day` (February: local time is UTC), one AMHP each, and a plan for them proposed under a key. */
  const planFor = async (day: string) => {
    for (const label of ['Early', 'Late'])
      await t.http
        .post('/rota/shifts')
        .set('authorization', manager.auth)
        .send({
          label,
          startsAt: `${day}T${label === 'Early' ? '07' : '13'}:00:00Z`,
          endsAt: `${day}T${label === 'Early' ? '12' : '18'}:00:00Z`,
          requiredCount: 1,
        })
        .expect(201);
    const body = { from: `${day}T00:00:00Z`, to: `${day}T23:59:00Z` };
    const proposed = await post('/rota/plans', body, `propose-${day}`).expect(201);
    expect(proposed.body.assignments).toHaveLength(2);
    // The same key and body answer the stored response: the proposal ran under the key's transaction.
    const replay = await post('/rota/plans', body, `propose-${day}`).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(proposed.body.id);
    return proposed.body as { id: string };
  };

  /** Records the isolation level each assignment of a publication is written at, then writes it as usual. */
  const watchAssignments = (before?: (shiftId: string) => Promise<void>) => {
    const service = t.app.get(AssignmentsService);
    const original = service.assignIn.bind(service);
    const levels: string[] = [];
    jest.spyOn(service, 'assignIn').mockImplementation(async (m: EntityManager, actor, a) => {
      const [{ level }] = await m.query<Array<{ level: string }>>(LEVEL);
      levels.push(level);
      await before?.(a.shiftId);
      return original(m, actor, a);
    });
    return levels;
  };

  it('a plan published under an Idempotency-Key is written at REPEATABLE READ, and the key replays its answer', async () => {
    const plan = await planFor('2027-02-08');
    const levels = watchAssignments();
    const published = await post(`/rota/plans/${plan.id}/publish`, {}, `publish-${plan.id}`, '"v1"').expect(200);
    expect(published.body).toMatchObject({ status: 'published', version: 2 });
    expect(levels).toEqual(['repeatable read', 'repeatable read']);
    const replay = await post(`/rota/plans/${plan.id}/publish`, {}, `publish-${plan.id}`, '"v1"').expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(published.body);
  });

  it('under an Idempotency-Key, a rota change committed while the plan is being published is a 409 rota-changed, and nothing is published', async () => {
    const plan = await planFor('2027-02-09');
    let changed = false;
    // Between publish's rota-changed check and its first write, another request changes a shift of the plan.
    watchAssignments(async (shiftId) => {
      if (changed) return;
      changed = true;
      await t.sql(`UPDATE shifts SET required_count = 2, version = version + 1 WHERE id = $1`, [shiftId]);
    });
    const res = await post(`/rota/plans/${plan.id}/publish`, {}, `publish-${plan.id}`, '"v1"').expect(409);
    expect(res.body.code).toBe('rota-changed');
    expect(changed).toBe(true);
    expect(await t.sql(`SELECT status FROM rota_plans WHERE id = $1`, [plan.id])).toEqual([{ status: 'proposed' }]);
    expect(
      await t.sql(`SELECT 1 FROM shift_assignments WHERE source = 'plan' AND starts_at >= '2027-02-09' AND starts_at < '2027-02-10'`),
    ).toEqual([]);
  });

  it('a REPEATABLE READ transaction is refused inside a weaker request transaction instead of silently joining it', async () => {
    const db = t.app.get(Db);
    await expect(db.ambientTransaction(() => db.transaction(() => Promise.resolve('joined'), 'REPEATABLE READ'))).rejects.toThrow(
      TransactionIsolationError,
    );
    await expect(
      db.ambientTransaction(() => db.transaction(() => Promise.resolve('joined'), 'SERIALIZABLE'), 'REPEATABLE READ'),
    ).rejects.toThrow("declare @TransactionIsolation('SERIALIZABLE') on the route");
    // Asking for no more than the request transaction gives joins it, at the request's level.
    const joined = await db.ambientTransaction(() => db.transaction((m) => m.query<Array<{ level: string }>>(LEVEL)), 'REPEATABLE READ');
    expect(joined).toEqual([{ level: 'repeatable read' }]);
  });

  it.each([
    ['a transaction', (db: Db, fn: (m: EntityManager) => Promise<unknown>) => db.transaction(fn)],
    ['a read-only snapshot', (db: Db, fn: (m: EntityManager) => Promise<unknown>) => db.snapshot(fn)],
  ])(
    'queries sent at once inside %s reach its connection one after the other, each with its own answer, and pg never warns',
    async (_name, open) => {
      const db = t.app.get(Db);
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      let running = 0;
      let most = 0;
      try {
        const answers = await open(db, async (m) => {
          const client = (await m.queryRunner!.connect()) as { query: (...args: unknown[]) => Promise<unknown> };
          const query = client.query.bind(client);
          jest.spyOn(client, 'query').mockImplementation(async (...args: unknown[]) => {
            most = Math.max(most, ++running);
            try {
              return await query(...args);
            } finally {
              running--;
            }
          });
          return Promise.all([
            m.query<Array<{ n: number }>>(`SELECT 1 AS n FROM pg_sleep(0.02)`),
            db.preparedIn<{ n: number }>(m, `SELECT 2 AS n`, []),
            m.query<Array<{ n: number }>>(`SELECT $1::int AS n`, [3]),
          ]);
        });
        expect((answers as Array<Array<{ n: number }>>).map((rows) => rows[0].n)).toEqual([1, 2, 3]);
        expect(most).toBe(1);
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings.filter((w) => /already executing a query/.test(w))).toEqual([]);
    },
  );

  it("reads inside a request's transaction see its own uncommitted writes (user list, /auth/me)", async () => {
    const db = t.app.get(Db);
    const users = t.app.get(UsersService);
    const auth = t.app.get(AuthService);
    const seen = await db
      .ambientTransaction(async (m) => {
        const [{ id }] = await m.query<Array<{ id: string }>>(
          `INSERT INTO users (email, display_name, roles) VALUES ('uncommitted@test.amhp-hub.local', 'Not Yet Committed', ARRAY['amhp']) RETURNING id`,
        );
        const page = await users.list({ q: 'uncommitted@' });
        const me = await auth.me({
          userId: id,
          email: 'uncommitted@test.amhp-hub.local',
          displayName: 'Not Yet Committed',
          roles: ['amhp'],
          via: 'local',
        });
        throw Object.assign(new Error('roll back'), { seen: { listed: page.items.map((u) => u.email), me: me.displayName } });
      })
      .catch((err: { seen?: unknown }) => err.seen);
    expect(seen).toEqual({ listed: ['uncommitted@test.amhp-hub.local'], me: 'Not Yet Committed' });
    expect(await t.sql(`SELECT 1 FROM users WHERE email = 'uncommitted@test.amhp-hub.local'`)).toEqual([]);
  });

  it('an audit row recorded after its transaction has ended is refused, never held for a commit that will not come', async () => {
    const db = t.app.get(Db);
    const audit = t.app.get(AuditService);
    let ended: EntityManager | undefined;
    await db.transaction(async (m) => {
      ended = m;
      await audit.record(m, { action: 'test.inside', resourceType: 'test', actor: null });
    });
    await expect(audit.record(ended!, { action: 'test.after-the-end', resourceType: 'test', actor: null })).rejects.toThrow(
      QueryRunnerAlreadyReleasedError,
    );
    const rows = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE action LIKE 'test.%' ORDER BY id`);
    expect(rows.map((r) => r.action)).toEqual(['test.inside']);
  });
});
