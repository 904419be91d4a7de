import type { RegimeConfig } from '../statute/assessment.types';
import { DEFAULT_NR_DELAY_WARNING_HOURS, DEFAULT_S14_REPORT_DAYS, FORWARD_TO_LSSA_DAYS } from '../statute/assessment-rules';
import { DEFAULT_2025_S3_RENEWAL_MONTHS, renewalMonthsProblem } from '../statute/legal-regime';
import { DEFAULT_DOLS_DAY_COUNTING, DOLS_DAY_COUNTINGS, type DolsDayCounting } from '../statute/dols';
import { DEFAULT_S29_APPEAL_DAYS } from '../statute/clocks';
import { DEFAULT_APPROVAL_MAX_YEARS } from '../workforce/workforce.rules';
import { createECDH, createHmac, ECDH, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A configuration problem that stops start-up with one clear line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
  }
}

export type AuthMode = 'local' | 'oidc';

/**
 * The typed, validated environment. Injected by class token: `constructor(private readonly config: AppConfig)`.
 * Every variable is documented in `.env.example`.
 */
export class AppConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /** Postgres server to use; when absent an embedded server is started under `embeddedPgDir`. */
  readonly databaseUrl: string | undefined;
  readonly embeddedPgDir: string;
  readonly embeddedPgPort: number;
  readonly dbPoolMax: number;
  readonly dbConnectTimeoutMs: number;
  readonly dbStatementTimeoutMs: number;
  readonly dbIdleTimeoutMs: number;
  readonly serializationRetries: number;
  readonly authMode: AuthMode;
  readonly jwtSecret: Uint8Array;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** A refresh token presented again this soon after its rotation is a lost answer retried, not theft. */
  readonly refreshReuseGraceSeconds: number;
  /** Concurrent live event streams (GET /events) one user may hold on one replica. */
  readonly eventsMaxStreamsPerUser: number;
  /** How long authentication may reuse an account read (a change made through the API takes effect at once). */
  readonly authCacheSeconds: number;
  readonly oidcIssuer: string | undefined;
  readonly oidcAudience: string | undefined;
  readonly oidcJwksUri: string | undefined;
  readonly oidcRolesClaim: string;
  readonly loginMaxFailures: number;
  readonly loginWindowSeconds: number;
  readonly breakGlassTtlMinutes: number;
  readonly bodyLimitBytes: number;
  readonly corsOrigins: string[];
  readonly trustProxy: boolean;
  readonly logLevel: string;
  readonly timeZone: string;
  readonly seedDemo: boolean;
  readonly metricsToken: string | undefined;
  readonly idempotencyTtlHours: number;
  /** AMHP-06: refresher training hours required in each approval year (statutory minimum 18; councils ask more). */
  readonly trainingHoursPerYear: number;
  /**
   * MHA 2025 commencement dates (MHA25-02/04/05/06/09; MHA 2025 ss.3-5, 24-25, 29): null until commenced. Civil
   * Part 2 changes were not reported as commenced when this was written (unconfirmed), so each is a setting, not
   * code: legal-regime.ts reads them.
   */
  readonly regime: RegimeConfig;
  /** The morning handover is compiled at this local time each day (HH:MM). */
  readonly handoverTime: string;
  /** Out-of-hours spending above this (pence) under delegated authority must be escalated to a senior manager. */
  readonly delegatedAuthorityLimitPence: number;
  /**
   * The council (LSSA) the hub's AMHPs act for: heads the outcome report and signs the s.13(4) letter. Null when not
   * set: the letter then says "the council". The demo (SEED_DEMO) is the fictional Northshire County Council.
   */
  readonly councilName: string | null;
  /**
   * Pre-duty checklist item 1 (AMHP-01): the councils (LSSAs) whose AMHP approvals count here: this council and those
   * with an arrangement with it (APPROVING_COUNCILS, separated by semicolons). Null when neither is set: nothing to
   * compare an approval's approving authority with.
   */
  readonly approvingCouncils: string[] | null;
  /** NR-01: how soon after a s.2 application the nearest relative should have been informed ("reasonable time", local SLA). */
  readonly nrInformSlaHours: number;
  /**
   * NR-03 (CV v SLAM): hours of detention left (holding power, place of safety, s.2) above which relying on "consulting
   * the nearest relative would involve unreasonable delay" is a warning the AMHP must answer (local policy).
   */
  readonly nrDelayWarningHours: number;
  /**
   * APP-21 (s.14): days from an admission on the nearest relative's application by which the AMHP's social
   * circumstances report should reach the managers (the Act: "as soon as practicable"; a local target).
   */
  readonly s14ReportDays: number;
  /**
   * GDN-06 ✱ (s.8(2)): days, beginning with the last medical examination, within which a guardianship application is
   * forwarded to the council (14, read as s.6(1)(a) reads; the text is unconfirmed, so a setting).
   */
  readonly guardianshipForwardDays: number;
  /**
   * AMHP-05 ✱ (SI 2008/1206 reg 4): the longest an AMHP approval may last, in years (5, read as "five years"; whether
   * the regulation fixes the period or sets a maximum is unconfirmed, so a setting). 1-5.
   */
  readonly approvalMaxYears: number;
  /**
   * NR-11 ✱ (s.29(4), (5)): the days after the county court's decision on a s.29 displacement application allowed for
   * appealing from it (21, read from CPR 52.12(2)(b); court rules, not the Act, and unconfirmed, so a setting). Until
   * they have passed, or an appeal brought in them is determined or withdrawn, a s.2 the application extends stays in
   * force. 1-90.
   */
  readonly s29AppealDays: number;
  /** OOH-04/05 ✱: local calendar days beginning with the day of the grant (default), or N × 24 elapsed hours. */
  readonly dolsDayCounting: DolsDayCounting;
  /** Of those, hours that must be mental-health specific (local policy, e.g. Devon: 18 of 30). */
  readonly trainingMentalHealthHoursPerYear: number;
  /** How a completed approval year short of training affects eligibility: a hard block or a warning. */
  readonly trainingShortfallSeverity: 'hard' | 'warning';
  /** Warn about the current approval year once this many months of it have passed with hours still short. */
  readonly trainingWarnAfterMonths: number;
  /** Days before an approval ends at which reapproval reminders fall due (AMHP-05: about 6 and 3 months). */
  readonly approvalReminderDays: number[];
  /** A professional registration checked longer ago than this gives a warning in eligibility. */
  readonly registrationCheckMaxAgeDays: number;
  /** Working Time Regulations reg 10: minimum rest between shifts (hard rule on the rota). */
  readonly rotaMinRestHours: number;
  /** WTR reg 4: the weekly average above which an assignment warns, and its reference period. */
  readonly rotaMaxWeeklyHours: number;
  readonly rotaReferenceWeeks: number;
  /** Local policy: consecutive nights above which an assignment warns. */
  readonly rotaMaxConsecutiveNights: number;
  /** Local policy (ROTA-DAYS): most consecutive local dates an AMHP may start a shift on; a hard rule. */
  readonly rotaMaxConsecutiveDays: number;
  /** WTR reg 11: the uninterrupted weekly rest below which an assignment warns. */
  readonly rotaWeeklyRestHours: number;
  /** WTR reg 6: a night worker's average hours in each 24 above which a night assignment warns, and its reference period. */
  readonly rotaNightMaxAverageHours: number;
  readonly rotaNightReferenceWeeks: number;
  /** Minutes before a statutory clock's deadline at which its warnings are raised (e.g. 240 and 60: 4 h and 1 h). */
  readonly clockWarningLeadsMinutes: number[];
  /**
   * An allocation offer nobody has accepted, or a clock page nobody has acknowledged, after this many minutes goes to
   * the next step of the escalation chain (DUTY-03): the next AMHP on duty, the senior on duty, the manager on call.
   */
  readonly offerEscalationMinutes: number;
  /** The longest the duty app keeps its encrypted job pack on the phone (GET /me/job-pack says when it expires). */
  readonly clientOfflineHours: number;
  /** A handover item still unacknowledged this many minutes after the handover was compiled is escalated. */
  readonly handoverEscalationMinutes: number;
  /** The local target, in minutes from arrival at a place of safety (s.135/s.136), for the assessment to start (reports). */
  readonly placeOfSafetyTargetMinutes: number;
  /** Webhook destinations may use plain http (development and tests only): SSRF guard, webhook-url.ts. */
  readonly webhookAllowHttp: boolean;
  /** Webhook destinations may resolve to loopback, private, link-local or CGNAT addresses (development and tests only). */
  readonly webhookAllowPrivate: boolean;
  /** Attempts at one webhook delivery before it is abandoned. */
  readonly webhookMaxAttempts: number;
  /** Consecutive failed attempts after which a webhook subscription is disabled. */
  readonly webhookDisableAfter: number;
  /**
   * The Web Push (VAPID, RFC 8292) application server key pair, base64url: the public key (uncompressed P-256 point)
   * is given to the app to subscribe with; the private key signs each push request's JWT. Kept like JWT_SECRET.
   */
  readonly vapid: { publicKey: string; privateKey: string; subject: string };
  /** The heap one planner run (its worker thread) may use; a run that needs more fails instead of starving the API. */
  readonly plannerMemoryMb: number;
  /**
   * The nice value on Linux (0-19) of the worker threads beside the API (the planner's, the audit chain walks'): above 0,
   * the API's threads win the cores when both want them.
   */
  readonly plannerNice: number;
  /** A signed audit checkpoint is written for each lane every this many events (GET /audit-events/verify starts there). */
  readonly auditCheckpointEvery: number;
  /** HMAC-SHA256 key signing the audit checkpoints (AUDIT_CHECKPOINT_KEY, else derived from the JWT secret). */
  readonly auditCheckpointKey: Uint8Array;
  /**
   * AES-256-GCM key sealing the cursors whose sort key is a person's names (sealCursor): derived from the JWT secret,
   * so a restart keeps the pages a client is reading.
   */
  readonly cursorKey: Uint8Array;
  /**
   * The checkpoint job walks the chain in a worker thread (below the API's threads, with a connection of its own) when
   * at least this many audit events may be waiting; fewer are checked in the API's thread, saving the thread's start.
   */
  readonly auditWalkWorkerFrom: number;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback?: string): string {
  const v = env[name];
  if (v === undefined || v === '') {
    if (fallback === undefined) throw new ConfigError(name, 'is required but not set');
    return fallback;
  }
  return v;
}

