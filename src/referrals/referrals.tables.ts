import type { ModuleTables } from '../database/table-ownership';
import { sqlCodes } from '../database/sql-codes';
import { OPEN_STATUSES, REFERRAL_STATUSES } from './referral.workflow';

/** The tables the referrals module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['referrals', 'referral_events', 'referral_extensions', 'allocation_offers'],
  sqlFragments: ['personHasOpenReferralSql', 'referralsReceivedOrScreenedSql', 'referralPersonSql'],
};

/** The statuses that end a referral: every status that is not open (OPEN_STATUSES). */
const ENDED_STATUSES = REFERRAL_STATUSES.filter((s) => !OPEN_STATUSES.includes(s));

/**
 * SQL: the status column `column` holds an open status (OPEN_STATUSES, the one list). Written as "none of the ended
 * statuses", the predicate of the partial index referrals_queue_idx, so that the queue is read through it.
 */
export const openStatusSql = (column: string): string => `${column} NOT IN (${sqlCodes(ENDED_STATUSES)})`;

/**
 * SQL fragment for another module's query: the person `person` (an SQL expression, e.g. a column of the caller's
 * query) has an open referral. `person` is compared outside the subquery, and the subquery's alias is one no caller
 * uses, so `person` always means the caller's row (were it inside, an alias could shadow it and the condition would
 * hold for every row).
 */
export const personHasOpenReferralSql = (person: string): string =>
  `${person} IN (SELECT open_referral.person_id FROM referrals open_referral WHERE ${openStatusSql('open_referral.status')})`;

/**
 * SQL fragment for another module's query: the ids of the referrals received, or given a screening decision
 * (accepted, not accepted, transferred), in [from, to) (SQL expressions, e.g. parameters), read through the indexes
 * on received_at and on the events' (type, at), so a report of one period reads that period's referrals only.
 */
export const referralsReceivedOrScreenedSql = (from: string, to: string): string =>
  `SELECT period_referral.id FROM referrals period_referral
    WHERE period_referral.received_at >= ${from} AND period_referral.received_at < ${to}
   UNION SELECT period_event.referral_id FROM referral_events period_event
    WHERE period_event.type IN ('accepted','not-accepted','transferred') AND period_event.at >= ${from} AND period_event.at < ${to}`;

/**
 * SQL fragment for another module's query: the person of the referral `id` (an SQL expression, e.g. `$1`), NULL when
 * there is no such referral. Break-glass opened on a referral finds its person with it.
 */
export const referralPersonSql = (id: string): string =>
  `(SELECT person_referral.person_id FROM referrals person_referral WHERE person_referral.id = ${id})`;
