import { DEMO_HISTORY } from '../src/seed/demo-history';
import { PopulationsService } from '../src/reports/populations.service';
import { parseCsv } from './support/csv';
import { createTestApp, TestApp, TestUser } from './support/test-app';

type Figure = { section: string; group: string; measure: string; unit: string; value: unknown; records?: string };

describe('reports: equity, repeat assessments and out of area on a known month', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  let admin: TestUser;
  let amhp: TestUser;
  const NOW = '2026-12-20T09:00:00Z';
  /** A complete year in broad groups (every age band and sex of each): `people` in each line, 0 where not given. */
  const populationYear = (year: number, people: Record<string, number>) =>
    ['0-15', '16-17', '18-34', '35-49', '50-64', '65+'].flatMap((band) =>
      ['female', 'male'].flatMap((sex) =>
        ['white', 'mixed', 'asian', 'black', 'other'].map((g) => `${year},${band},${sex},${g},${people[`${band},${sex},${g}`] ?? 0}`),
      ),
    );
  const HEADER = 'year,ageBand,sex,ethnicGroup,population';
  // 100,000 White and 20,000 Black residents aged 18-34, half of each female; nobody else.
  const POPULATION = [
    HEADER,
    ...populationYear(2024, {
      '18-34,female,white': 50000,
      '18-34,male,white': 50000,
      '18-34,female,black': 10000,
      '18-34,male,black': 10000,
    }),
  ].join('\r\n');

  const get = (u: TestUser, path: string) => t.http.get(path).set('authorization', u.auth);
  const put = (u: TestUser, body: string) =>
    t.http.put('/reports/populations').set('authorization', u.auth).set('content-type', 'text/csv').send(body);
  const value = (figures: Figure[], key: string) => {
    const f = figures.find((x) => `${x.section}.${x.group}.${x.measure}` === key);
    if (!f) throw new Error(`no figure ${key}`);
    return f.value;
  };
  const values = (figures: Figure[], keys: string[]) => Object.fromEntries(keys.map((k) => [k, value(figures, k)]));

  let n = 0;
  async function person(ethnic: string | null, sex = 'female', dob = '1996-05-01') {
    n += 1;
    const [p] = await t.sql<{ id: string }>(
      `INSERT INTO persons (given_name, family_name, ethnic_category, sex, date_of_birth, created_by) VALUES ('Sam', $1, $2, $3, $4, $5) RETURNING id`,
      [`Equity${n}`, ethnic, sex, dob, manager.id],
    );
    return p.id;
  }
  async function referral(
    personId: string,
    receivedAt: string,
    more: { kind?: string; status?: string; otherAuthority?: string; transferredTo?: string } = {},
  ) {
    n += 1;
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO referrals (reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context, other_authority, transferred_to, created_by)
       VALUES ($1, $2, $3, 'gp', 'urgent', $4, '{"name":"Dr Referrer"}', 'Fixture referral', '{"toSelf":false,"toOthers":false,"fromOthers":false}', $5, $6, $7, $8)
       RETURNING id`,
      [
        `R-EQ-${n}`,
        personId,
        more.status ?? 'received',
        receivedAt,
        more.kind === 's136' ? { kind: 's136', locationType: 'public-place' } : { kind: more.kind ?? 'informal' },
        more.otherAuthority ?? null,
        more.transferredTo ?? null,
        manager.id,
      ],
    );
    return r.id;
  }
  async function assessment(
    personId: string,
    referralId: string,
    openedAt: string,
    decided?: { at: string; kind: string; section?: string },
  ) {
    await t.sql(
      `INSERT INTO assessments (referral_id, person_id, status, lead_amhp_user_id, outcome_kind, section, decided_at, opened_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $4)`,
      [
        referralId,
        personId,
        decided ? 'decided' : 'open',
        amhp.id,
        decided?.kind ?? null,
        decided?.section ?? null,
        decided?.at ?? null,
        openedAt,
      ],
    );
  }
  /** A person assessed and detained in November under `section`. */
  async function detained(ethnic: string, section: string, day: number) {
    const p = await person(ethnic, day % 2 ? 'female' : 'male');
    const at = `2026-11-${String(day).padStart(2, '0')}T10:00:00Z`;
    await assessment(p, await referral(p, at), at, {
      at: `2026-11-${String(day).padStart(2, '0')}T16:00:00Z`,
      kind: 'application',
      section,
    });
  }

  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    [manager, auditor, admin, amhp] = await Promise.all([t.user(['manager']), t.user(['auditor']), t.user(['admin']), t.user(['amhp'])]);
    // Ten White people detained under s.2, eight Black people under s.3, all in November 2026.
    for (let i = 1; i <= 10; i++) await detained(i % 2 ? 'A' : 'C', 's2', i);
    for (let i = 1; i <= 8; i++) await detained(i % 2 ? 'N' : 'M', 's3', 10 + i);
    // Z: assessed, not detained on 5 November, referred again on 20 November (within 28 days).
    const z = await person('Z');
    await assessment(z, await referral(z, '2026-11-05T09:00:00Z'), '2026-11-05T09:00:00Z', {
      at: '2026-11-05T12:00:00Z',
      kind: 'not-detained',
    });
    await referral(z, '2026-11-20T09:00:00Z');
    // R: no ethnicity recorded, 15 years old; assessed in March and again in November: a repeat.
    const r = await person(null, 'male', '2011-01-01');
    await assessment(r, await referral(r, '2026-03-10T09:00:00Z'), '2026-03-10T09:00:00Z');
    await assessment(r, await referral(r, '2026-11-10T09:00:00Z'), '2026-11-10T09:00:00Z');
    // A s.136 detention of a person whose ethnicity is not known.
    await referral(await person('99'), '2026-11-12T02:00:00Z', { kind: 's136' });
    // Out of area: a Southvale resident assessed here; an Eastshire resident transferred; our resident transferred.
    const s = await person('B');
    await assessment(s, await referral(s, '2026-11-14T09:00:00Z', { otherAuthority: 'Southvale Council' }), '2026-11-14T10:00:00Z');
    await referral(await person('A'), '2026-11-15T09:00:00Z', {
      otherAuthority: 'Eastshire <Council>',
      status: 'transferred',
      transferredTo: 'Eastshire <Council>',
    });
    await referral(await person('A'), '2026-11-16T09:00:00Z', { status: 'transferred', transferredTo: 'Westborough Council' });
  });
  afterAll(() => t?.close());

  it('without a population loaded the equity report gives counts only, and says why', async () => {
    const res = await get(manager, '/reports/equity?period=2026-11').expect(200);
    const figures = res.body.figures as Figure[];
    expect(figures.some((f) => f.unit === 'rate' || f.unit === 'ratio')).toBe(false);
    expect(value(figures, 'detentions-by-broad-ethnic-group.black.count')).toBe(8);
    expect(res.body.definitions.join(' ')).toContain('No population is loaded');
    expect((await get(manager, '/reports/populations').expect(200)).body).toEqual([]);
  });

  it('a population file with a bad line is refused naming the line and column, and nothing is stored', async () => {
    const res = await put(manager, `${POPULATION}\r\n2024,18-34,female,black,many\r\n2024,12-14,male,A,5`).expect(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain('line 62, population');
    expect(res.body.errors).toEqual([
      { line: 62, column: 'population', message: 'must be a whole number of 0 or more' },
      { line: 63, column: 'ageBand', message: expect.stringContaining('must be one of') },
    ]);
    await put(manager, 'year,ageBand\n2024,18-34').expect(422);
    expect((await get(manager, '/reports/populations').expect(200)).body).toEqual([]);
  });

  it('only managers and admins load the population, and a refused load stores nothing; AMHPs see no equity report', async () => {
    const before = (await get(manager, '/reports/populations').expect(200)).body;
    await put(amhp, POPULATION).expect(403);
    await put(auditor, POPULATION).expect(403);
    expect((await get(manager, '/reports/populations').expect(200)).body).toEqual(before);
    await get(amhp, '/reports/equity?period=2026-11').expect(403);
    await get(amhp, '/reports/repeat-assessments?period=2026-11').expect(403);
    await get(amhp, '/reports/out-of-area?period=2026-11').expect(403);
    await get(amhp, '/reports/populations').expect(403);
  });

  it('a manager loads the population, replacing the year, audited; the list shows what is loaded', async () => {
    await put(admin, POPULATION.replace('50000', '1')).expect(200);
    const res = await put(manager, POPULATION).expect(200);
    expect(res.body).toEqual([expect.objectContaining({ year: 2024, level: 'broad', lines: 60, total: 120000, loadedBy: manager.id })]);
    expect((await get(auditor, '/reports/populations').expect(200)).body).toEqual(res.body);
    const audit = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'report.populations.load' AND actor_id = $1`,
      [manager.id],
    );
    expect(audit[0].n).toBe(1);
  });

  it('a year that is not complete, counts nobody or more people than any estimate is refused naming it, and the loaded year stays in use', async () => {
    const before = (await get(manager, '/reports/populations').expect(200)).body;
    for (const [lines, column, message] of [
      [['2025,65+,female,white,3'], 'year', /^2025 is not complete: it has 1 of the 60 lines/],
      [populationYear(2025, {}), 'population', /^2025 counts nobody/],
      [populationYear(2025, { '18-34,female,white': 999999999, '18-34,male,white': 999999999 }), 'population', /more than the 70,000,000/],
    ] as const) {
      const res = await put(manager, [HEADER, ...lines].join('\r\n')).expect(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([{ line: 2, column, message: expect.stringMatching(message) }]);
    }
    expect((await get(manager, '/reports/populations').expect(200)).body).toEqual(before);
    const res = await get(manager, '/reports/equity?period=2026-Q3').expect(200);
    expect(res.body.definitions.join(' ')).toContain('ONS mid-year estimates for 2024');
  });

  it('rates per 100,000 with 95% intervals and the ratio to the White rate, worked by hand', async () => {
    const res = await get(manager, '/reports/equity?period=2026-11').expect(200);
    const f = res.body.figures as Figure[];
    const d = 'detentions-by-broad-ethnic-group';
    // White: 10 in 100,000 = 10.0 (exact Poisson 4.8-18.4). Black: 8 in 20,000 = 40.0 (17.3-78.8).
    // Ratio 40/10 = 4.00, exp(ln 4 ± 1.96·√(1/8 + 1/10)) = 1.58-10.13.
    expect(
      values(f, [
        `${d}.white.count`,
        `${d}.white.rate`,
        `${d}.white.rate-lower`,
        `${d}.white.rate-upper`,
        `${d}.black.count`,
        `${d}.black.rate`,
        `${d}.black.rate-lower`,
        `${d}.black.rate-upper`,
        `${d}.black.ratio`,
        `${d}.black.ratio-lower`,
        `${d}.black.ratio-upper`,
        `${d}.all.rate`,
      ]),
    ).toEqual({
      [`${d}.white.count`]: 10,
      [`${d}.white.rate`]: 10,
      [`${d}.white.rate-lower`]: 4.8,
      [`${d}.white.rate-upper`]: 18.4,
      [`${d}.black.count`]: 8,
      [`${d}.black.rate`]: 40,
      [`${d}.black.rate-lower`]: 17.3,
      [`${d}.black.rate-upper`]: 78.8,
      [`${d}.black.ratio`]: 4,
      [`${d}.black.ratio-lower`]: 1.58,
      [`${d}.black.ratio-upper`]: 10.13,
      [`${d}.all.rate`]: 15, // 18 in 120,000
    });
    // No ratio for White itself, no rate for a group without an estimate, no detailed rate from broad groups.
    expect(f.find((x) => x.section === d && x.group === 'white' && x.measure === 'ratio')).toBeUndefined();
    expect(f.find((x) => x.section === d && x.group === 'not-known' && x.measure === 'rate')).toBeUndefined();
    expect(f.find((x) => x.section === 'detentions-by-ethnic-category' && x.measure === 'rate')).toBeUndefined();
    expect(value(f, 'detentions-by-ethnic-category.N.count')).toBe(4);
    expect(value(f, 'detentions-s3-by-broad-ethnic-group.black.count')).toBe(8);
    expect(value(f, 'detentions-s2-by-broad-ethnic-group.black.count')).toBe(0);
    // Ages: everyone 30 except R, 15 on the day; sexes as recorded.
    expect(value(f, 'repeat-assessments-by-age-band.0-15.count')).toBe(1);
    expect(value(f, 'detentions-by-sex.female.count')).toBe(9);
    expect(value(f, 'detentions-by-age-band.18-34.rate')).toBe(15);
    expect(value(f, 's136-by-broad-ethnic-group.not-known.count')).toBe(1);
    // 21 assessments arranged in November: Z not stated, R not known.
    expect(
      values(f, [
        'ethnicity-recorded.assessments.records',
        'ethnicity-recorded.assessments.not-stated',
        'ethnicity-recorded.assessments.not-known',
      ]),
    ).toEqual({
      'ethnicity-recorded.assessments.records': 21,
      'ethnicity-recorded.assessments.not-stated': 0.048,
      'ethnicity-recorded.assessments.not-known': 0.048,
    });
    expect(res.body.definitions.join(' ')).toContain('ONS mid-year estimates for 2024');
    // The drill-down lists the eight Black people detained.
    const link = f.find((x) => x.section === d && x.group === 'black' && x.measure === 'ratio')!.records!;
    expect((await get(manager, link).expect(200)).body.items).toHaveLength(8);
  });

  it('an auditor sees rates and ratios computed from the rounded counts, and [c] where a count is hidden', async () => {
    const f = (await get(auditor, '/reports/equity?period=2026-11').expect(200)).body.figures as Figure[];
    const d = 'detentions-by-broad-ethnic-group';
    // Black 8 → 10, White 10 → 10: ratio 5.00 (2.08-12.01); the records links are absent.
    expect(
      values(f, [`${d}.black.count`, `${d}.black.rate`, `${d}.black.ratio`, `${d}.black.ratio-lower`, `${d}.black.ratio-upper`]),
    ).toEqual({
      [`${d}.black.count`]: 10,
      [`${d}.black.rate`]: 50,
      [`${d}.black.ratio`]: 5,
      [`${d}.black.ratio-lower`]: 2.08,
      [`${d}.black.ratio-upper`]: 12.01,
    });
    expect(value(f, 's136-by-broad-ethnic-group.not-known.count')).toBe('[c]');
    expect(value(f, 'repeat-assessments-by-broad-ethnic-group.all.rate')).toBe('[c]');
    expect(f.some((x) => x.records)).toBe(false);
  });

  it('the equity report as CSV parses back, and as HTML draws the rates with their intervals', async () => {
    const csv = await get(manager, '/reports/equity?period=2026-11&format=csv').expect(200);
    const rows = parseCsv(csv.text);
    const row = rows.find((r) => r[2] === 'detentions-by-broad-ethnic-group' && r[4] === 'black' && r[6] === 'ratio')!;
    expect([row[8], row[9]]).toEqual(['ratio', '4']);
    const html = await get(manager, '/reports/equity?period=2026-11&format=html').expect(200);
    expect(html.text).toContain('Detentions (s.2, s.3, s.4) by broad ethnic group: rate per 100,000 with 95% confidence interval');
    expect(html.text).toContain('40 (17.3-78.8)');
    expect(html.text).toMatch(/<line x1="\d+" y1="\d+" x2="\d+"/);
    const pdf = await get(manager, '/reports/equity?period=2026-11&format=pdf')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('repeat assessments: 2 or more in 12 months, and re-referral within 28 days of "not detained"', async () => {
    const f = (await get(manager, '/reports/repeat-assessments?period=2026-11').expect(200)).body.figures as Figure[];
    expect(
      values(f, [
        'people.all.people',
        'people.all.people-2-plus',
        'assessments-in-12-months.2.people',
        're-referral.within-28-days.not-detained',
        're-referral.within-28-days.re-referred',
        're-referral.within-28-days.share',
        're-referral.within-90-days.not-detained',
      ]),
    ).toEqual({
      'people.all.people': 21,
      'people.all.people-2-plus': 1,
      'assessments-in-12-months.2.people': 1,
      're-referral.within-28-days.not-detained': 1,
      're-referral.within-28-days.re-referred': 1,
      're-referral.within-28-days.share': 1,
      // Decided on 5 November: its 90 days have not passed on 20 December, so it is not counted yet.
      're-referral.within-90-days.not-detained': 0,
    });
  });

  it("out of area: other areas' residents assessed here or transferred, our residents transferred; names escaped in HTML", async () => {
    const res = await get(manager, '/reports/out-of-area?period=2026-11').expect(200);
    const f = res.body.figures as Figure[];
    expect(
      values(f, [
        'other-areas-residents.Southvale Council.assessed-here',
        'other-areas-residents.Eastshire <Council>.transferred',
        'other-areas-residents.total.referrals',
        'our-residents-elsewhere.Westborough Council.referrals',
        'our-residents-elsewhere.total.referrals',
      ]),
    ).toEqual({
      'other-areas-residents.Southvale Council.assessed-here': 1,
      'other-areas-residents.Eastshire <Council>.transferred': 1,
      'other-areas-residents.total.referrals': 2,
      'our-residents-elsewhere.Westborough Council.referrals': 1,
      'our-residents-elsewhere.total.referrals': 1,
    });
    const html = await get(manager, '/reports/out-of-area?period=2026-11&format=html').expect(200);
    expect(html.text).toContain('Eastshire &lt;Council&gt;');
    expect(html.text).not.toContain('Eastshire <Council>');
    expect(html.text).toContain('<svg');
  });

  it("the demo catchment's population ships with the repository and loads: the history's 25,000 people by ethnic category", async () => {
    const [loaded] = await t.app
      .get(PopulationsService)
      .loadDemo({ userId: admin.id, email: 'admin@example.test', displayName: 'Admin', roles: ['admin'], via: 'local' });
    expect(loaded).toMatchObject({ year: 2024, level: 'detailed', lines: 6 * 2 * 16 });
    expect(loaded.total).toBe(DEMO_HISTORY.population);
    const f = (await get(manager, '/reports/equity?period=2026-11').expect(200)).body.figures as Figure[];
    expect(typeof value(f, 'detentions-by-ethnic-category.N.rate')).toBe('number');
  });
});
