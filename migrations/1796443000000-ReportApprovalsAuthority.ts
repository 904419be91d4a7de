import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AMHP-01 (pre-duty checklist item 1): the workforce report counts an AMHP only under an approval by this council or
 * one with an arrangement with it, and so does the workforce survey: their views of approvals carry who gave each one.
 */
export class ReportApprovalsAuthority1796443000000 implements MigrationInterface {
  name = 'ReportApprovalsAuthority1796443000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE OR REPLACE VIEW report_approvals AS
       SELECT a.practitioner_id, a.starts_on::text AS starts_on, a.ends_on::text AS ends_on, a.ended_on::text AS ended_on,
              a.approving_authority FROM approvals a`,
    );
    await q.query(
      `COMMENT ON VIEW report_approvals IS 'Owned by reports. One row per AMHP approval: its start, end, any early end and the council that gave it.'`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_workforce AS
       SELECT p.id AS practitioner_id, p.profession, p.fte, p.team, p.skills, p.active, a.starts_on, a.ends_on, a.ended_on, a.approving_authority
         FROM practitioners p JOIN approvals a ON a.practitioner_id = p.id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW report_workforce`);
    await q.query(
      `CREATE VIEW report_workforce AS
       SELECT p.id AS practitioner_id, p.profession, p.fte, p.team, p.skills, p.active, a.starts_on, a.ends_on, a.ended_on
         FROM practitioners p JOIN approvals a ON a.practitioner_id = p.id`,
    );
    await q.query(`DROP VIEW report_approvals`);
    await q.query(
      `CREATE VIEW report_approvals AS
       SELECT a.practitioner_id, a.starts_on::text AS starts_on, a.ends_on::text AS ends_on, a.ended_on::text AS ended_on FROM approvals a`,
    );
    await q.query(`COMMENT ON VIEW report_approvals IS 'Owned by reports. One row per AMHP approval: its start, end and any early end.'`);
  }
}
