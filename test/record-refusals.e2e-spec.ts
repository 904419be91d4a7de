import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * A record the caller may not see says nothing of itself (UK GDPR Art. 5(1)(f); README "Access control"): an id the
 * hub holds and one it does not get the same refusal, and a refusal comes before anything that would tell the
 * record's state (its version in a 412, whether it is signed and when in a 409). On the demo hub, as at its now.
 */
describe('a record you may not see: the same answer whether it exists or not, and nothing of its state', () => {
  let t: TestApp;
  let amhp: TestUser;
  let manager: TestUser;
  const ids = {} as Record<'referral' | 'assessment' | 'decision' | 'action', string>;

  beforeAll(async () => {
    t = await createTestApp({ demo: { history: false }, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    // An AMHP with no relationship to anyone, not on the rota: every demo record is another person's to her.
    amhp = await t.user(['amhp']);
    manager = await t.user(['manager']);
    for (const [kind, table] of [
      ['referral', 'referrals'],
      ['assessment', 'assessments'],
      ['decision', 'decisions'],
      ['action', 'follow_up_actions'],
    ] as const)
      ids[kind] = (await t.sql<{ id: string }>(`SELECT id FROM ${table} ORDER BY id LIMIT 1`))[0].id;
    const [{ status }] = await t.sql<{ status: string }>('SELECT status FROM decisions WHERE id = $1', [ids.decision]);
    expect(status).toBe('signed');
  });
  afterAll(() => t.close());

  const send = (u: TestUser, method: 'get' | 'post' | 'patch', path: string, body?: object, headers: Record<string, string> = {}): Test => {
    const req = t.http[method](path).set('authorization', u.auth).set(headers);
    return body ? req.send(body) : req;
  };
  /** The answer with the id asked for, and what every answer carries of its own, taken out. */
  const shape = (res: { status: number; body: Record<string, unknown> }, id: string) => {
    const { requestId: _r, instance: _i, ...rest } = res.body;
    return { status: res.status, body: JSON.parse(JSON.stringify(rest).replaceAll(id, ':id')) as unknown };
  };

  it.each([
    ['get', '/referrals/:id', 'referral', undefined],
    ['get', '/referrals/:id/events', 'referral', undefined],
    ['get', '/referrals/:id/offers', 'referral', undefined],
    ['post', '/referrals/:id/status', 'referral', { status: 'screening' }],
    ['post', '/referrals/:id/offers', 'referral', {}],
    ['post', '/referrals/:id/offers/accept', 'referral', {}],
    ['post', '/referrals/:id/offers/decline', 'referral', {}],
    ['get', '/assessments/:id', 'assessment', undefined],
    ['get', '/assessments/:id/checks', 'assessment', undefined],
    ['get', '/assessments/:id/report', 'assessment', undefined],
    ['patch', '/assessments/:id', 'assessment', {}],
    ['get', '/decisions/:id', 'decision', undefined],
    ['get', '/decisions/:id/history', 'decision', undefined],
    ['patch', '/decisions/:id', 'decision', {}],
    ['post', '/decisions/:id/sign', 'decision', {}],
    ['post', '/actions/:id/done', 'action', {}],
  ] as const)('%s %s: another person’s record and an id the hub does not hold get the same refusal', async (method, path, kind, body) => {
    const held = ids[kind];
    const unknown = randomUUID();
    const a = await send(amhp, method, path.replace(':id', held), body);
    const b = await send(amhp, method, path.replace(':id', unknown), body);
    expect(a.status).toBeGreaterThanOrEqual(400);
    expect(shape(b, unknown)).toEqual(shape(a, held));
  });

  it('opening an assessment on another person’s referral and on a referral id the hub does not hold get the same refusal', async () => {
    const unknown = randomUUID();
    const a = await send(amhp, 'post', '/assessments', { referralId: ids.referral });
    const b = await send(amhp, 'post', '/assessments', { referralId: unknown });
    expect(a.status).toBe(403);
    expect(shape(b, unknown)).toEqual(shape(a, ids.referral));
  });

  it('the refusal of an id the hub does not hold offers break-glass on it as on any other, and is audited as a refusal', async () => {
    const unknown = randomUUID();
    const res = await send(amhp, 'get', `/referrals/${unknown}`).set('x-request-id', 'unknown-referral-1').expect(403);
    expect(res.body).toMatchObject({ code: 'no-relationship', breakGlass: { href: '/break-glass', method: 'POST', referralId: unknown } });
    expect(
      await t.sql(`SELECT action, outcome, resource_id FROM audit_events WHERE request_id = 'unknown-referral-1' AND actor_id = $1`, [
        amhp.id,
      ]),
    ).toEqual([{ action: 'access.denied', outcome: 'denied', resource_id: unknown }]);
  });

  it('a manager, who may see every record, is told that an id the hub does not hold does not exist (404)', async () => {
    for (const path of ['/referrals', '/assessments', '/decisions'])
      expect((await send(manager, 'get', `${path}/${randomUUID()}`).expect(404)).body.code).toBe('not-found');
    expect((await send(manager, 'post', `/actions/${randomUUID()}/done`, {}).expect(404)).body.code).toBe('not-found');
  });

  it('a stale If-Match on a referral she may not read is refused 403, never 412 naming its version', async () => {
    const res = await send(amhp, 'post', `/referrals/${ids.referral}/status`, { status: 'screening' }, { 'if-match': '"v999"' }).expect(
      403,
    );
    expect(res.body.code).toBe('no-relationship');
    expect(JSON.stringify(res.body)).not.toMatch(/currentETag|"v\d+"/);
  });

  it('editing a signed decision that is not hers is refused 403, not 409 saying that it was signed and when', async () => {
    const res = await send(amhp, 'patch', `/decisions/${ids.decision}`, {}).expect(403);
    expect(res.body.detail).toBe('Only the author may edit a draft decision.');
    expect(res.body).not.toHaveProperty('signedAt');
  });
});