function optional(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got '${raw}'`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function intList(env: Env, name: string, fallback: number[], min: number, max: number): number[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const parts = raw.split(',').map((p) => p.trim());
  if (!parts.every((p) => /^\d+$/.test(p))) throw new ConfigError(name, `must be a comma-separated list of whole numbers, got '${raw}'`);
  const values = parts.map(Number);
  if (values.some((v) => v < min || v > max)) throw new ConfigError(name, `values must be between ${min} and ${max}, got '${raw}'`);
  return [...new Set(values)].sort((a, b) => b - a);
}

/** Periods in months, in the order given (a schedule: not sorted or merged), e.g. "3,6,12". */
function monthSchedule(env: Env, name: string, fallback: readonly number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return [...fallback];
  const parts = raw.split(',').map((p) => p.trim());
  if (!parts.every((p) => /^\d+$/.test(p)))
    throw new ConfigError(name, `must be a comma-separated list of whole numbers of months, got '${raw}'`);
  const values = parts.map(Number);
  const problem = renewalMonthsProblem(values);
  if (problem) throw new ConfigError(name, `${problem}, got '${raw}'`);
  return values;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got '${raw}'`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got '${raw}'`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got '${parsed.protocol}'`);
  }
  return raw;
}

function localTime(env: Env, name: string, fallback: string): string {
  const v = optional(env, name) ?? fallback;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) throw new ConfigError(name, `must be a local time HH:MM, got '${v}'`);
  return v;
}

