import { createHash, createSecretKey, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors, FlattenedJWSInput, JWSHeaderParameters, jwtVerify, JWTPayload, SignJWT } from 'jose';
import { Clock } from '../common/clock';
import { ServiceUnavailableProblem, UnauthorizedProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import type { TokenLifetime } from './actor';
import { isRole, Role } from './roles';

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

export interface LocalClaims {
  sub: string;
  roles: Role[];
  token: TokenLifetime;
}

export interface ExternalClaims {
  subject: string;
  email: string | undefined;
  name: string | undefined;
  roles: Role[];
  token: TokenLifetime;
}

/** Each call to the identity provider (discovery, key set) gives up after this long. */
const PROVIDER_TIMEOUT_MS = 3000;

function providerUnavailable(detail: string, cause: unknown): ServiceUnavailableProblem {
  const problem = new ServiceUnavailableProblem(detail);
  (problem as { cause?: unknown }).cause = cause; // logged by the problem filter, never sent
  return problem;
}

const VERIFIED_TOKENS_KEPT = 10_000;

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues and verifies bearer tokens: our own HS256 tokens, or the council's identity provider's through JWKS. */
@Injectable()
export class TokenService {
  private jwks?: Promise<RemoteJwks>;
  /** Imported once: jose would otherwise import the raw secret on every sign and verify (measured ~30 µs each). */
  private readonly secret: KeyObject;
  /**
   * Our own tokens already verified, by their exact text, until they expire: checking an HS256 signature through
   * WebCrypto was a sixth of the app's CPU on the duty AMHP's queue (bench/on-duty.bench.js). Bounded; a restart
   * (or a new secret) empties it.
   */
  private readonly verified = new Map<string, { claims: LocalClaims; expiresAt: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.secret = createSecretKey(config.jwtSecret);
  }

  /**
   * `after`: when the user's sessions were last ended. A token issued for a sign-in that follows it is dated after it
   * even if this replica's clock is behind the one that ended them (or the clock stands still), so it is not refused.
   */
  async issueAccessToken(userId: string, roles: Role[], after?: Date | null): Promise<{ token: string; expiresIn: number }> {
    const issuedAtMs = Math.max(this.clock.now().getTime(), after ? after.getTime() + 1 : 0);
    const now = Math.floor(issuedAtMs / 1000);
    // `iat` counts whole seconds; `iat_ms` lets a sign-in in the same second as a sign-out keep its session (sessionEnded).
    const token = await new SignJWT({ roles, iat_ms: issuedAtMs })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.config.jwtIssuer)
      .setAudience(this.config.jwtAudience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.config.accessTokenTtlSeconds)
      .setJti(randomUUID())
      .sign(this.secret);
    return { token, expiresIn: this.config.accessTokenTtlSeconds };
  }

  newRefreshToken(): string {
    return randomBytes(32).toString('base64url');
  }

  async verifyLocal(token: string): Promise<LocalClaims> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > this.clock.now().getTime()) return known.claims;
      this.verified.delete(token); // expired: jose says so, with its own message
    }
    const payload = await this.verify(() =>
      jwtVerify(token, this.secret, {
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
      }),
    );
    const roles = Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [];
    const iat = payload.iat as number;
    // A stated `iat_ms` counts only within its own `iat` second: it cannot move the issue time anywhere else.
    const issuedAtMs = typeof payload.iat_ms === 'number' && Math.floor(payload.iat_ms / 1000) === iat ? payload.iat_ms : undefined;
    const claims = { sub: payload.sub as string, roles, token: { iat, exp: payload.exp as number, issuedAtMs } };
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { claims, expiresAt: (payload.exp as number) * 1000 });
    return claims;
  }

  async verifyExternal(token: string): Promise<ExternalClaims> {
    const payload = await this.verify(() =>
      jwtVerify(token, (header, jws) => this.issuerKey(header, jws), {
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
      token: { iat: typeof payload.iat === 'number' ? payload.iat : undefined, exp: payload.exp as number },
    };
  }

  /**
   * The key for a token, from the issuer's key set. Asked only once the token's header has passed the algorithm
   * check, so a malformed or `alg: none` token never reaches the identity provider. When the provider cannot be
   * asked (unreachable, slow, answering an error or something that is not a key set) the answer is 503, not 401:
   * the token may be fine, and the client should retry.
   */
  private async issuerKey(header: JWSHeaderParameters, token: FlattenedJWSInput): ReturnType<RemoteJwks> {
    const jwks = await this.keySet();
    try {
      return await jwks(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSTimeout) throw providerUnavailable('The identity provider did not answer in time.', err);
      // The generic JOSEError is the key set's HTTP answer: not 200, or not JSON. JWKSInvalid: JSON, but no key set.
      if (err instanceof errors.JWKSInvalid || (err instanceof errors.JOSEError && err.code === errors.JOSEError.code)) {
        throw providerUnavailable('The identity provider answered with no usable key set.', err);
      }
      if (err instanceof errors.JOSEError) throw err; // about the token: no key with its kid, and so on
      throw providerUnavailable('The identity provider could not be reached to check the token.', err); // fetch failed
    }
  }

  /** The issuer's key set: OIDC_JWKS_URI, or the `jwks_uri` of the issuer's discovery document. */
  private keySet(): Promise<RemoteJwks> {
    this.jwks ??= this.discoverJwksUri()
      .then((uri) => createRemoteJWKSet(uri, { timeoutDuration: PROVIDER_TIMEOUT_MS, cooldownDuration: 30_000 }))
      .catch((err) => {
        this.jwks = undefined; // try discovery again on the next request
        throw err;
      });
    return this.jwks;
  }

  private async discoverJwksUri(): Promise<URL> {
    if (this.config.oidcJwksUri) return new URL(this.config.oidcJwksUri);
    const url = `${this.config.oidcIssuer!.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let doc: { jwks_uri?: unknown } | null;
    try {
      // The timeout covers the body too; fetch would otherwise wait as long as the provider keeps the socket open.
      const res = await fetch(url, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`discovery answered HTTP ${res.status}`);
      doc = (await res.json()) as { jwks_uri?: unknown } | null;
    } catch (err) {
      const timedOut = (err as Error)?.name === 'TimeoutError';
      throw providerUnavailable(
        timedOut ? 'The identity provider did not answer in time.' : 'The identity provider could not be reached to check the token.',
        err,
      );
    }
    try {
      if (typeof doc?.jwks_uri !== 'string') throw new Error('discovery document has no jwks_uri');
      return new URL(doc.jwks_uri);
    } catch (err) {
      throw providerUnavailable('The identity provider publishes no usable jwks_uri.', err);
    }
  }

  private async verify(fn: () => Promise<{ payload: JWTPayload }>): Promise<JWTPayload> {
    try {
      return (await fn()).payload;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new UnauthorizedProblem('The token has expired; sign in again or refresh it.');
      if (err instanceof errors.JOSEError) throw new UnauthorizedProblem('The token is not valid for this service.');
      throw err;
    }
  }
}
