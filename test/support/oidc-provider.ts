import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWTPayload, SignJWT } from 'jose';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** How an endpoint of the stub answers: normally, with HTTP 500, by dropping the connection, or not at all. */
export type Behaviour = 'ok' | 'error-500' | 'drop' | 'hang' | 'no-jwks-uri';

export const DISCOVERY_PATH = '/realms/amhp/.well-known/openid-configuration';
/** Advertised as `jwks_uri` by the discovery document. */
export const DISCOVERED_JWKS_PATH = '/realms/amhp/protocol/openid-connect/certs';
/** Served too, but advertised nowhere: only reachable through OIDC_JWKS_URI. */
export const DIRECT_JWKS_PATH = '/direct/jwks.json';

export interface SignOptions {
  /** Defaults to the provider's own signing key. */
  key?: KeyPair['privateKey'];
  kid?: string;
  iss?: string;
  aud?: string | string[];
  /** Seconds since the epoch. */
  iat?: number;
  exp?: number;
  sub?: string;
}

/**
 * A council identity provider on 127.0.0.1 (random port): an OpenID discovery document and a JWKS of one RS256 key
 * with a `kid`, both made with jose. It counts requests per path and can be told to fail, hang or go away.
 */
export class OidcProvider {
  readonly kid = 'stub-key-1';
  readonly hits: Record<string, number> = {};
  behaviour: { discovery: Behaviour; jwks: Behaviour } = { discovery: 'ok', jwks: 'ok' };
  port = 0;
  private server?: Server;

  private constructor(
    private readonly keys: KeyPair,
    private readonly jwk: Record<string, unknown>,
  ) {}

  static async start(port = 0): Promise<OidcProvider> {
    const keys = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(keys.publicKey)), use: 'sig', alg: 'RS256' };
    const provider = new OidcProvider(keys, jwk);
    provider.jwk.kid = provider.kid;
    await provider.listen(port);
    return provider;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get issuer(): string {
    return `${this.origin}/realms/amhp`;
  }

  get directJwksUri(): string {
    return `${this.origin}${DIRECT_JWKS_PATH}`;
  }

  hitsOn(path: string): number {
    return this.hits[path] ?? 0;
  }

  /** (Re)starts listening; pass the old port to come back at the same address after `stop()`. */
  async listen(port = this.port): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and drops every open connection (hung requests included): the provider is down. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async sign(claims: JWTPayload, opts: SignOptions = {}): Promise<string> {
    const now = opts.iat ?? Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: opts.kid ?? this.kid })
      .setSubject(opts.sub ?? 'subject-1')
      .setIssuer(opts.iss ?? this.issuer)
      .setAudience(opts.aud ?? 'amhp-hub')
      .setIssuedAt(now)
      .setExpirationTime(opts.exp ?? now + 600)
      .sign(opts.key ?? this.keys.privateKey);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    this.hits[path] = (this.hits[path] ?? 0) + 1;
    if (path === DISCOVERY_PATH) {
      this.answer(res, this.behaviour.discovery, () => ({
        issuer: this.issuer,
        jwks_uri: this.behaviour.discovery === 'no-jwks-uri' ? undefined : `${this.origin}${DISCOVERED_JWKS_PATH}`,
        id_token_signing_alg_values_supported: ['RS256'],
      }));
      return;
    }
    if (path === DISCOVERED_JWKS_PATH || path === DIRECT_JWKS_PATH) {
      this.answer(res, this.behaviour.jwks, () => ({ keys: [this.jwk] }));
      return;
    }
    res.writeHead(404).end();
  }

  private answer(res: ServerResponse, behaviour: Behaviour, body: () => unknown): void {
    switch (behaviour) {
      case 'hang':
        return; // never answers; stop() drops the connection
      case 'drop':
        res.socket?.destroy();
        return;
      case 'error-500':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      default:
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body()));
    }
  }
}

/** A key pair the provider does not publish. */
export async function foreignKey(): Promise<KeyPair['privateKey']> {
  return (await generateKeyPair('RS256')).privateKey;
}
