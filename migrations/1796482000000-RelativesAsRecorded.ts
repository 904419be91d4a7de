import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a closed assessment (its outcome report and letter) works out the nearest relative's position from
 * the person's relatives as its record held them (kept with person_as_recorded at opening, outcome and closing), not
 * from the relatives as they are later: a relative's change of name or address, or one recorded afterwards, does not
 * rewrite it. Assessments written before keep the relatives as they are recorded now (the best that is known of them).
 */
export class RelativesAsRecorded1796482000000 implements MigrationInterface {
  name = 'RelativesAsRecorded1796482000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "assessments" ADD "relatives_as_recorded" jsonb`);
    const list = (rows: string, order: string) => `coalesce((SELECT jsonb_agg(x ORDER BY ${order}) FROM (${rows}) x), '[]'::jsonb)`;
    // The lists and columns the relatives service reads (relativesAsRecordedSql), as they are at this migration.
    const relatives = `SELECT r.id, r.person_id AS "personId", r.name, r.relationship, r.whole_blood AS "wholeBlood",
      to_char(r.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", r.lives_with_patient AS "livesWithPatient", r.cares_for_patient AS "caresForPatient",
      r.uk_resident AS "ukResident", r.separated_or_deserted AS "separatedOrDeserted", r.years_living_with::float8 AS "yearsLivingWith",
      r.authorised_delegate AS "authorisedDelegate", r.contact, r.notes, r.version, r.created_by AS "createdBy", r.created_at AS "createdAt"
      FROM "relatives" r WHERE r.person_id = p.id`;
    const displacements = `SELECT d.id, d.person_id AS "personId", d.relative_id AS "relativeId", d.ground, d.status, d.filed_at AS "filedAt",
      to_char(d.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(d.disposed_on, 'YYYY-MM-DD') AS "disposedOn", d.acting_nearest_relative AS "actingNearestRelative", d.court, d.version,
      d.recorded_by AS "recordedBy", d.created_at AS "createdAt"
      FROM "nearest_relative_displacements" d WHERE d.person_id = p.id`;
    const nominated = `SELECT n.id, n.person_id AS "personId", n.name, n.relative_id AS "relativeId", to_char(n.appointed_on, 'YYYY-MM-DD') AS "appointedOn",
      n.appointed_by AS "appointedBy", n.method, to_char(n.ended_on, 'YYYY-MM-DD') AS "endedOn", n.end_reason AS "endReason", n.version,
      n.recorded_by AS "recordedBy", n.created_at AS "createdAt", n.appointed_on AS "appointedOnDate"
      FROM "nominated_persons" n WHERE n.person_id = p.id`;
    const objections = `SELECT o.id, o.person_id AS "personId", o.objector_kind AS "objectorKind", o.relative_id AS "relativeId",
      o.delegate_name AS "delegateName", o.displacement_id AS "displacementId", o.nominated_person_id AS "nominatedPersonId", o.notified_at AS "notifiedAt", o.notified_to AS "notifiedTo",
      o.details, o.withdrawn_at AS "withdrawnAt", o.withdrawal_details AS "withdrawalDetails", o.recorded_by AS "recordedBy", o.created_at AS "createdAt"
      FROM "nearest_relative_objections" o WHERE o.person_id = p.id`;
    await q.query(
      `UPDATE "assessments" a SET "relatives_as_recorded" =
         (SELECT jsonb_build_object('dateOfBirth', to_char(p.date_of_birth, 'YYYY-MM-DD'), 'ukResident', p.uk_resident,
                 'relatives', ${list(relatives, 'x."createdAt", x.id')},
                 'displacements', ${list(displacements, 'x."filedAt" DESC, x.id')},
                 'nominated', ${list(nominated, 'x."appointedOnDate" DESC, x."createdAt" DESC')},
                 'objections', ${list(objections, 'x."notifiedAt" DESC, x.id')})
            FROM "persons" p WHERE p.id = a.person_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "assessments" DROP COLUMN "relatives_as_recorded"`);
  }
}
