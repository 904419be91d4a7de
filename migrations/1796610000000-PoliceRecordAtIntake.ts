import { MigrationInterface, QueryRunner } from 'typeorm';

/** POL-06 (MHA 1983 s.136(1C)): the consultation before a s.136, as the referral keeps it in its legal context. */
const POLICE_CONSULTATION_CHECK = `legal_context->'policeConsultation' IS NULL OR (legal_context->>'kind' = 's136'
  AND legal_context->'policeConsultation'->>'consulted' IN ('yes','not-practicable','unknown')
  AND (legal_context->'policeConsultation'->>'consulted' <> 'yes' OR legal_context->'policeConsultation'->>'profession' IN ('registered-medical-practitioner','registered-nurse','amhp','occupational-therapist','paramedic'))
  AND (legal_context->'policeConsultation'->>'consulted' = 'yes' OR legal_context->'policeConsultation'->'profession' IS NULL))`;

/** POL-02 (MHA 1983 s.135(4)): who attended a warrant's execution; an AMHP has a name, a doctor a name and GMC number. */
const EXECUTION_ATTENDANCE_CHECK = `legal_context->'executionAttendance' IS NULL OR (legal_context->>'kind' IN ('s135-1','s135-2')
  AND (legal_context->'executionAttendance'->'amhp' IS NULL OR legal_context->'executionAttendance'->'amhp'->>'name' IS NOT NULL)
  AND (legal_context->'executionAttendance'->'doctor' IS NULL OR (legal_context->'executionAttendance'->'doctor'->>'name' IS NOT NULL
       AND legal_context->'executionAttendance'->'doctor'->>'gmcNumber' ~ '^[0-9]{7}$')))`;

/**
 * Written by hand: a s.136 referral keeps in its legal context whether the constable consulted a professional before
 * using the power, whom (their profession) and when, or why it was not practicable (POL-06); a s.135 referral, who
 * attended the warrant's execution (POL-02). Both are kept in `legal_context` as every other fact of the police's use
 * of their powers is; these checks hold what is stored to the shapes the intake writes, for the clocks and reports
 * that read it.
 */
export class PoliceRecordAtIntake1796610000000 implements MigrationInterface {
  name = 'PoliceRecordAtIntake1796610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_police_consultation" CHECK (${POLICE_CONSULTATION_CHECK})`);
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_execution_attendance" CHECK (${EXECUTION_ATTENDANCE_CHECK})`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_execution_attendance"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_police_consultation"`);
  }
}
