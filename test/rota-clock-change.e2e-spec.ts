import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * A pattern whose times fall in the hour the spring clock change skips (Europe/London, Sun 28 Mar 2027: 01:00 GMT
 * becomes 02:00 BST) is valid, and generating the rota over that day gives what a rota manager expects: every other
 * shift as usual, that day's shift read an hour later or, when it would have no length, not made, each reported by
 * pattern and date (ROTA-CLOCK-CHANGE), never a refusal of the whole range.
 */
describe('rota generation across the spring clock change', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2027-02-01T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const post = (p: string, b: object) => t.http.post(p).set('authorization', manager.auth).send(b);
  const pattern = async (name: string, startTime: string, endTime: string, weekdays: number[]) =>
    (
      await post('/rota/patterns', {
        name,
        startTime,
        endTime,
        weekdays,
        requiredCount: 1,
        validFrom: '2027-03-01',
        validTo: '2027-04-30',
      }).expect(201)
    ).body as { id: string };

  it('generates two months with a pattern in the skipped hour: its shift that day is left out and named in a warning, every other shift is made', async () => {
    const gap = await pattern('DST probe', '01:30', '02:30', [7]);
    const early = await pattern('Early', '01:30', '05:00', [7]);
    const day = await pattern('Day', '09:00', '17:00', [1, 2, 3, 4, 5, 6, 7]);
    const res = await post('/rota/shifts/generate', { from: '2027-03-01', to: '2027-04-30' });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([
      expect.objectContaining({
        code: 'shift-skipped-clock-change',
        rule: 'ROTA-CLOCK-CHANGE',
        patternId: gap.id,
        patternName: 'DST probe',
        localDate: '2027-03-28',
      }),
      expect.objectContaining({
        code: 'shift-adjusted-clock-change',
        rule: 'ROTA-CLOCK-CHANGE',
        patternId: early.id,
        patternName: 'Early',
        localDate: '2027-03-28',
      }),
    ]);
    expect(res.body.warnings[0].message).toContain('"DST probe" shift on 2027-03-28');
    const count = async (id: string) =>
      (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM shifts WHERE pattern_id = $1', [id]))[0].n;
    expect(await count(day.id)).toBe(61);
    expect(await count(gap.id)).toBe(7); // 8 Sundays, less 28 March
    expect(await count(early.id)).toBe(8);
    expect(
      await t.sql(`SELECT starts_at AS "startsAt", ends_at AS "endsAt" FROM shifts WHERE pattern_id = $1 AND local_date = '2027-03-28'`, [
        early.id,
      ]),
    ).toEqual([{ startsAt: new Date('2027-03-28T01:30:00Z'), endsAt: new Date('2027-03-28T04:00:00Z') }]);
    // Again: nothing made twice, and the same warnings.
    const again = await post('/rota/shifts/generate', { from: '2027-03-01', to: '2027-04-30' }).expect(200);
    expect(again.body).toMatchObject({ created: 0, existing: 61 + 7 + 8 });
    expect(again.body.warnings).toHaveLength(2);
  });

  it("a pattern time in the hour the autumn change repeats is read as the first one and reported with the shift's real length", async () => {
    const relief = (
      await post('/rota/patterns', {
        name: 'Early relief',
        startTime: '01:30',
        endTime: '02:30',
        weekdays: [7],
        bankHolidays: 'any',
        requiredCount: 1,
        validFrom: '2027-10-24',
        validTo: '2027-11-07',
      }).expect(201)
    ).body as { id: string };
    const res = await post('/rota/shifts/generate', { from: '2027-10-24', to: '2027-11-07' }).expect(200);
    expect(res.body.warnings).toEqual([
      expect.objectContaining({
        code: 'shift-ambiguous-clock-change',
        rule: 'ROTA-CLOCK-CHANGE',
        severity: 'warning',
        patternId: relief.id,
        patternName: 'Early relief',
        localDate: '2027-10-31',
        message: expect.stringContaining('runs 01:30 (+01:00)-02:30 (+00:00) (2 h): the clocks go back'),
      }),
    ]);
    expect(
      await t.sql(
        `SELECT local_date::text AS d, starts_at AS "startsAt", ends_at AS "endsAt" FROM shifts WHERE pattern_id = $1 ORDER BY 1`,
        [relief.id],
      ),
    ).toEqual([
      { d: '2027-10-24', startsAt: new Date('2027-10-24T00:30:00Z'), endsAt: new Date('2027-10-24T01:30:00Z') },
      { d: '2027-10-31', startsAt: new Date('2027-10-31T00:30:00Z'), endsAt: new Date('2027-10-31T02:30:00Z') },
      { d: '2027-11-07', startsAt: new Date('2027-11-07T01:30:00Z'), endsAt: new Date('2027-11-07T02:30:00Z') },
    ]);
  });
});
