import { REPORT_NAMES, type ReportName } from '../src/reports/report.model';
import { SMALL_BOROUGH_HISTORY } from './support/demo-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

type Figure = { section: string; group: string; measure: string; unit: string; value: unknown; records?: string };
type Item = {
  referralId: string | null;
  decisionId?: string;
  practitionerId?: string;
  shiftId?: string;
  handoverItemId?: string;
  personId: string | null;
};

/** The route of a report: the returns live under /reports/returns/. */
const path = (name: ReportName) => `/reports/${name.startsWith('returns-') ? `returns/${name.slice('returns-'.length)}` : name}`;

describe('every figure of every report links to the records behind it, and there are as many as the figure says', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  let request = 0;
  /** Pages after the first that the walks followed (the larger figures must cross pages). */
  let walkedPages = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', demo: { history: SMALL_BOROUGH_HISTORY } });
    [manager, auditor] = await Promise.all([t.user(['manager']), t.user(['auditor'])]);
  }, 600_000);
  afterAll(() => t?.close());

  const get = (u: TestUser, url: string, requestId?: string) => {
    const r = t.http.get(url).set('authorization', u.auth);
    return requestId ? r.set('x-request-id', requestId) : r;
  };

  // The history's last full financial year (every report of referrals, assessments and decisions), and the current
  // month (this week's rota shifts and the morning's handover).
  for (const period of ['FY2025', '2026-11'])
    describe(`over ${period}`, () => {
      for (const name of REPORT_NAMES)
        it(`${name}: each count's records number the count, each read of a person is audited, and the figures name nobody`, async () => {
          const report = (await get(manager, `${path(name)}?period=${period}`).expect(200)).body as { figures: Figure[] };
          expect(report.figures.length).toBeGreaterThan(0);
          expect(report.figures.filter((f) => !f.records)).toEqual([]);
          // The aggregate holds no person data: no ids and no names, only codes, labels and numbers.
          expect(JSON.stringify(report)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
          const counts = report.figures.filter((f) => f.unit === 'count' && typeof f.value === 'number');
          expect(counts.length).toBeGreaterThan(0);
          for (const f of counts) {
            const id = `drill-${++request}`;
            // Page by page (pages of 15, so that the larger figures' walks cross pages): every page's records, with the same request id.
            const items: Item[] = [];
            for (let cursor: string | null = '', pages = 0; cursor !== null; pages++) {
              expect(pages).toBeLessThan(1_000);
              if (pages > 0) walkedPages += 1;
              const page: { items: Item[]; nextCursor: string | null } = (
                await get(manager, `${f.records!}&limit=15${cursor ? `&cursor=${cursor}` : ''}`, id).expect(200)
              ).body;
              items.push(...page.items);
              cursor = page.nextCursor;
            }
            expect({ figure: `${f.section}.${f.group}.${f.measure}`, records: items.length }).toEqual({
              figure: `${f.section}.${f.group}.${f.measure}`,
              records: f.value,
            });
            const audited = await t.sql<{ action: string; resource_id: string; subject_person_id: string | null }>(
              `SELECT action, resource_id, subject_person_id FROM audit_events WHERE request_id = $1 AND action IN ('referral.read', 'decision.read')`,
              [id],
            );
            const shown = (xs: Array<string | null | undefined>) => [...new Set(xs.filter((x): x is string => !!x))].sort();
            // Each referral and decision listed is read as a read of its person, once; staff, shifts and handover items are not.
            expect(shown(audited.filter((a) => a.action === 'referral.read').map((a) => a.resource_id))).toEqual(
              shown(items.map((i) => i.referralId)),
            );
            expect(shown(audited.filter((a) => a.action === 'decision.read').map((a) => a.resource_id))).toEqual(
              shown(items.map((i) => i.decisionId)),
            );
            expect(shown(audited.map((a) => a.subject_person_id))).toEqual(shown(items.map((i) => i.personId)));
            for (const i of items)
              expect([i.referralId, i.decisionId, i.practitionerId, i.shiftId, i.handoverItemId].filter(Boolean)).toHaveLength(1);
          }
          // The auditor sees the same report suppressed, with no links (my workload is only ever one's own: none of
          // hers), and is refused the list behind a figure.
          if (name === 'my-workload') await get(auditor, `${path(name)}?period=${period}`).expect(403);
          else {
            const suppressed = (await get(auditor, `${path(name)}?period=${period}`).expect(200)).body as {
              suppressed: boolean;
              figures: Figure[];
            };
            expect(suppressed.suppressed).toBe(true);
            expect(suppressed.figures.every((f) => f.records === undefined)).toBe(true);
          }
          await get(auditor, counts[0].records!).expect(403);
        }, 300_000);
    });

  it("the walk followed the larger figures' records across pages", () => {
    // (20 with the demo history since its out-of-hours actions are closed the next morning; more before.)
    expect(walkedPages).toBeGreaterThanOrEqual(20);
  });

  it('the fixture gives the walk something to count in every kind of record', async () => {
    const [row] = await t.sql<{ referrals: number; decisions: number; shifts: number; items: number; practitioners: number }>(
      `SELECT (SELECT count(*)::int FROM referrals) AS referrals, (SELECT count(*)::int FROM decisions WHERE status = 'signed') AS decisions,
              (SELECT count(*)::int FROM shifts WHERE starts_at >= '2026-11-01') AS shifts,
              (SELECT count(*)::int FROM handover_items) AS items, (SELECT count(*)::int FROM practitioners) AS practitioners`,
    );
    expect(row.referrals).toBeGreaterThan(20);
    expect(row.decisions).toBeGreaterThan(5);
    expect(row.shifts).toBeGreaterThan(5);
    expect(row.items).toBeGreaterThan(0);
    expect(row.practitioners).toBeGreaterThan(5);
  });
});
