import { acceptedEncoding } from './app-shell';

describe('which encoding the app shell answers a browser with', () => {
  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0, gzip;q=0.5', 'gzip'],
    ['BR', 'br'],
    ['*', 'gzip'],
    ['identity', null],
    ['gzip;q=0, br;q=0', null],
    ['', null],
    [undefined, null],
  ])('Accept-Encoding %p gets %p', (header, expected) => {
    expect(acceptedEncoding(header)).toBe(expected);
  });
});
