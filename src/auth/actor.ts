import type { Role } from './roles';

/** The authenticated caller, as every guard, policy and audit record sees them. */
export interface Actor {
  userId: string;
  email: string;
  displayName: string;
  roles: Role[];
  /** How the caller proved who they are. */
  via: 'local' | 'oidc';
}
