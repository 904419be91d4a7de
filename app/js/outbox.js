// Recording: every change of case data the app makes goes through `record`, so each carries an Idempotency-Key
// (the service answers a repeat with the first answer instead of recording twice).
import { api } from './session.js';

/** A random key for one recorded change (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newKey() {
  if (self.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Sends one change (POST by default) with its own Idempotency-Key; resolves to the service's answer. */
export function record(path, body, { method = 'POST', key = newKey() } = {}) {
  return api(path, { method, body, idempotencyKey: key });
}
