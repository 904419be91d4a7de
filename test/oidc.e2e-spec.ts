import { SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import type { Response } from 'supertest';
import { DIRECT_JWKS_PATH, DISCOVERED_JWKS_PATH, DISCOVERY_PATH, foreignKey, OidcProvider, SignOptions } from './support/oidc-provider';
import { createTestApp, TestApp, TEST_PASSWORD } from './support/test-app';
import { AppConfig } from '../src/config/app-config';

const AUDIENCE = 'amhp-hub';

function oidcEnv(idp: OidcProvider, extra: Record<string, string> = {}): Record<string, string> {
  return { AUTH_MODE: 'oidc', OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: AUDIENCE, ...extra };
}

/** Signs with the provider's key; times come from the app's (manual) clock, which verification also uses. */
function signer(t: () => TestApp, idp: () => OidcProvider) {
  return (claims: JWTPayload, opts: SignOptions = {}) => idp().sign(claims, { iat: Math.floor(t().clock.now().getTime() / 1000), ...opts });
}

function expectProblem(res: Response, status: number, code?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, ...(code ? { code } : {}) });
  expect(res.body).not.toHaveProperty('stack');
}

async function timed<T>(fn: () => PromiseLike<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

describe('OIDC: bearer tokens from the council identity provider, verified against its JWKS (AUTH_MODE=oidc)', () => {
  let idp: OidcProvider;
  let t: TestApp;
  const sign = signer(
    () => t,
    () => idp,
  );
  const me = (token: string) => t.http.get('/auth/me').set('authorization', `Bearer ${token}`);
  const usersWithSubject = (sub: string) =>
    t.sql<{ id: string; roles: string[]; email: string }>('SELECT id, roles, email FROM users WHERE external_subject = $1', [sub]);

  beforeAll(async () => {
    idp = await OidcProvider.start();
    t = await createTestApp({ env: oidcEnv(idp) });
  });
  afterAll(async () => {
    await t?.close();
    await idp?.stop();
  });

  it('accepts a valid token with roles [manager] at /auth/me via oidc, and creates the local user once (JIT), reusing it on the next request', async () => {
    const token = await sign({ roles: ['manager'], email: 'Jo.Manager@Council.example', name: 'Jo Manager' }, { sub: 'jit-subject' });
    const first = await me(token).expect(200);
    expect(first.body).toMatchObject({ email: 'jo.manager@council.example', displayName: 'Jo Manager', roles: ['manager'], via: 'oidc' });
    const rows = await usersWithSubject('jit-subject');
    expect(rows).toEqual([{ id: first.body.id, roles: ['manager'], email: 'jo.manager@council.example' }]);

    const second = await me(
      await sign({ roles: ['manager'], email: 'jo.manager@council.example', name: 'Jo Manager' }, { sub: 'jit-subject' }),
    ).expect(200);
    expect(second.body.id).toBe(first.body.id);
    expect(await usersWithSubject('jit-subject')).toHaveLength(1);
    // The creation is audited once; the second sign-in changes nothing and writes nothing.
    const audit = await t.sql(
      `SELECT action, details FROM audit_events WHERE resource_type = 'user' AND resource_id = $1 AND action LIKE 'user.%'`,
      [first.body.id],
    );
    expect(audit).toEqual([{ action: 'user.create', details: { roles: ['manager'], via: 'oidc' } }]);
  });

  it("refuses a first sign-in whose email is an account's, or reads as one (rn for m, a digit one for an l): 409 email-taken naming email, no account made, the other account not named", async () => {
    const held = await t.user(['amhp'], { email: 'morgan.lowe@council.example' });
    for (const [sub, email] of [
      ['look-alike-rn', 'rnorgan.lowe@council.example'],
      ['look-alike-one', 'morgan.1owe@council.example'],
      ['look-alike-same', 'Morgan.Lowe@Council.example'],
    ]) {
      const res = await me(await sign({ roles: ['manager'], email, name: 'Someone Else' }, { sub }));
      expectProblem(res, 409, 'email-taken');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'email' })]);
      expect(JSON.stringify(res.body)).not.toContain(held.id);
      expect(JSON.stringify(res.body)).not.toContain(held.email);
      expect(await usersWithSubject(sub)).toEqual([]);
    }
    // An address that reads as no account's makes its account as before.
    await me(await sign({ roles: ['manager'], email: 'morgan.lowe2@council.example' }, { sub: 'look-alike-other' })).expect(200);
  });

  it("refuses a first sign-in whose email reads as a registered doctor's but is not it: 409 email-look-alike naming email, no account made, the doctor not named; the very same address signs in", async () => {
    const manager = await sign({ roles: ['manager'], email: 'register.keeper@council.example' }, { sub: 'register-keeper' });
    const doctor = (
      await t.http
        .post('/doctors')
        .set('authorization', `Bearer ${manager}`)
        .send({ name: 'Dr Owain Marsh', gmcNumber: '7654321', email: 'owain.marsh@nhs.example' })
        .expect(201)
    ).body as { id: string; email: string };
    for (const [sub, email] of [
      ['doctor-alike-rn', 'owain.rnarsh@nhs.example'],
      ['doctor-alike-zero', 'Owain.Marsh@nhs.exarnple'],
    ]) {
      const res = await me(await sign({ roles: ['amhp'], email, name: 'Someone Else' }, { sub }));
      expectProblem(res, 409, 'email-look-alike');
      expect(res.body).toMatchObject({ errors: [expect.objectContaining({ field: 'email' })], lookAlikeDoctor: true });
      expect(JSON.stringify(res.body)).not.toContain(doctor.id);
      expect(JSON.stringify(res.body)).not.toContain(doctor.email);
      expect(await usersWithSubject(sub)).toEqual([]);
    }
    await me(await sign({ roles: ['amhp'], email: 'Owain.Marsh@nhs.example' }, { sub: 'doctor-same' })).expect(200);
  });

  it("finds the JWKS through the issuer's discovery document when OIDC_JWKS_URI is not set, and fetches it once", async () => {
    await me(await sign({ roles: ['amhp'] }, { sub: 'discovery-subject' })).expect(200);
    expect(idp.hitsOn(DISCOVERY_PATH)).toBe(1);
    expect(idp.hitsOn(DISCOVERED_JWKS_PATH)).toBe(1);
    expect(idp.hitsOn(DIRECT_JWKS_PATH)).toBe(0);
  });

  it('accepts the roles claim as a space-separated string', async () => {
    const res = await me(await sign({ roles: 'amhp auditor' }, { sub: 'string-roles-subject' })).expect(200);
    expect(res.body.roles).toEqual(['amhp', 'auditor']);
    expect(res.body.via).toBe('oidc');
  });

  it('reflects a change of roles in the next token, in the reply and in the stored user row', async () => {
    const before = await me(await sign({ roles: ['manager'] }, { sub: 'role-change-subject' })).expect(200);
    expect(before.body.roles).toEqual(['manager']);
    const after = await me(await sign({ roles: ['amhp', 'auditor'] }, { sub: 'role-change-subject' })).expect(200);
    expect(after.body).toMatchObject({ id: before.body.id, roles: ['amhp', 'auditor'] });
    expect(await usersWithSubject('role-change-subject')).toEqual([expect.objectContaining({ roles: ['amhp', 'auditor'] })]);
    const audit = await t.sql<{ action: string }>(
      `SELECT action FROM audit_events WHERE resource_id = $1 AND action LIKE 'user.%' ORDER BY id`,
      [before.body.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'user.update']);
  });

  it('ignores unknown role names in the claim and keeps the known ones', async () => {
    const res = await me(await sign({ roles: ['nurse', 'amhp', 'superuser'] }, { sub: 'mixed-roles-subject' })).expect(200);
    expect(res.body.roles).toEqual(['amhp']);
  });

  describe('refuses with 401 problem+json, and creates no user, a token', () => {
    const now = () => Math.floor(t.clock.now().getTime() / 1000);
    it.each<[string, () => Promise<string>]>([
      [
        'signed by a key that is not in the JWKS (unknown kid)',
        async () => sign({ roles: ['manager'] }, { sub: 'bad-1', key: await foreignKey(), kid: 'not-published' }),
      ],
      [
        'signed by a key that is not in the JWKS (kid of the real key)',
        async () => sign({ roles: ['manager'] }, { sub: 'bad-2', key: await foreignKey() }),
      ],
      ['for another audience', () => sign({ roles: ['manager'] }, { sub: 'bad-3', aud: 'some-other-api' })],
      ['from another issuer', () => sign({ roles: ['manager'] }, { sub: 'bad-4', iss: 'https://login.example.org/realms/amhp' })],
      ['that has expired', () => sign({ roles: ['manager'] }, { sub: 'bad-5', iat: now() - 3600, exp: now() - 60 })],
      [
        'with alg none',
        async () =>
          new UnsecuredJWT({ roles: ['manager'] })
            .setSubject('bad-6')
            .setIssuer(idp.issuer)
            .setAudience(AUDIENCE)
            .setIssuedAt(now())
            .setExpirationTime(now() + 600)
            .encode(),
      ],
      [
        "signed HS256 with the service's own local secret",
        async () => {
          const secret = t.app.get(AppConfig).jwtSecret;
          return new SignJWT({ roles: ['manager'] })
            .setProtectedHeader({ alg: 'HS256', kid: idp.kid })
            .setSubject('bad-7')
            .setIssuer(idp.issuer)
            .setAudience(AUDIENCE)
            .setIssuedAt(now())
            .setExpirationTime(now() + 600)
            .sign(secret);
        },
      ],
      [
        'with a tampered payload',
        async () => {
          const [h, , s] = (await sign({ roles: ['amhp'] }, { sub: 'bad-8' })).split('.');
          const forged = Buffer.from(
            JSON.stringify({ roles: ['admin'], sub: 'bad-8', iss: idp.issuer, aud: AUDIENCE, iat: now(), exp: now() + 600 }),
          ).toString('base64url');
          return `${h}.${forged}.${s}`;
        },
      ],
    ])('%s', async (_name, make) => {
      const token = await make();
      const res = await me(token);
      expectProblem(res, 401, 'unauthenticated');
      expect(res.headers['www-authenticate']).toBe('Bearer');
      const sub = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;
      expect(await usersWithSubject(sub)).toEqual([]);
    });

    it('that has expired, saying so in the detail', async () => {
      const res = await me(await sign({ roles: ['manager'] }, { sub: 'bad-9', iat: now() - 3600, exp: now() - 1 }));
      expectProblem(res, 401);
      expect(res.body.detail).toMatch(/expired/);
    });
  });

  it('answers 403 problem no-role when the token carries no amhp-hub role, and creates no user', async () => {
    expectProblem(await me(await sign({ roles: ['nurse'] }, { sub: 'no-role-1' })), 403, 'no-role');
    expectProblem(await me(await sign({ groups: ['manager'] }, { sub: 'no-role-2' })), 403, 'no-role');
    expectProblem(await me(await sign({ roles: [] }, { sub: 'no-role-3' })), 403, 'no-role');
    expect(await t.sql(`SELECT 1 FROM users WHERE external_subject LIKE 'no-role-%'`)).toEqual([]);
  });

  it('refuses local POST /auth/login with 409 problem local-login-disabled', async () => {
    const res = await t.http.post('/auth/login').send({ email: 'someone@council.example', password: TEST_PASSWORD });
    expectProblem(res, 409, 'local-login-disabled');
  });
});

