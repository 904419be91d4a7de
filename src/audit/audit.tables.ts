import type { ModuleTables } from '../database/table-ownership';

/** The tables the audit module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['audit_events', 'audit_chain_heads', 'audit_checkpoints', 'audit_verifications'],
};
