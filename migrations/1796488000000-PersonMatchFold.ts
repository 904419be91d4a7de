import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a caller's repeats of an NHS number the hub holds are folded into their one pending match to its
 * holder (PeopleService's pendingMatchSql), but matches made before every path folded (a PATCH /people/{id} of another
 * record with the same number opened a second one) can leave the managers' queue with several pending matches of one
 * caller to one recorded person. person_matches_fold_duplicates() folds each such group into its oldest match: the
 * attempts are summed there, the others' pending persons and intakes become its intakes (renumbered in the order they
 * were made), and each other match is kept, `folded` into it (`folded_into`), so that nothing is deleted and resolving
 * the survivor settles every record. Each fold is audited (`person.match-fold`, no actor: the system), in the
 * migration's transaction. The function stays, for a database restored from before this migration.
 */
export class PersonMatchFold1796488000000 implements MigrationInterface {
  name = 'PersonMatchFold1796488000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "person_matches" ADD "folded_into" uuid`);
    await q.query(
      `ALTER TABLE "person_matches" ADD CONSTRAINT "FK_3a5f7d0c68081b746d2dfe15aca" FOREIGN KEY ("folded_into") REFERENCES "person_matches"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(`ALTER TABLE "person_matches" DROP CONSTRAINT "person_matches_status"`);
    await q.query(
      `ALTER TABLE "person_matches" ADD CONSTRAINT "person_matches_status" CHECK (status IN ('pending','same-person','different-person','folded'))`,
    );
    await q.query(`
      CREATE FUNCTION person_matches_fold_duplicates() RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        v_dup record;
        v_intakes uuid[];
        v_folded integer := 0;
      BEGIN
        FOR v_dup IN
          SELECT d.id, d.pending_person_id, d.candidate_person_id, d.requested_at, d.attempts, d.last_requested_at, s.id AS survivor
            FROM person_matches d
            JOIN LATERAL (SELECT o.id FROM person_matches o
                           WHERE o.status = 'pending' AND o.requested_by = d.requested_by AND o.candidate_person_id = d.candidate_person_id
                             AND o.nhs_number = d.nhs_number
                           ORDER BY o.requested_at, o.id LIMIT 1) s ON s.id <> d.id
           WHERE d.status = 'pending'
           ORDER BY d.requested_at, d.id
           FOR UPDATE OF d
        LOOP
          SELECT coalesce(array_agg(person_id ORDER BY attempt), '{}') INTO v_intakes FROM person_match_intakes WHERE match_id = v_dup.id;
          UPDATE person_match_intakes SET match_id = v_dup.survivor WHERE match_id = v_dup.id;
          INSERT INTO person_match_intakes (match_id, person_id, requested_at, attempt)
            VALUES (v_dup.survivor, v_dup.pending_person_id, v_dup.requested_at, 2)
            ON CONFLICT (match_id, person_id) DO NOTHING;
          UPDATE person_matches SET attempts = attempts + v_dup.attempts, last_requested_at = greatest(last_requested_at, v_dup.last_requested_at),
                 version = version + 1
           WHERE id = v_dup.survivor;
          UPDATE person_matches SET status = 'folded', folded_into = v_dup.survivor, resolved_at = now(), version = version + 1
           WHERE id = v_dup.id;
          -- The survivor's intakes in the order they were made, its own pending person's being the first attempt.
          UPDATE person_match_intakes i SET attempt = n.attempt
            FROM (SELECT person_id, 1 + row_number() OVER (ORDER BY requested_at, person_id) AS attempt
                    FROM person_match_intakes WHERE match_id = v_dup.survivor) n
           WHERE i.match_id = v_dup.survivor AND i.person_id = n.person_id;
          PERFORM audit_append(now(), NULL, NULL, 'person.match-fold', 'person-match', v_dup.id::text, v_dup.candidate_person_id, NULL, NULL,
            NULL, 'success', jsonb_build_object('foldedInto', v_dup.survivor, 'pendingPersonId', v_dup.pending_person_id,
              'intakePersonIds', to_jsonb(v_intakes), 'attempts', v_dup.attempts, 'reason', 'duplicate-pending-match'));
          v_folded := v_folded + 1;
        END LOOP;
        RETURN v_folded;
      END $$`);
    await q.query(`SELECT person_matches_fold_duplicates()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A fold is not undone (its survivor holds the summed attempts and every intake), nor made to look like a decision
    // nobody took: with folded matches kept, the schema stays.
    await q.query(
      `DO $$ BEGIN IF EXISTS (SELECT 1 FROM person_matches WHERE status = 'folded') THEN RAISE EXCEPTION 'folded person matches are kept: not reverting PersonMatchFold'; END IF; END $$`,
    );
    await q.query(`DROP FUNCTION person_matches_fold_duplicates()`);
    await q.query(`ALTER TABLE "person_matches" DROP CONSTRAINT "person_matches_status"`);
    await q.query(
      `ALTER TABLE "person_matches" ADD CONSTRAINT "person_matches_status" CHECK (status IN ('pending','same-person','different-person'))`,
    );
    await q.query(`ALTER TABLE "person_matches" DROP CONSTRAINT "FK_3a5f7d0c68081b746d2dfe15aca"`);
    await q.query(`ALTER TABLE "person_matches" DROP COLUMN "folded_into"`);
  }
}
