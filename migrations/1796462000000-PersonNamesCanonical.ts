import { MigrationInterface, QueryRunner } from 'typeorm';

/** The characters Unicode says are never drawn (Default_Ignorable_Code_Point), as a PostgreSQL bracket expression. */
const INVISIBLE =
  '[\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8\\U0001BCA0-\\U0001BCA3\\U0001D173-\\U0001D17A\\U000E0000-\\U000E0FFF]';
/** A run of characters with the White_Space property. */
const SPACES = '[\\u0009-\\u000D\\u0020\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+';

/** `column` as canonicalName (src/statute/visible-text.ts) makes a name: invisible characters out, NFC, spaces folded, trimmed. */
const canonical = (column: string) =>
  `btrim(regexp_replace(normalize(regexp_replace(${column}, '${INVISIBLE}', '', 'g'), NFC), '${SPACES}', ' ', 'g'), ' ')`;

/**
 * Written by hand: the names already recorded in the one form new names are now stored in (canonicalName), so that a
 * name typed or pasted with invisible characters, decomposed accents or no-break spaces before the change is found by
 * the person match (DUTY-02) and the name search like any other. Names that would become empty are left as they are.
 */
export class PersonNamesCanonical1796462000000 implements MigrationInterface {
  name = 'PersonNamesCanonical1796462000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, columns] of [
      ['persons', ['given_name', 'family_name']],
      ['relatives', ['name']],
      ['nominated_persons', ['name']],
    ] as const) {
      for (const column of columns) {
        await q.query(
          `UPDATE "${table}" SET "${column}" = ${canonical(`"${column}"`)}
            WHERE "${column}" IS DISTINCT FROM ${canonical(`"${column}"`)} AND ${canonical(`"${column}"`)} <> ''`,
        );
      }
    }
  }

  async down(): Promise<void> {
    // The names as first typed are not kept: nothing to restore.
  }
}
