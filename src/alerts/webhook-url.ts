import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * SSRF guard for webhook destinations. Pure apart from the resolver, which is injectable.
 *
 * A destination must be an absolute `https:` URL (plain `http:` only with WEBHOOK_ALLOW_HTTP=true), without
 * credentials, whose host, and every address it resolves to, is a public unicast address. Refused unless
 * WEBHOOK_ALLOW_PRIVATE=true: loopback (127/8, ::1), "this network" (0/8, ::), private (10/8, 172.16/12,
 * 192.168/16), CGNAT (100.64/10), link-local (169.254/16 including the cloud metadata address 169.254.169.254,
 * fe80::/10), unique-local (fc00::/7), multicast and reserved ranges; IPv4-mapped IPv6 addresses are judged as IPv4,
 * and the other IPv6 forms that embed an IPv4 address (IPv4-compatible, SIIT, NAT64, 6to4, Teredo) are refused.
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

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail converted), or null. */
function ipv6Groups(address: string): number[] | null {
  let a = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (dotted) {
    const [b0, b1, b2, b3] = dotted.slice(1).map(Number);
    a = `${a.slice(0, dotted.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return null;
  const part = (h: string) => (h ? h.split(':').map((g) => parseInt(g, 16)) : []);
  const head = part(halves[0]);
  const tail = halves.length === 2 ? part(halves[1]) : [];
  const groups = halves.length === 2 ? [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail] : head;
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * An IPv6 address that carries an IPv4 address: IPv4-mapped (::ffff:0:0/96) is judged as the IPv4 address it maps
 * (how dual-stack resolvers report IPv4); every other form is refused outright, as it reaches an IPv4 host through a
 * translator or tunnel whose target the address hides: IPv4-compatible (::/96, RFC 4291 §2.5.5.1), SIIT
 * (::ffff:0:0:0/96, RFC 6052), NAT64 (64:ff9b::/96 RFC 6052 and 64:ff9b:1::/48 RFC 8215), 6to4 (2002::/16, RFC 3056)
 * and Teredo (2001::/32, RFC 4380).
 */
function embeddedIpv4(address: string): { mapped: string } | { tunnel: string } | null {
  const g = ipv6Groups(address);
  if (!g) return null;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return { mapped: v4(g[6], g[7]) };
  if (zero(0, 6) && (g[6] !== 0 || g[7] > 1)) return { tunnel: `an IPv4-compatible address (${v4(g[6], g[7])})` };
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return { tunnel: `an IPv4-translated (SIIT) address (${v4(g[6], g[7])})` };
  if (g[0] === 0x64 && g[1] === 0xff9b && (zero(2, 6) || g[2] === 1)) return { tunnel: 'a NAT64 address' };
  if (g[0] === 0x2002) return { tunnel: `a 6to4 address (${v4(g[1], g[2])})` };
  if (g[0] === 0x2001 && g[1] === 0) return { tunnel: 'a Teredo address' };
  return null;
}

/** Why an address may not be a webhook destination, or null when it is a public unicast address. */
export function addressRefusal(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 6) {
    const embedded = embeddedIpv4(address);
    if (embedded && 'mapped' in embedded) return addressRefusal(embedded.mapped);
    if (embedded) return `${address} is ${embedded.tunnel}, which embeds an IPv4 address`;
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
