import type { ModuleTables } from '../database/table-ownership';

/** The tables the rota module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: [
    'shift_patterns',
    'bank_holidays',
    'shifts',
    'shift_assignments',
    'leave_requests',
    'swap_requests',
    'calendar_tokens',
    'rota_preferences',
    'rota_plans',
    'manager_on_call',
    'rota_plan_runs',
    'rota_days',
    'shifts_removed',
  ],
  sqlFragments: ['onShiftSql', 'shiftEndSql'],
};

/**
 * SQL fragment for another module's query: the user `user` is on a rota shift at the instant `at` (both SQL
 * expressions of the caller's query, e.g. parameters).
 */
export const onShiftSql = (user: string, at: string): string =>
  `EXISTS (SELECT 1 FROM shift_assignments on_shift WHERE on_shift.user_id = ${user} AND on_shift.starts_at <= ${at} AND on_shift.ends_at > ${at})`;

/**
 * SQL fragment for another module's query: when the shift the user `user` is on at the instant `at` ends (NULL when
 * she is on none then). Both SQL expressions of the caller's query.
 */
export const shiftEndSql = (user: string, at: string): string =>
  `(SELECT max(shift_end.ends_at) FROM shift_assignments shift_end WHERE shift_end.user_id = ${user} AND shift_end.starts_at <= ${at} AND shift_end.ends_at > ${at})`;
