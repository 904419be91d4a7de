import { cookieValue, csrfRefusal } from './refresh-cookie';

describe('the refresh cookie is only honoured for the app on its own origin', () => {
  const own = 'https://hub.example.gov.uk';
  it.each([
    ['the app, same origin, as a browser sends it', { 'x-requested-with': 'amhp-app', origin: own, 'sec-fetch-site': 'same-origin' }, null],
    ['the app, from a client that sends no Origin', { 'x-requested-with': 'amhp-app' }, null],
    ['no app header (a cross-site form)', { origin: own }, /X-Requested-With/],
    ['a different app header value', { 'x-requested-with': 'XMLHttpRequest', origin: own }, /X-Requested-With/],
    ['another origin', { 'x-requested-with': 'amhp-app', origin: 'https://evil.example' }, /own pages/],
    ['the same host over http', { 'x-requested-with': 'amhp-app', origin: 'http://hub.example.gov.uk' }, /own pages/],
    ['a same-site subdomain', { 'x-requested-with': 'amhp-app', 'sec-fetch-site': 'same-site' }, /own pages/],
    ['a cross-site fetch', { 'x-requested-with': 'amhp-app', 'sec-fetch-site': 'cross-site' }, /own pages/],
  ])('%s', (_, headers, refusal) => {
    const got = csrfRefusal(headers, own);
    if (refusal === null) expect(got).toBeNull();
    else expect(got).toMatch(refusal);
  });

  it.each([
    ['a=1; amhp_refresh=abc_-9; b=2', 'abc_-9'],
    ['amhp_refresh=', undefined],
    ['other=amhp_refresh', undefined],
    ['x_amhp_refresh=1', undefined],
    [undefined, undefined],
  ])('reads the cookie from %p', (raw, expected) => {
    expect(cookieValue(raw, 'amhp_refresh')).toBe(expected);
  });
});
