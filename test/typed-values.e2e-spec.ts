import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Values that have the right shape but not the right kind: a cursor edited by hand, a year 0000 or a far year, a NUL
 * or a control character in a text parameter, a number written in hex, an empty If-Match, a name of invisible
 * characters. Each is a 4xx naming the field, never a database error mapped to a nameless 400, and never a value kept.
 */
describe('typed values: cursors, dates, text and numbers that are not what they look like', () => {
  let t: TestApp;
  let staff: TestUser;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    // Every role at once, so each list answers and only its parameters are judged.
    staff = await t.user(['manager', 'amhp', 'admin', 'auditor']);
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const get = (u: TestUser, p: string) => t.http.get(p).set('authorization', u.auth);
  const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const gpReferral = {
    person: { givenName: 'Ada', familyName: 'Visible', dateOfBirth: '1980-01-01' },
    source: 'gp',
    referrer: { name: 'Dr Ward', organisation: 'Northshire Surgery' },
    reason: 'Deteriorating',
    risks: { toSelf: false, toOthers: false, fromOthers: false },
    urgency: 'routine',
    legalContext: { kind: 'informal' },
  };

  /** Every list the API serves (GET, no path parameter) that pages with a cursor, from its own contract. */
  async function cursorLists(): Promise<string[]> {
    const doc = (await t.http.get('/openapi.json').expect(200)).body as {
      paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string }> } }>;
    };
    return Object.entries(doc.paths)
      .filter(([path, item]) => !path.includes('{') && item.get?.parameters?.some((p) => p.in === 'query' && p.name === 'cursor'))
      .map(([path]) => path);
  }

  it('a cursor edited by hand (the right shape, the wrong kinds of value) is 400 naming cursor on every list', async () => {
    const lists: string[] = [];
    // Lists that need a parameter of their own (a search's name or NHS number) are asked with it.
    const needs: Record<string, string> = { '/people': 'familyName=Any&dateOfBirth=1980-01-01' };
    for (const path of await cursorLists()) lists.push(needs[path] ? `${path}?${needs[path]}&` : `${path}?`);
    expect(lists.length).toBeGreaterThanOrEqual(15);
    const tampered = [
      b64(['2026-13-45', 'not-uuid']),
      b64(['0000-01-01T00:00:00Z', '00000000-0000-0000-0000-000000000000x']),
      b64([1, 2]),
      b64(['x\u0000']),
    ];
    for (const path of lists)
      for (const cursor of tampered) {
        const res = await get(staff, `${path}cursor=${cursor}`);
        if (res.status === 403) continue; // a list no role of this user may read is refused before its parameters
        expect({ path, cursor, status: res.status }).toEqual({ path, cursor, status: 400 });
        expect({ path, fields: fields(res.body) }).toEqual({ path, fields: ['cursor'] });
      }
  });

  it('a cursor whose values are of the right kind but beyond what its list holds is 400 naming cursor, not a database error', async () => {
    for (const [path, cursor] of [
      ['/audit-events', b64(['9999999999999999999'])], // a row id beyond what a bigint holds (2^63 - 1)
      ['/audit-events', b64(['9223372036854775808'])],
      ['/doctors', b64([7, 'Name', '00000000-0000-0000-0000-000000000000'])], // a rank no list of doctors gives
    ]) {
      const res = await get(staff, `${path}?cursor=${cursor}`);
      expect({ path, cursor, status: res.status, fields: fields(res.body) }).toEqual({ path, cursor, status: 400, fields: ['cursor'] });
    }
    await get(staff, `/audit-events?cursor=${b64(['9223372036854775807'])}`).expect(200);
  });

  it('a cursor the API gave still pages (the kinds it checks are the kinds it writes)', async () => {
    for (let i = 0; i < 3; i++)
      await t.http
        .post('/referrals')
        .set('authorization', manager.auth)
        .send({ ...gpReferral, person: { ...gpReferral.person, familyName: `Turner${i}` } })
        .expect(201);
    await amhp(t);
    await amhp(t);
    for (const path of ['/referrals', '/audit-events', '/users', '/practitioners']) {
      const first = await get(staff, `${path}?limit=1`);
      expect({ path, status: first.status }).toEqual({ path, status: 200 });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      await get(staff, `${path}?limit=1&cursor=${first.body.nextCursor}`).expect(200);
    }
  });

  it('a year 0000 date, a NUL or a control character in a query is 400 naming the parameter', async () => {
    for (const [path, field] of [
      ['/doctors?approvedOn=0000-01-01', 'approvedOn'],
      ['/supervision-sessions?from=0000-01-01', 'from'],
      ['/audit-events?action=%00x', 'action'],
      ['/audit-events?resourceId=a%07b', 'resourceId'],
      ['/practitioners?team=%00x', 'team'],
      ['/doctors?organisation=%1Bx', 'organisation'],
      ['/reports/activity?period=2026-11&team=%00', 'team'],
      ['/reports/returns/dols?period=2026-11&team=%00', 'team'],
    ]) {
      const res = await get(staff, path);
      expect({ path, status: res.status, fields: fields(res.body) }).toEqual({ path, status: 400, fields: [field] });
    }
    const handover = await get(staff, '/handovers/0000-01-01');
    expect({ status: handover.status, fields: fields(handover.body) }).toEqual({ status: 400, fields: ['date'] });
  });

  it('a rota date outside the years a rota covers (2000-2100) is refused naming it: a bank holiday in year 1 could never be listed', async () => {
    for (const date of ['0001-01-01', '1999-12-25', '9999-12-31']) {
      const res = await t.http.put(`/rota/bank-holidays/${date}`).set('authorization', manager.auth).send({ name: 'Far away day' });
      expect({ date, status: res.status, fields: fields(res.body) }).toEqual({ date, status: 400, fields: ['date'] });
    }
    const pattern = {
      name: 'Day',
      startTime: '09:00',
      endTime: '17:00',
      weekdays: [1, 2, 3, 4, 5],
      bankHolidays: 'exclude',
      requiredCount: 1,
    };
    for (const [dates, status, field] of [
      [{ validFrom: '0001-01-01' }, 400, 'validFrom'],
      [{ validFrom: '1950-01-01' }, 422, 'validFrom'],
      [{ validFrom: '2027-01-01', validTo: '9999-12-31' }, 400, 'validTo'],
      [{ validFrom: '2027-01-01', validTo: '2150-12-31' }, 422, 'validTo'],
    ] as const) {
      const res = await t.http
        .post('/rota/patterns')
        .set('authorization', manager.auth)
        .send({ ...pattern, ...dates });
      expect({ dates, status: res.status, fields: fields(res.body) }).toEqual({ dates, status, fields: [field] });
    }
    await t.http
      .post('/rota/patterns')
      .set('authorization', manager.auth)
      .send({ ...pattern, validFrom: '2027-01-01' })
      .expect(201);
  });

  it('limit is a number as people write one: 0x3, 1e2, +5 and 05 are 400 naming limit', async () => {
    for (const limit of ['0x3', '1e2', '+5', '05', '3.0', ' 3'])
      for (const path of ['/referrals', '/audit-events', '/users']) {
        const res = await get(staff, `${path}?limit=${encodeURIComponent(limit)}`);
        expect({ path, limit, status: res.status, fields: fields(res.body) }).toEqual({ path, limit, status: 400, fields: ['limit'] });
      }
    await get(staff, '/referrals?limit=3').expect(200);
  });

  it('an eligibility period of impossible dates is 400 naming the field, not an answer for the days they roll over to', async () => {
    const worker = await amhp(t);
    for (const [from, to, field] of [
      ['2026-02-29T00:00:00Z', '2026-12-31T00:00:00Z', 'from'],
      ['2026-06-01T00:00:00Z', '2026-06-31T00:00:00Z', 'to'],
      ['2026-01-01T24:00:00Z', '2026-02-01T00:00:00Z', 'from'],
      ['2026-13-01T00:00:00Z', '2026-12-01T00:00:00Z', 'from'],
    ]) {
      for (const path of [`/practitioners/${worker.practitionerId}/eligibility`, '/practitioners/eligibility']) {
        const res = await get(manager, `${path}?from=${from}&to=${to}`);
        expect({ path, from, to, status: res.status, fields: fields(res.body) }).toEqual({ path, from, to, status: 400, fields: [field] });
      }
    }
    const backwards = await get(manager, `/practitioners/eligibility?from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z`).expect(422);
    expect(fields(backwards.body)).toEqual(['to']);
  });

  it('an empty If-Match is 400 naming it, and changes nothing', async () => {
    const doctor = (
      await t.http.post('/doctors').set('authorization', manager.auth).send({ name: 'Dr Empty Match', gmcNumber: '7100001' }).expect(201)
    ).body;
    const res = await t.http
      .patch(`/doctors/${doctor.id}`)
      .set('authorization', manager.auth)
      .set('if-match', '')
      .send({ organisation: 'Changed' });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['If-Match']);
    expect((await get(manager, `/doctors/${doctor.id}`).expect(200)).body.version).toBe(doctor.version);
  });

  it('a referral received in year 1 (400), or months back (422), or with a detention begun then, is refused naming the time and keeps nothing', async () => {
    const before = await t.sql('SELECT count(*)::int AS n FROM referrals');
    const body = (over: object) => ({
      person: { givenName: 'Year', familyName: 'One', dateOfBirth: '1980-01-01' },
      source: 'police-s136',
      referrer: { name: 'PC Ward', organisation: 'Northshire Police' },
      reason: 'Detained in the street',
      risks: { toSelf: true, toOthers: false, fromOthers: false },
      urgency: 'emergency',
      legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: '2026-11-21T11:00:00Z' },
      ...over,
    });
    const early = await t.http
      .post('/referrals')
      .set('authorization', manager.auth)
      .send(body({ receivedAt: '0001-01-01T00:00:00Z' }));
    expect({ status: early.status, fields: fields(early.body) }).toEqual({ status: 400, fields: ['receivedAt'] });
    // A real date, but two months back: a referral is typed up within a month of coming in.
    const late = await t.http
      .post('/referrals')
      .set('authorization', manager.auth)
      .send(body({ receivedAt: '2026-09-01T00:00:00Z' }));
    expect({ status: late.status, fields: fields(late.body) }).toEqual({ status: 422, fields: ['receivedAt'] });
    for (const [arrivedAt, status] of [
      ['0001-01-01T00:00:00Z', 400],
      ['2026-08-01T00:00:00Z', 422],
    ] as const) {
      const arrived = await t.http
        .post('/referrals')
        .set('authorization', manager.auth)
        .send(body({ legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt } }));
      expect({ arrivedAt, status: arrived.status, fields: fields(arrived.body) }).toEqual({
        arrivedAt,
        status,
        fields: ['legalContext.arrivedAt'],
      });
    }
    expect(await t.sql('SELECT count(*)::int AS n FROM referrals')).toEqual(before);
  });

  it('a name of invisible characters is refused like a blank one, and a control character in any text is 400 naming it', async () => {
    const base = gpReferral;
    const zeroWidth = await t.http
      .post('/referrals')
      .set('authorization', manager.auth)
      .send({ ...base, person: { ...base.person, familyName: '\u200b\u200b' } });
    expect(zeroWidth.status).toBe(400);
    expect(fields(zeroWidth.body)).toEqual(['person.familyName']);
    const bell = await t.http
      .post('/referrals')
      .set('authorization', manager.auth)
      .send({ ...base, reason: 'abc\u0007\u001bdef' });
    expect(bell.status).toBe(400);
    expect(fields(bell.body)).toEqual(['reason']);
    // A text field of spaces alone says nothing: refused, whichever field it is.
    for (const [over, field] of [
      [{ referrer: { ...base.referrer, organisation: '   ' } }, 'referrer.organisation'],
      [{ location: '\t\n' }, 'location'],
      [{ otherAuthority: '\u00a0' }, 'otherAuthority'],
    ] as const) {
      const blank = await t.http
        .post('/referrals')
        .set('authorization', manager.auth)
        .send({ ...base, ...over });
      expect({ field, status: blank.status, fields: fields(blank.body) }).toEqual({ field, status: 400, fields: [field] });
    }
    // Lines and tabs are text.
    await t.http
      .post('/referrals')
      .set('authorization', manager.auth)
      .send({ ...base, reason: 'First line\nSecond line\twith a tab' })
      .expect(201);
  });
});
