import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: CTO-04 (MHA 1983 s.20A(4), (8)). A request for an AMHP's statement withdrawn before the statement was
 * made gives the AMHP it was allocated to no reason left to read the patient's record through it, as a referral's
 * withdrawal ends its AMHP's: the withdrawal now ends her relationship (`allocated`, source `cto-extension`). The
 * requests withdrawn before have theirs ended here, at the moment each was withdrawn.
 *
 * down() leaves them ended: the code before this change reads relationships the same way and needs none of them, and
 * giving an AMHP her access back to the record of a patient whose request was withdrawn would be the gap this closes.
 */
export class CtoExtensionsWithdrawnAccessEnded1796750000000 implements MigrationInterface {
  name = 'CtoExtensionsWithdrawnAccessEnded1796750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE "access_relationships" a SET valid_to = greatest(a.valid_from, c.withdrawn_at)
         FROM "cto_extensions" c
        WHERE c.status = 'withdrawn' AND a.source_type = 'cto-extension' AND a.source_id = c.id::text
          AND (a.valid_to IS NULL OR a.valid_to > c.withdrawn_at)`,
    );
  }

  async down(): Promise<void> {
    // Nothing to undo: see above.
  }
}
