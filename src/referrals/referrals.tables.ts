import type { ModuleTables } from '../database/table-ownership';
import { OPEN_STATUSES } from './referral.workflow';

/** The tables the referrals module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['referrals', 'referral_events', 'referral_extensions', 'allocation_offers'],
  sqlFragments: ['personHasOpenReferralSql'],
};

/** SQL: the status column `column` holds an open status (OPEN_STATUSES, the one list). */
export const openStatusSql = (column: string): string => `${column} IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(',')})`;

/**
 * SQL fragment for another module's query: the person `person` (an SQL expression, e.g. a column of the caller's
 * query) has an open referral. Its own alias is one no caller uses, so `person` always means the caller's row.
 */
export const personHasOpenReferralSql = (person: string): string =>
  `EXISTS (SELECT 1 FROM referrals open_referral WHERE open_referral.person_id = ${person} AND ${openStatusSql('open_referral.status')})`;
