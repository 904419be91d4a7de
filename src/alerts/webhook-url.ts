import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * SSRF guard for webhook destinations. Pure apart from the resolver, which is injectable.
 *
 * A destination must be an absolute `https:` URL (plain `http:` only with WEBHOOK_ALLOW_HTTP=true), without
 * credentials, whose host, and every address it resolves to, is a public unicast address. Refused unless
 * WEBHOOK_ALLOW_PRIVATE=true: loopback (127/8, ::1), "this network" (0/8, ::), private (10/8, 172.16/12,
 * 192.168/16), CGNAT (100.64/10), link-local (169.254/16 including the cloud metadata address 169.254.169.254,
 * fe80::/10), unique-local (fc00::/7), multicast and reserved ranges; IPv4-mapped IPv6 addresses are judged as IPv4.
 *
 * The check runs when a subscription is created or its URL changed, and again before every delivery attempt, so a
 * name that later resolves to a private address (DNS rebinding) is refused at delivery. (fetch resolves the name
 * once more itself; the window between the two look-ups is the residual risk.)
 */
export type Resolver = (host: string) => Promise<string[]>;

export interface UrlPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
  /** Defaults to `dns.lookup(host, { all: true })`. */
  resolve?: Resolver;
}

export type UrlCheck = { ok: true; url: URL; addresses: string[] } | { ok: false; reason: string };

export const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d / ::ffff:xxxx:xxxx) or IPv4-compatible IPv6 address. */
function embeddedIpv4(address: string): string | null {
  const a = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}(?:ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a.replace(/^::/, '0:'));
  if (a.includes('.') && dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** Why an address may not be a webhook destination, or null when it is a public unicast address. */
export function addressRefusal(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return addressRefusal(v4);
    return blocked.check(address, 'ipv6') ? `${address} is a loopback, link-local, unique-local or reserved address` : null;
  }
  if (address === '169.254.169.254') return `${address} is the cloud metadata address`;
  return blocked.check(address, 'ipv4') ? `${address} is a loopback, private, link-local, CGNAT or reserved address` : null;
}

/** Parses and checks a destination URL, resolving its host. Never throws. */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    return {
      ok: false,
      reason: policy.allowHttp
        ? `scheme ${url.protocol} is not allowed (http or https only)`
        : `scheme ${url.protocol} is not allowed (https only)`,
    };
  }
  if (url.username || url.password)
    return { ok: false, reason: 'credentials in the URL are not allowed (authenticate with the signature)' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) return { ok: false, reason: 'the URL has no host' };
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolver)(host);
    } catch (err) {
      return { ok: false, reason: `the host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
    if (!addresses.length) return { ok: false, reason: `the host ${host} does not resolve` };
  }
  if (!policy.allowPrivate) {
    for (const a of addresses) {
      const why = addressRefusal(a);
      if (why) return { ok: false, reason: isIP(host) ? why : `${host} resolves to ${why}` };
    }
  }
  return { ok: true, url, addresses };
}
