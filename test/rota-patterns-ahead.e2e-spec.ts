import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * ROTA-WORKED for the shape of the rota: a shift pattern, or a change to one, takes effect from the hub's today
 * (Europe/London) at the earliest, and the rota is generated from today on, never a shift already over.
 */
describe('rota: patterns and generation take effect from today on', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    // 10:00 on Saturday 21 November 2026 in London (GMT).
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object) => t.http.patch(p).set('authorization', u.auth).send(b),
  });
  const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);
  const count = async (table: 'shift_patterns' | 'shifts') => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const pattern = (over: object) => ({
    name: 'Day',
    startTime: '09:00',
    endTime: '17:00',
    // Mondays: none falls in the days these patterns run, but where a test says otherwise.
    weekdays: [1],
    requiredCount: 1,
    ...over,
  });
  /** Runs `fn` with the test clock at `iso` and a manager signed in then (a token lasts a day), then puts it back. */
  const at = async <T>(iso: string, fn: (then: TestUser) => Promise<T>): Promise<T> => {
    const by = Date.parse(iso) - t.clock.now().getTime();
    t.clock.advance(by);
    try {
      return await fn(await t.user(['manager']));
    } finally {
      t.clock.advance(-by);
    }
  };

  it('a pattern valid from a day gone is refused (422 pattern-in-past naming validFrom) and nothing is stored; from today it is added', async () => {
    const before = await count('shift_patterns');
    for (const validFrom of ['2026-11-20', '2026-01-01', '2025-11-21']) {
      const res = await as(manager).post('/rota/patterns', pattern({ validFrom }));
      expect({ validFrom, status: res.status, code: res.body.code, fields: fields(res.body) }).toEqual({
        validFrom,
        status: 422,
        code: 'pattern-in-past',
        fields: ['validFrom'],
      });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await count('shift_patterns')).toBe(before);
    const added = await as(manager).post('/rota/patterns', pattern({ name: 'From today', validFrom: '2026-11-21', validTo: '2026-11-21' }));
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ validFrom: '2026-11-21' });
  });

  it("today is the hub's day in London: at 00:30 BST on 1 July, a pattern valid from 30 June (still the date in UTC) is refused", async () => {
    await at('2027-06-30T23:30:00Z', async (then) => {
      const res = await as(then).post('/rota/patterns', pattern({ validFrom: '2027-06-30', validTo: '2027-07-01' }));
      expect({ status: res.status, code: res.body.code, fields: fields(res.body) }).toEqual({
        status: 422,
        code: 'pattern-in-past',
        fields: ['validFrom'],
      });
      await as(then)
        .post('/rota/patterns', pattern({ name: 'From 1 July', validFrom: '2027-07-01', validTo: '2027-07-01' }))
        .expect(201);
    });
  });

  it('a pattern cannot be ended before today (422 naming validTo), nor one already ended extended over the days since; ending it today is accepted', async () => {
    // Added on 1 November, valid from then.
    const p = await at(
      '2026-11-01T10:00:00Z',
      async (then) =>
        (
          await as(then)
            .post('/rota/patterns', pattern({ name: 'Running', validFrom: '2026-11-01' }))
            .expect(201)
        ).body,
    );
    for (const validTo of ['2026-11-20', '2026-11-01']) {
      const res = await as(manager).patch(`/rota/patterns/${p.id}`, { validTo });
      expect({ validTo, status: res.status, code: res.body.code, fields: fields(res.body) }).toEqual({
        validTo,
        status: 422,
        code: 'pattern-in-past',
        fields: ['validTo'],
      });
    }
    const ended = await as(manager).patch(`/rota/patterns/${p.id}`, { validTo: '2026-11-21' }).expect(200);
    expect(ended.body).toMatchObject({ validTo: '2026-11-21', version: p.version + 1 });

    // A week later the pattern has ended: it cannot run again over the week worked without it.
    await at('2026-11-28T10:00:00Z', async (then) => {
      const res = await as(then).patch(`/rota/patterns/${p.id}`, { validTo: '2026-12-31' });
      expect({ status: res.status, code: res.body.code, fields: fields(res.body) }).toEqual({
        status: 422,
        code: 'pattern-in-past',
        fields: ['validTo'],
      });
      // Its name or staffing may still change: they reach only shifts generated from now on, and it generates none.
      await as(then).patch(`/rota/patterns/${p.id}`, { name: 'Running (ended)' }).expect(200);
    });
    expect((await as(manager).get('/rota/patterns').expect(200)).body.items.find((x: { id: string }) => x.id === p.id)).toMatchObject({
      validTo: '2026-11-21',
      name: 'Running (ended)',
    });
  });

  it('the rota is not generated for days gone (422 naming from, nothing created); today, a shift already over is not created, one under way is', async () => {
    await as(manager)
      .post(
        '/rota/patterns',
        pattern({ name: 'Early', startTime: '06:00', endTime: '09:30', weekdays: [6, 7], validFrom: '2026-11-21', validTo: '2026-11-22' }),
      )
      .expect(201);
    await as(manager)
      .post(
        '/rota/patterns',
        pattern({ name: 'Late', startTime: '09:30', endTime: '17:00', weekdays: [6, 7], validFrom: '2026-11-21', validTo: '2026-11-22' }),
      )
      .expect(201);
    const before = await count('shifts');
    const past = await as(manager).post('/rota/shifts/generate', { from: '2026-11-20', to: '2026-11-22' });
    expect({ status: past.status, code: past.body.code, fields: fields(past.body) }).toEqual({
      status: 422,
      code: 'rota-in-past',
      fields: ['from'],
    });
    expect(await count('shifts')).toBe(before);

    const res = await as(manager).post('/rota/shifts/generate', { from: '2026-11-21', to: '2026-11-22' }).expect(200);
    const shifts = (await as(manager).get('/rota/shifts?from=2026-11-21T00:00:00Z&to=2026-11-23T00:00:00Z').expect(200)).body.items.map(
      (s: { label: string; localDate: string }) => [s.localDate, s.label],
    );
    // 06:00-09:30 today was over at 10:00; 09:30-17:00 is under way; tomorrow's both.
    expect(shifts).toEqual([
      ['2026-11-21', 'Late'],
      ['2026-11-22', 'Early'],
      ['2026-11-22', 'Late'],
    ]);
    expect(res.body).toMatchObject({ created: 3, existing: 0 });
  });
});
