import type { ModuleTables } from '../database/table-ownership';

/** The tables the assessments module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['assessments', 'assessment_events', 'assessment_contacts', 'medical_recommendations'],
};
