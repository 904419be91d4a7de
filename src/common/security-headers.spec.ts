import { apiSecurityHeaders, documentHeadersFor, isDocumentType, staticHelmetHeaders } from './security-headers';

const document = staticHelmetHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ["'self'"] } } });
const api = apiSecurityHeaders(document);

describe('security headers: an API answer and a document', () => {
  it("an API answer may load nothing and be framed by nothing, keeps helmet's HSTS, and carries no document-only header", () => {
    expect(api['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api['strict-transport-security']).toBe(document['strict-transport-security']);
    expect(api).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(Object.keys(api)).not.toContain('x-xss-protection');
    expect(Object.keys(api)).not.toContain('origin-agent-cluster');
  });

  it.each([
    ['text/html; charset=utf-8', true],
    ['application/pdf', true],
    ['application/json; charset=utf-8', false],
    ['application/problem+json', false],
    ['text/csv; charset=utf-8', false],
    ['text/event-stream', false],
    [undefined, false],
  ])('a %s answer is a document: %s', (type, expected) => {
    expect(isDocumentType(type)).toBe(expected);
  });

  it("a document gets every document header it lacks or has only with the API's value; its own values are kept", () => {
    const own = "default-src 'none'; script-src 'none'";
    const current: Record<string, string> = { ...api, 'content-security-policy': own };
    const added = documentHeadersFor((name) => current[name], document, api);
    expect(added['content-security-policy']).toBeUndefined(); // the route's own policy stays
    expect(added['x-frame-options']).toBe('SAMEORIGIN'); // the API's DENY was the default, not the route's
    expect(added['referrer-policy']).toBe('no-referrer');
    expect(added['x-content-type-options']).toBeUndefined(); // same value either way: nothing to set
    expect(added['strict-transport-security']).toBeUndefined();

    const plain = documentHeadersFor((name) => (api as Record<string, string>)[name], document, api);
    expect(plain['content-security-policy']).toBe(document['content-security-policy']);
  });
});
