import { QueryRunner } from 'typeorm';

/**
 * A list that orders by a time and broke a tie of it on a random uuid breaks it on `seq` instead: the order its rows
 * were made in, a bigint identity. The rows a table already keeps are numbered in `order` (the order they were listed
 * in until then, or the order they were recorded in), so no list changes its order for them; new ones follow. Not a
 * migration itself (its name has no timestamp, so it is not listed in index.ts).
 */
export async function addSeq(q: QueryRunner, table: string, order: string): Promise<void> {
  await q.query(`ALTER TABLE "${table}" ADD "seq" bigint`);
  await q.query(
    `UPDATE "${table}" t SET seq = o.n FROM (SELECT id, row_number() OVER (ORDER BY ${order}) AS n FROM "${table}") o WHERE o.id = t.id`,
  );
  await q.query(`ALTER TABLE "${table}" ALTER COLUMN "seq" SET NOT NULL`);
  await q.query(`ALTER TABLE "${table}" ALTER COLUMN "seq" ADD GENERATED ALWAYS AS IDENTITY`);
  await q.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'seq'), coalesce(max(seq), 0) + 1, false) FROM "${table}"`);
}

/** Down: the table's `seq` goes (and its identity's sequence with it). */
export async function dropSeq(q: QueryRunner, table: string): Promise<void> {
  await q.query(`ALTER TABLE "${table}" DROP COLUMN "seq"`);
}
