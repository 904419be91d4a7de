import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: POL-09 (MHA 1983 s.136A(1)). A s.136 or s.135(1) referral that a date of birth made a child was kept
 * as `personUnder18` alone before what the age rested on (`ageBasis`) was kept with the legal context, so a later
 * correction of the date of birth to an adult's read it as the intake's flag, which stands, and left the blocker. Such
 * a referral recorded the basis in the POL-09 blocker intake gave it ("… a person under 18 (born … by the date of
 * birth given: 16 on …, the day of arrival)", where the flag gives no brackets): it is put back from there, as the
 * referrals service reads it (withRecordedAgeBasis). A flagged child has no such blocker and keeps the flag's age.
 */
export class ReferralAgeBasisBackfill1796620000000 implements MigrationInterface {
  name = 'ReferralAgeBasisBackfill1796620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE "referrals" r SET "legal_context" = r."legal_context" || jsonb_build_object('ageBasis', b.basis)
         FROM (SELECT DISTINCT ON (ev."referral_id") ev."referral_id",
                      substring(f->>'message' FROM '^A police station can never be a place of safety for a person under 18 \\((born [^()]+ by the date of birth (?:given|on record): [0-9]+ on [^()]+, the day of arrival)\\)') AS basis
                 FROM "referral_events" ev
                 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(ev."data"->'findings') = 'array' THEN ev."data"->'findings' ELSE '[]'::jsonb END) f
                WHERE ev."type" = 'received' AND f->>'rule' = 'POL-09' AND f->>'code' = 'police-station-under-18'
                ORDER BY ev."referral_id", ev."at") b
        WHERE b."referral_id" = r."id" AND b.basis IS NOT NULL
          AND r."legal_context"->>'kind' IN ('s136', 's135-1')
          AND r."legal_context"->'personUnder18' = 'true'::jsonb
          AND NOT r."legal_context" ? 'ageBasis'`,
    );
  }

  async down(): Promise<void> {
    // The basis put back is what the referral recorded at intake; the service reads it there either way.
  }
}
