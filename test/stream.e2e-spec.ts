import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { JobRunner } from '../src/alerts/job-runner.service';
import { StreamService } from '../src/alerts/stream.service';
import { databaseUrlWithName } from '../src/database/embedded-postgres';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from './support/test-app';
import { amhp as approvedAmhp } from './support/workforce-fixtures';

interface SseEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/** A minimal SSE client over node:http (EventSource semantics: id/event/data lines, blank line ends a frame). */
class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  /** The last `id:` the stream sent, in any frame (an event's, or a position with no event), as EventSource keeps it. */
  lastEventId?: string;
  headers: http.IncomingHttpHeaders = {};
  ended = false;
  private req?: http.ClientRequest;
  private waiters: Array<() => void> = [];

  static open(port: number, path: string, headers: Record<string, string>): Promise<SseClient> {
    const c = new SseClient();
    return new Promise((resolve, reject) => {
      c.req = http.get({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        c.status = res.statusCode ?? 0;
        c.headers = res.headers;
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let at: number;
          while ((at = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, at);
            buffer = buffer.slice(at + 2);
            const e: Partial<SseEvent> & { raw?: string } = { event: 'message' };
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) e.id = line.slice(4);
              else if (line.startsWith('event: ')) e.event = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (e.id !== undefined) c.lastEventId = e.id;
            if (data) c.events.push({ id: e.id, event: e.event!, data: JSON.parse(data) });
            c.waiters.forEach((w) => w());
          }
        });
        res.on('end', () => {
          c.ended = true;
          c.waiters.forEach((w) => w());
        });
        res.on('error', () => undefined);
        resolve(c);
      });
      c.req.on('error', reject);
    });
  }

  async waitFor(predicate: (e: SseEvent) => boolean, ms = 5000): Promise<SseEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${ms} ms; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
      this.waiters = [];
    }
  }

  /** Waits until the last id the stream sent satisfies `predicate`; that id. */
  async waitForId(predicate: (id: bigint) => boolean, ms = 5000): Promise<bigint> {
    const deadline = Date.now() + ms;
    while (!(this.lastEventId !== undefined && predicate(BigInt(this.lastEventId))) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    if (this.lastEventId === undefined || !predicate(BigInt(this.lastEventId)))
      throw new Error(`the stream's last id is ${this.lastEventId ?? 'unset'}`);
    return BigInt(this.lastEventId);
  }

  async waitEnd(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    if (!this.ended) throw new Error('stream did not end');
  }

  close(): void {
    this.req?.destroy();
  }
}

const referral = (n: number) => ({
  person: { givenName: 'Alex', familyName: `Stream${n}`, dateOfBirth: '1990-05-01' },
  source: 'police-s136',
  referrer: { name: 'PC Jones', organisation: 'Northshire Police', phone: '+44 1632 960111' },
  reason: 'Found on the bridge in distress, detained under s.136',
  risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
  urgency: 'emergency',
  legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: '2026-11-21T01:30:00Z' },
  location: 'Northshire General health-based place of safety',
});

