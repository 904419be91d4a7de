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
    'report_populations',
    'report_equity_assessments',
    'report_equity_referrals',
    // migrations/1796429100000-OpsReportViews.ts: beds and conveyance, workforce and rota, out-of-hours decisions.
    'report_assessment_ops',
    'report_practitioners',
    'report_approvals',
    'report_training',
    'report_supervision',
    'report_shifts',
    'report_decisions',
    'report_handover_items',
  ],
};
