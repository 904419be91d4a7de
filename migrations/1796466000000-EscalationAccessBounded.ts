import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the access an escalation page gave an AMHP on duty (DUTY-03, POL-09; source `referral-escalation`)
 * now lasts only while the page's purpose stands: until the referral is allocated, and at the latest until the shift
 * she was paged on ends. Those recorded before had no end: each still open ends at the end of the shift she was on
 * when paged, or now when that shift is over, was taken from her, or the referral has been allocated since.
 */
export class EscalationAccessBounded1796466000000 implements MigrationInterface {
  name = 'EscalationAccessBounded1796466000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE "access_relationships" ar
          SET "valid_to" = greatest(ar.valid_from, now(),
                CASE WHEN EXISTS (SELECT 1 FROM "referral_events" e
                                   WHERE e.referral_id::text = ar.source_id AND e.type = 'allocated' AND e.at >= ar.valid_from)
                     THEN NULL
                     ELSE (SELECT max(s.ends_at) FROM "shift_assignments" s
                            WHERE s.user_id = ar.user_id AND s.starts_at <= ar.valid_from AND s.ends_at > ar.valid_from) END)
        WHERE ar.source_type = 'referral-escalation' AND ar.valid_to IS NULL`,
    );
  }

  async down(): Promise<void> {
    // The ends given are kept: access that had outlived its purpose is not opened again.
  }
}