function optionalIsoDate(env: Env, name: string): string | null {
  const v = optional(env, name);
  if (v === undefined) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    throw new ConfigError(name, `must be a date YYYY-MM-DD, got '${v}'`);
  return v;
}

function validTimeZone(env: Env, name: string, fallback: string): string {
  const tz = str(env, name, fallback);
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
  } catch {
    throw new ConfigError(name, `must be an IANA time zone such as Europe/London, got '${tz}'`);
  }
  return tz;
}

/**
 * In development with no JWT_SECRET, a random secret is generated once and kept beside the embedded data so
 * that tokens survive a restart. Production must set it explicitly.
 */
function jwtSecret(env: Env, nodeEnv: string, dataDir: string): Uint8Array {
  const raw = optional(env, 'JWT_SECRET');
  if (raw !== undefined) {
    if (raw.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters long');
    return new TextEncoder().encode(raw);
  }
  if (nodeEnv === 'production') throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
  if (nodeEnv === 'test') return randomBytes(32);
  const file = resolve(dirname(dataDir), 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

/** A fresh VAPID key pair (P-256), base64url: the public key as the uncompressed point, the private key as 32 bytes. */
export function newVapidKeys(): { publicKey: string; privateKey: string } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return vapidKeysOf(ecdh);
}

/** A P-256 key pair as VAPID keys, base64url. */
export function vapidKeysOf(ecdh: ECDH): { publicKey: string; privateKey: string } {
  return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: privateKey32(ecdh.getPrivateKey()).toString('base64url') };
}

/**
 * A P-256 private key as the 32 bytes the push services and web-push expect. Node gives the number without its leading
 * zero bytes, so about one key in 256 comes out 31 bytes long (and web-push refuses it): it is padded back.
 */
function privateKey32(raw: Buffer): Buffer {
  return raw.length >= 32 ? raw : Buffer.concat([Buffer.alloc(32 - raw.length), raw]);
}

function vapidKeyOk(value: string, bytes: number): boolean {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return false;
  const raw = Buffer.from(value, 'base64url');
  return raw.length === bytes && (bytes !== 65 || raw[0] === 4);
}

/**
 * The VAPID keys, like the JWT secret: from VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (both or neither; required in
 * production); in development generated once and kept beside the embedded data (`.data/vapid-keys.json`, so the
 * phones' subscriptions survive a restart: a new key would orphan them all); in tests new each run. VAPID_SUBJECT is
 * the contact the push services may use (mailto: or https:), required in production.
 */
function vapid(env: Env, nodeEnv: string, dataDir: string): AppConfig['vapid'] {
  const publicKey = optional(env, 'VAPID_PUBLIC_KEY');
  const privateKey = optional(env, 'VAPID_PRIVATE_KEY');
  const subjectRaw = optional(env, 'VAPID_SUBJECT');
  if (subjectRaw !== undefined && !/^(mailto:[^\s@]+@[^\s@]+|https:\/\/[^\s]+)$/.test(subjectRaw))
    throw new ConfigError('VAPID_SUBJECT', `must be a mailto: address or an https: URL, got '${subjectRaw}'`);
  if (nodeEnv === 'production' && subjectRaw === undefined) throw new ConfigError('VAPID_SUBJECT', 'is required when NODE_ENV=production');
  const subject = subjectRaw ?? 'mailto:duty-hub@amhp-hub.invalid';
  if (publicKey !== undefined || privateKey !== undefined) {
    if (publicKey === undefined) throw new ConfigError('VAPID_PUBLIC_KEY', 'is required when VAPID_PRIVATE_KEY is set');
    if (privateKey === undefined) throw new ConfigError('VAPID_PRIVATE_KEY', 'is required when VAPID_PUBLIC_KEY is set');
    if (!vapidKeyOk(publicKey, 65))
      throw new ConfigError('VAPID_PUBLIC_KEY', 'must be an uncompressed P-256 public key, base64url (87 characters)');
    if (!vapidKeyOk(privateKey, 32)) throw new ConfigError('VAPID_PRIVATE_KEY', 'must be a P-256 private key, base64url (43 characters)');
    return { publicKey, privateKey, subject };
  }
  if (nodeEnv === 'production') throw new ConfigError('VAPID_PUBLIC_KEY', 'is required when NODE_ENV=production');
  if (nodeEnv === 'test') return { ...newVapidKeys(), subject };
  const file = resolve(dirname(dataDir), 'vapid-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(newVapidKeys()), { mode: 0o600 });
  }
  const kept = JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string };
  // A key kept before privateKey32 may be a byte short: the same key, padded.
  return { publicKey: kept.publicKey, privateKey: privateKey32(Buffer.from(kept.privateKey, 'base64url')).toString('base64url'), subject };
}

