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
    'report_safeguarding_decisions',
    'report_referral_people',
    'report_guardianship',
    'report_workforce',
    // migrations/1796430000000-ReportViewsOnePass.ts: the instants applications were signed (candidates, by index).
    'report_application_signings',
  ],
};
