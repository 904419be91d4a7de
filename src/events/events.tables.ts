import type { ModuleTables } from '../database/table-ownership';

/** The tables the events module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['outbox_events', 'published_events'],
  sharedViews: ['published_events'],
};