describe('OIDC with OIDC_JWKS_URI and OIDC_ROLES_CLAIM set', () => {
  let idp: OidcProvider;
  let t: TestApp;
  const sign = signer(
    () => t,
    () => idp,
  );

  beforeAll(async () => {
    idp = await OidcProvider.start();
    // Discovery would advertise a JWKS with no usable answer: only the configured URI may be used.
    idp.behaviour.discovery = 'error-500';
    t = await createTestApp({ env: oidcEnv(idp, { OIDC_JWKS_URI: idp.directJwksUri, OIDC_ROLES_CLAIM: 'amhp_roles' }) });
  });
  afterAll(async () => {
    await t?.close();
    await idp?.stop();
  });

  it('uses OIDC_JWKS_URI directly, never fetching the discovery document', async () => {
    const res = await t.http
      .get('/auth/me')
      .set('authorization', `Bearer ${await sign({ amhp_roles: ['amhp'] }, { sub: 'direct-1' })}`)
      .expect(200);
    expect(res.body).toMatchObject({ roles: ['amhp'], via: 'oidc' });
    expect(idp.hitsOn(DIRECT_JWKS_PATH)).toBe(1);
    expect(idp.hitsOn(DISCOVERY_PATH)).toBe(0);
    expect(idp.hitsOn(DISCOVERED_JWKS_PATH)).toBe(0);
  });

  it('reads roles from the claim named by OIDC_ROLES_CLAIM, not from `roles`', async () => {
    const res = await t.http
      .get('/auth/me')
      .set('authorization', `Bearer ${await sign({ roles: ['admin'], amhp_roles: 'manager' }, { sub: 'direct-2' })}`)
      .expect(200);
    expect(res.body.roles).toEqual(['manager']);
    const none = await t.http.get('/auth/me').set('authorization', `Bearer ${await sign({ roles: ['admin'] }, { sub: 'direct-3' })}`);
    expectProblem(none, 403, 'no-role');
  });
});

