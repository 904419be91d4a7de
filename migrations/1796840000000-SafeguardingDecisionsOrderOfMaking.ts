import { MigrationInterface, QueryRunner } from 'typeorm';

/** The view's columns before this change, and the one it adds at the end (a view's columns can only be added there). */
const COLUMNS = `d.id AS decision_id, d.type, d.person_id, d.occurred_at, d.signed_at,
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
              p.ethnic_category`;
const COMMENT =
  "Owned by reports. One row per signed out-of-hours decision: its type, person, when it was made, the SAC codes and s.42 test of a safeguarding decision, the DoLS return fields of a DoLS decision, and the person's sex, date of birth (or approximate age) and ethnic category.";
const FROM = `FROM decisions d LEFT JOIN persons p ON p.id = d.person_id
        WHERE d.status = 'signed'`;

/**
 * Written by hand: the DoLS return's row for a request comes from the latest signed decision about it, and two
 * decisions made at the same instant (an urgent authorisation and its extension written up together) were told apart
 * by the order the view's rows happened to come in, so the return could show either. The view now carries each
 * decision's `seq` (the order it was made in), and the later-made one gives the row.
 */
export class SafeguardingDecisionsOrderOfMaking1796840000000 implements MigrationInterface {
  name = 'SafeguardingDecisionsOrderOfMaking1796840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE VIEW report_safeguarding_decisions AS SELECT ${COLUMNS}, d.seq ${FROM}`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A column cannot be taken off a view by replacing it: made again as it was, with its comment.
    await q.query(`DROP VIEW report_safeguarding_decisions`);
    await q.query(`CREATE VIEW report_safeguarding_decisions AS SELECT ${COLUMNS} ${FROM}`);
    await q.query(`COMMENT ON VIEW report_safeguarding_decisions IS '${COMMENT.replace(/'/g, "''")}'`);
  }
}
