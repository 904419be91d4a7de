import type { ModuleTables } from '../database/table-ownership';

/** The tables the referrals module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['referrals', 'referral_events', 'referral_extensions', 'allocation_offers'],
};
