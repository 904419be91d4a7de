import { DEMO_HISTORY } from '../src/seed/demo-history';
import { DEMO_PASSWORD, DemoSeed } from '../src/seed/demo-seed';
import { createTestApp, TestApp } from './support/test-app';

type Figure = { section: string; group: string; measure: string; value: number | null };

/** A year of the demo catchment's history (the demo seeds two years; the same code, for the same 25,000 people). */
const HISTORY = { years: 1, population: DEMO_HISTORY.population, seed: 7 };

describe('demo seed with its history (every report has data on first start)', () => {
  let t: TestApp;
  let manager: string;
  let counts: DemoSeed['historyCounts'];
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z' });
    await t.app.get(DemoSeed).seedIfEmpty({ history: HISTORY });
    counts = t.app.get(DemoSeed).historyCounts;
    const login = async (email: string) =>
      `Bearer ${(await t.http.post('/auth/login').send({ email, password: DEMO_PASSWORD }).expect(200)).body.accessToken}`;
    manager = await login('manager@demo.amhp-hub.local');
  }, 300_000);
  afterAll(() => t.close());

  const figures = async (path: string): Promise<Figure[]> =>
    (await t.http.get(path).set('authorization', manager).expect(200)).body.figures;

  it('makes about 200 assessments per 100,000 people a year, some screened out, outcomes of every kind and nightly decisions', () => {
    expect(counts).toBeDefined();
    const c = counts!;
    // About 200 per 100,000 a year: about 50 for 25,000 people.
    expect(c.assessments).toBeGreaterThan(35);
    expect(c.assessments).toBeLessThan(65);
    expect(c.screenedOut).toBeGreaterThan(0);
    expect(c.applications).toBeGreaterThan(0);
    expect(c.notDetained).toBeGreaterThan(c.applications / 2);
    expect(c.decisions).toBeGreaterThan(0);
  });

  it('shows last financial year in the activity report: referrals, assessments, outcomes and a detention rate', async () => {
    const f = await figures('/reports/activity?period=FY2025');
    const nonZero = f.filter((x) => typeof x.value === 'number' && x.value > 0);
    expect(nonZero.length).toBeGreaterThan(10);
    expect(f.find((x) => x.measure === 'detention-rate' && x.group === 'total')?.value).toBeGreaterThan(0);
  });

  it('gives timeliness and places-of-safety figures over the year, s.136 detentions among them', async () => {
    const year = 'from=2025-11-18&to=2026-11-17';
    const timeliness = await figures(`/reports/timeliness?${year}`);
    expect(timeliness.filter((x) => typeof x.value === 'number' && x.value > 0).length).toBeGreaterThan(5);
    const pos = await figures(`/reports/places-of-safety?${year}`);
    expect(pos.filter((x) => typeof x.value === 'number' && x.value > 0).length).toBeGreaterThan(3);
  });

  it('gives the equity report England’s rates on the population the demo loads: about 95 detentions per 100,000 a year, twice that assessed', async () => {
    const rates = await figures(`/reports/equity?from=2025-11-18&to=2026-11-17`);
    const rate = (event: string) =>
      rates.find((x) => x.section === `${event}-by-broad-ethnic-group` && x.group === 'all' && x.measure === 'rate')?.value;
    const [population] = (await t.http.get('/reports/populations').set('authorization', manager).expect(200)).body;
    expect(population.total).toBe(HISTORY.population);
    const detentions = rate('detentions')!;
    const assessments = rate('assessments')!;
    expect(detentions).toBeGreaterThanOrEqual(70);
    expect(detentions).toBeLessThanOrEqual(125);
    expect(assessments / detentions).toBeGreaterThan(1.6);
    expect(assessments / detentions).toBeLessThan(2.8);
  });

  it('leaves only this week’s referrals open: the history is closed', async () => {
    const queue = (await t.http.get('/referrals').set('authorization', manager).expect(200)).body.items;
    expect(queue).toHaveLength(4);
  });

  it('this morning’s handover shows last night’s work: the history’s follow-up actions were done the morning after, only this week’s are open', async () => {
    const handover = (await t.http.get('/handovers/2026-11-21').set('authorization', manager).expect(200)).body;
    const actions = handover.items.filter((i: { itemType: string }) => i.itemType === 'action');
    expect(actions.length).toBeGreaterThan(0);
    // Every open action is due today or was due by yesterday at the latest: none left over from months ago.
    for (const a of actions) expect(a.summary.dueAt >= '2026-11-20T00:00:00Z').toBe(true);
    expect(actions.filter((a: { summary: { overdue: boolean } }) => a.summary.overdue)).toEqual([]);
    // The history's actions, each done by the day team 10 to 15 hours after its decision, after it was made.
    const history = await t.sql<{ open: number; done: number; early: number; late: number }>(
      `SELECT count(*) FILTER (WHERE a.done_at IS NULL)::int AS open, count(*) FILTER (WHERE a.done_at IS NOT NULL)::int AS done,
              count(*) FILTER (WHERE a.done_at < d.signed_at + interval '10 hours')::int AS early,
              count(*) FILTER (WHERE a.done_at > d.signed_at + interval '15 hours')::int AS late
         FROM follow_up_actions a JOIN decisions d ON d.id = a.source_id
        WHERE a.source_type = 'decision' AND d.occurred_at < '2026-11-19T00:00:00Z'`,
    );
    expect(history[0]).toEqual({ open: 0, done: counts!.decisions, early: 0, late: 0 });
  });

  it('is the same history on every fresh start (a seeded PRNG and the clock)', async () => {
    const rows = await t.sql(
      `SELECT count(*)::int AS n, min(received_at) AS first FROM referrals WHERE received_at < '2026-11-18T00:00:00Z'`,
    );
    expect(rows[0].n).toBe(counts!.referrals);
  });

  it('audits everything it created, and the chain verifies', async () => {
    const auditor = `Bearer ${(await t.http.post('/auth/login').send({ email: 'auditor@demo.amhp-hub.local', password: DEMO_PASSWORD }).expect(200)).body.accessToken}`;
    expect((await t.http.get('/audit-events/verify').set('authorization', auditor).expect(200)).body).toMatchObject({ valid: true });
  });
});
