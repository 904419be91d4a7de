import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a medical recommendation keeps the register's answer it was relied on with (MED-03, MHA 1983
 * s.12(2), (2A): approved on the day of the examination), fixed when the application founded on it is made; until then
 * it is read from the register. A made application is not rewritten by a later change to the register.
 *
 * Applications already made are fixed now with the register as it stands (examination dates in the service's zone,
 * England's): the most that can be known of what they rested on.
 */
export class RecommendationApprovalReliedOn1796460000000 implements MigrationInterface {
  name = 'RecommendationApprovalReliedOn1796460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "medical_recommendations" ADD "approval_relied_on" jsonb`);
    const period = (kind: string) => `(SELECT json_build_object('approvalId', p.id, 'startsOn', to_char(p.starts_on, 'YYYY-MM-DD'),
              'endsOn', to_char(p.ends_on, 'YYYY-MM-DD'), 'approvingBody', p.approving_body)
         FROM doctor_approvals p
        WHERE p.doctor_id = r.doctor_id AND p.kind = '${kind}'
          AND p.starts_on <= (r.examined_at AT TIME ZONE 'Europe/London')::date AND p.ends_on >= (r.examined_at AT TIME ZONE 'Europe/London')::date
        ORDER BY p.ends_on DESC, p.starts_on LIMIT 1)`;
    await q.query(
      `UPDATE "medical_recommendations" r
          SET "approval_relied_on" = json_build_object('asAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 's12', ${period('s12')}, 'approvedClinician', ${period('approved-clinician')})
         FROM "assessments" a
        WHERE a.id = r.assessment_id AND a.outcome_kind = 'application' AND r.doctor_id IS NOT NULL AND r.withdrawn_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "medical_recommendations" DROP COLUMN "approval_relied_on"`);
  }
}
