import type { ModuleTables } from '../database/table-ownership';

/** The tables the idempotency module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['idempotency_keys'],
};
