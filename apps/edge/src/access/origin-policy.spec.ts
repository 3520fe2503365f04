import { EdgeError } from './errors';
import { OriginPolicy, normalizeOrigin } from './origin-policy';

describe('normalizeOrigin', () => {
  it.each([
    ['https://App.Example.COM', 'https://app.example.com'],
    ['https://app.example.com:443', 'https://app.example.com'],
    ['http://app.example.com:80', 'http://app.example.com'],
    ['https://app.example.com:80', 'https://app.example.com:80'],
    ['http://localhost:03000', 'http://localhost:3000'],
    ['HTTP://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
    ['null', 'null'],
  ])('%s -> %s', (value, expected) => {
    expect(normalizeOrigin(value)).toBe(expected);
  });

  it.each(['', 'app.example.com', 'https://', 'https://app.example.com/', 'https://app.example.com/path', 'https://user@app.example.com', 'https://app.example.com?x', 'https://app.example.com:0', 'https://app.example.com:65536', 'https://app..example.com', 'https://.example.com', 'https://app.example.com:', 'https://bücher.example'])(
    'rejects %j',
    (value) => {
      expect(normalizeOrigin(value)).toBeUndefined();
    },
  );
});

describe('OriginPolicy', () => {
  it('exact origins, normalized on both sides', () => {
    const policy = OriginPolicy.parse('https://app.example.com, http://localhost:3000/');
    expect(policy.allows('https://app.example.com')).toBe(true);
    expect(policy.allows('HTTPS://APP.EXAMPLE.COM:443')).toBe(true);
    expect(policy.allows('http://localhost:3000')).toBe(true);
    expect(policy.allows('http://app.example.com')).toBe(false);
    expect(policy.allows('https://app.example.com:8443')).toBe(false);
    expect(policy.allows('https://evil.example.com')).toBe(false);
    expect(policy.allows('https://app.example.com.evil.com')).toBe(false);
    expect(policy.allows('http://localhost:3001')).toBe(false);
    expect(policy.allows('null')).toBe(false);
    expect(policy.allows('garbage')).toBe(false);
  });

  it('a wildcard matches subdomains at any depth, not the parent domain or look-alikes', () => {
    const policy = OriginPolicy.parse('https://*.example.com');
    expect(policy.allows('https://app.example.com')).toBe(true);
    expect(policy.allows('https://a.b.example.com')).toBe(true);
    expect(policy.allows('https://A.Example.Com:443')).toBe(true);
    expect(policy.allows('https://example.com')).toBe(false);
    expect(policy.allows('https://evilexample.com')).toBe(false);
    expect(policy.allows('https://app.example.com.evil.com')).toBe(false);
    expect(policy.allows('http://app.example.com')).toBe(false);
    expect(policy.allows('https://app.example.com:8443')).toBe(false);
  });

  it('a wildcard with a port matches only that port', () => {
    const policy = OriginPolicy.parse('https://*.example.com:8443');
    expect(policy.allows('https://app.example.com:8443')).toBe(true);
    expect(policy.allows('https://app.example.com')).toBe(false);
  });

  it('"*" allows any origin, null included', () => {
    const policy = OriginPolicy.parse('https://app.example.com,*', { allowMissing: false });
    expect(policy.allows('https://anything.test')).toBe(true);
    expect(policy.allows('null')).toBe(true);
    expect(policy.allows(undefined)).toBe(true);
    expect(OriginPolicy.ANY.allows('x')).toBe(true);
  });

  it('a missing Origin header is allowed by default and refused when configured', () => {
    expect(OriginPolicy.parse('https://app.example.com').allows(undefined)).toBe(true);
    expect(OriginPolicy.parse('https://app.example.com').allows('')).toBe(true);
    expect(OriginPolicy.parse('https://app.example.com', { allowMissing: false }).allows(undefined)).toBe(false);
  });

  it.each([
    ['', 'invalid origin spec: the list is empty; use * to allow any origin'],
    ['https://a.example.com,,https://b.example.com', 'invalid origin spec: entry 2 "": expected scheme://host[:port] (e.g. https://app.example.com), https://*.example.com or *'],
    ['app.example.com', 'invalid origin spec: entry 1 "app.example.com": expected scheme://host[:port] (e.g. https://app.example.com), https://*.example.com or *'],
    ['https://app.example.com/path', 'invalid origin spec: entry 1 "https://app.example.com/path": expected scheme://host[:port] (e.g. https://app.example.com), https://*.example.com or *'],
    ['null', 'invalid origin spec: entry 1 "null": expected scheme://host[:port] (e.g. https://app.example.com), https://*.example.com or *'],
    ['https://app.*.example.com', 'invalid origin spec: entry 1 "https://app.*.example.com": expected scheme://host[:port] (e.g. https://app.example.com), https://*.example.com or *'],
    ['https://*.com', 'invalid origin spec: entry 1 "https://*.com": a wildcard needs a domain of at least two labels after "*."'],
    ['https://*.10.0.0.1', 'invalid origin spec: entry 1 "https://*.10.0.0.1": a wildcard needs a domain of at least two labels after "*."'],
  ])('rejects %j', (list, message) => {
    let error: unknown;
    try {
      OriginPolicy.parse(list);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdgeError);
    expect((error as EdgeError).code).toBe('EDGE_ERR_ORIGIN_SPEC');
    expect((error as EdgeError).message).toBe(message);
  });
});
