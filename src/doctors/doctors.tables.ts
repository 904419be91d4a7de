import type { ModuleTables } from '../database/table-ownership';

/** The tables the doctors module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['doctors', 'doctor_approvals'],
  sqlFragments: ['doctorEmailsSql'],
};

/**
 * SQL fragment for another module's query (and the register's own): the doctors on the register that have an email,
 * `SELECT id, email` (alias `d`), oldest first (those recorded at one instant in the order recorded, never by id),
 * after any condition the caller adds with `AND`. For the look-alike comparison of an address against the register's
 * (confusableWith): a hub account's is refused one that reads as a doctor's, as a doctor's is one that reads as an
 * account's.
 */
export const doctorEmailsSql = (and = 'TRUE'): string =>
  `SELECT d.id, d.email FROM doctors d WHERE d.email IS NOT NULL AND (${and}) ORDER BY d.created_at, d.seq`;
