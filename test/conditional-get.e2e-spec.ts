import { get as httpGet, IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { NotificationsService } from '../src/alerts/notifications.service';
import { Db } from '../src/database/db';
import { s136Referral } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** One GET over a real socket, the body as the bytes sent (supertest would decode them). */
function raw(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('polled reads answer 304 while nothing changed, and large answers travel compressed', () => {
  let t: TestApp;
  let referrer: TestUser;
  let manager: TestUser;
  const as = (u: TestUser, path: string, etag?: string) => {
    const req = t.http.get(path).set('authorization', u.auth);
    return etag ? req.set('if-none-match', etag) : req;
  };
  const referral = (familyName: string) => s136Referral(familyName, '2026-11-21T01:30:00Z');
  const reads = async (referralId: string) =>
    Number(
      (
        await t.sql<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE action = 'referral.read' AND resource_id = $1`, [
          referralId,
        ])
      )[0].n,
    );

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', listen: true });
    referrer = await t.user(['referrer']);
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  it("the referrer's queue: 304 while the referral stands still (each 304 still audited as a read), a new answer once it moves", async () => {
    const created = (await t.http.post('/referrals').set('authorization', referrer.auth).send(referral('Queue')).expect(201)).body;
    const first = await as(referrer, '/referrals').expect(200);
    expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([created.id]);
    expect(first.headers.etag).toMatch(/^W\/"[A-Za-z0-9_-]{22}"$/);
    // About people: no cache may store it, not even the browser's on disk; the client's own copy still revalidates.
    expect(first.headers['cache-control']).toBe('private, no-store');
    expect(first.headers.vary).toMatch(/Authorization/i);
    expect(await reads(created.id)).toBe(1);

    // A minute on, the countdowns differ but the referral is the same: still 304, with no body, and audited.
    t.clock.advance(60_000);
    const again = await as(referrer, '/referrals', first.headers.etag).expect(304);
    expect(again.headers['cache-control']).toBe('private, no-store');
    expect(again.text ?? '').toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['content-type']).toBeUndefined();
    expect(await reads(created.id)).toBe(2);

    await t.http.post(`/referrals/${created.id}/status`).set('authorization', manager.auth).send({ status: 'screening' }).expect(200);
    const moved = await as(referrer, '/referrals', first.headers.etag).expect(200);
    expect(moved.body.items[0].status).toBe('screening');
    expect(moved.headers.etag).not.toBe(first.headers.etag);
  });

  it('a referral read by hub staff: a weak ETag naming its version, 304 once read, and the If-Match of a change made from that read', async () => {
    const created = (await t.http.post('/referrals').set('authorization', referrer.auth).send(referral('Single')).expect(201)).body;
    const first = await as(manager, `/referrals/${created.id}`).expect(200);
    expect(first.headers.etag).toMatch(/^W\/"v1\.[A-Za-z0-9_-]{22}"$/);
    // The person's name, NHS number and risks: never stored by a cache (R7).
    expect(first.headers['cache-control']).toBe('private, no-store');
    expect((await as(manager, '/referrals').expect(200)).headers['cache-control']).toBe('private, no-store');
    await as(manager, `/referrals/${created.id}`, first.headers.etag).expect(304);
    // Another client's validator (or none in common) gets the answer in full.
    await as(manager, `/referrals/${created.id}`, 'W/"v1.somethingelse", "v7"').expect(200);
    // A bare weak tag is compared strongly (RFC 9110 §13.1.1) and matches nothing; nothing changes.
    await t.http
      .post(`/referrals/${created.id}/status`)
      .set('authorization', manager.auth)
      .set('if-match', `W/"v${first.body.version}"`)
      .send({ status: 'screening' })
      .expect(412);
    // The tag the read gave names its version: the change made from that read goes through.
    await t.http
      .post(`/referrals/${created.id}/status`)
      .set('authorization', manager.auth)
      .set('if-match', first.headers.etag)
      .send({ status: 'screening' })
      .expect(200);
    // The same validator (or its "vN") now names an old version: the update is refused, the read answered in full.
    for (const stale of [first.headers.etag, `"v${first.body.version}"`])
      await t.http
        .post(`/referrals/${created.id}/status`)
        .set('authorization', manager.auth)
        .set('if-match', stale)
        .send({ status: 'accepted' })
        .expect(412);
    expect((await as(manager, `/referrals/${created.id}`, first.headers.etag).expect(200)).headers.etag).toMatch(/^W\/"v2\./);
  });

  it('who is on duty and my notifications: 304 on a repeat, 200 when a notification arrives; refused callers still refused', async () => {
    const onDuty = await as(referrer, '/rota/on-duty').expect(200);
    // Staff names and shifts, no person: a private cache may keep it, revalidating every time.
    expect(onDuty.headers['cache-control']).toBe('private, no-cache');
    t.clock.advance(1_000);
    await as(referrer, '/rota/on-duty', onDuty.headers.etag).expect(304);
    // The validator is no key: without a token the answer is 401 whatever If-None-Match says.
    await t.http.get('/rota/on-duty').set('if-none-match', onDuty.headers.etag).expect(401);

    const inbox = await as(manager, '/me/notifications').expect(200);
    await as(manager, '/me/notifications', inbox.headers.etag).expect(304);
    await t.app
      .get(Db)
      .transaction((m) =>
        t.app
          .get(NotificationsService)
          .notify(m, { userIds: [manager.id], kind: 'test', severity: 'info', title: 'Hello', dedupKey: 'cond:1' }),
      );
    const arrived = await as(manager, '/me/notifications', inbox.headers.etag).expect(200);
    expect(arrived.body.items.map((n: { title: string }) => n.title)).toContain('Hello');
  });

  it('answers over 1 KB go brotli or gzip as the client accepts; small ones, and clients that accept neither, get them as they are', async () => {
    const plain = await raw(`${t.url}/openapi.json`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    const document = JSON.parse(plain.body.toString('utf8')) as unknown;
    const br = await raw(`${t.url}/openapi.json`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(plain.body.length / 4);
    expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(document);
    const gzip = await raw(`${t.url}/openapi.json`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.body).toString('utf8'))).toEqual(document);
    const small = await raw(`${t.url}/health/live`, { 'accept-encoding': 'gzip, br' });
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it("the app's files are compressed too and keep their ETags, so the phone still revalidates them (304)", async () => {
    const page = await raw(`${t.url}/app/`, {});
    const script = /src="(\/app\/v\/[0-9a-f]{12}\/js\/main\.js)"/.exec(page.body.toString('utf8'))?.[1];
    expect(script).toBeDefined();
    const js = await raw(`${t.url}${script}`, { 'accept-encoding': 'br, gzip' });
    expect(js.status).toBe(200);
    expect(js.headers['content-encoding']).toBe('br');
    expect(js.headers.etag).toBeTruthy();
    const sw = await raw(`${t.url}/app/sw.js`, { 'accept-encoding': 'gzip' });
    expect(sw.headers.etag).toBeTruthy();
    expect((await raw(`${t.url}/app/sw.js`, { 'accept-encoding': 'gzip', 'if-none-match': String(sw.headers.etag) })).status).toBe(304);
  });

  it('the event stream is never compressed, whatever the client accepts, and keeps the security headers', async () => {
    const res = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      const req = httpGet(
        `${t.url}/events`,
        { headers: { authorization: manager.auth, accept: 'text/event-stream', 'accept-encoding': 'gzip, br' }, agent: false },
        (r) => {
          resolve(r.headers);
          req.destroy();
        },
      );
      req.on('error', reject);
    });
    expect(res['content-type']).toMatch(/^text\/event-stream/);
    expect(res['content-encoding']).toBeUndefined();
    expect(res['x-content-type-options']).toBe('nosniff');
    expect(res['x-request-id']).toBeTruthy();
  });
});
