import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures (documented for integrators).
 *
 * Every delivery is a `POST` with `Content-Type: application/json` and three headers:
 *
 * - `Amhp-Webhook-Id`: the delivery id (the same on every retry of one delivery: use it to de-duplicate);
 * - `Amhp-Webhook-Timestamp`: seconds since the Unix epoch when this attempt was sent;
 * - `Amhp-Webhook-Signature`: `v1=<hex>`, the HMAC-SHA256, keyed with the subscription's secret (the string shown once
 *   at creation or rotation, used as UTF-8 bytes), of `${timestamp}.${rawBody}`.
 *
 * To verify: recompute over the raw request body as received, compare in constant time, and refuse a timestamp more
 * than a few minutes from your clock (replay). `verify()` below does exactly that.
 */
export const WEBHOOK_ID_HEADER = 'Amhp-Webhook-Id';
export const WEBHOOK_TIMESTAMP_HEADER = 'Amhp-Webhook-Timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'Amhp-Webhook-Signature';
export const SIGNATURE_VERSION = 'v1';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new signing secret: 32 random bytes, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Hex HMAC-SHA256 of `${timestamp}.${body}` keyed with the secret. */
export function sign(secret: string, timestamp: number | string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The headers of one attempt. */
export function signatureHeaders(secret: string, deliveryId: string, timestamp: number, body: string): Record<string, string> {
  return {
    [WEBHOOK_ID_HEADER]: deliveryId,
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
    [WEBHOOK_SIGNATURE_HEADER]: `${SIGNATURE_VERSION}=${sign(secret, timestamp, body)}`,
  };
}

export type VerifyResult = { valid: true } | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks a received signature header (`v1=<hex>`, possibly several comma-separated during a rotation) against the
 * raw body and timestamp; the timestamp must be within `toleranceSeconds` of `nowSeconds`. Constant-time comparison.
 */
export function verify(
  secret: string,
  header: string | undefined,
  timestamp: string | undefined,
  body: string,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): VerifyResult {
  if (!header || !timestamp || !/^\d{1,12}$/.test(timestamp)) return { valid: false, reason: 'malformed' };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - Number(timestamp)) > tolerance) return { valid: false, reason: 'stale' };
  const expected = Buffer.from(sign(secret, timestamp, body), 'hex');
  const candidates = header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.startsWith(`${SIGNATURE_VERSION}=`))
    .map((p) => p.slice(SIGNATURE_VERSION.length + 1));
  if (!candidates.length) return { valid: false, reason: 'malformed' };
  let ok = false;
  for (const hex of candidates) {
    if (!/^[0-9a-f]{64}$/i.test(hex)) continue;
    const given = Buffer.from(hex, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok ? { valid: true } : { valid: false, reason: 'mismatch' };
}
