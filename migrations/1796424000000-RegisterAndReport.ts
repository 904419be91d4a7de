import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand.
 * - The s.12 register is searched by any word of a doctor's name (titles left out) or organisation, ignoring case
 *   and accents, with word prefixes: `search_name` and `search_organisation` hold the folded words, each after a
 *   space, under trigram indexes (a `LIKE '% bel%'` can be an index scan). Measured on this machine: with 5,000
 *   doctors the planner rightly reads the whole table (about 1 ms); with 50,000, a surname search is a bitmap scan of
 *   doctors_search_name_idx in about 0.2 ms, against about 35 ms for the sequential scan.
 * - A doctor holds any number of labelled contact numbers (`contact_numbers`, E.164); the single free-text `phone`
 *   moves into it with the label "phone".
 * - The assessment record holds the outcome report's ward, who found the bed, who the conveyance was arranged with,
 *   and the distribution list.
 */
export class RegisterAndReport1796424000000 implements MigrationInterface {
  name = 'RegisterAndReport1796424000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(
      `ALTER TABLE "doctors" ADD "search_name" text NOT NULL DEFAULT '', ADD "search_organisation" text NOT NULL DEFAULT '', ADD "contact_numbers" jsonb NOT NULL DEFAULT '[]'`,
    );
    const rows: Array<{ id: string; name: string; organisation: string | null; phone: string | null }> = await q.query(
      `SELECT id, name, organisation, phone FROM "doctors"`,
    );
    for (const r of rows) {
      await q.query(`UPDATE "doctors" SET "search_name" = $2, "search_organisation" = $3, "contact_numbers" = $4 WHERE "id" = $1`, [
        r.id,
        searchText(nameWords(r.name)),
        searchText(searchWords(r.organisation ?? '')),
        JSON.stringify(r.phone ? [{ label: 'phone', number: e164(r.phone) ?? r.phone }] : []),
      ]);
    }
    await q.query(`ALTER TABLE "doctors" DROP COLUMN "phone"`);
    await q.query(`DROP INDEX "doctors_name_search_idx"`);
    await q.query(`CREATE INDEX "doctors_search_name_idx" ON "doctors" USING gin ("search_name" gin_trgm_ops)`);
    await q.query(`CREATE INDEX "doctors_search_organisation_idx" ON "doctors" USING gin ("search_organisation" gin_trgm_ops)`);

    await q.query(
      `ALTER TABLE "assessments" ADD "ward" text, ADD "bed_found_by" text, ADD "conveyance_arranged_with" text, ADD "distribution" jsonb NOT NULL DEFAULT '[]'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "assessments" DROP COLUMN "distribution", DROP COLUMN "conveyance_arranged_with", DROP COLUMN "bed_found_by", DROP COLUMN "ward"`,
    );
    await q.query(`DROP INDEX "doctors_search_organisation_idx"`);
    await q.query(`DROP INDEX "doctors_search_name_idx"`);
    await q.query(
      `CREATE INDEX "doctors_name_search_idx" ON "doctors" (lower(name) text_pattern_ops, lower(coalesce(organisation, '')) text_pattern_ops)`,
    );
    await q.query(`ALTER TABLE "doctors" ADD "phone" text`);
    await q.query(`UPDATE "doctors" SET "phone" = "contact_numbers"->0->>'number'`);
    await q.query(`ALTER TABLE "doctors" DROP COLUMN "contact_numbers", DROP COLUMN "search_organisation", DROP COLUMN "search_name"`);
  }
}

// A frozen copy of the folding in src/doctors/doctor.rules.ts as it was when this migration was written.
const TITLES = new Set(['dr', 'doctor', 'prof', 'professor', 'mr', 'mrs', 'ms', 'miss', 'mx', 'sir', 'dame', 'rev']);

function searchWords(value: string): string[] {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .split(/[\s\-‐–—]+/u)
    .map((w) => w.replace(/\.+$/, ''))
    .filter((w) => w !== '');
}

function nameWords(name: string): string[] {
  const words = searchWords(name);
  let i = 0;
  while (i < words.length - 1 && TITLES.has(words[i])) i += 1;
  return words.slice(i);
}

function searchText(words: readonly string[]): string {
  return words.map((w) => ` ${w}`).join('');
}

function e164(value: string): string | null {
  let digits = value.replace(/[^0-9+]/g, '');
  if (digits.startsWith('+44')) digits = digits.slice(3);
  else if (digits.startsWith('0044')) digits = digits.slice(4);
  if (digits.startsWith('0')) digits = digits.slice(1);
  return /^(?:[18][0-9]{8,9}|[23579][0-9]{9})$/.test(digits) ? `+44${digits}` : null;
}
