import type { ModuleTables } from '../database/table-ownership';

/**
 * The reports module owns no case tables: it reads the record through the views its migrations create
 * (migrations/1796425000000-ReportViews.ts: one row per referral, assessment and place-of-safety referral;
 * migrations/1796429200000-ReturnViews.ts: signed decisions, referrals' people, guardianship applications, approvals).
 */
export const TABLES: ModuleTables = {
  owns: [
    'report_referral_steps',
    'report_assessments',
    'report_places_of_safety',
    'report_safeguarding_decisions',
    'report_referral_people',
    'report_guardianship',
    'report_workforce',
  ],
};
