import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the population table the council loads for the equity report (ONS mid-year estimates by age band,
 * sex and ethnic group, one year replaced at a time), and the two views the equity, repeat-assessment and
 * out-of-area reports read: each assessment and each referral with the person's ethnic category, sex and age in
 * whole years on the local day it happened (never the date of birth, a name or free text), and for referrals the
 * other authority recorded, the council transferred to and whether an assessment followed.
 */
export class ReportPopulations1796429000000 implements MigrationInterface {
  name = 'ReportPopulations1796429000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE report_populations (
         year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
         age_band text NOT NULL CHECK (age_band IN ('0-15','16-17','18-34','35-49','50-64','65+')),
         sex text NOT NULL CHECK (sex IN ('female','male')),
         ethnic_group text NOT NULL,
         population integer NOT NULL CHECK (population >= 0),
         loaded_at timestamptz NOT NULL,
         loaded_by uuid NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
         PRIMARY KEY (year, age_band, sex, ethnic_group)
       )`,
    );
    await q.query(
      `COMMENT ON TABLE report_populations IS 'Owned by reports. The resident population (ONS mid-year estimates) by year, age band, sex and ethnic group (a broad group or an NHS ethnic category code), loaded by a manager; the denominators of the equity report''s rates.'`,
    );
    await q.query(
      `CREATE VIEW report_equity_assessments AS
       SELECT a.id AS assessment_id, a.referral_id, a.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              (SELECT pd.team FROM practitioner_directory pd WHERE pd.user_id = a.lead_amhp_user_id LIMIT 1) AS team,
              a.opened_at, a.decided_at, a.outcome_kind, a.section,
              p.ethnic_category, p.sex,
              date_part('year', age((a.opened_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int AS age_years
         FROM assessments a JOIN referrals r ON r.id = a.referral_id JOIN persons p ON p.id = a.person_id`,
    );
    await q.query(
      `COMMENT ON VIEW report_equity_assessments IS 'Owned by reports. One row per assessment: the referral''s source and legal context, the lead AMHP''s team, when it was arranged and decided, its outcome codes, and the person''s ethnic category, sex and age in whole years on the local day it was arranged.'`,
    );
    await q.query(
      `CREATE VIEW report_equity_referrals AS
       SELECT r.id AS referral_id, r.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              (SELECT pd.team FROM practitioner_directory pd WHERE pd.user_id = r.allocated_user_id LIMIT 1) AS team,
              r.received_at, r.status, nullif(btrim(r.other_authority), '') AS other_authority,
              nullif(btrim(r.transferred_to), '') AS transferred_to,
              EXISTS (SELECT 1 FROM assessments a WHERE a.referral_id = r.id) AS assessed,
              p.ethnic_category, p.sex,
              date_part('year', age((r.received_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int AS age_years
         FROM referrals r JOIN persons p ON p.id = r.person_id`,
    );
    await q.query(
      `COMMENT ON VIEW report_equity_referrals IS 'Owned by reports. One row per referral: source, legal context, the allocated AMHP''s team, when received, status, the other authority recorded (the person lives elsewhere), the council it was transferred to, whether an assessment followed, and the person''s ethnic category, sex and age in whole years on the local day it was received.'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW report_equity_referrals`);
    await q.query(`DROP VIEW report_equity_assessments`);
    await q.query(`DROP TABLE report_populations`);
  }
}
