import { createHmac } from 'node:crypto';
import { newSecret, sign, signatureHeaders, verify, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'test-secret';
  const body = '{"id":"1","type":"rota.shift.created"}';

  it('is the hex HMAC-SHA256 over `${timestamp}.${body}`', () => {
    expect(sign(secret, 1700000000, body)).toBe(createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex'));
    expect(sign(secret, 1700000000, body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies its own headers within the tolerance', () => {
    const h = signatureHeaders(secret, '42', 1700000000, body);
    expect(h[WEBHOOK_SIGNATURE_HEADER]).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verify(secret, h[WEBHOOK_SIGNATURE_HEADER], h[WEBHOOK_TIMESTAMP_HEADER], body, { nowSeconds: 1700000100 })).toEqual({
      valid: true,
    });
  });

  it('refuses a changed body, another secret, a stale timestamp, a malformed header', () => {
    const h = signatureHeaders(secret, '42', 1700000000, body);
    const opts = { nowSeconds: 1700000000 };
    expect(verify(secret, h[WEBHOOK_SIGNATURE_HEADER], h[WEBHOOK_TIMESTAMP_HEADER], body + ' ', opts)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verify('other', h[WEBHOOK_SIGNATURE_HEADER], h[WEBHOOK_TIMESTAMP_HEADER], body, opts)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verify(secret, h[WEBHOOK_SIGNATURE_HEADER], h[WEBHOOK_TIMESTAMP_HEADER], body, { nowSeconds: 1700000301 })).toEqual({
      valid: false,
      reason: 'stale',
    });
    expect(verify(secret, 'sha256=abc', '1700000000', body, opts)).toEqual({ valid: false, reason: 'malformed' });
    expect(verify(secret, undefined, '1700000000', body, opts)).toEqual({ valid: false, reason: 'malformed' });
    expect(verify(secret, 'v1=zz', '1700000000', body, opts)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('accepts any of several v1 signatures (rotation)', () => {
    const good = sign(secret, 1700000000, body);
    expect(verify(secret, `v1=${'0'.repeat(64)}, v1=${good}`, '1700000000', body, { nowSeconds: 1700000000 })).toEqual({ valid: true });
  });

  it('makes 32-byte base64url secrets', () => {
    const s = newSecret();
    expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(s);
  });
});
