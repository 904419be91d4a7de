import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { can } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { UnprocessableProblem } from '../common/problem';
import { Db } from '../database/db';
import { parsePopulationCsv } from './populations';

export interface PopulationYearSummary {
  year: number;
  /** 'broad' (White, Mixed, Asian, Black, Other) or 'detailed' (NHS ethnic category codes A-S). */
  level: 'broad' | 'detailed';
  lines: number;
  total: number;
  loadedAt: string;
  loadedBy: string;
}

/**
 * The population table the council loads for the equity report's rates: replaced a year at a time from a CSV, all
 * or nothing, audited; read by the reports for the year nearest a period.
 */
@Injectable()
export class PopulationsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Loads a CSV: every line checked first (a 422 naming the line and column of each error, nothing stored); then each
   * year in the file replaces that year's rows, in one transaction, with one audit record.
   */
  async load(actor: Actor, csv: unknown): Promise<PopulationYearSummary[]> {
    if (typeof csv !== 'string')
      throw new UnprocessableProblem('body: send the CSV as text/csv', 'population-csv-invalid', {
        errors: [{ line: 0, column: 'body', message: 'must be a text/csv body' }],
      });
    const { rows, errors } = parsePopulationCsv(csv);
    if (errors.length) {
      const first = errors[0];
      throw new UnprocessableProblem(
        `line ${first.line}, ${first.column}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
        'population-csv-invalid',
        { errors: errors.slice(0, 100) },
      );
    }
    const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
    return this.db.transaction(async (m) => {
      // One load at a time: two loads of a year must not interleave their delete and insert.
      await m.query('LOCK TABLE report_populations IN SHARE ROW EXCLUSIVE MODE');
      const now = this.clock.now();
      await m.query('DELETE FROM report_populations WHERE year = ANY($1::int[])', [years]);
      await m.query(
        `INSERT INTO report_populations (year, age_band, sex, ethnic_group, population, loaded_at, loaded_by)
         SELECT y, a, s, e, p, $6, $7 FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[]) AS t(y, a, s, e, p)`,
        [
          rows.map((r) => r.year),
          rows.map((r) => r.ageBand),
          rows.map((r) => r.sex),
          rows.map((r) => r.ethnicGroup),
          rows.map((r) => r.population),
          now,
          actor.userId,
        ],
      );
      await this.audit.record(m, {
        action: 'report.populations.load',
        actor,
        resourceType: 'report-population',
        resourceId: years.join(','),
        accessBasis: can(actor.roles, 'reports.populations').basis,
        details: { years, lines: rows.length, total: rows.reduce((s, r) => s + r.population, 0) },
      });
      return (await this.summary(m)).filter((y) => years.includes(y.year));
    });
  }

  /** What is loaded: each year with its level, number of lines and total population. */
  async list(): Promise<PopulationYearSummary[]> {
    return this.db.transaction((m) => this.summary(m));
  }

  async summary(m: EntityManager): Promise<PopulationYearSummary[]> {
    const rows = await m.query<Array<{ year: number; broad: boolean; lines: number; total: string; loadedAt: Date; loadedBy: string }>>(
      `SELECT year, bool_and(ethnic_group IN ('white','mixed','asian','black','other')) AS broad, count(*)::int AS lines,
              sum(population)::bigint AS total, max(loaded_at) AS "loadedAt", (array_agg(loaded_by ORDER BY loaded_at DESC))[1] AS "loadedBy"
         FROM report_populations GROUP BY year ORDER BY year`,
    );
    return rows.map((r) => ({
      year: r.year,
      level: r.broad ? 'broad' : 'detailed',
      lines: r.lines,
      total: Number(r.total),
      loadedAt: r.loadedAt.toISOString(),
      loadedBy: r.loadedBy,
    }));
  }

  /** Loads the demo catchment's population (seed-data/demo-populations-2024.csv: 25,000 people, the demo history's). */
  async loadDemo(actor: Actor): Promise<PopulationYearSummary[]> {
    return this.load(actor, readFileSync(join(repositoryRoot(__dirname), 'seed-data', 'demo-populations-2024.csv'), 'utf8'));
  }
}

/** The checkout's root (the folder with package.json), from src/ or dist/src/ alike. */
function repositoryRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  throw new Error(`no package.json above ${from}`);
}
