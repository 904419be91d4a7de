import { DataSource } from 'typeorm';
import { AccountCache } from '../src/auth/account-cache';
import { createFirstAdmin } from '../src/auth/first-admin';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from './support/test-app';

describe('users admin: mass assignment (R5), If-Match (R9), Idempotency-Key (R10)', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.user(['admin']);
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>, key?: string) => {
    const req = t.http.post('/users').set('authorization', admin.auth);
    if (key) req.set('idempotency-key', key);
    return req.send(body);
  };
  const countUsers = async (email: string) =>
    Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM users WHERE email = $1', [email]))[0].n);

  it('creates a user, lowercasing the email, with ETag and Location', async () => {
    const res = await create({
      email: ' Ada.Lovelace@Council.TEST ',
      displayName: 'Ada Lovelace',
      roles: ['amhp'],
      password: 'a-long-password-1',
    }).expect(201);
    expect(res.body).toMatchObject({ email: 'ada.lovelace@council.test', roles: ['amhp'], active: true, hasPassword: true, version: 1 });
    expect(res.body).not.toHaveProperty('passwordHash');
    expect(res.headers.etag).toBe('"v1"');
    expect(res.headers.location).toBe(`/users/${res.body.id}`);
  });

  it('refuses a duplicate email with 409 naming the existing user', async () => {
    const first = await create({ email: 'dup@council.test', displayName: 'Dup', roles: ['referrer'] }).expect(201);
    const res = await create({ email: 'DUP@council.test', displayName: 'Dup again', roles: ['referrer'] }).expect(409);
    expect(res.body).toMatchObject({ code: 'email-taken', existingId: first.body.id });
  });

  it('an email that would look like another account (invisible, bidi, decomposed, fullwidth or mixed-script characters) is 400 naming email, and no account is made', async () => {
    await create({ email: 'asha.patel@council.test', displayName: 'Asha Patel', roles: ['amhp'] }).expect(201);
    const lookalikes = [
      'asha.patel\u200b@council.test', // zero-width space
      'asha.patel\u00ad@council.test', // soft hyphen
      '\u202easha.patel@council.test', // right-to-left override
      'asha.pate\u0301l@council.test', // e + combining acute, not composed
      'asha.patel@council.test\u200b',
      '\u0430sha.patel@council.test', // Cyrillic а among Latin letters
      '\uff41sha.patel@council.test', // fullwidth a
      'asha\u2024patel@council.test', // one-dot leader for the full stop
      'asha.patel@c\u043euncil.test', // a domain that is not ASCII
    ];
    for (const email of lookalikes) {
      const res = await create({ email, displayName: 'Asha Patel', roles: ['manager'] });
      expect({ email, status: res.status, fields: (res.body.errors ?? []).map((e: { field: string }) => e.field) }).toEqual({
        email,
        status: 400,
        fields: ['email'],
      });
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect(await t.sql(`SELECT email FROM users WHERE display_name = 'Asha Patel'`)).toEqual([{ email: 'asha.patel@council.test' }]);
    // An address in one script, or an internationalised domain in its xn-- form, is an address like any other.
    await create({ email: 'анна@council.test', displayName: 'Анна', roles: ['amhp'] }).expect(201);
    await create({ email: 'josé@xn--bcher-kva.test', displayName: 'José', roles: ['amhp'] }).expect(201);
  });

  it('a zero-width variant raced against the plain address never makes a second account for one person', async () => {
    const variants = ['twin@council.test', 'TWIN@council.test', ' twin@council.test', 'twin\u200b@council.test', 'twin@council.test\u200b'];
    const answers = await Promise.all(variants.map((email) => create({ email, displayName: 'Twin', roles: ['amhp'] })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 400, 400, 409, 409]);
    expect(await t.sql(`SELECT email FROM users WHERE display_name = 'Twin'`)).toEqual([{ email: 'twin@council.test' }]);
  });

  it('an address that reads as one already held (letters of another script drawn the same, a digit one for an l) is 409 email-taken naming that account, and nothing is made', async () => {
    const osca = (await create({ email: 'osca@council.test', displayName: 'Osca Lane', roles: ['amhp'] }).expect(201)).body;
    const lily = (await create({ email: 'lily.hall@council.test', displayName: 'Lily Hall', roles: ['amhp'] }).expect(201)).body;
    for (const [email, existing] of [
      ['\u043e\u0455\u0441\u0430@council.test', osca], // Cyrillic о ѕ с а throughout: one script, passes as an address
      ['li1y.hall@council.test', lily],
    ] as const) {
      const res = await create({ email, displayName: 'Someone Else', roles: ['manager'] });
      expect({ email, status: res.status, code: res.body.code, existingId: res.body.existingId }).toEqual({
        email,
        status: 409,
        code: 'email-taken',
        existingId: existing.id,
      });
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect(await t.sql(`SELECT 1 FROM users WHERE display_name = 'Someone Else'`)).toEqual([]);
  });

  describe("an address that reads as a registered doctor's", () => {
    let gmc = 7_500_000;
    const registerDoctor = async (email: string) =>
      (
        await t.http
          .post('/doctors')
          .set('authorization', admin.auth)
          .send({ name: 'Dr Register', gmcNumber: String((gmc += 1)), email })
          .expect(201)
      ).body as { id: string; email: string };
    const expectDoctorLookAlike = (body: Record<string, unknown>, doctor: { id: string; email: string }) => {
      expect(body).toMatchObject({
        status: 409,
        code: 'email-look-alike',
        errors: [{ field: 'email', messages: ["email looks the same as a registered doctor's address"] }],
        lookAlikeDoctor: true,
      });
      expect(JSON.stringify(body)).not.toContain(doctor.id);
      expect(JSON.stringify(body)).not.toContain(doctor.email);
    };

    it("a new account whose email reads as a doctor's on the register but is not it (rn for m, a digit one for an l) is 409 email-look-alike naming email, not naming the doctor, and nothing is made", async () => {
      const doctor = await registerDoctor('morwen.hale@nhs.test');
      for (const email of ['rnorwen.hale@nhs.test', 'morwen.ha1e@nhs.test', 'RNORWEN.HALE@nhs.test']) {
        const res = await create({ email, displayName: 'Looks Like A Doctor', roles: ['amhp'] });
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expectDoctorLookAlike(res.body, doctor);
      }
      expect(await t.sql(`SELECT 1 FROM users WHERE display_name = 'Looks Like A Doctor'`)).toEqual([]);
    });

    it("the very same address as a doctor's (a doctor who also holds an account) makes the account, as a doctor's same address as an account's is kept", async () => {
      await registerDoctor('dual.role@nhs.test');
      const res = await create({ email: 'Dual.Role@nhs.test', displayName: 'Dual Role', roles: ['referrer'] }).expect(201);
      expect(res.body.email).toBe('dual.role@nhs.test');
    });

    it("npm run create-admin refuses an address that reads as a doctor's alike, and makes nothing", async () => {
      const doctor = await registerDoctor('ffion.lewis@nhs.test');
      const refused = (await t.app
        .get(DataSource)
        .transaction((m) => createFirstAdmin(m, { email: 'Ffion.1ewis@nhs.test', displayName: 'Doctor Alike Admin', passwordHash: 'x' }))
        .catch((err: unknown) => err)) as { status: number; code: string; extensions: Record<string, unknown> };
      expectDoctorLookAlike({ status: refused.status, code: refused.code, ...refused.extensions }, doctor);
      expect(await t.sql(`SELECT 1 FROM users WHERE display_name = 'Doctor Alike Admin'`)).toEqual([]);
    });

    it('a doctor and an account sent at once with addresses that read alike: one is kept and the other refused 409, never both', async () => {
      for (let i = 0; i < 3; i++) {
        const [doctor, account] = await Promise.all([
          t.http
            .post('/doctors')
            .set('authorization', admin.auth)
            .send({ name: 'Dr Race', gmcNumber: String((gmc += 1)), email: `race${i}.moss@nhs.test` }),
          create({ email: `race${i}.rnoss@nhs.test`, displayName: 'Race Account', roles: ['amhp'] }),
        ]);
        expect([doctor.status, account.status].sort()).toEqual([201, 409]);
        expect((doctor.status === 409 ? doctor : account).body.code).toBe('email-look-alike');
      }
    });
  });

  describe('npm run create-admin (createFirstAdmin, in its own transaction)', () => {
    const createAdmin = (email: string, displayName = 'First Admin') =>
      t.app.get(DataSource).transaction((m) => createFirstAdmin(m, { email, displayName, passwordHash: 'not-a-real-hash' }));

    it('refuses an address held by an account, or one that reads as it (rn for m, a digit one for an l), naming email, and makes nothing', async () => {
      const held = (await create({ email: 'morgan.lowe@council.test', displayName: 'Morgan Lowe', roles: ['amhp'] }).expect(201)).body;
      for (const email of [
        'morgan.lowe@council.test',
        ' Morgan.Lowe@Council.TEST',
        'rnorgan.lowe@council.test',
        'morgan.1owe@council.test',
      ]) {
        const refused = await createAdmin(email).catch((err: unknown) => err);
        expect({ email, refused }).toEqual({
          email,
          refused: expect.objectContaining({
            status: 409,
            code: 'email-taken',
            extensions: expect.objectContaining({ existingId: held.id }),
          }),
        });
      }
      expect(await t.sql(`SELECT 1 FROM users WHERE display_name = 'First Admin'`)).toEqual([]);
    });

    it('refuses, 400 naming email, an address POST /users refuses (invisible characters, mixed scripts, not an address)', async () => {
      for (const email of ['first.admin\u200b@council.test', '\u0430dmin@council.test', 'not-an-address']) {
        const refused = await createAdmin(email).catch((err: unknown) => err);
        expect({ email, refused }).toEqual({
          email,
          refused: expect.objectContaining({ status: 400, extensions: { errors: [expect.objectContaining({ field: 'email' })] } }),
        });
      }
      expect(await t.sql(`SELECT 1 FROM users WHERE display_name = 'First Admin'`)).toEqual([]);
    });

    it('makes an admin of a new address, in lower case, audited as made by create-admin', async () => {
      const made = await createAdmin(' First.Admin@Council.TEST ');
      expect(made.email).toBe('first.admin@council.test');
      expect(await t.sql(`SELECT email, roles FROM users WHERE id = $1`, [made.id])).toEqual([
        { email: 'first.admin@council.test', roles: ['admin'] },
      ]);
      expect(await t.sql(`SELECT details FROM audit_events WHERE action = 'user.create' AND resource_id = $1`, [made.id])).toEqual([
        { details: { roles: ['admin'], via: 'create-admin' } },
      ]);
    });
  });

  describe('accounts made before look-alike addresses were refused', () => {
    const login = (email: string) => t.http.post('/auth/login').send({ email, password: TEST_PASSWORD });
    const lookAlikes = async (who: TestUser) =>
      (await t.http.get('/users/look-alikes').set('authorization', who.auth).expect(200)).body.items as Array<{
        lookAlikeForm: string;
        signInRefused: boolean;
        accounts: Array<{ id: string; email: string; active: boolean; emailFault: string | null; roles: string[] }>;
      }>;

    it('are listed for an admin in groups, oldest first, with what is unusual about each address; signing in by any of them is refused until the admin disables the others', async () => {
      // As they were stored before: written straight to the table, as the old create did.
      const lena = await t.user(['amhp'], { email: 'lena.ward@council.test', displayName: 'Lena Ward' });
      const zeroWidth = await t.user(['manager'], { email: 'lena.ward\u200b@council.test', displayName: 'Lena Ward' });
      const cyrillic = await t.user(['manager'], { email: 'l\u0435na.ward@council.test', displayName: 'Lena Ward' });
      const other = await t.user(['amhp'], { email: 'lena.warden@council.test', displayName: 'Lena Warden' });
      // Signing in is throttled per address: Lena's plain one is tried once while ambiguous.
      for (const u of [lena, cyrillic]) {
        const refused = await login(u.email);
        expect(refused.status).toBe(401);
        expect(refused.headers['content-type']).toMatch(/problem\+json/);
      }
      const [audit] = await t.sql<{ details: Record<string, unknown> }>(
        `SELECT details FROM audit_events WHERE action = 'auth.login' AND resource_id = $1 AND outcome = 'failure'`,
        [lena.id],
      );
      expect(audit.details).toEqual({ reason: 'look-alike-email', lookAlikeUserIds: [zeroWidth.id, cyrillic.id] });
      await login(other.email).expect(200);

      const groups = (await lookAlikes(admin)).filter((g) => g.accounts.some((a) => a.id === lena.id || a.id === other.id));
      expect(groups).toEqual([
        {
          lookAlikeForm: 'lena.ward@council.test',
          signInRefused: true,
          accounts: [
            expect.objectContaining({ id: lena.id, email: 'lena.ward@council.test', roles: ['amhp'], active: true, emailFault: null }),
            expect.objectContaining({ id: zeroWidth.id, active: true, emailFault: expect.stringMatching(/invisible/) }),
            expect.objectContaining({ id: cyrillic.id, active: true, emailFault: expect.stringMatching(/scripts/) }),
          ],
        },
      ]);
      const [read] = await t.sql<{ actor_id: string; details: { userIds: string[] } }>(
        `SELECT actor_id, details FROM audit_events WHERE action = 'user.look-alikes.read' ORDER BY id DESC LIMIT 1`,
      );
      expect(read.actor_id).toBe(admin.id);
      expect(read.details.userIds).toEqual(expect.arrayContaining([lena.id, zeroWidth.id, cyrillic.id]));

      // The admin disables the two that should not be there: Lena signs in again, and the group stays listed.
      for (const u of [zeroWidth, cyrillic])
        await t.http.patch(`/users/${u.id}`).set('authorization', admin.auth).send({ active: false }).expect(200);
      await login(lena.email).expect(200);
      expect((await lookAlikes(admin)).find((g) => g.lookAlikeForm === 'lena.ward@council.test')).toMatchObject({ signInRefused: false });
    });

    it('are not listed to anyone but an admin', async () => {
      const manager = await t.user(['manager']);
      const res = await t.http.get('/users/look-alikes').set('authorization', manager.auth).expect(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });
  });

  describe('R5: unknown or forbidden fields are refused and nothing changes', () => {
    it.each([
      ['passwordHash', { passwordHash: 'scrypt$1$1$1$x$y' }],
      ['version', { version: 99 }],
      ['id', { id: '00000000-0000-4000-8000-000000000000' }],
      ['externalSubject', { externalSubject: 'evil' }],
      ['a nested object', { displayName: { $ne: null } }],
    ])('PATCH with %s → 400, user unchanged', async (_name, body) => {
      const u = (await create({ email: `r5-${Math.random()}@council.test`, displayName: 'R5', roles: ['amhp'] }).expect(201)).body;
      const res = await t.http
        .patch(`/users/${u.id}`)
        .set('authorization', admin.auth)
        .send({ roles: ['admin'], ...body })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.length).toBeGreaterThan(0);
      const [row] = await t.sql('SELECT roles, version, password_hash, external_subject FROM users WHERE id = $1', [u.id]);
      expect(row).toEqual({ roles: ['amhp'], version: 1, password_hash: null, external_subject: null });
    });

    it('POST with an unknown field creates nothing', async () => {
      await create({ email: 'sneaky@council.test', displayName: 'Sneaky', roles: ['amhp'], active: false, isAdmin: true }).expect(400);
      expect(await countUsers('sneaky@council.test')).toBe(0);
    });

    it.each([
      [{ email: 'not-an-email', displayName: 'X', roles: ['amhp'] }, 'email'],
      [{ email: 'x@council.test', displayName: '', roles: ['amhp'] }, 'displayName'],
      [{ email: 'x@council.test', displayName: 'X', roles: [] }, 'roles'],
      [{ email: 'x@council.test', displayName: 'X', roles: ['superuser'] }, 'roles'],
      [{ email: 'x@council.test', displayName: 'X', roles: ['amhp'], password: 'short' }, 'password'],
    ])('%j → 400 naming %s', async (body, field) => {
      const res = await create(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('R9: concurrent edits never lose an update', () => {
    it('a stale If-Match is 412 and names the current ETag', async () => {
      const u = (await create({ email: 'etag@council.test', displayName: 'E', roles: ['amhp'] }).expect(201)).body;
      await t.http.patch(`/users/${u.id}`).set('authorization', admin.auth).set('if-match', '"v1"').send({ displayName: 'E2' }).expect(200);
      const stale = await t.http
        .patch(`/users/${u.id}`)
        .set('authorization', admin.auth)
        .set('if-match', '"v1"')
        .send({ displayName: 'E3' })
        .expect(412);
      expect(stale.body).toMatchObject({ code: 'precondition-failed', currentETag: '"v2"' });
      expect((await t.http.get(`/users/${u.id}`).set('authorization', admin.auth).expect(200)).body.displayName).toBe('E2');
    });

    it('of 20 concurrent edits with the same If-Match, exactly one wins; the rest get 412', async () => {
      const u = (await create({ email: 'race@council.test', displayName: 'R', roles: ['amhp'] }).expect(201)).body;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.http
            .patch(`/users/${u.id}`)
            .set('authorization', admin.auth)
            .set('if-match', '"v1"')
            .send({ displayName: `R${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(19);
      const winner = results.find((r) => r.status === 200)!.body.displayName;
      const [row] = await t.sql('SELECT display_name, version FROM users WHERE id = $1', [u.id]);
      expect(row).toEqual({ display_name: winner, version: 2 });
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'user.update' AND resource_id = $1`, [u.id])).toHaveLength(1);
    });

    it('without If-Match, 20 concurrent edits all apply in turn (none refused): version counts every one', async () => {
      const u = (await create({ email: 'serial@council.test', displayName: 'S', roles: ['amhp'] }).expect(201)).body;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.http
            .patch(`/users/${u.id}`)
            .set('authorization', admin.auth)
            .send(i % 2 ? { displayName: `S${i}` } : { phone: `+44 7700 9000${String(i).padStart(2, '0')}` }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      const applied = results.length;
      const [row] = await t.sql<{ version: number }>('SELECT version FROM users WHERE id = $1', [u.id]);
      expect(row.version).toBe(1 + applied);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'user.update' AND resource_id = $1`, [u.id])).toHaveLength(applied);
    });
  });

  describe('R10: Idempotency-Key', () => {
    it('the same POST sent three times with one key creates one user and replays the first response', async () => {
      const body = { email: 'once@council.test', displayName: 'Once', roles: ['amhp'] };
      const first = await create(body, 'key-once-1').expect(201);
      const second = await create(body, 'key-once-1').expect(201);
      const third = await create(body, 'key-once-1').expect(201);
      expect(second.body).toEqual(first.body);
      expect(third.body).toEqual(first.body);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.headers.location).toBe(first.headers.location);
      expect(await countUsers('once@council.test')).toBe(1);
    });

    it('the same body with its keys in another order is the same request', async () => {
      const first = await create({ email: 'order@council.test', displayName: 'Order', roles: ['amhp'] }, 'key-order-1').expect(201);
      const again = await create({ roles: ['amhp'], displayName: 'Order', email: 'order@council.test' }, 'key-order-1').expect(201);
      expect(again.body.id).toBe(first.body.id);
    });

    it('the same key with another body is 422 and creates nothing', async () => {
      await create({ email: 'k2@council.test', displayName: 'K2', roles: ['amhp'] }, 'key-reuse-1').expect(201);
      const res = await create({ email: 'k3@council.test', displayName: 'K3', roles: ['amhp'] }, 'key-reuse-1').expect(422);
      expect(res.body.code).toBe('idempotency-key-reused');
      expect(await countUsers('k3@council.test')).toBe(0);
    });

    it('concurrent duplicates create one record: the others get the replay or 409, never a second user', async () => {
      const body = { email: 'burst@council.test', displayName: 'Burst', roles: ['amhp'] };
      const results = await Promise.all(Array.from({ length: 8 }, () => create(body, 'key-burst-1')));
      const statuses = results.map((r) => r.status);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      expect(statuses).toContain(201);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('idempotency-in-progress');
      expect(await countUsers('burst@council.test')).toBe(1);
    });

    it('a failed request stores nothing under its key, so a corrected retry can use it', async () => {
      await create({ email: 'bad', displayName: 'B', roles: ['amhp'] }, 'key-fix-1').expect(400);
      await create({ email: 'fixed@council.test', displayName: 'B', roles: ['amhp'] }, 'key-fix-1').expect(201);
    });

    it('keys are per user: another admin may use the same key', async () => {
      const other = await t.user(['admin']);
      await create({ email: 'mine@council.test', displayName: 'M', roles: ['amhp'] }, 'shared-key').expect(201);
      await t.http
        .post('/users')
        .set('authorization', other.auth)
        .set('idempotency-key', 'shared-key')
        .send({ email: 'theirs@council.test', displayName: 'T', roles: ['amhp'] })
        .expect(201);
    });

    it('a malformed key is 400', async () => {
      await create({ email: 'x1@council.test', displayName: 'X', roles: ['amhp'] }, 'has spaces in it').expect(400);
    });
  });

  it('lists users by email with filters and cursor pagination', async () => {
    const page1 = await t.http.get('/users?role=amhp&limit=3').set('authorization', admin.auth).expect(200);
    expect(page1.body.items).toHaveLength(3);
    const page2 = await t.http.get(`/users?role=amhp&limit=3&cursor=${page1.body.nextCursor}`).set('authorization', admin.auth).expect(200);
    const emails = [...page1.body.items, ...page2.body.items].map((u: { email: string }) => u.email);
    expect(emails).toEqual([...emails].sort());
    expect(new Set(emails).size).toBe(emails.length);
    const found = await t.http.get('/users?q=ada').set('authorization', admin.auth).expect(200);
    expect(found.body.items.map((u: { email: string }) => u.email)).toEqual(['ada.lovelace@council.test']);
  });

  it('disabling a user revokes their sessions', async () => {
    const u = (
      await create({ email: 'leaver@council.test', displayName: 'Leaver', roles: ['amhp'], password: 'a-long-password-2' }).expect(201)
    ).body;
    const pair = (await t.http.post('/auth/login').send({ email: 'leaver@council.test', password: 'a-long-password-2' }).expect(200)).body;
    await t.http.patch(`/users/${u.id}`).set('authorization', admin.auth).send({ active: false }).expect(200);
    await t.http.get('/auth/me').set('authorization', `Bearer ${pair.accessToken}`).expect(401);
    await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
  });

  describe('a password made only of spaces or invisible characters is refused on every route that sets one', () => {
    const blanks: Array<[string, string]> = [
      ['twelve spaces', ' '.repeat(12)],
      ['twelve tabs', '\t'.repeat(12)],
      ['twelve no-break spaces', '\u00a0'.repeat(12)],
      ['twelve zero-width spaces', '\u200b'.repeat(12)],
    ];
    const fieldsOf = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);
    const hashOf = async (id: string) => (await t.sql<{ h: string }>('SELECT password_hash AS h FROM users WHERE id = $1', [id]))[0].h;

    it.each(blanks)('POST /users with %s: 400 naming password, no account', async (name, password) => {
      const email = `blank-${name.replace(/ /g, '-')}@council.test`;
      const res = await create({ email, displayName: 'Blank Password', roles: ['amhp'], password }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['password']);
      expect(res.body.errors[0].messages[0]).toMatch(/must not be blank/);
      expect(await countUsers(email)).toBe(0);
    });

    it.each(blanks)('an admin reset to %s: 400 naming password, the password unchanged', async (_name, password) => {
      const u = await t.user(['amhp']);
      const before = await hashOf(u.id);
      const res = await t.http.post(`/users/${u.id}/password`).set('authorization', admin.auth).send({ password }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['password']);
      expect(await hashOf(u.id)).toBe(before);
    });

    it.each(blanks)('changing your own password to %s: 400 naming newPassword, the password unchanged', async (_name, newPassword) => {
      const u = await t.user(['amhp']);
      const before = await hashOf(u.id);
      const res = await t.http
        .post('/auth/me/password')
        .set('authorization', u.auth)
        .send({ currentPassword: TEST_PASSWORD, newPassword })
        .expect(400);
      expect(fieldsOf(res.body)).toEqual(['newPassword']);
      expect(await hashOf(u.id)).toBe(before);
    });

    it('a real password is kept exactly as typed, its spaces included', async () => {
      const password = '  a passphrase with spaces  ';
      await create({ email: 'spaced@council.test', displayName: 'Spaced', roles: ['amhp'], password }).expect(201);
      await t.http.post('/auth/login').send({ email: 'spaced@council.test', password }).expect(200);
      await t.http.post('/auth/login').send({ email: 'spaced@council.test', password: password.trim() }).expect(401);
    });
  });

  // Last in the file: it leaves `admin` as the hub's only active admin.
  describe('the hub always keeps an active admin (409 last-admin)', () => {
    const activeAdmins = async () =>
      (await t.sql<{ id: string }>(`SELECT id FROM users WHERE active AND 'admin' = ANY(roles) ORDER BY id`)).map((r) => r.id);
    beforeAll(async () => {
      await t.sql(`UPDATE users SET active = false WHERE 'admin' = ANY(roles) AND id <> $1`, [admin.id]);
    });

    it.each([
      ['taking away their own admin role', { roles: ['auditor'] }],
      ['disabling their own account', { active: false }],
    ])('the only active admin %s: 409 last-admin, nothing changed', async (_name, change) => {
      const row = () => t.sql('SELECT roles, active, version FROM users WHERE id = $1', [admin.id]);
      const before = await row();
      const res = await t.http.patch(`/users/${admin.id}`).set('authorization', admin.auth).send(change).expect(409);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.code).toBe('last-admin');
      expect(await row()).toEqual(before);
      expect(await activeAdmins()).toEqual([admin.id]);
    });

    it('a change that keeps the admin role (another role added, then taken away) is made', async () => {
      await t.http
        .patch(`/users/${admin.id}`)
        .set('authorization', admin.auth)
        .send({ roles: ['admin', 'auditor'] })
        .expect(200);
      await t.http
        .patch(`/users/${admin.id}`)
        .set('authorization', admin.auth)
        .send({ roles: ['admin'] })
        .expect(200);
    });

    it('two admins taking the role from each other at the same moment: one succeeds, the other is 409; one admin remains', async () => {
      const second = await t.user(['admin']);
      const demote = (by: TestUser, whom: TestUser) =>
        t.http
          .patch(`/users/${whom.id}`)
          .set('authorization', by.auth)
          .send({ roles: ['auditor'] });
      const res = await Promise.all([demote(admin, second), demote(second, admin)]);
      // The loser is refused: 409 last-admin when both were admins as they asked; 403 when the winner's change was
      // already made as the loser's request arrived (it is no longer an admin's request). Never both made.
      const [won, lost] = [...res].sort((a, b) => a.status - b.status);
      expect(won.status).toBe(200);
      expect([409, 403]).toContain(lost.status);
      if (lost.status === 409) expect(lost.body.code).toBe('last-admin');
      const left = await activeAdmins();
      expect(left).toHaveLength(1);
      // Put things back for whoever comes next: `admin` the one admin again, `second` not (both accounts read afresh).
      if (left[0] !== admin.id) {
        await t.sql(`UPDATE users SET roles = '{admin}' WHERE id = $1`, [admin.id]);
        await t.sql(`UPDATE users SET roles = '{auditor}' WHERE id = $1`, [second.id]);
        t.app.get(AccountCache).forget(admin.id);
        t.app.get(AccountCache).forget(second.id);
      }
      expect(await activeAdmins()).toEqual([admin.id]);
    });

    it('another admin may be demoted or disabled while one active admin remains', async () => {
      const second = await t.user(['admin']);
      await t.http.patch(`/users/${second.id}`).set('authorization', admin.auth).send({ active: false }).expect(200);
      const third = await t.user(['admin']);
      await t.http
        .patch(`/users/${third.id}`)
        .set('authorization', admin.auth)
        .send({ roles: ['auditor'] })
        .expect(200);
      expect(await activeAdmins()).toEqual([admin.id]);
    });
  });
});
