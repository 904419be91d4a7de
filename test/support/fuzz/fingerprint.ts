import type { TestApp } from '../test-app';

/**
 * Whether a request stored anything, cheaply: PostgreSQL gives a transaction id only to a transaction that writes,
 * so when the next unassigned id has not moved, nothing was written; when it has, the rows whose xmin is at least
 * the id from before are what the request inserted or updated (a sequential run: no one else writes meanwhile).
 */
export class WriteProbe {
  private tables: string[] = [];
  constructor(
    private readonly t: TestApp,
    /** Tables a refusal may write (e.g. the audit of a denial): not scanned. */
    private readonly allowed: ReadonlySet<string>,
  ) {}

  async init(): Promise<void> {
    const rows = await this.t.sql<{ name: string }>(
      `SELECT quote_ident(table_name) AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations' ORDER BY 1`,
    );
    this.tables = rows.map((r) => r.name).filter((name) => !this.allowed.has(name));
  }

  /** The next transaction id to be assigned (32-bit, as rows' xmin holds it). */
  async mark(): Promise<bigint> {
    const [row] = await this.t.sql<{ x: string }>(`SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint % 4294967296)::text AS x`);
    return BigInt(row.x);
  }

  /** Tables (other than the allowed ones) with rows written since `mark`, with their counts. */
  async writtenSince(mark: bigint): Promise<Record<string, number>> {
    if ((await this.mark()) === mark) return {};
    const union = this.tables
      .map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM ${t} WHERE xmin::text::bigint >= ${mark.toString()}`)
      .join(' UNION ALL ');
    const rows = await this.t.sql<{ t: string; n: number }>(`SELECT t, n FROM (${union}) s WHERE n > 0`);
    return Object.fromEntries(rows.map((r) => [r.t, r.n]));
  }
}
