import type { ModuleTables } from '../database/table-ownership';

/** The tables the alerts module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['notifications', 'job_runs', 'outbox_cursors', 'webhook_subscriptions', 'webhook_deliveries'],
};