/**
 * The key that signs audit checkpoints: AUDIT_CHECKPOINT_KEY, or when unset one derived from the JWT secret (kept
 * and configured the same way: explicit in production, generated once in development). A separate key lets the JWT
 * secret be rotated without the checkpoints signed under it failing verification.
 */
function auditCheckpointKey(env: Env, jwt: Uint8Array): Uint8Array {
  const raw = optional(env, 'AUDIT_CHECKPOINT_KEY');
  if (raw === undefined) return new Uint8Array(createHmac('sha256', jwt).update('amhp-hub audit checkpoint key v1').digest());
  if (raw.length < 32) throw new ConfigError('AUDIT_CHECKPOINT_KEY', 'must be at least 32 characters long');
  return new TextEncoder().encode(raw);
}

/** Demo users share a published password: never in production. */
function demoSeed(env: Env, nodeEnv: string, databaseUrl: string | undefined): boolean {
  const seed = bool(env, 'SEED_DEMO', databaseUrl === undefined && nodeEnv !== 'production');
  if (seed && nodeEnv === 'production')
    throw new ConfigError('SEED_DEMO', 'must not be true when NODE_ENV=production (demo users share a published password)');
  return seed;
}

/** The council the demo data belongs to (src/seed): printed on the demo's reports and letters. */
export const DEMO_COUNCIL_NAME = 'Northshire County Council';

