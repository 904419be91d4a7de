import type { ModuleTables } from '../database/table-ownership';

/** The tables the CTO extensions module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['cto_extensions', 'cto_extension_events'],
};
