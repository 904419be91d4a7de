import { createECDH } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as webpush from 'web-push';
import { ConfigError, loadConfig, newVapidKeys, vapidKeysOf } from './app-config';

// Development keeps its JWT secret and VAPID keys beside the embedded data: each run here keeps them in a folder of its
// own, removed afterwards, so no run leaves files behind or reads another user's.
let scratch: string;
beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'amhp-config-spec-'))));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('loadConfig', () => {
  const base = { NODE_ENV: 'test' };

  it('has working defaults for a developer machine', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      authMode: 'local',
      timeZone: 'Europe/London',
      dbPoolMax: 10,
    });
    expect(c.dbConnectTimeoutMs).toBeLessThanOrEqual(5000);
    expect(c).toMatchObject({ rotaMaxConsecutiveNights: 4, rotaMaxConsecutiveDays: 7 });
    // The phone keeps its job pack for 12 hours at most unless the council says otherwise.
    expect(c.clientOfflineHours).toBe(12);
    expect(loadConfig({ ...base, CLIENT_OFFLINE_HOURS: '4' }).clientOfflineHours).toBe(4);
  });

  it('MHA25-09 ✱: the s.3 renewal periods after the shorter first period are a setting, kept in the order given (default 3, 6, 12)', () => {
    expect(loadConfig(base).regime.s3RenewalMonths2025).toEqual([3, 6, 12]);
    // GDN-06 ✱: likewise the days to forward a guardianship application.
    expect(loadConfig(base).guardianshipForwardDays).toBe(14);
    expect(loadConfig({ ...base, GUARDIANSHIP_FORWARD_DAYS: '7' }).guardianshipForwardDays).toBe(7);
    // AMHP-05 ✱: and the longest AMHP approval, never more than the regulations' five years.
    expect(loadConfig(base).approvalMaxYears).toBe(5);
    expect(loadConfig({ ...base, AMHP_APPROVAL_MAX_YEARS: '3' }).approvalMaxYears).toBe(3);
    expect(() => loadConfig({ ...base, AMHP_APPROVAL_MAX_YEARS: '6' })).toThrow(/AMHP_APPROVAL_MAX_YEARS/);
    // NR-11 ✱: and the days allowed for appealing a s.29 decision (court rules, 21 by default), 1-90.
    expect(loadConfig(base).s29AppealDays).toBe(21);
    expect(loadConfig({ ...base, S29_APPEAL_DAYS: '28' }).s29AppealDays).toBe(28);
    // OOH-04/05 ✱: and how the days of a DoLS urgent authorisation are counted (default N x 24 hours from the grant).
    expect(loadConfig(base).dolsDayCounting).toBe('elapsed-hours');
    expect(loadConfig({ ...base, DOLS_DAY_COUNTING: 'local-days' }).dolsDayCounting).toBe('local-days');
    expect(() => loadConfig({ ...base, DOLS_DAY_COUNTING: 'hours' })).toThrow(/DOLS_DAY_COUNTING/);
    expect(loadConfig({ ...base, MHA2025_S3_RENEWAL_MONTHS: '3, 3, 6, 12' }).regime.s3RenewalMonths2025).toEqual([3, 3, 6, 12]);
    expect(loadConfig({ ...base, MHA2025_S3_RENEWAL_MONTHS: '12,6' }).regime.s3RenewalMonths2025).toEqual([12, 6]);
  });

  it('signs audit checkpoints with AUDIT_CHECKPOINT_KEY, or a key derived from the JWT secret: stable across restarts, never the secret itself', () => {
    const jwt = { JWT_SECRET: 'j'.repeat(40) };
    const derived = loadConfig({ ...base, ...jwt }).auditCheckpointKey;
    expect(Buffer.from(loadConfig({ ...base, ...jwt }).auditCheckpointKey)).toEqual(Buffer.from(derived));
    expect(Buffer.from(derived)).not.toEqual(Buffer.from(loadConfig({ ...base, JWT_SECRET: 'k'.repeat(40) }).auditCheckpointKey));
    expect(Buffer.from(derived).toString()).not.toContain('jjjj');
    const own = loadConfig({ ...base, ...jwt, AUDIT_CHECKPOINT_KEY: 'a'.repeat(32) }).auditCheckpointKey;
    expect(Buffer.from(own).toString()).toBe('a'.repeat(32));
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', /valid URL/],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV', /one of/],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET', /required when NODE_ENV=production/],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET', /at least 32/],
    [{ AUDIT_CHECKPOINT_KEY: 'short' }, 'AUDIT_CHECKPOINT_KEY', /at least 32/],
    [{ PLANNER_MEMORY_MB: '16' }, 'PLANNER_MEMORY_MB', /between 64 and 8192/],
    [{ PLANNER_NICE: '20' }, 'PLANNER_NICE', /between 0 and 19/],
    [{ AUTH_MODE: 'oidc' }, 'OIDC_ISSUER', /required/],
    [{ AUTH_MODE: 'oidc', OIDC_ISSUER: 'https://idp.example' }, 'OIDC_AUDIENCE', /required/],
    [{ SERVICE_TIME_ZONE: 'Mars/Olympus' }, 'SERVICE_TIME_ZONE', /IANA/],
    [{ SEED_DEMO: 'maybe' }, 'SEED_DEMO', /true or false/],
    [{ CORS_ORIGINS: 'example.org' }, 'CORS_ORIGINS', /origins/],
    [{ DB_POOL_MAX: '0' }, 'DB_POOL_MAX', /between/],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SEED_DEMO: 'true' }, 'SEED_DEMO', /production/],
    [{ TRAINING_HOURS_PER_YEAR: '12' }, 'TRAINING_HOURS_PER_YEAR', /between 18 and 200/],
    [{ APPROVAL_REMINDER_DAYS: '180,ninety' }, 'APPROVAL_REMINDER_DAYS', /comma-separated/],
    [{ TRAINING_SHORTFALL_SEVERITY: 'fatal' }, 'TRAINING_SHORTFALL_SEVERITY', /one of hard, warning/],
    [{ ROTA_MAX_CONSECUTIVE_DAYS: '0' }, 'ROTA_MAX_CONSECUTIVE_DAYS', /between 1 and 31/],
    [{ CLIENT_OFFLINE_HOURS: '0' }, 'CLIENT_OFFLINE_HOURS', /between 1 and 72/],
    [{ CLIENT_OFFLINE_HOURS: 'a day' }, 'CLIENT_OFFLINE_HOURS', /whole number/],
    [{ ROTA_MAX_CONSECUTIVE_DAYS: 'seven' }, 'ROTA_MAX_CONSECUTIVE_DAYS', /whole number/],
    [{ TRAINING_HOURS_PER_YEAR: '18', TRAINING_MH_HOURS_PER_YEAR: '20' }, 'TRAINING_MH_HOURS_PER_YEAR', /cannot exceed/],
    [{ COUNCIL_NAME: 'NC' }, 'COUNCIL_NAME', /3-120 characters/],
    [{ COUNCIL_NAME: 'Northshire\nCounty Council' }, 'COUNCIL_NAME', /on one line/],
    [{ COUNCIL_NAME: '12345' }, 'COUNCIL_NAME', /council's name/],
    [{ COUNCIL_NAME: 'x'.repeat(121) }, 'COUNCIL_NAME', /3-120 characters/],
    [{ APPROVING_COUNCILS: 'Southvale Borough Council; 12' }, 'APPROVING_COUNCILS', /semicolons/],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), VAPID_SUBJECT: 'mailto:hub@council.example' }, 'VAPID_PUBLIC_KEY', /required/],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'VAPID_SUBJECT', /required when NODE_ENV=production/],
    [{ VAPID_SUBJECT: 'hub@council.example' }, 'VAPID_SUBJECT', /mailto: address or an https: URL/],
    [{ VAPID_PRIVATE_KEY: 'a'.repeat(43) }, 'VAPID_PUBLIC_KEY', /required when VAPID_PRIVATE_KEY is set/],
    [{ VAPID_PUBLIC_KEY: 'a'.repeat(87), VAPID_PRIVATE_KEY: 'a'.repeat(43) }, 'VAPID_PUBLIC_KEY', /uncompressed P-256/],
    [{ GUARDIANSHIP_FORWARD_DAYS: '0' }, 'GUARDIANSHIP_FORWARD_DAYS', /between 1 and 28/],
    [{ S29_APPEAL_DAYS: '0' }, 'S29_APPEAL_DAYS', /between 1 and 90/],
    [{ S29_APPEAL_DAYS: '91' }, 'S29_APPEAL_DAYS', /between 1 and 90/],
    [{ MHA2025_S3_RENEWAL_MONTHS: '3,six' }, 'MHA2025_S3_RENEWAL_MONTHS', /whole numbers of months/],
    [{ MHA2025_S3_RENEWAL_MONTHS: '3,0' }, 'MHA2025_S3_RENEWAL_MONTHS', /from 1 to 12/],
    [{ MHA2025_S3_RENEWAL_MONTHS: '3,24' }, 'MHA2025_S3_RENEWAL_MONTHS', /from 1 to 12/],
  ])('%j names %s in one clear line', (env, variable, message) => {
    let error: unknown;
    try {
      loadConfig({ ...base, ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).message).not.toContain('\n');
  });

  it('seeds demo data only with the embedded database unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'development', EMBEDDED_PG_DIR: join(scratch, 'pg') }).seedDemo).toBe(true);
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://u:p@db/x' }).seedDemo).toBe(false);
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://u:p@db/x', SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });
});

