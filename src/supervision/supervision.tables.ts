import type { ModuleTables } from '../database/table-ownership';
import { sqlCodes } from '../database/sql-codes';
import { PROFESSIONAL_SUPERVISION_TYPES } from './supervision.rules';

/** The tables the supervision module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['supervision_sessions', 'supervision_actions', 'appraisals', 'practice_audits'],
  sqlFragments: ['professionalSupervisionDatesSql'],
};

/**
 * The local dates of every professional supervision (AMHP-10) the practitioner whose id is the SQL expression
 * `practitionerId` has had, as a JSON array of 'YYYY-MM-DD' (empty when none): what the rota judges overdue
 * supervision from (supervision.rules supervisionOverdueFinding), embedded in its query of the practitioner.
 */
export const professionalSupervisionDatesSql = (practitionerId: string): string =>
  `coalesce((SELECT json_agg(to_char(supervision.held_on, 'YYYY-MM-DD')) FROM supervision_sessions supervision
              WHERE supervision.supervisee_id = ${practitionerId}
                AND supervision.type IN (${sqlCodes(PROFESSIONAL_SUPERVISION_TYPES)})), '[]'::json)`;
