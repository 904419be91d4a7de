import { addressRefusal, checkWebhookUrl, type Resolver } from './webhook-url';

const resolver =
  (map: Record<string, string[]>): Resolver =>
  async (host) => {
    if (!(host in map)) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return map[host];
  };
const strict = {
  allowHttp: false,
  allowPrivate: false,
  resolve: resolver({
    'hooks.example.com': ['93.184.216.34'],
    'rebind.example.com': ['93.184.216.34', '10.1.2.3'],
    'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
  }),
};

describe('webhook URL SSRF guard', () => {
  it('accepts an https URL resolving to public addresses only', async () => {
    const r = await checkWebhookUrl('https://hooks.example.com/amhp?x=1', strict);
    expect(r).toMatchObject({ ok: true, addresses: ['93.184.216.34'] });
    expect(await checkWebhookUrl('https://v6.example.com/', strict)).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('https://93.184.216.34:8443/', strict)).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('https://[::ffff:93.184.216.34]/', strict)).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('https://[2001:db9::1]/', strict)).toMatchObject({ ok: true });
  });

  it.each([
    ['http://hooks.example.com/', 'https only'],
    ['ftp://hooks.example.com/', 'https only'],
    ['not a url', 'not an absolute URL'],
    ['https://user:pw@hooks.example.com/', 'credentials'],
    ['https://nowhere.example.com/', 'does not resolve'],
    ['https://rebind.example.com/', '10.1.2.3'],
    ['https://127.0.0.1/', 'loopback'],
    ['https://10.0.0.5/', 'private'],
    ['https://172.16.4.1/', 'private'],
    ['https://192.168.1.1/', 'private'],
    ['https://100.64.0.1/', 'CGNAT'],
    ['https://169.254.169.254/latest/meta-data', 'metadata'],
    ['https://169.254.10.1/', 'link-local'],
    ['https://0.0.0.0/', 'reserved'],
    ['https://[::1]/', 'loopback'],
    ['https://[::]/', 'reserved'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://[fd00::1]/', 'unique-local'],
    ['https://[::ffff:127.0.0.1]/', 'loopback'],
    ['https://[::ffff:a00:5]/', 'private'],
    ['https://2130706433/', 'loopback'],
    ['https://[::127.0.0.1]/', 'IPv4-compatible'],
    ['https://[::7f00:1]/', 'IPv4-compatible'],
    ['https://[::5db8:d822]/', 'IPv4-compatible'],
    ['https://[::ffff:0:127.0.0.1]/', 'SIIT'],
    ['https://[::ffff:0:7f00:1]/', 'SIIT'],
    ['https://[64:ff9b::127.0.0.1]/', 'NAT64'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'NAT64'],
    ['https://[64:ff9b:1::a00:1]/', 'NAT64'],
    ['https://[2002:7f00:1::]/', '6to4'],
    ['https://[2002:5db8:d822::1]/', '6to4'],
    ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'Teredo'],
    ['https://[2001::1]/', 'Teredo'],
    ['https://[0:0:0:0:0:ffff:7f00:1]/', 'loopback'],
  ])('refuses %s (%s)', async (url, reason) => {
    const r = await checkWebhookUrl(url, strict);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toContain(reason);
  });

  it('allows http and private addresses only when configured', async () => {
    expect(await checkWebhookUrl('http://127.0.0.1:8080/hook', { allowHttp: true, allowPrivate: true })).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('http://127.0.0.1:8080/hook', { allowHttp: true, allowPrivate: false })).toMatchObject({ ok: false });
    expect(await checkWebhookUrl('http://hooks.example.com/', { ...strict, allowHttp: true })).toMatchObject({ ok: true });
  });

  it('judges addresses', () => {
    expect(addressRefusal('8.8.8.8')).toBeNull();
    expect(addressRefusal('172.32.0.1')).toBeNull();
    expect(addressRefusal('100.128.0.1')).toBeNull();
    expect(addressRefusal('172.31.255.255')).not.toBeNull();
    expect(addressRefusal('fc00::1')).not.toBeNull();
    expect(addressRefusal('2001:4860:4860::8888')).toBeNull();
  });
});
