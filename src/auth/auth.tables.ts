import type { ModuleTables } from '../database/table-ownership';

/** The tables the auth module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['users', 'refresh_tokens', 'login_attempts', 'user_directory'],
  sharedViews: ['user_directory'],
};