describe('the Web Push (VAPID) keys', () => {
  it('are generated once in development and kept beside the embedded data, so subscriptions survive a restart', () => {
    const dir = join(scratch, 'kept', 'pg');
    const first = loadConfig({ NODE_ENV: 'development', EMBEDDED_PG_DIR: dir }).vapid;
    const again = loadConfig({ NODE_ENV: 'development', EMBEDDED_PG_DIR: dir }).vapid;
    expect(again).toEqual(first);
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(first.privateKey, 'base64url')).toHaveLength(32);
  });

  // About one P-256 private key in 256 starts with a zero byte, which Node leaves out of the number it gives.
  const shortKey = () => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.concat([Buffer.alloc(1), Buffer.alloc(31, 0x5a)]));
    return ecdh;
  };

  it('keep a private key that starts with a zero byte as its 32 bytes, which web-push accepts', () => {
    const ecdh = shortKey();
    expect(ecdh.getPrivateKey()).toHaveLength(31); // what Node gives
    const keys = vapidKeysOf(ecdh);
    expect(Buffer.from(keys.privateKey, 'base64url')).toEqual(Buffer.concat([Buffer.alloc(1), Buffer.alloc(31, 0x5a)]));
    expect(() => webpush.setVapidDetails('mailto:duty@hub.example', keys.publicKey, keys.privateKey)).not.toThrow();
    expect(loadConfig({ NODE_ENV: 'test', VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey }).vapid.privateKey).toBe(
      keys.privateKey,
    );
  });

  it('kept a byte short by an earlier version are read back as the same key of 32 bytes', () => {
    const dir = join(scratch, 'short');
    mkdirSync(dir, { recursive: true });
    const ecdh = shortKey();
    const kept = { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: ecdh.getPrivateKey().toString('base64url') };
    writeFileSync(join(dir, 'vapid-keys.json'), JSON.stringify(kept));
    const vapid = loadConfig({ NODE_ENV: 'development', EMBEDDED_PG_DIR: join(dir, 'pg') }).vapid;
    expect(vapid.publicKey).toBe(kept.publicKey);
    expect(Buffer.from(vapid.privateKey, 'base64url')).toEqual(Buffer.concat([Buffer.alloc(1), Buffer.from(kept.privateKey, 'base64url')]));
    expect(() => webpush.setVapidDetails('mailto:duty@hub.example', vapid.publicKey, vapid.privateKey)).not.toThrow();
  });

  it('are taken from the environment when given', () => {
    const keys = newVapidKeys();
    const c = loadConfig({
      NODE_ENV: 'test',
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      VAPID_SUBJECT: 'https://hub.council.example',
    });
    expect(c.vapid).toEqual({ ...keys, subject: 'https://hub.council.example' });
  });
});

