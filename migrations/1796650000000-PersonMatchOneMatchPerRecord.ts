import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (PERSON-MATCH): a record waits on one pending match to a recorded person, never two. Since
 * pendingMatchSql counts a record already waiting in a match to the holder on that match, whoever raised it, no new
 * record is listed on two of the holder's pending matches; but records listed so before (an intake of two callers'
 * matches, or the pending person of one and an intake of another) stay so, counted twice in the managers' queue and
 * settled twice, perhaps two ways. person_matches_settle_double_counts() settles them as the match workflow does when a
 * record leaves a match (withdrawnPartsSql): each such record is kept on the oldest pending match to the holder it waits
 * in and leaves every later one: as an intake, its link goes; as the pending person, the later match's oldest intake
 * that waits on no other match to the holder takes its place; a match left with no record is `withdrawn` (out of the
 * queue; resolving it is 409), and intakes of it that wait on another match to the holder leave for that one. Each
 * change is audited against the holder as a withdrawal is (`person.match-withdraw`, no actor: the system), with the
 * match the record was kept on, in the migration's transaction; each match changed moves its version. It returns the
 * number of records taken off a later match. The function stays, for a database restored from before this migration.
 */
export class PersonMatchOneMatchPerRecord1796650000000 implements MigrationInterface {
  name = 'PersonMatchOneMatchPerRecord1796650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION person_matches_settle_double_counts() RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        v record;
        v_promoted uuid;
        v_left uuid[];
        v_status text;
        v_settled integer := 0;
      BEGIN
        LOOP
          -- The earliest later match (and its record) holding a record that also waits in an older pending match to the
          -- same holder, with the oldest such match: the one the record is kept on.
          SELECT d.id, d.candidate_person_id, d.pending_person_id, x.person_id, x.person_id = d.pending_person_id AS was_pending,
                 o.id AS kept_on
            INTO v
            FROM person_matches d
            CROSS JOIN LATERAL (SELECT d.pending_person_id AS person_id
                                UNION ALL SELECT i.person_id FROM person_match_intakes i WHERE i.match_id = d.id) x
            CROSS JOIN LATERAL (SELECT o.id FROM person_matches o
                                 WHERE o.status = 'pending' AND o.id <> d.id AND o.candidate_person_id = d.candidate_person_id
                                   AND (o.requested_at, o.id) < (d.requested_at, d.id)
                                   AND (o.pending_person_id = x.person_id
                                        OR EXISTS (SELECT 1 FROM person_match_intakes j WHERE j.match_id = o.id AND j.person_id = x.person_id))
                                 ORDER BY o.requested_at, o.id LIMIT 1) o
           WHERE d.status = 'pending'
           ORDER BY d.requested_at DESC, d.id DESC, x.person_id = d.pending_person_id, x.person_id
           LIMIT 1
           FOR UPDATE OF d;
          EXIT WHEN NOT FOUND;
          v_promoted := NULL;
          v_left := '{}';
          v_status := 'pending';
          IF NOT v.was_pending THEN
            DELETE FROM person_match_intakes WHERE match_id = v.id AND person_id = v.person_id;
          ELSE
            -- Its place goes to the oldest intake waiting on no other match to the holder (a pending person is one
            -- match's, never two); those waiting on another leave for it, as withdrawnPartsSql's do.
            SELECT i.person_id INTO v_promoted FROM person_match_intakes i
             WHERE i.match_id = v.id
               AND NOT EXISTS (SELECT 1 FROM person_matches o WHERE o.status = 'pending' AND o.id <> v.id
                                  AND o.candidate_person_id = v.candidate_person_id
                                  AND (o.pending_person_id = i.person_id
                                       OR EXISTS (SELECT 1 FROM person_match_intakes j WHERE j.match_id = o.id AND j.person_id = i.person_id)))
             ORDER BY i.attempt, i.person_id LIMIT 1;
            IF v_promoted IS NOT NULL THEN
              DELETE FROM person_match_intakes WHERE match_id = v.id AND person_id = v_promoted;
              UPDATE person_matches SET pending_person_id = v_promoted WHERE id = v.id;
            ELSE
              SELECT coalesce(array_agg(person_id ORDER BY person_id), '{}') INTO v_left FROM person_match_intakes WHERE match_id = v.id;
              DELETE FROM person_match_intakes WHERE match_id = v.id;
              UPDATE person_matches SET status = 'withdrawn', resolved_at = now() WHERE id = v.id;
              v_status := 'withdrawn';
            END IF;
          END IF;
          UPDATE person_matches SET version = version + 1 WHERE id = v.id;
          PERFORM audit_append(now(), NULL, NULL, 'person.match-withdraw', 'person-match', v.id::text, v.candidate_person_id, NULL, NULL,
            NULL, 'success', jsonb_build_object('personId', v.person_id, 'part', CASE WHEN v.was_pending THEN 'pending-person' ELSE 'intake' END,
              'status', v_status, 'pendingPersonId', coalesce(v_promoted, v.pending_person_id), 'keptOn', v.kept_on,
              'reason', 'counted-on-older-match', 'via', 'migration')
              || CASE WHEN cardinality(v_left) > 0 THEN jsonb_build_object('intakesLeftToOwnMatch', to_jsonb(v_left)) ELSE '{}'::jsonb END);
          v_settled := v_settled + 1;
        END LOOP;
        RETURN v_settled;
      END $$`);
    await q.query(`SELECT person_matches_settle_double_counts()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A record taken off a later match is not put back on it (it would be counted twice again): only the function goes.
    await q.query(`DROP FUNCTION person_matches_settle_double_counts()`);
  }
}
