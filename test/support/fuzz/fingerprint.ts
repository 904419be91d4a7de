import type { TestApp } from '../test-app';

/**
 * Whether a request stored anything, cheaply and exactly: in this test's own database, a row trigger on every table
 * (but the allowed ones) logs each inserted, updated or deleted row to `r1_write_log`. The log is written in the
 * request's own transaction, so a rolled-back change leaves no entry; entries after a mark are what was stored since.
 */
export class WriteProbe {
  constructor(
    private readonly t: TestApp,
    /** Tables a refusal may write (e.g. the audit of a denial): not logged. */
    private readonly allowed: ReadonlySet<string>,
  ) {}

  async init(): Promise<void> {
    await this.t.sql(`CREATE TABLE r1_write_log (id bigserial PRIMARY KEY, table_name text NOT NULL, op text NOT NULL)`);
    await this.t.sql(`CREATE FUNCTION r1_log_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO r1_write_log (table_name, op) VALUES (TG_TABLE_NAME, TG_OP);
        RETURN NULL;
      END $$`);
    const tables = await this.t.sql<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('r1_write_log', 'migrations')`,
    );
    for (const { name } of tables) {
      if (this.allowed.has(name)) continue;
      await this.t.sql(
        `CREATE TRIGGER r1_log_write AFTER INSERT OR UPDATE OR DELETE ON "${name}" FOR EACH ROW EXECUTE FUNCTION r1_log_write()`,
      );
    }
  }

  /** The last log entry so far. */
  async mark(): Promise<string> {
    const [row] = await this.t.sql<{ id: string }>(`SELECT coalesce(max(id), 0)::text AS id FROM r1_write_log`);
    return row.id;
  }

  /** Tables (other than the allowed ones) with rows inserted, updated or deleted since `mark`, with their counts. */
  async writtenSince(mark: string): Promise<Record<string, number>> {
    const rows = await this.t.sql<{ t: string; n: number }>(
      `SELECT table_name || ' ' || lower(op) AS t, count(*)::int AS n FROM r1_write_log WHERE id > $1 GROUP BY 1`,
      [mark],
    );
    return Object.fromEntries(rows.map((r) => [r.t, r.n]));
  }
}
