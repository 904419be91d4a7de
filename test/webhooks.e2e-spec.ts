import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookDispatcher } from '../src/alerts/webhook-dispatcher.service';
import { verify } from '../src/alerts/webhook-signature';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { Client } from 'pg';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local receiver: /ok answers 200, /fail answers 500. */
async function receiver(): Promise<{ server: Server; base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = req.url?.startsWith('/fail') ? 500 : 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const api = (t: TestApp, u: TestUser) => ({
  get: (p: string) => t.http.get(p).set('authorization', u.auth),
  post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
  patch: (p: string, b: object, ifMatch?: string) => {
    const r = t.http.patch(p).set('authorization', u.auth);
    return (ifMatch ? r.set('if-match', ifMatch) : r).send(b);
  },
  delete: (p: string) => t.http.delete(p).set('authorization', u.auth),
});

describe('webhooks: SSRF guard and administration (default configuration)', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.user(['admin']);
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  it.each([
    ['http://hooks.example.com/amhp', 'https only'],
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://10.0.0.5/hook', 'private'],
    ['https://169.254.169.254/latest', 'metadata'],
    ['https://[::1]/hook', 'loopback'],
  ])('refuses %s with 422 url-refused (%s) and stores nothing', async (url, reason) => {
    const res = await api(t, admin)
      .post('/webhooks', { url, eventTypes: ['*'] })
      .expect(422);
    expect(res.body.code).toBe('url-refused');
    expect(res.body.reason).toContain(reason);
    expect(await t.sql('SELECT 1 FROM webhook_subscriptions')).toHaveLength(0);
  });

  it('is for admins only: a manager is refused (403, audited) and nothing is stored', async () => {
    const refused = await api(t, manager)
      .post('/webhooks', { url: 'https://93.184.216.34/hook', eventTypes: ['*'] })
      .expect(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    await api(t, manager).get('/webhooks').expect(403);
    await t.http.get('/webhooks').expect(401);
    expect(await t.sql('SELECT 1 FROM webhook_subscriptions')).toHaveLength(0);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`, [manager.id])).not.toHaveLength(0);
  });

  it('validates the body: no event types, or a malformed one, is a 400 naming the field, and nothing is stored', async () => {
    const empty = await api(t, admin).post('/webhooks', { url: 'https://93.184.216.34/hook', eventTypes: [] }).expect(400);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toEqual(['eventTypes']);
    const malformed = await api(t, admin)
      .post('/webhooks', { url: 'https://93.184.216.34/hook', eventTypes: ['Not A Type'] })
      .expect(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toEqual(['eventTypes']);
    expect(await t.sql('SELECT 1 FROM webhook_subscriptions')).toHaveLength(0);
  });

  it('an event type that is not in the catalogue (a typo, a pattern delivery never matches) is 400 naming the field and the unknown types, on create and on change', async () => {
    for (const eventTypes of [['no.such'], ['page.requested', 'page.request'], ['referral.*'], ['referral.created']]) {
      const res = await api(t, admin).post('/webhooks', { url: 'https://93.184.216.34/hook', eventTypes });
      expect({ eventTypes, status: res.status, fields: res.body.errors?.map((e: { field: string }) => e.field) }).toEqual({
        eventTypes,
        status: 400,
        fields: ['eventTypes'],
      });
      const unknown = eventTypes.filter((x) => x !== 'page.requested').join(', ');
      expect(res.body.errors[0].messages.join(' ')).toContain(`not known: ${unknown}`);
    }
    expect(await t.sql('SELECT 1 FROM webhook_subscriptions')).toHaveLength(0);
    const created = await api(t, admin)
      .post('/webhooks', { url: 'https://93.184.216.34/hook', eventTypes: ['page.requested'] })
      .expect(201);
    const changed = await api(t, admin).patch(`/webhooks/${created.body.id}`, { eventTypes: ['page.request'] });
    expect(changed.status).toBe(400);
    expect(changed.body.errors.map((e: { field: string }) => e.field)).toEqual(['eventTypes']);
    expect(await t.sql('SELECT event_types FROM webhook_subscriptions WHERE id = $1', [created.body.id])).toEqual([
      { event_types: ['page.requested'] },
    ]);
    await api(t, admin)
      .patch(`/webhooks/${created.body.id}`, { eventTypes: ['*'] })
      .expect(200);
  });
});

describe('webhooks: delivery to a local receiver', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;
  let rx: Awaited<ReturnType<typeof receiver>>;
  let dispatcher: WebhookDispatcher;
  let okSub: { id: string; secret: string };
  let hour = 0;
  const newShift = async () => {
    hour += 1;
    const startsAt = new Date(Date.UTC(2026, 11, 1, hour, 0)).toISOString();
    const endsAt = new Date(Date.UTC(2026, 11, 1, hour + 1, 0)).toISOString();
    return (await api(t, manager).post('/rota/shifts', { label: 'Webhook shift', startsAt, endsAt, requiredCount: 1 }).expect(201)).body;
  };

  beforeAll(async () => {
    rx = await receiver();
    t = await createTestApp({
      now: '2026-11-21T10:00:00Z',
      env: {
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_MAX_ATTEMPTS: '3',
        WEBHOOK_DISABLE_AFTER: '3',
        ACCESS_TOKEN_TTL_SECONDS: '86400',
      },
    });
    admin = await t.user(['admin']);
    manager = await t.user(['manager']);
    dispatcher = t.app.get(WebhookDispatcher);
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => rx.server.close(r));
  });

  it('shows the secret once, and delivers an event once with a signature that verifies', async () => {
    await newShift(); // before any subscription: history is not replayed
    const created = await api(t, admin)
      .post('/webhooks', { url: `${rx.base}/ok`, eventTypes: ['rota.shift.created'], description: 'Test receiver' })
      .expect(201);
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    okSub = created.body;
    const shown = await api(t, admin).get(`/webhooks/${okSub.id}`).expect(200);
    expect(shown.body.secret).toBeUndefined();
    expect(shown.headers.etag).toBe('"v1"');
    expect(JSON.stringify((await api(t, admin).get('/webhooks').expect(200)).body)).not.toContain(okSub.secret);

    const shift = await newShift();
    expect(await dispatcher.fanOut()).toBe(1);
    expect(await dispatcher.deliverDue()).toBe(1);
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0];
    const nowSeconds = Math.floor(t.clock.now().getTime() / 1000);
    expect(
      verify(okSub.secret, got.headers['amhp-webhook-signature'] as string, got.headers['amhp-webhook-timestamp'] as string, got.body, {
        nowSeconds,
      }),
    ).toEqual({ valid: true });
    expect(
      verify('wrong-secret', got.headers['amhp-webhook-signature'] as string, got.headers['amhp-webhook-timestamp'] as string, got.body, {
        nowSeconds,
      }),
    ).toMatchObject({ valid: false });
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({
      id: got.headers['amhp-webhook-id'],
      type: 'rota.shift.created',
      aggregateType: 'shift',
      aggregateId: shift.id,
      data: { shiftId: shift.id },
    });
    expect(
      Object.keys(body.data).every((k) => k === 'id' || /(Id|Ids|At)$/.test(k) || ['type', 'status', 'code', 'kind'].includes(k)),
    ).toBe(true);

    // Once only.
    expect(await dispatcher.fanOut()).toBe(0);
    expect(await dispatcher.deliverDue()).toBe(0);
    expect(rx.received).toHaveLength(1);
    const log = await api(t, admin).get(`/webhooks/${okSub.id}/deliveries`).expect(200);
    expect(log.body.items).toMatchObject([{ status: 'delivered', attempts: 1, lastStatusCode: 200, eventType: 'rota.shift.created' }]);
  });

  it('delivers an event whose transaction committed after a later one (late commit): held back while it could still come before, and delivered however many events pass meanwhile', async () => {
    const first = new Client({ connectionString: t.databaseUrl });
    const slow = new Client({ connectionString: t.databaseUrl });
    await first.connect();
    await slow.connect();
    const created = (c: Client, shiftId: string) =>
      c.query(
        `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, occurred_at) VALUES ('rota.shift.created', 'shift', $2, $3, $1) RETURNING id::text`,
        [t.clock.now(), shiftId, { shiftId, startsAt: '2026-11-23T09:00:00.000Z', endsAt: '2026-11-23T17:00:00.000Z' }],
      );
    try {
      // A slow transaction takes its event id first but commits last; the later id, committed at once, waits for it.
      await slow.query('BEGIN');
      const [{ id: lateId }] = (await created(slow, randomUUID())).rows;
      await newShift();
      expect(await dispatcher.fanOut()).toBe(0);
      await slow.query('COMMIT');
      expect(await dispatcher.fanOut()).toBe(2);
      expect(await t.sql(`SELECT status FROM webhook_deliveries WHERE event_id = $1`, [lateId])).toEqual([{ status: 'pending' }]);
      expect(await dispatcher.deliverDue()).toBe(2);
      expect(await dispatcher.fanOut()).toBe(0);

      // A transaction that began writing first commits an event with a higher id while the slow one (a lower id) is
      // open: that one goes out at once, and the slow one's after it, though thousands of events passed in between.
      await first.query('BEGIN');
      await first.query('SELECT pg_current_xact_id()');
      await slow.query('BEGIN');
      const [{ id: slowId }] = (await created(slow, randomUUID())).rows;
      const [{ id: firstId }] = (await created(first, randomUUID())).rows;
      await first.query('COMMIT');
      expect(BigInt(slowId)).toBeLessThan(BigInt(firstId));
      expect(await dispatcher.fanOut()).toBe(1);
      await slow.query('COMMIT');
      await t.sql(
        `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, occurred_at)
         SELECT 'rota.shift.deleted', 'shift', s.id::text, jsonb_build_object('shiftId', s.id), now()
           FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, 6000)) s`,
      );
      expect(await dispatcher.fanOut()).toBe(1);
      expect(await t.sql(`SELECT status FROM webhook_deliveries WHERE event_id = $1`, [slowId])).toEqual([{ status: 'pending' }]);
      expect(await dispatcher.deliverDue()).toBe(2);
      expect(await dispatcher.fanOut()).toBe(0);
    } finally {
      await first.end();
      await slow.end();
    }
  });

  it('retries a failing receiver with backoff, abandons the delivery and disables the subscription', async () => {
    const failing = (
      await api(t, admin)
        .post('/webhooks', { url: `${rx.base}/fail`, eventTypes: ['rota.shift.created'] })
        .expect(201)
    ).body;
    await newShift();
    expect(await dispatcher.fanOut()).toBe(2);
    const before = rx.received.length;
    expect(await dispatcher.deliverDue()).toBe(2);
    const fails = () => rx.received.filter((r) => r.path === '/fail').length;
    expect(fails()).toBe(1);
    let [d] = (await api(t, admin).get(`/webhooks/${failing.id}/deliveries`).expect(200)).body.items;
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });
    const delay = new Date(d.nextAttemptAt).getTime() - t.clock.now().getTime();
    expect(delay).toBeGreaterThanOrEqual(60_000);
    expect(delay).toBeLessThanOrEqual(66_000);

    // Not due yet: nothing is attempted.
    expect(await dispatcher.deliverDue()).toBe(0);
    t.clock.advance(30 * 60_000);
    expect(await dispatcher.deliverDue()).toBe(1);
    [d] = (await api(t, admin).get(`/webhooks/${failing.id}/deliveries`).expect(200)).body.items;
    expect(d).toMatchObject({ status: 'pending', attempts: 2 });
    const delay2 = new Date(d.nextAttemptAt).getTime() - t.clock.now().getTime();
    expect(delay2).toBeGreaterThanOrEqual(120_000);

    t.clock.advance(30 * 60_000);
    expect(await dispatcher.deliverDue()).toBe(1);
    expect(fails()).toBe(3);
    expect(rx.received.length - before).toBe(4); // one to /ok, three to /fail
    const log = (await api(t, admin).get(`/webhooks/${failing.id}/deliveries?status=abandoned`).expect(200)).body.items;
    expect(log).toMatchObject([{ status: 'abandoned', attempts: 3 }]);

    const sub = (await api(t, admin).get(`/webhooks/${failing.id}`).expect(200)).body;
    expect(sub).toMatchObject({ active: false, consecutiveFailures: 3 });
    expect(sub.disabledReason).toContain('3 consecutive failed deliveries');
    expect(await t.sql(`SELECT 1 FROM outbox_events WHERE type = 'webhook.disabled' AND aggregate_id = $1`, [failing.id])).toHaveLength(1);

    // A disabled subscription gets no new deliveries; the healthy one still does.
    await newShift();
    expect(await dispatcher.fanOut()).toBe(1);
    t.clock.advance(60_000);
    expect(await dispatcher.deliverDue()).toBe(1);
    expect(fails()).toBe(3);

    // Re-enabling (If-Match) resets the failure count; a stale version is 412.
    await api(t, admin).patch(`/webhooks/${failing.id}`, { active: true }, '"v1"').expect(412);
    const reenabled = await api(t, admin).patch(`/webhooks/${failing.id}`, { active: true }, `"v${sub.version}"`).expect(200);
    expect(reenabled.body).toMatchObject({ active: true, consecutiveFailures: 0, disabledAt: null, disabledReason: null });
  });

  it('a signing secret is never kept for a retry: Idempotency-Key on subscribing or rotating is refused 400 and nothing changes', async () => {
    const subscriptions = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_subscriptions`))[0].n;
    const before = await subscriptions();
    const version = (await api(t, admin).get(`/webhooks/${okSub.id}`).expect(200)).body.version;
    const subscribe = await t.http
      .post('/webhooks')
      .set('authorization', admin.auth)
      .set('idempotency-key', 'wh-create-1')
      .send({ url: `${rx.base}/ok`, eventTypes: ['rota.shift.created'] });
    const rotate = await t.http
      .post(`/webhooks/${okSub.id}/rotate-secret`)
      .set('authorization', admin.auth)
      .set('idempotency-key', 'wh-rot-1');
    for (const res of [subscribe, rotate]) {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/^Idempotency-Key is not accepted here: the response holds the signing secret/);
    }
    expect(await subscriptions()).toBe(before);
    expect((await api(t, admin).get(`/webhooks/${okSub.id}`).expect(200)).body.version).toBe(version);
    expect(await t.sql(`SELECT key FROM idempotency_keys WHERE user_id = $1`, [admin.id])).toEqual([]);
  });

  it('rotates the secret, audits changes, deletes', async () => {
    const rotated = (await api(t, admin).post(`/webhooks/${okSub.id}/rotate-secret`).expect(200)).body;
    expect(rotated.secret).not.toBe(okSub.secret);
    await api(t, admin).delete(`/webhooks/${okSub.id}`).expect(204);
    await api(t, admin).get(`/webhooks/${okSub.id}`).expect(404);
    const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY id`, [okSub.id]);
    expect(audit.map((a) => a.action)).toEqual(['webhook.create', 'webhook.rotate-secret', 'webhook.delete']);
  });
});

describe('webhooks: the background tick and a direct call at once, on one instance', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;
  let server: Server;
  const received: string[] = [];
  /** The receiver holds every answer until released; `first` resolves when the first request has arrived. */
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let arrived!: () => void;
  const first = new Promise<void>((r) => (arrived = r));

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['amhp-webhook-id']));
        arrived();
        void released.then(() => res.end('ok'));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t = await createTestApp({
      now: '2026-11-21T10:00:00Z',
      env: { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', ACCESS_TOKEN_TTL_SECONDS: '86400' },
    });
    admin = await t.user(['admin']);
    manager = await t.user(['manager']);
  });
  afterAll(async () => {
    release();
    await t.close();
    await new Promise((r) => server.close(r));
  });

  it('delivers each due delivery exactly once, and the direct call returns only once the tick has delivered them', async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await api(t, admin)
      .post('/webhooks', { url: `${base}/held`, eventTypes: ['rota.shift.created'] })
      .expect(201);
    for (const hour of [1, 2])
      await api(t, manager)
        .post('/rota/shifts', {
          label: 'Webhook shift',
          startsAt: `2026-12-01T0${hour}:00:00Z`,
          endsAt: `2026-12-01T0${hour + 1}:00:00Z`,
          requiredCount: 1,
        })
        .expect(201);
    const dispatcher = t.app.get(WebhookDispatcher);

    // The tick leases both deliveries and is sending the first; a direct call comes meanwhile, its clock an hour on
    // (past the tick's lease), as a clock job or another caller's pass may be.
    const tick = dispatcher.tick();
    await first;
    const direct = dispatcher.deliverDue(new Date(t.clock.now().getTime() + 3_600_000));
    release();
    await direct;
    const rows = await t.sql<{ id: string; status: string; attempts: number }>(
      `SELECT id::text AS id, status, attempts FROM webhook_deliveries ORDER BY id`,
    );
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => ({ status: r.status, attempts: r.attempts }))).toEqual([
      { status: 'delivered', attempts: 1 },
      { status: 'delivered', attempts: 1 },
    ]);
    await tick;
    expect([...received].sort()).toEqual(rows.map((r) => r.id).sort());
  });
});
