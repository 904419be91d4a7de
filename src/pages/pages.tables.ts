import type { ModuleTables } from '../database/table-ownership';

/** The tables the pages module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['push_subscriptions', 'pages'],
};
