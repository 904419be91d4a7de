import type { Role } from './roles';

/** The authenticated caller, as every guard, policy and audit record sees them. */
export interface Actor {
  userId: string;
  email: string;
  displayName: string;
  roles: Role[];
  /** How the caller proved who they are. */
  via: 'local' | 'oidc';
  /**
   * The bearer token's lifetime, in seconds since the epoch as the token states it (`iat` may be absent from an
   * identity provider's token): what lasts beyond the request, the live event stream, ends with it.
   */
  token?: TokenLifetime;
}

export interface TokenLifetime {
  iat?: number;
  exp: number;
  /** When the token was issued, in milliseconds since the epoch: our own tokens state it (`iat_ms`). */
  issuedAtMs?: number;
}
