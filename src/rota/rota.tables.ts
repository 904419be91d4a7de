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
  ],
};
