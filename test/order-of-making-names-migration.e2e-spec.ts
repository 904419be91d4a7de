import type { QueryRunner } from 'typeorm';
import { OrderOfMakingNames1796760000000 } from '../migrations/1796760000000-OrderOfMakingNames';
import { amhp, insertDoctor } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { revertTo, rolledBack } from './support/migration-rollback';

/**
 * Migration 1796760000000 rolled back and run again on a database with rows in it (in a transaction rolled back
 * after, so the file's database keeps its schema): the rows already kept are numbered in the order their lists showed
 * them before (names, then id; objections newest first, then id), so no list moves them; and down() takes seq away.
 */
describe('migration 1796760000000: the order of making of names and nearest-relative facts', () => {
  let t: TestApp;
  let mo: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z' });
    mo = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const migration = new OrderOfMakingNames1796760000000();
  const ids = async (q: QueryRunner, sql: string) => ((await q.query(sql)) as Array<{ id: string }>).map((r) => r.id);

  it('down takes seq away; up numbers the rows kept in the order their lists showed them, so no list moves them', async () => {
    const post = (p: string, body: object) => t.http.post(p).set('authorization', mo.auth).send(body).expect(201);
    for (const _ of [1, 2, 3, 4]) await post('/people', { givenName: 'John', familyName: 'Smith', dateOfBirth: '1980-01-01' });
    for (const _ of [1, 2, 3, 4]) await amhp(t, { displayName: 'Sam Jones' });
    for (const n of [1, 2, 3, 4]) await insertDoctor(t, 'Ada Bello', `72000${n}0`, 's12');
    const person = (await post('/people', { givenName: 'Robin', familyName: 'Ashdown', dateOfBirth: '1985-03-03' })).body.id;
    for (const n of [1, 2, 3, 4]) await post(`/people/${person}/relatives`, { name: `Sibling ${n}`, relationship: 'sibling' });
    for (const n of [1, 2, 3, 4])
      await post(`/people/${person}/nearest-relative-objections`, {
        notifiedAt: '2026-11-21T01:00:00Z',
        notifiedTo: 'amhp',
        details: `${n}`,
      });

    const lists = {
      persons: ['SELECT id FROM persons ORDER BY lower(family_name), lower(given_name), id', 'SELECT id FROM persons ORDER BY seq'],
      practitioners: [
        'SELECT p.id FROM practitioners p JOIN users u ON u.id = p.user_id ORDER BY lower(u.display_name), p.id',
        'SELECT id FROM practitioners ORDER BY seq',
      ],
      doctors: ['SELECT id FROM doctors ORDER BY lower(name), id', 'SELECT id FROM doctors ORDER BY seq'],
      doctor_approvals: ['SELECT id FROM doctor_approvals ORDER BY kind, starts_on, id', 'SELECT id FROM doctor_approvals ORDER BY seq'],
      relatives: ['SELECT id FROM relatives ORDER BY created_at, id', 'SELECT id FROM relatives ORDER BY seq'],
      nearest_relative_objections: [
        'SELECT id FROM nearest_relative_objections ORDER BY notified_at DESC, id',
        'SELECT id FROM nearest_relative_objections ORDER BY notified_at DESC, seq DESC',
      ],
    };
    await rolledBack(t, async (q) => {
      const reverted = await revertTo(q, migration.name);
      for (const table of Object.keys(lists))
        expect(await q.query(`SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = 'seq'`, [table])).toEqual(
          [],
        );
      const before: Record<string, string[]> = {};
      for (const [k, [old]] of Object.entries(lists)) before[k] = await ids(q, old);
      for (const m of [...reverted].reverse()) await m.up(q);
      for (const [k, [, now]] of Object.entries(lists)) expect([k, await ids(q, now)]).toEqual([k, before[k]]);
    });
  });
});
