import type { ModuleTables } from '../database/table-ownership';

/** The tables the assessments module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['assessments', 'assessment_events', 'assessment_contacts', 'medical_recommendations'],
  sqlFragments: [
    'referralStopFactsSql',
    'assessmentPersonSql',
    'openAssessmentLedBySql',
    'leadsOfOpenAssessmentsSql',
    'unfinishedAssessmentsOfSql',
    'recordedDetentionEndsSql',
  ],
};

/**
 * SQL fragment for the referrals module's query: what the assessments of the referral `referral` (an SQL expression,
 * e.g. the caller's column) have recorded that starts or stops its clocks (statute/clocks.ts StopFacts, clockStop,
 * outcomeClocks): the first assessment's opening, every in-person contact (C8) and each outcome with its signing,
 * alternatives, section as made, the admission (the timeline's first "admitted"; for a patient already in hospital the
 * managers' receipt, APP-12) and, for a s.4, when it became a s.2 (APP-11: the judgement s4Conversion made when the
 * assessment last changed, kept in s4_converts_at) and when the authority to convey under the application ended (APP-13,
 * APP-14: conveyanceWindow's judgement, kept in conveyance_ends_at). Dates come as JSON text; the caller turns them into instants.
 */
export const referralStopFactsSql = (referral: string): string => `json_build_object(
    'assessmentOpenedAt', (SELECT min(sf_a.opened_at) FROM assessments sf_a WHERE sf_a.referral_id = ${referral}),
    'inPersonContactsAt', coalesce((SELECT json_agg(sf_c.at ORDER BY sf_c.at) FROM assessment_contacts sf_c JOIN assessments sf_a ON sf_a.id = sf_c.assessment_id
                                     WHERE sf_a.referral_id = ${referral} AND sf_c.mode = 'in-person'), '[]'),
    'outcomes', coalesce((SELECT json_agg(json_build_object('kind', sf_a.outcome_kind, 'decidedAt', sf_a.decided_at,
                            'signedAt', coalesce(sf_a.outcome->'application'->>'signedAt', sf_a.outcome->'cto'->>'signedAt'),
                            'alternatives', sf_a.outcome->'alternatives',
                            'ctoDecision', sf_a.outcome->'cto'->>'decision',
                            'managersReceivedAt', sf_a.outcome->'application'->>'managersReceivedAt',
                            'section', sf_a.outcome->'application'->>'section',
                            'admittedAt', CASE WHEN sf_a.outcome->'application'->>'inPatient' = 'true' AND sf_a.outcome->'application'->>'managersReceivedAt' IS NOT NULL
                                               THEN (sf_a.outcome->'application'->>'managersReceivedAt')::timestamptz
                                               ELSE (SELECT min(sf_e.at) FROM assessment_events sf_e WHERE sf_e.assessment_id = sf_a.id AND sf_e.type = 'admitted') END,
                            's4ConvertedAt', sf_a.s4_converts_at,
                            'conveyanceEndsAt', sf_a.conveyance_ends_at))
                           FROM assessments sf_a WHERE sf_a.referral_id = ${referral} AND sf_a.outcome_kind IS NOT NULL AND sf_a.decided_at IS NOT NULL), '[]'))`;

/**
 * SQL fragment for another module's query: the person of the assessment `id` (an SQL expression, e.g. `$1`), NULL
 * when there is no such assessment. Break-glass opened on an assessment finds its person with it.
 */
export const assessmentPersonSql = (id: string): string =>
  `(SELECT person_assessment.person_id FROM assessments person_assessment WHERE person_assessment.id = ${id})`;

/**
 * SQL fragment for another module's query: the id of the assessment of the referral `referral` that is not closed and
 * is led by the user `user` (SQL expressions), or NULL. An AMHP who may no longer act is judged by what she leads.
 */
export const openAssessmentLedBySql = (referral: string, user: string): string =>
  `(SELECT la.id FROM assessments la WHERE la.referral_id = ${referral} AND la.lead_amhp_user_id = ${user} AND la.status <> 'closed'
     ORDER BY la.opened_at, la.seq LIMIT 1)`;

/** SQL fragment for another module's query: a SELECT of the user ids leading an assessment that is not closed. */
export const leadsOfOpenAssessmentsSql = (): string =>
  `SELECT ol.lead_amhp_user_id FROM assessments ol WHERE ol.status <> 'closed' AND ol.lead_amhp_user_id IS NOT NULL`;

/**
 * SQL fragment for another module's query: a SELECT of the assessments of the referral `referral` (an SQL expression)
 * not closed, each with its lead AMHP (`id`, `leadUserId`): the assessments under way when the referral ends.
 */
export const unfinishedAssessmentsOfSql = (referral: string): string =>
  `SELECT ua.id::text AS id, ua.lead_amhp_user_id::text AS "leadUserId" FROM assessments ua
    WHERE ua.referral_id = ${referral} AND ua.status <> 'closed' AND ua.lead_amhp_user_id IS NOT NULL ORDER BY ua.opened_at, ua.seq`;

/**
 * SQL fragment for the referrals module's query: the s.2 applications (and s.4s, which may have become one) of the
 * person `person` (an SQL expression, e.g. the caller's column) whose detention's end is recorded on them (APP-22, POST /assessments/{id}/detention-end), as a JSON
 * array of `{ assessmentId, admittedAt, ended }`: the admission (the timeline's first "admitted"; for a patient already
 * in hospital the managers' receipt, APP-12) and the end as kept. A referral stating the patient already on a s.2 of
 * the same admission takes that end (statedS2Ended). Dates come as JSON text.
 */
export const recordedDetentionEndsSql = (person: string): string => `coalesce((SELECT json_agg(json_build_object(
    'assessmentId', de_a.id, 'ended', de_a.outcome->'application'->'detentionEnded',
    'admittedAt', CASE WHEN de_a.outcome->'application'->>'inPatient' = 'true' AND de_a.outcome->'application'->>'managersReceivedAt' IS NOT NULL
                       THEN (de_a.outcome->'application'->>'managersReceivedAt')::timestamptz
                       ELSE (SELECT min(de_e.at) FROM assessment_events de_e WHERE de_e.assessment_id = de_a.id AND de_e.type = 'admitted') END))
   FROM assessments de_a WHERE de_a.person_id = ${person} AND de_a.outcome_kind = 'application' AND de_a.section IN ('s2', 's4')
    AND jsonb_typeof(de_a.outcome->'application'->'detentionEnded') = 'object'), '[]')`;
