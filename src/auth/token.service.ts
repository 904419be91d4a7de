import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, JWTPayload, SignJWT } from 'jose';
import { Clock } from '../common/clock';
import { ServiceUnavailableProblem, UnauthorizedProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { isRole, Role } from './roles';

export interface LocalClaims {
  sub: string;
  roles: Role[];
}

export interface ExternalClaims {
  subject: string;
  email: string | undefined;
  name: string | undefined;
  roles: Role[];
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues and verifies bearer tokens: our own HS256 tokens, or the council's identity provider's through JWKS. */
@Injectable()
export class TokenService {
  private jwks?: Promise<ReturnType<typeof createRemoteJWKSet>>;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async issueAccessToken(userId: string, roles: Role[]): Promise<{ token: string; expiresIn: number }> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const token = await new SignJWT({ roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.config.jwtIssuer)
      .setAudience(this.config.jwtAudience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.config.accessTokenTtlSeconds)
      .setJti(randomUUID())
      .sign(this.config.jwtSecret);
    return { token, expiresIn: this.config.accessTokenTtlSeconds };
  }

  newRefreshToken(): string {
    return randomBytes(32).toString('base64url');
  }

  async verifyLocal(token: string): Promise<LocalClaims> {
    const payload = await this.verify(() =>
      jwtVerify(token, this.config.jwtSecret, {
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
      }),
    );
    const roles = Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [];
    return { sub: payload.sub as string, roles };
  }

  async verifyExternal(token: string): Promise<ExternalClaims> {
    const payload = await this.verify(async () =>
      jwtVerify(token, await this.keySet(), {
        issuer: this.config.oidcIssuer,
        audience: this.config.oidcAudience,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp'],
      }),
    );
    const claim = payload[this.config.oidcRolesClaim];
    const rawRoles = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[ ,]+/) : [];
    return {
      subject: payload.sub as string,
      email: typeof payload.email === 'string' ? payload.email.toLowerCase() : undefined,
      name: typeof payload.name === 'string' ? payload.name : undefined,
      roles: rawRoles.filter(isRole),
    };
  }

  /** The issuer's key set: OIDC_JWKS_URI, or the `jwks_uri` of the issuer's discovery document. */
  private keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.jwks ??= this.discoverJwksUri()
      .then((uri) => createRemoteJWKSet(new URL(uri), { timeoutDuration: 3000, cooldownDuration: 30_000 }))
      .catch((err) => {
        this.jwks = undefined; // try discovery again on the next request
        throw err;
      });
    return this.jwks;
  }

  private async discoverJwksUri(): Promise<string> {
    if (this.config.oidcJwksUri) return this.config.oidcJwksUri;
    const url = `${this.config.oidcIssuer!.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new ServiceUnavailableProblem('The identity provider could not be reached to check the token.');
    const doc = (await res.json()) as { jwks_uri?: unknown };
    if (typeof doc.jwks_uri !== 'string') throw new UnauthorizedProblem('The identity provider publishes no jwks_uri.');
    return doc.jwks_uri;
  }

  private async verify(fn: () => Promise<{ payload: JWTPayload }>): Promise<JWTPayload> {
    try {
      return (await fn()).payload;
    } catch (err) {
      if (err instanceof errors.JWKSTimeout) throw new ServiceUnavailableProblem('The identity provider did not answer in time.');
      if (err instanceof errors.JWTExpired) throw new UnauthorizedProblem('The token has expired; sign in again or refresh it.');
      if (err instanceof errors.JOSEError) throw new UnauthorizedProblem('The token is not valid for this service.');
      throw err;
    }
  }
}