describe('the council named on reports and letters', () => {
  it('is the configured council, on one line', () => {
    expect(loadConfig({ NODE_ENV: 'test', COUNCIL_NAME: '  Southvale   Borough Council ' }).councilName).toBe('Southvale Borough Council');
    // AMHP-01: this council and those with an arrangement; none named, any council's approval counts.
    expect(loadConfig({ NODE_ENV: 'test', SEED_DEMO: 'false' }).approvingCouncils).toBeNull();
    expect(
      loadConfig({
        NODE_ENV: 'test',
        COUNCIL_NAME: 'Southvale Borough Council',
        APPROVING_COUNCILS: ' Eastshire  County Council ;; Westshire Council ',
      }).approvingCouncils,
    ).toEqual(['Southvale Borough Council', 'Eastshire County Council', 'Westshire Council']);
  });

  it('is the demo council when the demo is seeded, and none otherwise (the letter then says "the council")', () => {
    expect(loadConfig({ NODE_ENV: 'development', EMBEDDED_PG_DIR: join(scratch, 'pg') }).councilName).toBe('Northshire County Council');
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://u:p@db/x' }).councilName).toBeNull();
  });
});

describe('.env.example', () => {
  const root = join(__dirname, '..', '..');
  const documented = new Set([...readFileSync(join(root, '.env.example'), 'utf8').matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
  const read = new Set([...readFileSync(join(__dirname, 'app-config.ts'), 'utf8').matchAll(/'([A-Z][A-Z0-9_]{2,})'/g)].map((m) => m[1]));

  it('documents every variable the service reads, and nothing else', () => {
    expect([...read].filter((v) => !documented.has(v)).sort()).toEqual([]);
    expect([...documented].filter((v) => !read.has(v)).sort()).toEqual([]);
  });
});