describe('OIDC when the identity provider is down, failing or slow: 503, never 500 or a hang', () => {
  let idp: OidcProvider;
  let t: TestApp;
  const sign = signer(
    () => t,
    () => idp,
  );
  const me = async (sub: string) => t.http.get('/auth/me').set('authorization', `Bearer ${await sign({ roles: ['amhp'] }, { sub })}`);

  beforeEach(async () => {
    idp = await OidcProvider.start();
    t = await createTestApp({ env: oidcEnv(idp) });
  });
  afterEach(async () => {
    await t?.close();
    await idp?.stop();
  });

  it('answers 503 problem+json at once when the identity provider is unreachable, and 200 once it is back', async () => {
    await idp.stop();
    const { value: res, ms } = await timed(() => me('down-1'));
    expectProblem(res, 503, 'service-unavailable');
    expect(res.headers['retry-after']).toBeDefined();
    expect(ms).toBeLessThan(1000);
    await idp.listen(); // same port
    expect((await me('down-1')).status).toBe(200);
  });

  it('answers 503 when discovery answers but its jwks_uri drops the connection or fails with HTTP 500; 200 once the key set is back, without asking discovery again', async () => {
    idp.behaviour.jwks = 'drop';
    expectProblem(await me('jwks-1'), 503, 'service-unavailable');
    idp.behaviour.jwks = 'error-500';
    expectProblem(await me('jwks-1'), 503, 'service-unavailable');
    idp.behaviour.jwks = 'ok';
    idp.behaviour.discovery = 'error-500';
    expect((await me('jwks-1')).status).toBe(200); // discovery already succeeded; the key set is cached
  });

  it('answers 503 when discovery fails with HTTP 500, names no jwks_uri or drops the connection; 200 once it answers', async () => {
    idp.behaviour.discovery = 'error-500';
    expectProblem(await me('disc-1'), 503, 'service-unavailable');
    idp.behaviour.discovery = 'no-jwks-uri';
    expectProblem(await me('disc-1'), 503, 'service-unavailable');
    idp.behaviour.discovery = 'drop';
    expectProblem(await me('disc-1'), 503, 'service-unavailable');
    idp.behaviour.discovery = 'ok';
    expect((await me('disc-1')).status).toBe(200);
  });

  it('answers 503 within a few seconds, rather than hanging, when the identity provider does not answer', async () => {
    idp.behaviour.discovery = 'hang';
    const discovery = await timed(() => me('slow-1'));
    expectProblem(discovery.value, 503, 'service-unavailable');
    expect(discovery.ms).toBeLessThan(5000);

    idp.behaviour.discovery = 'ok';
    idp.behaviour.jwks = 'hang';
    const jwks = await timed(() => me('slow-1'));
    expectProblem(jwks.value, 503, 'service-unavailable');
    expect(jwks.ms).toBeLessThan(5000);

    idp.behaviour.jwks = 'ok';
    expect((await me('slow-1')).status).toBe(200);
  }, 20_000);
});