/** This council and those whose approvals it accepts (APPROVING_COUNCILS, `;`-separated), or null when none is named. */
function approvingCouncils(env: Env, council: string | null): string[] | null {
  const others = (optional(env, 'APPROVING_COUNCILS') ?? '')
    .split(';')
    .map((c) => c.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  for (const c of others)
    if (c.length < 3 || c.length > 120 || !/\p{L}/u.test(c))
      throw new ConfigError('APPROVING_COUNCILS', `must be councils' names separated by semicolons, 3-120 characters each, got '${c}'`);
  const all = [...(council ? [council] : []), ...others];
  return all.length ? [...new Set(all)] : null;
}

/** A council's name as it heads a letter: one line of 3-120 characters with a letter in it. */
function councilName(env: Env, seedDemo: boolean): string | null {
  const raw = optional(env, 'COUNCIL_NAME');
  if (raw === undefined) return seedDemo ? DEMO_COUNCIL_NAME : null;
  const name = raw.trim().replace(/\s+/g, ' ');
  const control = /\p{Cc}/u;
  if (control.test(raw.trim()) || name.length < 3 || name.length > 120 || !/\p{L}/u.test(name)) {
    const shown = raw.replace(/\p{Cc}/gu, ' ');
    throw new ConfigError(
      'COUNCIL_NAME',
      `must be the council's name on one line, 3-120 characters (e.g. Northshire County Council), got '${shown}'`,
    );
  }
  return name;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const embeddedPgDir = resolve(str(env, 'EMBEDDED_PG_DIR', '.data/pg'));
  const authMode = oneOf(env, 'AUTH_MODE', ['local', 'oidc'] as const, 'local');
  const oidcIssuer = url(env, 'OIDC_ISSUER', ['https:', 'http:']);
  const oidcAudience = optional(env, 'OIDC_AUDIENCE');
  if (authMode === 'oidc' && !oidcIssuer) throw new ConfigError('OIDC_ISSUER', 'is required when AUTH_MODE=oidc');
  if (authMode === 'oidc' && !oidcAudience) throw new ConfigError('OIDC_AUDIENCE', 'is required when AUTH_MODE=oidc');
  if (int(env, 'TRAINING_MH_HOURS_PER_YEAR', 0, 0, 200) > int(env, 'TRAINING_HOURS_PER_YEAR', 18, 18, 200)) {
    throw new ConfigError('TRAINING_MH_HOURS_PER_YEAR', 'cannot exceed TRAINING_HOURS_PER_YEAR');
  }
  const corsRaw = optional(env, 'CORS_ORIGINS');
  const corsOrigins = corsRaw
    ? corsRaw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError('CORS_ORIGINS', `must be a comma-separated list of origins like https://rota.example.org, got '${origin}'`);
    }
  }

  const seedDemo = demoSeed(env, nodeEnv, databaseUrl);
  const jwt = jwtSecret(env, nodeEnv, embeddedPgDir);
  return new AppConfig({
    env: nodeEnv,
    host: str(env, 'HOST', '127.0.0.1'),
    port: int(env, 'PORT', 3000, 0, 65535),
    databaseUrl,
    embeddedPgDir,
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 5433, 1024, 65535),
    dbPoolMax: int(env, 'DB_POOL_MAX', 10, 1, 100),
    dbConnectTimeoutMs: int(env, 'DB_CONNECT_TIMEOUT_MS', 3000, 100, 60000),
    dbStatementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 15000, 100, 600000),
    dbIdleTimeoutMs: int(env, 'DB_IDLE_TIMEOUT_MS', 30000, 1000, 600000),
    serializationRetries: int(env, 'DB_SERIALIZATION_RETRIES', 5, 0, 20),
    authMode,
    jwtSecret: jwt,
    jwtIssuer: str(env, 'JWT_ISSUER', 'amhp-hub'),
    jwtAudience: str(env, 'JWT_AUDIENCE', 'amhp-hub-api'),
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 60, 86400),
    // A night shift is up to 13 hours: a duty AMHP should not be logged out mid-shift.
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 16 * 3600, 300, 30 * 86400),
    refreshReuseGraceSeconds: int(env, 'REFRESH_REUSE_GRACE_SECONDS', 30, 0, 300),
    eventsMaxStreamsPerUser: int(env, 'EVENTS_MAX_STREAMS_PER_USER', 5, 1, 100),
    authCacheSeconds: int(env, 'AUTH_CACHE_SECONDS', 5, 0, 60),
    oidcIssuer,
    oidcAudience,
    oidcJwksUri: url(env, 'OIDC_JWKS_URI', ['https:', 'http:']),
    oidcRolesClaim: str(env, 'OIDC_ROLES_CLAIM', 'roles'),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginWindowSeconds: int(env, 'LOGIN_WINDOW_SECONDS', 900, 10, 86400),
    breakGlassTtlMinutes: int(env, 'BREAK_GLASS_TTL_MINUTES', 60, 1, 24 * 60),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 50 * 1024 * 1024),
    corsOrigins,
    trustProxy: bool(env, 'TRUST_PROXY', false),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      nodeEnv === 'test' ? 'silent' : 'info',
    ),
    timeZone: validTimeZone(env, 'SERVICE_TIME_ZONE', 'Europe/London'),
    seedDemo,
    metricsToken: optional(env, 'METRICS_TOKEN'),
    idempotencyTtlHours: int(env, 'IDEMPOTENCY_TTL_HOURS', 24, 1, 24 * 30),
    // The CQC AMHP briefing's minimum is 18 h a year (AMHP-06, SI 2008/1206 reg 5(a)); a council may ask more, never less.
    trainingHoursPerYear: int(env, 'TRAINING_HOURS_PER_YEAR', 18, 18, 200),
    trainingMentalHealthHoursPerYear: int(env, 'TRAINING_MH_HOURS_PER_YEAR', 0, 0, 200),
    trainingShortfallSeverity: oneOf(env, 'TRAINING_SHORTFALL_SEVERITY', ['hard', 'warning'] as const, 'hard'),
    trainingWarnAfterMonths: int(env, 'TRAINING_WARN_AFTER_MONTHS', 9, 0, 12),
    approvalReminderDays: intList(env, 'APPROVAL_REMINDER_DAYS', [180, 90, 30], 1, 730),
    // AMHP-05 ✱: the longest approval, in years; the regulations' five at most.
    approvalMaxYears: int(env, 'AMHP_APPROVAL_MAX_YEARS', DEFAULT_APPROVAL_MAX_YEARS, 1, DEFAULT_APPROVAL_MAX_YEARS),
    registrationCheckMaxAgeDays: int(env, 'REGISTRATION_CHECK_MAX_AGE_DAYS', 365, 1, 3650),
    rotaMinRestHours: int(env, 'ROTA_MIN_REST_HOURS', 11, 0, 24),
    rotaMaxWeeklyHours: int(env, 'ROTA_MAX_WEEKLY_HOURS', 48, 1, 168),
    rotaReferenceWeeks: int(env, 'ROTA_REFERENCE_WEEKS', 17, 1, 52),
    rotaMaxConsecutiveNights: int(env, 'ROTA_MAX_CONSECUTIVE_NIGHTS', 4, 1, 14),
    rotaMaxConsecutiveDays: int(env, 'ROTA_MAX_CONSECUTIVE_DAYS', 7, 1, 31),
    rotaWeeklyRestHours: int(env, 'ROTA_WEEKLY_REST_HOURS', 24, 0, 48),
    rotaNightMaxAverageHours: int(env, 'ROTA_NIGHT_MAX_AVERAGE_HOURS', 8, 1, 24),
    rotaNightReferenceWeeks: int(env, 'ROTA_NIGHT_REFERENCE_WEEKS', 17, 1, 52),
    regime: {
      nominatedPersonFrom: optionalIsoDate(env, 'MHA2025_NOMINATED_PERSON_FROM'),
      newCriteriaFrom: optionalIsoDate(env, 'MHA2025_CRITERIA_FROM'),
      autismLdGateFrom: optionalIsoDate(env, 'MHA2025_AUTISM_LD_FROM'),
      shorterS3PeriodFrom: optionalIsoDate(env, 'MHA2025_S3_PERIOD_FROM'),
      // MHA25-09 ✱: the renewal periods after the shorter first period are unconfirmed, so data.
      s3RenewalMonths2025: monthSchedule(env, 'MHA2025_S3_RENEWAL_MONTHS', DEFAULT_2025_S3_RENEWAL_MONTHS),
    },
    nrInformSlaHours: int(env, 'NR_INFORM_SLA_HOURS', 72, 1, 24 * 14),
    nrDelayWarningHours: int(env, 'NR_DELAY_WARNING_HOURS', DEFAULT_NR_DELAY_WARNING_HOURS, 0, 72),
    s14ReportDays: int(env, 'S14_REPORT_DAYS', DEFAULT_S14_REPORT_DAYS, 1, 28),
    guardianshipForwardDays: int(env, 'GUARDIANSHIP_FORWARD_DAYS', FORWARD_TO_LSSA_DAYS, 1, 28),
    // NR-11 ✱: the time for appealing a s.29 decision, court rules (CPR 52.12(2)(b): 21 days unless the court directs).
    s29AppealDays: int(env, 'S29_APPEAL_DAYS', DEFAULT_S29_APPEAL_DAYS, 1, 90),
    // OOH-04/05 ✱: how the days of a DoLS urgent authorisation and its extension are counted is unconfirmed, so data.
    dolsDayCounting: oneOf(env, 'DOLS_DAY_COUNTING', DOLS_DAY_COUNTINGS, DEFAULT_DOLS_DAY_COUNTING),
    councilName: councilName(env, seedDemo),
    approvingCouncils: approvingCouncils(env, councilName(env, seedDemo)),
    handoverTime: localTime(env, 'HANDOVER_TIME', '08:00'),
    delegatedAuthorityLimitPence: int(env, 'DELEGATED_AUTHORITY_LIMIT_PENCE', 100_000, 0, 100_000_000),
    webhookAllowHttp: bool(env, 'WEBHOOK_ALLOW_HTTP', false),
    webhookAllowPrivate: bool(env, 'WEBHOOK_ALLOW_PRIVATE', false),
    webhookMaxAttempts: int(env, 'WEBHOOK_MAX_ATTEMPTS', 8, 1, 50),
    webhookDisableAfter: int(env, 'WEBHOOK_DISABLE_AFTER', 20, 1, 1000),
    vapid: vapid(env, nodeEnv, embeddedPgDir),
    plannerMemoryMb: int(env, 'PLANNER_MEMORY_MB', 512, 64, 8192),
    plannerNice: int(env, 'PLANNER_NICE', 10, 0, 19),
    auditCheckpointEvery: int(env, 'AUDIT_CHECKPOINT_EVERY', 1000, 2, 10_000_000),
    auditCheckpointKey: auditCheckpointKey(env, jwt),
    cursorKey: new Uint8Array(createHmac('sha256', jwt).update('amhp-hub cursor key v1').digest()),
    auditWalkWorkerFrom: int(env, 'AUDIT_WALK_WORKER_FROM', 20_000, 0, 1_000_000_000),
    clockWarningLeadsMinutes: intList(env, 'CLOCK_WARNING_LEADS_MINUTES', [240, 60], 1, 7 * 24 * 60),
    offerEscalationMinutes: int(env, 'OFFER_ESCALATION_MINUTES', 15, 1, 24 * 60),
    clientOfflineHours: int(env, 'CLIENT_OFFLINE_HOURS', 12, 1, 72),
    handoverEscalationMinutes: int(env, 'HANDOVER_ESCALATION_MINUTES', 120, 1, 24 * 60),
    // The local target, not the law: the 24 h limit is s.136(2A)/s.135(3ZA); most areas aim to start within 3 h.
    placeOfSafetyTargetMinutes: int(env, 'PLACE_OF_SAFETY_TARGET_MINUTES', 180, 15, 24 * 60),
  });
}
