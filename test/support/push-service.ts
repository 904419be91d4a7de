import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** A browser's push subscription as the stand-in push service issues it, with the device's private key kept for decrypting. */
export interface FakeDevice {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  privateKey: Buffer;
  publicKey: Buffer;
  authSecret: Buffer;
}

/** One push request as the stand-in received it, decrypted and checked. */
export interface ReceivedPush {
  device: string;
  headers: IncomingHttpHeaders;
  payload: unknown;
  vapid: { aud: string; sub: string; exp: number; publicKey: string; signatureValid: boolean };
}

/**
 * A local stand-in for a Web Push service (FCM, Mozilla, Apple): issues subscriptions, receives the server's real
 * `web-push` requests, decrypts the aes128gcm payload with the device's private key (RFC 8188, RFC 8291: ECDH P-256 and
 * HKDF) and verifies the VAPID JWT (RFC 8292, ES256). Answers each device with the status it is told to (201 by default;
 * 410 for an expired subscription).
 */
export class FakePushService {
  readonly received: ReceivedPush[] = [];
  private readonly devices = new Map<string, FakeDevice>();
  private readonly statuses = new Map<string, number>();
  private server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const name = decodeURIComponent((req.url ?? '').replace(/^\/push\//, ''));
        const device = this.devices.get(name);
        if (!device) {
          res.writeHead(404).end();
          return;
        }
        this.received.push({
          device: name,
          headers: req.headers,
          payload: JSON.parse(decrypt(Buffer.concat(chunks), device).toString('utf8')),
          vapid: checkVapid(String(req.headers.authorization ?? '')),
        });
        res.writeHead(this.statuses.get(name) ?? 201).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** A new device's subscription, as PushManager.subscribe would give it. */
  device(name: string): FakeDevice {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const authSecret = randomBytes(16);
    const d: FakeDevice = {
      endpoint: `${this.origin}/push/${encodeURIComponent(name)}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
      privateKey: ecdh.getPrivateKey(),
      publicKey: ecdh.getPublicKey(),
      authSecret,
    };
    this.devices.set(name, d);
    return d;
  }

  /** The status the service answers this device's pushes with from now on (e.g. 410: the subscription expired). */
  answer(name: string, status: number): void {
    this.statuses.set(name, status);
  }

  to(name: string): ReceivedPush[] {
    return this.received.filter((r) => r.device === name);
  }
}

/** RFC 8291 / RFC 8188: decrypts an aes128gcm Web Push body for the device it was encrypted to. */
export function decrypt(body: Buffer, device: Pick<FakeDevice, 'privateKey' | 'publicKey' | 'authSecret'>): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20];
  const senderPublicKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  if (recordSize < 18 || ciphertext.length > recordSize) throw new Error('one record expected');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(device.privateKey);
  const shared = ecdh.computeSecret(senderPublicKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), device.publicKey, senderPublicKey]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, device.authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then any zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('bad padding delimiter');
  return padded.subarray(0, end);
}

/** RFC 8292: `Authorization: vapid t=<JWT>, k=<public key>`; the JWT's ES256 signature checked against k. */
export function checkVapid(header: string): ReceivedPush['vapid'] {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header);
  if (!m) throw new Error(`not a VAPID Authorization header: ${header.slice(0, 20)}`);
  const [, jwt, k] = m;
  const [h, p, s] = jwt.split('.');
  const head = JSON.parse(Buffer.from(h, 'base64url').toString());
  if (head.alg !== 'ES256') throw new Error(`alg ${head.alg}`);
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const point = Buffer.from(k, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
  const signatureValid = verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  return { aud: claims.aud, sub: claims.sub, exp: claims.exp, publicKey: k, signatureValid };
}
