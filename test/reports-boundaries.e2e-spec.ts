import { parseCsv } from './support/csv';
import { createTestApp, TestApp, TestUser } from './support/test-app';

type Figure = { section: string; group: string; measure: string; value: unknown; records?: string };

// The financial year's boundary in local time, with the clocks going forward inside the year: a referral at 23:30 BST
// on 31 March is the old year's, one at 00:30 BST on 1 April the new one's; CSV and suppressed copies agree with the JSON.
describe('reports: the financial year ends at local midnight on 31 March', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-06T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    [manager, auditor] = await Promise.all([t.user(['manager']), t.user(['auditor'])]);
    let n = 0;
    for (const at of ['2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z', '2026-03-31T22:30:00Z', '2026-03-31T23:30:00Z']) {
      n += 1;
      const [person] = await t.sql<{ id: string }>(
        `INSERT INTO persons (given_name, family_name, created_by) VALUES ('Pat', $1, $2) RETURNING id`,
        [`Edge${n}`, manager.id],
      );
      const [r] = await t.sql<{ id: string }>(
        `INSERT INTO referrals (reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context, created_by)
         VALUES ($1, $2, 'received', 'gp', 'urgent', $3, '{"name":"Dr Edge"}', 'Fixture referral', '{"toSelf":false,"toOthers":false,"fromOthers":false}', '{"kind":"informal"}', $4)
         RETURNING id`,
        [`R-EDGE-${n}`, person.id, at, manager.id],
      );
      await t.sql(`INSERT INTO referral_events (referral_id, at, type) VALUES ($1, $2, 'received')`, [r.id, at]);
    }
  });
  afterAll(() => t.close());

  const get = (u: TestUser, p: string) => t.http.get(p).set('authorization', u.auth);
  const value = (figures: Figure[], key: string) => figures.find((x) => `${x.section}.${x.group}.${x.measure}` === key)?.value;

  it('counts 00:30 GMT and 02:30 BST on 29 March and 23:30 BST on 31 March in FY2025 and March, and 00:30 BST on 1 April in FY2026 and April', async () => {
    const fy2025 = (await get(manager, '/reports/activity?period=FY2025').expect(200)).body.figures as Figure[];
    expect([value(fy2025, 'by-month.2026-03.referrals'), value(fy2025, 'by-month.total.referrals')]).toEqual([3, 3]);
    const fy2026 = (await get(manager, '/reports/activity?period=FY2026').expect(200)).body.figures as Figure[];
    expect([value(fy2026, 'by-month.2026-04.referrals'), value(fy2026, 'by-month.total.referrals')]).toEqual([1, 1]);
    const lastDay = (await get(manager, '/reports/activity?from=2026-03-31&to=2026-03-31').expect(200)).body.figures as Figure[];
    expect(value(lastDay, 'by-month.total.referrals')).toBe(1);
    // The CSV says what the JSON says; the auditor's copy shows 3 as [c].
    const csv = parseCsv((await get(manager, '/reports/activity?period=FY2025&format=csv').expect(200)).text);
    const row = csv.find((r) => r[2] === 'by-month' && r[4] === 'total' && r[6] === 'referrals')!;
    expect(row[9]).toBe('3');
    const suppressed = (await get(auditor, '/reports/activity?period=FY2025').expect(200)).body.figures as Figure[];
    expect([value(suppressed, 'by-month.total.referrals'), value(suppressed, 'by-month.total.detention-rate')]).toEqual(['[c]', null]);
  });
});
