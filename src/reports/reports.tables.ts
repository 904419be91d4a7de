import type { ModuleTables } from '../database/table-ownership';

/**
 * The reports module owns no case tables: it reads the record through the views its migration creates
 * (migrations/1796425000000-ReportViews.ts), one row per referral, assessment and place-of-safety referral.
 */
export const TABLES: ModuleTables = {
  owns: [
    'report_referral_steps',
    'report_assessments',
    'report_places_of_safety',
    'report_safeguarding_decisions',
    'report_referral_people',
    'report_guardianship',
  ],
};
