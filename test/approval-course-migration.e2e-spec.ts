import { ApprovalCourseCompleted1796810000001 } from '../migrations/1796810000001-ApprovalCourseCompleted';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp } from './support/test-app';
import { revertTo, rolledBack } from './support/migration-rollback';

/**
 * Migration 1796810000001 rolled back and run again on a database with approvals in it (in a transaction rolled back
 * after, so the file's database keeps its schema): down() takes the AMHP-02 columns away and keeps every approval;
 * up() gives them back empty, so an approval recorded before keeps no course date and no earlier authority.
 */
describe('migration 1796810000001: the approved AMHP course and the earlier approving authority on an approval (AMHP-02)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z' });
  });
  afterAll(() => t.close());

  const migration = new ApprovalCourseCompleted1796810000001();
  const columns = `SELECT column_name AS name FROM information_schema.columns
                    WHERE table_name = 'approvals' AND column_name IN ('approved_course_completed_on', 'previously_approved_by') ORDER BY 1`;

  it('down takes the columns away and keeps the approvals; up gives them back null on the approvals already kept', async () => {
    const a = await amhp(t);
    const b = await amhp(t, { approval: { startsOn: '2025-03-01', endsOn: '2030-02-28' } });
    const ids = 'SELECT id FROM approvals WHERE practitioner_id = ANY($1::uuid[]) ORDER BY id';
    const kept = await t.sql<{ id: string }>(ids, [[a.practitionerId, b.practitionerId]]);
    expect(kept).toHaveLength(2);
    await rolledBack(t, async (q) => {
      const reverted = await revertTo(q, migration.name);
      expect(await q.query(columns)).toEqual([]);
      expect(await q.query(ids, [[a.practitionerId, b.practitionerId]])).toEqual(kept);
      for (const m of [...reverted].reverse()) await m.up(q);
      expect(await q.query(columns)).toEqual([{ name: 'approved_course_completed_on' }, { name: 'previously_approved_by' }]);
      expect(
        await q.query(
          `SELECT id, approved_course_completed_on AS "course", previously_approved_by AS "before" FROM approvals
            WHERE practitioner_id = ANY($1::uuid[]) ORDER BY id`,
          [[a.practitionerId, b.practitionerId]],
        ),
      ).toEqual(kept.map(({ id }) => ({ id, course: null, before: null })));
    });
  });
});