describe('live event stream (R12: two instances, one database)', () => {
  let a: TestApp;
  let b: TestApp;
  let portB: number;
  let manager: TestUser;
  let amhp: TestUser;
  let referrer: TestUser;
  const open: SseClient[] = [];
  const connect = async (u: TestUser | null, path = '/events', headers: Record<string, string> = {}) => {
    const c = await SseClient.open(portB, path, { ...(u ? { authorization: u.auth } : {}), ...headers });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    // Replicas share the signing secret, so a token issued by one is accepted by the other.
    const env = { ACCESS_TOKEN_TTL_SECONDS: '86400', JWT_SECRET: 'stream-e2e-shared-secret-0123456789abcdef' };
    a = await createTestApp({ now: '2026-11-21T02:00:00Z', env });
    b = await createTestApp({ now: '2026-11-21T02:00:00Z', env, databaseUrl: a.databaseUrl });
    await a.app.listen(0, '127.0.0.1');
    await b.app.listen(0, '127.0.0.1');
    portB = (b.app.getHttpServer().address() as AddressInfo).port;
    manager = await a.user(['manager']);
    amhp = await a.user(['amhp']);
    referrer = await a.user(['referrer']);
  });
  afterAll(async () => {
    open.forEach((c) => c.close());
    await b?.close();
    await a?.close();
  });

  const postA = (u: TestUser, path: string, body: object) => a.http.post(path).set('authorization', u.auth).send(body);
  /** A day shift made by the manager through instance A: `rota.shift.created`, which every AMHP may see. */
  const newShift = async (label: string, day: string): Promise<{ id: string }> =>
    (
      await postA(manager, '/rota/shifts', { label, startsAt: `${day}T09:00:00Z`, endsAt: `${day}T17:00:00Z`, requiredCount: 1 }).expect(
        201,
      )
    ).body;

  it('refuses a stream without a token (401)', async () => {
    const c = await connect(null);
    expect(c.status).toBe(401);
  });

  it('answers 406 to a client that does not ask for text/event-stream (a stream never ends by itself)', async () => {
    const res = await b.http.get('/events').set('authorization', manager.auth).set('accept', 'application/json');
    expect(res.status).toBe(406);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('refuses a malformed Last-Event-ID (400)', async () => {
    const c = await connect(manager, '/events', { 'last-event-id': 'abc' });
    expect(c.status).toBe(400);
  });

  let firstId: string;
  it('an event raised through instance A reaches a client on instance B, filtered per user', async () => {
    const m = await connect(manager);
    const am = await connect(amhp);
    const rf = await connect(referrer);
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(m.headers['cache-control']).toBe('no-store');
    expect(b.app.get(StreamService).listening).toBe(true);
    await new Promise((r) => setTimeout(r, 100)); // the three streams registered on B

    const started = Date.now();
    const created = (await postA(manager, '/referrals', referral(1)).expect(201)).body;
    const got = await m.waitFor((e) => e.event === 'referral.received' && e.data.aggregateId === created.id, 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(got.id).toBe(got.data.id);
    expect(got.data).toMatchObject({
      type: 'referral.received',
      aggregateType: 'referral',
      aggregateId: created.id,
      payload: { referralId: created.id },
    });
    expect(Object.keys(got.data).sort()).toEqual(['aggregateId', 'aggregateType', 'id', 'occurredAt', 'payload', 'type']);
    firstId = got.id!;

    // A rota event afterwards: the AMHP gets it, having never had the referral about a person they cannot read.
    const shift = await newShift('Stream shift', '2026-12-01');
    await am.waitFor((e) => e.event === 'rota.shift.created' && e.data.aggregateId === shift.id);
    await m.waitFor((e) => e.event === 'rota.shift.created' && e.data.aggregateId === shift.id);
    expect(am.events.find((e) => e.event.startsWith('referral.'))).toBeUndefined();
    // A referrer sees neither someone else's referral nor the rota.
    expect(rf.events).toEqual([]);
  });

  it('an AMHP refused an event about a person gets the very next one once they may read that person', async () => {
    const am = await connect(amhp);
    await new Promise((r) => setTimeout(r, 100));
    const created = (await postA(manager, '/referrals', referral(4)).expect(201)).body;
    const [{ person_id: personId }] = await a.sql<{ person_id: string }>(`SELECT person_id FROM referrals WHERE id = $1`, [created.id]);
    const extended = (hours: number) =>
      a.sql<{ id: string }>(
        `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, occurred_at) VALUES ('referral.extended', 'referral', $1, $2, now()) RETURNING id::text`,
        [created.id, { referralId: created.id, hours }],
      );
    // An event about the person before she may read them, then one she may see: frames to one stream keep their
    // order, so once the second arrives the first was refused.
    const [{ id: refusedId }] = await extended(6);
    const marker = await newShift('Marker shift', '2026-12-02');
    await am.waitFor((e) => e.event === 'rota.shift.created' && e.data.aggregateId === marker.id);
    // Allocated to her (the grant), and the next event about the person: she gets it at once, not after the refusal
    // she was given a moment ago has lapsed.
    await a.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, 'allocated', 'referral', $3, '2026-01-01T00:00:00Z')`,
      [amhp.id, personId, created.id],
    );
    const [{ id: grantedId }] = await extended(12);
    const got = await am.waitFor((e) => e.event === 'referral.extended', 2000);
    expect(got.id).toBe(grantedId);
    expect(got.data).toMatchObject({ aggregateId: created.id, payload: { hours: 12 } });
    expect(am.events.map((e) => e.id)).not.toContain(refusedId);
  });

  it('a referrer sees the status of their own referral only', async () => {
    const rf = await connect(referrer);
    await new Promise((r) => setTimeout(r, 100));
    const mine = (await postA(referrer, '/referrals', referral(2)).expect(201)).body;
    const got = await rf.waitFor((e) => e.event === 'referral.received');
    expect(got.data).toMatchObject({ aggregateId: mine.id, payload: { referralId: mine.id, to: 'received' } });
    expect(Object.keys(got.data.payload as object).sort()).toEqual(['referralId', 'to']);
  });

  it('resumes with Last-Event-ID: replays only later events, then streams live; ?types filters', async () => {
    const r = await connect(manager, '/events', { 'last-event-id': firstId });
    const replayed = await r.waitFor((e) => e.event === 'rota.shift.created');
    expect(BigInt(replayed.id!)).toBeGreaterThan(BigInt(firstId));
    await r.waitFor((e) => e.event === 'referral.received'); // referral 2, raised after firstId
    expect(r.events.every((e) => BigInt(e.id!) > BigInt(firstId))).toBe(true);
    const ids = r.events.map((e) => BigInt(e.id!));
    expect([...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(ids); // oldest first

    const q = await connect(manager, `/events?lastEventId=${firstId}&types=rota.*`);
    await q.waitFor((e) => e.event === 'rota.shift.created');
    const live = await connect(manager, '/events?types=rota.*');
    await new Promise((res) => setTimeout(res, 100));
    await postA(manager, '/referrals', referral(3)).expect(201);
    const shift = (
      await postA(manager, '/rota/shifts', {
        label: 'Later shift',
        startsAt: '2026-12-02T09:00:00Z',
        endsAt: '2026-12-02T17:00:00Z',
        requiredCount: 1,
      }).expect(201)
    ).body;
    await live.waitFor((e) => e.data.aggregateId === shift.id);
    await r.waitFor((e) => e.data.aggregateId === shift.id);
    expect(live.events.every((e) => e.event.startsWith('rota.'))).toBe(true);
    expect(q.events.every((e) => e.event.startsWith('rota.'))).toBe(true);
  });

  describe('events whose transactions commit out of id order (an id is taken at insert, seen at commit)', () => {
    const held: Client[] = [];
    /** A manager of her own for each test (each holds a few streams at once, within EVENTS_MAX_STREAMS_PER_USER). */
    let watcher: TestUser;
    beforeEach(async () => {
      watcher = await a.user(['manager']);
    });
    afterAll(async () => {
      for (const c of held) await c.end().catch(() => undefined);
    });
    /** A transaction of its own, left open, as a slow request's would be. */
    const begin = async (): Promise<Client> => {
      const c = new Client({ connectionString: a.databaseUrl });
      await c.connect();
      held.push(c);
      await c.query('BEGIN');
      return c;
    };
    /** A shift's removal raised in `c`'s transaction the way the app writes its events as it commits (outbox_append_rows); its id. */
    const raise = async (c: Client | null, shiftId: string): Promise<string> => {
      const run = (sql: string, params: unknown[]) => (c ? c.query(sql, params).then((r) => r.rows) : a.sql(sql, params));
      await run(
        `SELECT outbox_append_rows(ARRAY['rota.shift.deleted'], ARRAY['shift'], ARRAY[$1::text], ARRAY[$2::jsonb], ARRAY[NULL::uuid], ARRAY[now()])`,
        [shiftId, { shiftId }],
      );
      const [{ id }] = (await run(`SELECT id::text AS id FROM outbox_events WHERE aggregate_id = $1`, [shiftId])) as Array<{ id: string }>;
      return id;
    };
    const TYPES = '/events?types=rota.shift.deleted';
    const about = (shiftId: string) => (e: SseEvent) => e.data.aggregateId === shiftId;
    const settle = () => new Promise((r) => setTimeout(r, 300));

    it('an event that took the lower id but committed after a later one was sent is sent when it commits, and a phone resuming from that later event is replayed it', async () => {
      const live = await connect(watcher, TYPES);
      await live.waitForId(() => true);
      const [shiftA, shiftB] = [randomUUID(), randomUUID()];
      // B's transaction writes first; then A takes an event id, and B takes the next one and commits, A still open.
      const b1 = await begin();
      await b1.query('SELECT pg_current_xact_id()');
      const a1 = await begin();
      const idA = await raise(a1, shiftA);
      const idB = await raise(b1, shiftB);
      await b1.query('COMMIT');
      expect(BigInt(idA)).toBeLessThan(BigInt(idB));
      // B is sent (nothing still open can come before it); A has not committed.
      await live.waitFor(about(shiftB));
      expect(live.lastEventId).toBe(idB);
      await a1.query('COMMIT');
      // The live stream sends A once it commits, after B.
      await live.waitFor(about(shiftA));
      expect(live.events.map((e) => e.id)).toEqual([idB, idA]);
      // The phone that lost its connection just after B resumes with B's id, and is replayed A: nothing is lost.
      const phone = await connect(watcher, TYPES, { 'last-event-id': idB });
      await phone.waitFor(about(shiftA));
      await settle();
      expect(phone.events.map((e) => e.id)).toEqual([idA]);
      expect(live.events.map((e) => e.id)).toEqual([idB, idA]);
    });

    it('an event committed while an older transaction that raised one is open waits for it: both are sent when it commits, oldest first, and a phone that dropped meanwhile is replayed both', async () => {
      const live = await connect(watcher, TYPES);
      const phone = await connect(watcher, TYPES);
      await live.waitForId(() => true);
      const from = String(await phone.waitForId(() => true));
      const [shiftA, shiftB] = [randomUUID(), randomUUID()];
      const a1 = await begin();
      const idA = await raise(a1, shiftA);
      const idB = await raise(null, shiftB); // committed at once
      await settle();
      // B could be overtaken by A (A's transaction is older): not sent yet, nor any position past it.
      expect(live.events).toEqual([]);
      expect(phone.events).toEqual([]);
      expect(phone.lastEventId).toBe(from);
      phone.close();
      await a1.query('COMMIT');
      await live.waitFor(about(shiftB));
      expect(live.events.map((e) => e.id)).toEqual([idA, idB]);
      const resumed = await connect(watcher, TYPES, { 'last-event-id': from });
      await resumed.waitFor(about(shiftB));
      // Resumed from A, the next phone gets B only: no duplicates.
      const again = await connect(watcher, TYPES, { 'last-event-id': idA });
      await again.waitFor(about(shiftB));
      await settle();
      expect(resumed.events.map((e) => e.id)).toEqual([idA, idB]);
      expect(again.events.map((e) => e.id)).toEqual([idB]);
      expect(live.events.map((e) => e.id)).toEqual([idA, idB]);
    });

    it('an event held back by an older transaction that raises none is sent when that transaction ends, with no notification of its own', async () => {
      const live = await connect(watcher, TYPES);
      await live.waitForId(() => true);
      const other = await begin();
      await other.query('SELECT pg_current_xact_id()'); // a transaction that has written, open
      const shift = randomUUID();
      const id = await raise(null, shift);
      await settle();
      expect(live.events).toEqual([]);
      await other.query('COMMIT');
      const got = await live.waitFor(about(shift), 3000);
      expect(got.id).toBe(id);
    });

    it('a transaction open on another database of the server holds nothing back: it can never write this outbox', async () => {
      const live = await connect(watcher, TYPES);
      await live.waitForId(() => true);
      const elsewhere = new Client({ connectionString: databaseUrlWithName(a.databaseUrl, 'postgres') });
      await elsewhere.connect();
      held.push(elsewhere);
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()'); // older than the event's, and still open
      const shift = randomUUID();
      const id = await raise(null, shift);
      const got = await live.waitFor(about(shift), 3000);
      expect(got.id).toBe(id);
      await elsewhere.query('COMMIT');
    });
  });

  it('a referrer is told their referral was allocated (the step their status view shows), without who to', async () => {
    const rf = await connect(referrer);
    await new Promise((r) => setTimeout(r, 100));
    const mine = (await postA(referrer, '/referrals', referral(4)).expect(201)).body;
    for (const status of ['screening', 'accepted']) await postA(manager, `/referrals/${mine.id}/status`, { status }).expect(200);
    const worker = await approvedAmhp(a);
    await postA(manager, `/referrals/${mine.id}/allocation`, { userId: worker.id }).expect(200);
    const got = await rf.waitFor(
      (e) => e.event === 'referral.allocated' && (e.data.payload as { referralId?: string }).referralId === mine.id,
    );
    expect(got.data.payload).toEqual({ referralId: mine.id, to: 'allocated' });
    expect(JSON.stringify(got.data)).not.toContain(worker.id);
  });

  it('tells a client that missed more than 500 events to reload (reset)', async () => {
    const [{ max }] = await a.sql<{ max: string }>(`SELECT max(id)::text AS max FROM outbox_events`);
    await a.sql(
      `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, occurred_at)
       SELECT 'rota.shift.deleted', 'shift', s.id::text, jsonb_build_object('shiftId', s.id), now()
         FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, 501)) s`,
    );
    const c = await connect(manager, '/events', { 'last-event-id': max });
    const reset = await c.waitFor((e) => e.event === 'reset');
    expect(BigInt(reset.id!)).toBeGreaterThanOrEqual(BigInt(max) + 501n);
    expect(c.events.filter((e) => e.event === 'rota.shift.deleted')).toHaveLength(0);
  });

  const newestEvent = async (): Promise<bigint> =>
    BigInt((await a.sql<{ max: string }>(`SELECT coalesce(max(id), 0)::text AS max FROM outbox_events`))[0].max);

  it('a stream opened afresh says where it starts, so the next one resumes from there: replayed what came since, not reset', async () => {
    // Its first frame: the newest event this replica had handed out when it opened, an id with no event. The replica
    // hands events out a moment after they are written (the tests before raised hundreds): opened once it has handed
    // out those already raised, the stream starts at the newest.
    const raised = await newestEvent();
    let fresh = await connect(amhp);
    let at = await fresh.waitForId(() => true);
    for (let tries = 0; at < raised && tries < 100; tries++) {
      fresh.close();
      await new Promise((r) => setTimeout(r, 100));
      fresh = await connect(amhp);
      at = await fresh.waitForId(() => true);
    }
    expect(at).toBeGreaterThanOrEqual(raised);
    expect(at).toBeLessThanOrEqual(await newestEvent());
    expect(fresh.events).toEqual([]);
    fresh.close();
    // Raised while she had no stream: the next one, resumed from that position, is sent it.
    const shift = await newShift('Between streams', '2026-12-03');
    const resumed = await connect(amhp, '/events', { 'last-event-id': String(at) });
    await resumed.waitFor((e) => e.event === 'rota.shift.created' && e.data.aggregateId === shift.id);
    expect(resumed.events.find((e) => e.event === 'reset')).toBeUndefined();
  });

  it('a stream sent few events is told on a keep-alive how far it has come, so a resume is not reset for events it was never sent', async () => {
    const quiet = await connect(amhp);
    const start = await quiet.waitForId(() => true);
    // More than a replay holds, none of them hers (a webhook's), while she is connected.
    await a.sql(
      `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, occurred_at)
       SELECT 'webhook.deleted', 'webhook-subscription', s.id::text, jsonb_build_object('subscriptionId', s.id), now()
         FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, 520)) s`,
    );
    const newest = await newestEvent();
    expect(newest - start).toBeGreaterThan(500n);
    // Within a keep-alive (15 s), with no event sent to her.
    const told = await quiet.waitForId((id) => id >= newest, 20_000);
    expect(told).toBe(newest);
    expect(quiet.events).toEqual([]);
    quiet.close();
    // Resumed from there after a dropped link: what comes next is sent, and nothing says to reload.
    const resumed = await connect(amhp, '/events', { 'last-event-id': String(told) });
    const shift = await newShift('After the quiet', '2026-12-04');
    await resumed.waitFor((e) => e.event === 'rota.shift.created' && e.data.aggregateId === shift.id);
    expect(resumed.events.find((e) => e.event === 'reset')).toBeUndefined();
  }, 40_000);

  it('R12: a scheduled job due on both instances at once runs once, and its warning is raised once', async () => {
    // A s.136 with 3 h 30 min left: inside the 4 h warning of CLOCK_WARNING_LEADS_MINUTES.
    const r = (
      await postA(manager, '/referrals', {
        ...referral(900),
        legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: '2026-11-20T05:30:00Z' },
      }).expect(201)
    ).body;
    for (const x of [a, b]) x.clock.set('2026-11-21T02:00:30Z');
    const [ranOnA, ranOnB] = await Promise.all([a.app.get(JobRunner).runDue(), b.app.get(JobRunner).runDue()]);
    // Each job ran on exactly one of the two.
    expect(ranOnA.filter((j) => ranOnB.includes(j))).toEqual([]);
    expect([...ranOnA, ...ranOnB]).toContain('clock-warnings');
    expect(await a.sql(`SELECT count(*)::int AS n FROM job_runs WHERE job = 'clock-warnings' AND run_key = '2026-11-21T02:00'`)).toEqual([
      { n: 1 },
    ]);
    const raised = await a.sql<{ user_id: string }>(`SELECT user_id FROM notifications WHERE dedup_key = $1`, [`clock:${r.id}:POL-07:240`]);
    expect(raised.length).toBeGreaterThan(0);
    expect(new Set(raised.map((x) => x.user_id)).size).toBe(raised.length);
  });

  it('a page raised for her (the clock warning of a job allocated to her) reaches her open app at once as page.raised; a colleague is not told', async () => {
    // A s.136 with 3 h 30 min left: its warning pages the AMHP it is allocated to at once.
    const r = (
      await postA(manager, '/referrals', {
        ...referral(902),
        legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: '2026-11-20T05:30:00Z' },
      }).expect(201)
    ).body;
    for (const status of ['screening', 'accepted']) await postA(manager, `/referrals/${r.id}/status`, { status }).expect(200);
    const her = await approvedAmhp(a);
    const colleague = await approvedAmhp(a);
    const app = await connect(her);
    const other = await connect(colleague);
    await postA(manager, `/referrals/${r.id}/allocation`, { userId: her.id }).expect(200);
    const pages = await a.sql<{ id: string; kind: string; step: number }>(
      `SELECT id, kind, step FROM pages WHERE referral_id = $1 AND recipient_user_id = $2`,
      [r.id, her.id],
    );
    expect(pages.length).toBeGreaterThan(0);
    for (const pg of pages) await app.waitFor((e) => e.event === 'page.raised' && e.data.aggregateId === pg.id);
    expect(app.events.filter((e) => e.event === 'page.raised').map((e) => e.data.payload)).toEqual(
      expect.arrayContaining(
        pages.map((pg) => expect.objectContaining({ pageId: pg.id, userId: her.id, kind: pg.kind, step: pg.step, referralId: r.id })),
      ),
    );
    // The colleague's stream, open all along, has no word of it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(other.events.filter((e) => e.event === 'page.raised')).toEqual([]);
  });

  it("a clock warning the service closes (her job reallocated to a colleague) leaves her open app's inbox at once, once, and is in the audit trail", async () => {
    // A s.136 with 3 h 30 min left: its warning comes to the AMHP it is allocated to at once.
    const r = (
      await postA(manager, '/referrals', {
        ...referral(901),
        legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: '2026-11-20T05:30:00Z' },
      }).expect(201)
    ).body;
    for (const status of ['screening', 'accepted']) await postA(manager, `/referrals/${r.id}/status`, { status }).expect(200);
    const first = await approvedAmhp(a);
    const colleague = await approvedAmhp(a);
    await postA(manager, `/referrals/${r.id}/allocation`, { userId: first.id }).expect(200);
    const inbox = async () =>
      (await a.http.get('/me/notifications?limit=100').set('authorization', first.auth).expect(200)).body.items.filter(
        (n: { subjectId: string }) => n.subjectId === r.id,
      ) as Array<{ id: string; kind: string; closedReason: string | null }>;
    const warned = await inbox();
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.every((n) => n.closedReason === null)).toBe(true);

    const app = await connect(first);
    const etag = (await a.http.get(`/referrals/${r.id}`).set('authorization', manager.auth).expect(200)).headers.etag;
    await a.http
      .post(`/referrals/${r.id}/allocation`)
      .set('authorization', manager.auth)
      .set('if-match', etag)
      .send({ userId: colleague.id })
      .expect(200);
    expect((await inbox()).map((n) => n.closedReason)).toEqual(warned.map(() => 'reallocated'));

    // Her open app is told of each, once, with why.
    const closedFrames = () =>
      app.events.filter((e) => e.event === 'notification.closed' && (e.data.payload as { subjectId?: string }).subjectId === r.id);
    for (const n of warned) await app.waitFor((e) => e.event === 'notification.closed' && e.data.aggregateId === n.id);
    expect(closedFrames().map((e) => e.data.payload)).toEqual(
      expect.arrayContaining(
        warned.map((n) =>
          expect.objectContaining({ notificationId: n.id, userId: first.id, kind: n.kind, closedReason: 'reallocated', subjectId: r.id }),
        ),
      ),
    );
    expect(closedFrames()).toHaveLength(warned.length);

    // The audit trail has each close, by the manager who reallocated the job.
    const auditor = await a.user(['auditor']);
    for (const n of warned) {
      const trail = (
        await a.http.get(`/audit-events?action=notification.close&resourceId=${n.id}`).set('authorization', auditor.auth).expect(200)
      ).body.items;
      expect(trail).toEqual([
        expect.objectContaining({
          actorId: manager.id,
          resourceType: 'notification',
          resourceId: n.id,
          details: expect.objectContaining({ userId: first.id, kind: n.kind, closedReason: 'reallocated', subjectId: r.id }),
        }),
      ]);
    }
  });

  describe('a stream ends with the access that opened it', () => {
    const signIn = async (roles: Array<'amhp' | 'manager'>) => {
      const u = await a.user(roles);
      const pair = (await a.http.post('/auth/login').send({ email: u.email, password: TEST_PASSWORD }).expect(200)).body;
      return { ...u, auth: `Bearer ${pair.accessToken}` };
    };
    const admin = () => a.user(['admin']);

    it('a user who signs out can no longer receive events on a stream they opened before', async () => {
      const u = await signIn(['amhp']);
      const c = await connect(u);
      expect(c.status).toBe(200);
      await b.http.post('/auth/logout').set('authorization', u.auth).expect(204);
      await c.waitEnd();
    });

    it('signing out on another replica ends the stream at its next account check', async () => {
      const u = await signIn(['amhp']);
      const c = await connect(u);
      await a.http.post('/auth/logout').set('authorization', u.auth).expect(204);
      await b.app.get(StreamService).recheck();
      await c.waitEnd();
    });

    it.each([
      ['whose roles change', { roles: ['referrer'] }],
      ['whose account is disabled', { active: false }],
    ])('a user %s loses their stream', async (_name, change) => {
      const u = await signIn(['manager']);
      const c = await connect(u);
      const boss = await admin();
      await b.http.patch(`/users/${u.id}`).set('authorization', boss.auth).send(change).expect(200);
      await c.waitEnd();
    });

    it('a token used after its user signed out cannot open a stream (401 problem+json), though it has not expired', async () => {
      const u = await signIn(['amhp']);
      await a.http.post('/auth/logout').set('authorization', u.auth).expect(204);
      const c = await connect(u);
      expect(c.status).toBe(401);
      expect(c.headers['content-type']).toMatch(/problem\+json/);
    });

    it('signing in again after signing out opens a stream as usual', async () => {
      const u = await signIn(['amhp']);
      await a.http.post('/auth/logout').set('authorization', u.auth).expect(204);
      // A token's iat counts whole seconds: the new one is issued in a later second (both replicas' clocks move).
      for (const x of [a, b]) x.clock.advance(1000);
      const pair = (await a.http.post('/auth/login').send({ email: u.email, password: TEST_PASSWORD }).expect(200)).body;
      const c = await connect({ ...u, auth: `Bearer ${pair.accessToken}` });
      expect(c.status).toBe(200);
      await b.app.get(StreamService).recheck();
      await new Promise((r) => setTimeout(r, 100));
      expect(c.ended).toBe(false);
    });

    it('a sign-out dated before the stream opened (it raced the stream being admitted) still ends it at the next check', async () => {
      // Token issued at T; the stream opens at T + 30 s; a sign-out on another replica committed just after the
      // stream's admission but is dated T + 10 s. Judged against the stream's opening it would be older than the
      // stream and never end it; judged against the token's issue, it ends it.
      const u = await signIn(['amhp']);
      const issued = a.clock.now().getTime();
      b.clock.advance(30_000);
      try {
        const c = await connect(u);
        expect(c.status).toBe(200);
        await a.sql(
          `WITH t AS (UPDATE refresh_tokens SET revoked_at = $2, revoked_reason = 'logout' WHERE user_id = $1 AND revoked_at IS NULL)
           UPDATE users SET sessions_ended_at = $2 WHERE id = $1`,
          [u.id, new Date(issued + 10_000)],
        );
        await b.app.get(StreamService).recheck();
        await c.waitEnd();
      } finally {
        b.clock.advance(-30_000);
      }
    });

    it.each([
      ['on the same replica, at once', () => b, false],
      ['on another replica, at its next account check', () => a, true],
    ])('a user who changes their password loses their streams: %s', async (_name, where, recheck) => {
      const u = await signIn(['amhp']);
      const c = await connect(u);
      expect(c.status).toBe(200);
      const other = (await a.http.post('/auth/login').send({ email: u.email, password: TEST_PASSWORD }).expect(200)).body;
      await where()
        .http.post('/auth/me/password')
        .set('authorization', `Bearer ${other.accessToken}`)
        .send({ currentPassword: TEST_PASSWORD, newPassword: 'a-changed-passphrase-1' })
        .expect(204);
      if (recheck) await b.app.get(StreamService).recheck();
      await c.waitEnd();
      // And the token of that session cannot open another.
      expect((await connect(u)).status).toBe(401);
    });

    it("an admin's reset of a user's password ends their streams", async () => {
      const u = await signIn(['amhp']);
      const c = await connect(u);
      const boss = await admin();
      await b.http.post(`/users/${u.id}/password`).set('authorization', boss.auth).send({ password: 'an-admin-reset-pass-1' }).expect(204);
      await c.waitEnd();
    });

    it('a stream ends when its access token expires, as the test clock reads it', async () => {
      const u = await signIn(['amhp']);
      const c = await connect(u);
      expect(c.status).toBe(200);
      const ttl = 86_400_000 + 60_000;
      b.clock.advance(ttl);
      try {
        await b.app.get(StreamService).recheck();
        await c.waitEnd();
      } finally {
        b.clock.advance(-ttl);
      }
    });

    describe('with ACCESS_TOKEN_TTL_SECONDS=60 (the shortest allowed)', () => {
      let c2: TestApp;
      let port2: number;
      beforeAll(async () => {
        c2 = await createTestApp({
          now: '2026-11-21T02:00:00Z',
          env: { ACCESS_TOKEN_TTL_SECONDS: '60', JWT_SECRET: 'stream-e2e-shared-secret-0123456789abcdef' },
          databaseUrl: a.databaseUrl,
        });
        await c2.app.listen(0, '127.0.0.1');
        port2 = (c2.app.getHttpServer().address() as AddressInfo).port;
      });
      afterAll(() => c2?.close());

      it('a stream ends by itself when the access token that opened it expires, with no request or sign-out', async () => {
        const u = await a.user(['amhp']);
        const pair = (await c2.http.post('/auth/login').send({ email: u.email, password: TEST_PASSWORD }).expect(200)).body;
        expect(pair.expiresIn).toBe(60);
        // 58 of the token's 60 seconds pass on the test clock: it opens a stream with 2 s left.
        c2.clock.advance(58_000);
        const s = await SseClient.open(port2, '/events', { authorization: `Bearer ${pair.accessToken}` });
        open.push(s);
        expect(s.status).toBe(200);
        const started = Date.now();
        await s.waitEnd(5000);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
        // Past its expiry the token opens nothing.
        c2.clock.advance(2_000);
        const again = await SseClient.open(port2, '/events', { authorization: `Bearer ${pair.accessToken}` });
        open.push(again);
        expect(again.status).toBe(401);
      });
    });

    it('a user cannot hold more than EVENTS_MAX_STREAMS_PER_USER (5) streams: the next is 429 problem+json', async () => {
      const u = await signIn(['amhp']);
      const five = await Promise.all([1, 2, 3, 4, 5].map(() => connect(u)));
      expect(five.map((c) => c.status)).toEqual([200, 200, 200, 200, 200]);
      const sixth = await connect(u);
      expect(sixth.status).toBe(429);
      expect(sixth.headers['content-type']).toMatch(/problem\+json/);
      expect(sixth.headers['retry-after']).toBeDefined();
      five[0].close();
      await new Promise((r) => setTimeout(r, 100));
      expect((await connect(u)).status).toBe(200);
    });

    it('eight streams asked for at once by one user: five open, three are 429 (the cap is kept however they arrive)', async () => {
      const u = await signIn(['amhp']);
      const eight = await Promise.all(Array.from({ length: 8 }, () => connect(u)));
      expect(eight.map((c) => c.status).sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      for (const c of eight) c.close();
    });
  });

  it('an AMHP taken off a shift by her sick leave: her colleagues are told she became unavailable, not why; she and the manager see it was leave', async () => {
    const away = await approvedAmhp(a);
    const colleague = await approvedAmhp(a);
    const shift = await newShift('Leave shift', '2026-12-03');
    await postA(manager, `/rota/shifts/${shift.id}/assignments`, { practitionerId: away.practitionerId }).expect(201);
    const [m, her, them] = [await connect(manager), await connect(away), await connect(colleague)];
    await new Promise((r) => setTimeout(r, 100)); // the three streams registered on B
    await postA(manager, '/rota/leave', {
      practitionerId: away.practitionerId,
      kind: 'sick',
      startsAt: '2026-12-03T00:00:00Z',
      endsAt: '2026-12-04T00:00:00Z',
      approve: true,
      unassign: true,
    }).expect(201);
    const removed = (e: SseEvent) => e.event === 'rota.assignment.removed' && e.data.aggregateId === shift.id;
    expect((await them.waitFor(removed)).data.payload).toMatchObject({ userId: away.id, source: 'unavailable' });
    expect((await her.waitFor(removed)).data.payload).toMatchObject({ userId: away.id, source: 'leave' });
    expect((await m.waitFor(removed)).data.payload).toMatchObject({ userId: away.id, source: 'leave' });
    expect(JSON.stringify(them.events)).not.toMatch(/"leave"|sick/);
  });

  it('graceful shutdown of instance B ends its open streams', async () => {
    const c = await connect(manager);
    await new Promise((r) => setTimeout(r, 50));
    const closing = b.close();
    await c.waitEnd(5000);
    await closing;
    b = undefined as unknown as TestApp;
  });
});
