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
    ['post', '/decisions/:id/amendments', 'decision', { reason: 'Corrected the time of the call', costPence: 100 }],
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

/**
 * Staff records that only their own people see (leave, supervision, a practitioner's record and what hangs off it, a
 * swap, a calendar feed, a break-glass session): to an AMHP an id the hub does not hold gets the same audited 403 as
 * a colleague's record (AccessService.refuseUnknown), so that ids cannot be probed; a manager, who sees them all, 404.
 */
describe("a colleague's staff record: the same answer whether it exists or not", () => {
  let t: TestApp;
  let amhp: TestUser;
  let manager: TestUser;
  const ids = {} as Record<'leave' | 'session' | 'action' | 'practitioner' | 'swap' | 'token' | 'breakGlass', string>;

  beforeAll(async () => {
    t = await createTestApp({ demo: { history: false }, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    // An AMHP with no practitioner record, leave, supervision or swap of her own: every demo staff record is a colleague's.
    amhp = await t.user(['amhp']);
    manager = await t.user(['manager']);
    const [p] = await t.sql<{ id: string; user_id: string }>('SELECT id, user_id FROM practitioners ORDER BY id LIMIT 1');
    ids.practitioner = p.id;
    const colleague = p.user_id;
    ids.leave = (
      await t.sql<{ id: string }>(
        `INSERT INTO leave_requests (practitioner_id, kind, starts_at, ends_at, status, requested_by)
         VALUES ($1, 'annual', '2027-01-04T09:00:00Z', '2027-01-05T09:00:00Z', 'requested', $2) RETURNING id`,
        [p.id, colleague],
      )
    )[0].id;
    ids.session = (
      await t.sql<{ id: string }>(
        `INSERT INTO supervision_sessions (supervisee_id, supervisor_user_id, held_on, type, duration_minutes, recorded_by)
         VALUES ($1, $2, '2026-11-01', 'professional', 60, $2) RETURNING id`,
        [p.id, manager.id],
      )
    )[0].id;
    ids.action = (
      await t.sql<{ id: string }>(
        `INSERT INTO supervision_actions (session_id, description, owner_user_id) VALUES ($1, 'Read the code of practice', $2) RETURNING id`,
        [ids.session, manager.id],
      )
    )[0].id;
    ids.swap = (
      await t.sql<{ id: string }>(
        `INSERT INTO swap_requests (shift_id, from_practitioner_id, status, created_by)
         SELECT id, $1, 'offered', $2 FROM shifts ORDER BY starts_at DESC LIMIT 1 RETURNING id`,
        [p.id, colleague],
      )
    )[0]?.id;
    ids.token = (
      await t.sql<{ id: string }>(
        `INSERT INTO calendar_tokens (user_id, scope, practitioner_id, token_hash) VALUES ($1, 'practitioner', $2, $3) RETURNING id`,
        [colleague, p.id, randomUUID()],
      )
    )[0].id;
    ids.breakGlass = (
      await t.sql<{ id: string }>(
        `INSERT INTO break_glass_sessions (user_id, person_id, reason, started_at, expires_at)
         SELECT $1, id, 'An emergency at night with no AMHP reachable', now(), now() + interval '30 minutes' FROM persons LIMIT 1 RETURNING id`,
        [manager.id],
      )
    )[0].id;
  });
  afterAll(() => t.close());

  const send = (u: TestUser, method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object): Test => {
    const req = t.http[method](path).set('authorization', u.auth);
    return body ? req.send(body) : req;
  };
  const shape = (res: { status: number; body: Record<string, unknown> }, id: string) => {
    const { requestId: _r, instance: _i, ...rest } = res.body;
    return { status: res.status, body: JSON.parse(JSON.stringify(rest).replaceAll(id, ':id')) as unknown };
  };

  const routes = [
    ['get', '/rota/leave/:id', 'leave', undefined],
    ['post', '/rota/leave/:id/cancel', 'leave', {}],
    ['get', '/supervision-sessions/:id', 'session', undefined],
    ['patch', '/supervision-sessions/:id', 'session', { durationMinutes: 45 }],
    ['post', '/supervision-sessions/:id/actions', 'session', { description: 'Shadow a colleague', ownerUserId: ':me' }],
    ['patch', '/supervision-actions/:id', 'action', { description: 'Reworded' }],
    ['get', '/practitioners/:id', 'practitioner', undefined],
    ['get', '/practitioners/:id/approvals', 'practitioner', undefined],
    ['get', '/practitioners/:id/training', 'practitioner', undefined],
    ['get', '/practitioners/:id/eligibility?from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z', 'practitioner', undefined],
    ['get', '/practitioners/:id/portfolio', 'practitioner', undefined],
    ['get', '/practitioners/:id/appraisals', 'practitioner', undefined],
    ['get', '/practitioners/:id/practice-audits', 'practitioner', undefined],
    ['get', '/rota/swaps/:id', 'swap', undefined],
    ['post', '/rota/swaps/:id/accept', 'swap', {}],
    ['post', '/rota/swaps/:id/cancel', 'swap', {}],
    ['delete', '/rota/calendar-tokens/:id', 'token', undefined],
    ['post', '/break-glass/:id/end', 'breakGlass', {}],
  ] as const;

  it.each(routes)(
    "%s %s: a colleague's record and an id the hub does not hold get the same audited 403",
    async (method, path, kind, body) => {
      const held = ids[kind];
      expect(held).toBeDefined();
      const unknown = randomUUID();
      const withMe = body && JSON.parse(JSON.stringify(body).replace(':me', amhp.id));
      const a = await send(amhp, method, path.replace(':id', held), withMe);
      const b = await send(amhp, method, path.replace(':id', unknown), withMe).set(
        'x-request-id',
        `unknown-${kind}-${method}-${path.length}`,
      );
      expect(a.status).toBe(403);
      expect(shape(b, unknown)).toEqual(shape(a, held));
      expect(
        await t.sql('SELECT action, outcome FROM audit_events WHERE request_id = $1 AND actor_id = $2 AND resource_id = $3', [
          `unknown-${kind}-${method}-${path.length}`,
          amhp.id,
          unknown,
        ]),
      ).toEqual([{ action: 'access.denied', outcome: 'denied' }]);
    },
  );

  it.each(routes.filter(([, path]) => !path.startsWith('/break-glass')))(
    '%s %s: a manager, who sees every such record, is told an unknown id does not exist (404)',
    async (method, path, _kind, body) => {
      const withMe = body && JSON.parse(JSON.stringify(body).replace(':me', manager.id));
      const res = await send(manager, method, path.replace(':id', randomUUID()), withMe);
      expect(res.status).toBe(404);
    },
  );
});
