import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the views the statutory returns and the data-quality report read (owned by reports, like
 * migrations/1796425000000-ReportViews.ts). Codes, dates and instants only; never names or free text.
 */
export class ReturnViews1796429200000 implements MigrationInterface {
  name = 'ReturnViews1796429200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE VIEW report_safeguarding_decisions AS
       SELECT d.id AS decision_id, d.type, d.person_id, d.occurred_at, d.signed_at,
              CASE WHEN d.type = 'adult-safeguarding' THEN d.content->'sac' END AS sac,
              CASE WHEN d.type = 'adult-safeguarding'
                   THEN coalesce((d.details->'s42'->>'careAndSupportNeeds')::boolean, false)
                        AND coalesce((d.details->'s42'->>'abuseOrNeglect')::boolean, false)
                        AND coalesce((d.details->'s42'->>'unableToProtectSelf')::boolean, false) END AS s42_duty,
              CASE WHEN d.type = 'adult-safeguarding' THEN coalesce(btrim(d.details->>'enquiryDelegatedTo'), '') <> '' END AS enquiry_delegated,
              CASE WHEN d.type IN ('dols-urgent-authorisation', 'dols-extension')
                   THEN jsonb_build_object('standardRequestedAt', d.details->'standardRequestedAt',
                                           'standardAuthorisation', d.details->'standardAuthorisation') END AS dols,
              CASE WHEN d.type IN ('dols-urgent-authorisation', 'dols-extension') THEN d.details->>'managingAuthority' END AS managing_authority,
              p.sex,
              coalesce(p.date_of_birth,
                       CASE WHEN d.person_details->>'dateOfBirth' ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN (d.person_details->>'dateOfBirth')::date END) AS date_of_birth,
              CASE WHEN d.person_details->>'approximateAge' ~ '^\\d{1,3}$' THEN (d.person_details->>'approximateAge')::integer END AS approximate_age,
              p.ethnic_category
         FROM decisions d LEFT JOIN persons p ON p.id = d.person_id
        WHERE d.status = 'signed'`,
    );
    await q.query(
      `COMMENT ON VIEW report_safeguarding_decisions IS 'Owned by reports. One row per signed out-of-hours decision: its type, person, when it was made, the SAC codes and s.42 test of a safeguarding decision, the DoLS return fields of a DoLS decision, and the person''s sex, date of birth (or approximate age) and ethnic category.'`,
    );
    await q.query(
      `CREATE VIEW report_referral_people AS
       SELECT r.id AS referral_id, r.person_id, r.received_at, p.sex, p.date_of_birth, p.ethnic_category
         FROM referrals r JOIN persons p ON p.id = r.person_id`,
    );
    await q.query(
      `COMMENT ON VIEW report_referral_people IS 'Owned by reports. One row per referral: the codes about its person that the reports count by (sex, date of birth, ethnic category).'`,
    );

    await q.query(
      `CREATE VIEW report_guardianship AS
       SELECT a.id AS assessment_id, a.referral_id, a.person_id, p.sex,
              (a.outcome->'application'->>'signedAt')::timestamptz AS signed_at,
              coalesce(a.outcome->'application'->'guardian'->>'type', 'not-recorded') AS guardian_type,
              (a.outcome->'application'->'guardian'->>'acceptedByLssaAt')::timestamptz AS accepted_at
         FROM assessments a JOIN persons p ON p.id = a.person_id
        WHERE a.section = 's7' AND a.outcome_kind = 'application' AND a.outcome->'application'->>'signedAt' IS NOT NULL`,
    );
    await q.query(
      `COMMENT ON VIEW report_guardianship IS 'Owned by reports. One row per guardianship application (s.7) an AMHP of the hub signed: the person''s sex, when it was signed, the guardian''s type (lssa or private; never the name) and when the LSSA accepted it.'`,
    );
    await q.query(
      `CREATE VIEW report_workforce AS
       SELECT p.id AS practitioner_id, p.profession, p.fte, p.team, p.skills, p.active, a.starts_on, a.ends_on, a.ended_on
         FROM practitioners p JOIN approvals a ON a.practitioner_id = p.id`,
    );
    await q.query(
      `COMMENT ON VIEW report_workforce IS 'Owned by reports. One row per AMHP approval: the practitioner''s profession, FTE, team, skills and whether active, and the approval''s first, last and ended days; no names or registration numbers.'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW report_workforce`);
    await q.query(`DROP VIEW report_guardianship`);
    await q.query(`DROP VIEW report_referral_people`);
    await q.query(`DROP VIEW report_safeguarding_decisions`);
  }
}
