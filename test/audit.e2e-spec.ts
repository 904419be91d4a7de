import { randomUUID } from 'node:crypto';
import { AuditService } from '../src/audit/audit.service';
import { ProbePeopleModule } from './support/probe-people.module';
import { s136Referral } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { Client } from 'pg';

describe('audit log: append-only, hash-chained, same transaction (R3)', () => {
  let t: TestApp;
  let admin: TestUser;
  let auditor: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbePeopleModule] });
    admin = await t.user(['admin']);
    auditor = await t.user(['auditor']);
  });
  afterAll(() => t.close());

  const verify = async () => (await t.http.get('/audit-events/verify').set('authorization', auditor.auth).expect(200)).body;

  /** Runs `during` with the SQL function `name(signature)` raising `message` instead of writing, then puts it back. */
  const whileFailing = async (name: string, signature: string, returns: string, message: string, during: () => Promise<void>) => {
    await t.sql(`ALTER FUNCTION ${name}(${signature}) RENAME TO ${name}_saved`);
    await t.sql(
      `CREATE FUNCTION ${name}(${signature}) RETURNS ${returns} LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$`,
    );
    try {
      await during();
    } finally {
      await t.sql(`DROP FUNCTION ${name}(${signature})`);
      await t.sql(`ALTER FUNCTION ${name}_saved(${signature}) RENAME TO ${name}`);
    }
  };

  it('records every change with who, what, when, and the request id', async () => {
    const created = await t.http
      .post('/users')
      .set('authorization', admin.auth)
      .set('x-request-id', 'audit-create-1')
      .send({ email: 'new.amhp@council.test', displayName: 'New AMHP', roles: ['amhp'] })
      .expect(201);
    const [row] = await t.sql(
      `SELECT actor_id, actor_roles, resource_type, resource_id, request_id, ip, outcome, details FROM audit_events WHERE action = 'user.create' AND resource_id = $1`,
      [created.body.id],
    );
    expect(row).toMatchObject({
      actor_id: admin.id,
      actor_roles: 'admin',
      resource_type: 'user',
      request_id: 'audit-create-1',
      outcome: 'success',
      details: { roles: ['amhp'] },
    });
    expect(row.ip).toBeTruthy();
  });

  it("the app's own database role cannot UPDATE, DELETE or TRUNCATE audit rows", async () => {
    await expect(t.sql(`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.sql(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    await expect(t.sql(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
  });

  it('lists events for auditors with filters and keyset pagination, and audits the search itself', async () => {
    for (let i = 0; i < 3; i++)
      await t.http
        .patch(`/users/${admin.id}`)
        .set('authorization', admin.auth)
        .send({ displayName: `Admin ${i}` })
        .expect(200);
    const first = await t.http
      .get(`/audit-events?action=user.update&resourceId=${admin.id}&limit=2`)
      .set('authorization', auditor.auth)
      .expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await t.http
      .get(`/audit-events?action=user.update&resourceId=${admin.id}&limit=2&cursor=${first.body.nextCursor}`)
      .set('authorization', auditor.auth)
      .expect(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((e: { id: string }) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // Each search is audited with the filters given and their values, paging left out: a search of a named record
    // can be told from any other.
    const searches = await t.sql<{ details: { filters: Record<string, string> } }>(
      `SELECT details FROM audit_events WHERE action = 'audit.search' AND actor_id = $1 ORDER BY id`,
      [auditor.id],
    );
    expect(searches.slice(-2).map((r) => r.details.filters)).toEqual([
      { action: 'user.update', resourceId: admin.id },
      { action: 'user.update', resourceId: admin.id },
    ]);
    await t.http.get('/audit-events?cursor=bm90LWEtY3Vyc29y').set('authorization', auditor.auth).expect(400);
  });

  it('the chain verifies after concurrent writes from many requests', async () => {
    const amhp = await t.user(['amhp']);
    await t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) SELECT $1, gen_random_uuid(), 'allocated', 'test', 'x', '2026-01-01' FROM generate_series(1, 1)`,
      [amhp.id],
    );
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2
          ? t.http.get(`/probe-people/${randomUUID()}`).set('authorization', amhp.auth)
          : t.http.get('/audit-events?limit=1').set('authorization', auditor.auth),
      ),
    );
    const result = await verify();
    expect(result).toMatchObject({ valid: true, breaks: [] });
    expect(result.eventsChecked).toBeGreaterThan(40);
  });

  it('a failed audit write fails the request and changes nothing', async () => {
    const signature = 'timestamptz, uuid, text, text, text, text, uuid, text, text, text, text, jsonb, smallint';
    const before = (await t.http.get(`/users/${admin.id}`).set('authorization', admin.auth).expect(200)).body;
    await whileFailing('audit_append', signature, 'bigint', 'audit store unavailable', async () => {
      const res = await t.http.patch(`/users/${admin.id}`).set('authorization', admin.auth).send({ displayName: 'Should not stick' });
      expect(res.status).toBe(500);
      expect(res.body).not.toHaveProperty('stack');
      expect(JSON.stringify(res.body)).not.toContain('audit store unavailable');
    });
    const after = (await t.http.get(`/users/${admin.id}`).set('authorization', admin.auth).expect(200)).body;
    expect(after).toEqual(before);
  });

  describe("a request's audit rows are appended together as it commits", () => {
    const referral = (familyName: string) =>
      // The test app's clock reads 2026-11-21 10:00 UTC.
      s136Referral(familyName, '2026-11-21T09:30:00Z');

    it('in the order they were recorded, one after the other in one lane, each linked to the one before', async () => {
      const referrer = await t.user(['referrer']);
      const res = await t.http
        .post('/referrals')
        .set('authorization', referrer.auth)
        .set('x-request-id', 'audit-batch-1')
        .send(referral('Batchfield'))
        .expect(201);
      const rows = await t.sql(
        `SELECT id::bigint AS id, action, resource_id, subject_person_id, actor_id, lane, prev_hash, hash FROM audit_events
          WHERE request_id = 'audit-batch-1' ORDER BY id`,
      );
      // The new person first (recorded first), then the referral, both of this person and by this referrer.
      expect(rows.map((r) => r.action)).toEqual(['person.create', 'referral.create']);
      expect(rows[1].resource_id).toBe(res.body.id);
      const [{ person_id: personId }] = await t.sql(`SELECT person_id FROM referrals WHERE id = $1`, [res.body.id]);
      for (const r of rows) expect(r).toMatchObject({ subject_person_id: personId, actor_id: referrer.id });
      expect(Number(rows[1].id)).toBe(Number(rows[0].id) + 1);
      expect(rows[1].lane).toBe(rows[0].lane);
      expect(rows[1].prev_hash).toBe(rows[0].hash);
      expect(await verify()).toMatchObject({ valid: true, breaks: [] });
    });

    it('when they cannot be appended the request fails and nothing it wrote is kept', async () => {
      const referrer = await t.user(['referrer']);
      const signature = 'timestamptz[], uuid[], text[], text[], text[], text[], uuid[], text[], text[], text[], text[], jsonb[]';
      await whileFailing('audit_append_rows', signature, 'integer', 'audit store unavailable', async () => {
        const res = await t.http.post('/referrals').set('authorization', referrer.auth).send(referral('Unkeptfield'));
        expect(res.status).toBe(500);
        expect(JSON.stringify(res.body)).not.toContain('audit store unavailable');
      });
      expect(await t.sql(`SELECT id FROM persons WHERE family_name = 'Unkeptfield'`)).toEqual([]);
      expect(await t.sql(`SELECT r.id FROM referrals r WHERE r.created_by = $1`, [referrer.id])).toEqual([]);
      expect(await t.sql(`SELECT id FROM audit_events WHERE actor_id = $1 AND action <> 'auth.login'`, [referrer.id])).toEqual([]);
      // The same referral once the audit store is back: recorded, with both its rows.
      await t.http.post('/referrals').set('authorization', referrer.auth).send(referral('Unkeptfield')).expect(201);
      const actions = await t.sql(`SELECT action FROM audit_events WHERE actor_id = $1 ORDER BY id`, [referrer.id]);
      expect(actions.map((r) => r.action)).toEqual(['person.create', 'referral.create']);
    });

    it('its outbox events are written in the same statement: when they cannot be, the request fails and neither they nor its audit rows are kept', async () => {
      const referrer = await t.user(['referrer']);
      await whileFailing(
        'outbox_append_rows',
        'text[], text[], text[], jsonb[], uuid[], timestamptz[]',
        'integer',
        'outbox unavailable',
        async () => {
          const res = await t.http.post('/referrals').set('authorization', referrer.auth).send(referral('Outboxfield'));
          expect(res.status).toBe(500);
          expect(JSON.stringify(res.body)).not.toContain('outbox unavailable');
        },
      );
      expect(await t.sql(`SELECT id FROM persons WHERE family_name = 'Outboxfield'`)).toEqual([]);
      expect(await t.sql(`SELECT id FROM audit_events WHERE actor_id = $1 AND action <> 'auth.login'`, [referrer.id])).toEqual([]);
      const created = await t.http.post('/referrals').set('authorization', referrer.auth).send(referral('Outboxfield')).expect(201);
      const events = await t.sql(
        `SELECT type, aggregate_id, payload->>'urgency' AS urgency, actor_id FROM outbox_events WHERE aggregate_id = $1`,
        [created.body.id],
      );
      expect(events).toEqual([{ type: 'referral.received', aggregate_id: created.body.id, urgency: 'emergency', actor_id: referrer.id }]);
    });

    it('every row a function is given must have each of its fields', async () => {
      await expect(
        t.sql(
          `SELECT audit_append_rows(ARRAY[now(), now()], ARRAY[NULL, NULL]::uuid[], ARRAY[NULL, NULL], ARRAY['a', 'b'], ARRAY['t', 't'],
                  ARRAY[NULL, NULL], ARRAY[NULL]::uuid[], ARRAY[NULL, NULL], ARRAY[NULL, NULL], ARRAY[NULL, NULL], ARRAY['success', 'success'],
                  ARRAY[NULL, NULL]::jsonb[])`,
        ),
      ).rejects.toThrow(/one value for each of the 2 rows/);
    });
  });

  it('a transaction appends to one chain lane, and an audit written beside it never waits for that lane', async () => {
    const append = (c: Client, avoid: number | null = null) =>
      c.query(`SELECT audit_append(now(), NULL, NULL, 'test.lane', 'test', NULL, NULL, NULL, NULL, NULL, 'success', NULL, $1)`, [avoid]);
    const open = async () => {
      const c = new Client({ connectionString: t.databaseUrl });
      await c.connect();
      await c.query('BEGIN');
      return c;
    };
    const laneOf = async (c: import('pg').Client) =>
      Number((await c.query(`SELECT current_setting('audit.lane', true) AS lane`)).rows[0].lane);
    const holders: import('pg').Client[] = [];
    try {
      // Twenty appends in one transaction: one lane, not several.
      const mine = await open();
      holders.push(mine);
      for (let i = 0; i < 20; i++) await append(mine);
      const myLane = await laneOf(mine);
      expect((await mine.query(`SELECT DISTINCT lane FROM audit_events WHERE action = 'test.lane'`)).rows).toEqual([{ lane: myLane }]);
      // Every other lane is taken by a transaction of its own.
      const lanes = Number((await mine.query(`SELECT count(*)::int AS n FROM audit_chain_heads`)).rows[0].n);
      for (let i = 0; i < lanes - 1; i++) {
        const c = await open();
        holders.push(c);
        await append(c);
      }
      expect(new Set(await Promise.all(holders.map(laneOf))).size).toBe(lanes);
      // A denial audited on its own while `mine` is open: told to avoid my lane, it waits for one of the others,
      // which commit in 300 ms; `mine` stays open throughout (without `avoid` it could wait on mine for ever, while
      // mine waits for it).
      const beside = new Client({ connectionString: t.databaseUrl });
      await beside.connect();
      let committing: Promise<unknown> | undefined;
      let othersCommitSent: number | undefined;
      const commitOthers = setTimeout(() => {
        othersCommitSent = Date.now();
        committing = Promise.all(holders.slice(1).map((c) => c.query('COMMIT')));
      }, 300);
      try {
        await beside.query('BEGIN');
        const started = Date.now();
        await append(beside, myLane);
        // It waited for the others to commit: it was not written before their COMMIT was sent.
        expect(othersCommitSent).toBeDefined();
        expect(Date.now()).toBeGreaterThanOrEqual(othersCommitSent!);
        expect(await laneOf(beside)).not.toBe(myLane);
        expect(Date.now() - started).toBeLessThan(5000);
        await beside.query('COMMIT');
      } finally {
        // The commits are awaited (or never sent) before the clients are closed.
        clearTimeout(commitOthers);
        await committing;
        await beside.end();
      }
    } finally {
      for (const c of holders) {
        await c.query('ROLLBACK').catch(() => undefined);
        await c.end();
      }
    }
    expect((await t.http.get('/audit-events/verify').set('authorization', auditor.auth).expect(200)).body.valid).toBe(true);
  });

  it('a list read and its audit in one statement: a row shown without its person (no basis) is listed but not audited as a read', async () => {
    const [shown, hidden] = [randomUUID(), randomUUID()];
    const rows = await t.app.get(AuditService).selectAudited<{ id: string }>(
      undefined,
      {
        sql: `SELECT * FROM (VALUES ('offer-a', $1::uuid, 'relationship:duty'), ('offer-b', $2::uuid, NULL)) v(id, person_id, access_basis)`,
        params: [shown, hidden],
        shown: 10,
        resourceColumn: 'id',
        subjectColumn: 'person_id',
        basisColumn: 'access_basis',
        onlyWithBasis: true,
      },
      { action: 'test.only-with-basis', resourceType: 'referral', actor: null },
    );
    expect(rows.map((r) => r.id)).toEqual(['offer-a', 'offer-b']);
    expect(
      await t.sql(`SELECT resource_id, subject_person_id, access_basis FROM audit_events WHERE action = 'test.only-with-basis'`),
    ).toEqual([{ resource_id: 'offer-a', subject_person_id: shown, access_basis: 'relationship:duty' }]);
  });

  describe('tampering is detected by GET /audit-events/verify', () => {
    // A superuser can switch the triggers off; the chain still tells.
    const asSuperuser = async (sql: string) => {
      await t.sql('ALTER TABLE audit_events DISABLE TRIGGER USER');
      try {
        await t.sql(sql);
      } finally {
        await t.sql('ALTER TABLE audit_events ENABLE TRIGGER USER');
      }
    };

    it('an edited row breaks its hash', async () => {
      const [{ id }] = await t.sql<{ id: string }>(`SELECT id FROM audit_events ORDER BY id LIMIT 1 OFFSET 3`);
      await asSuperuser(`UPDATE audit_events SET outcome = 'failure' WHERE id = ${id}`);
      const result = await verify();
      expect(result.valid).toBe(false);
      expect(result.breaks).toContainEqual(expect.objectContaining({ id: String(id), problem: 'hash-mismatch' }));
    });

    it('a deleted row breaks the link of the next one in its lane', async () => {
      const [{ id, lane }] = await t.sql<{ id: string; lane: number }>(
        `SELECT id, lane FROM audit_events e WHERE EXISTS (SELECT 1 FROM audit_events n WHERE n.lane = e.lane AND n.id > e.id) ORDER BY id DESC LIMIT 1`,
      );
      await asSuperuser(`DELETE FROM audit_events WHERE id = ${id}`);
      const result = await verify();
      expect(result.breaks).toContainEqual(expect.objectContaining({ lane, problem: 'broken-link' }));
    });
  });
});
