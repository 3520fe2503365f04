import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateSigningKey } from './key-generation';
import { buildPayload, mintToken, parseList, parseTtl } from './token-minting';

const SECRET = 'a-development-secret-of-32-bytes+';

describe('parseTtl', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604800],
  ])('%s -> %d s', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each(['', '0', '1w', '1.5h', '-1h', '367d', '1 h'])('rejects %j', (text) => {
    expect(() => parseTtl(text)).toThrow(/--ttl/);
  });
});

describe('parseList', () => {
  it('splits, trims and drops empty items', () => {
    expect(parseList(' AAPL, MS*,,*')).toEqual(['AAPL', 'MS*', '*']);
    expect(parseList('')).toEqual([]);
  });
});

describe('buildPayload', () => {
  it('puts symbols and markets under ent, only when given', () => {
    expect(buildPayload({ subject: 'a', ttlSec: 60 }, 1000)).toEqual({ sub: 'a', iat: 1000, exp: 1060 });
    expect(buildPayload({ subject: 'a', ttlSec: 60, markets: ['Q'], tier: 'delayed', issuer: 'i', audience: 'edge' }, 0)).toEqual({ sub: 'a', iat: 0, exp: 60, tier: 'delayed', ent: { markets: ['Q'] }, iss: 'i', aud: 'edge' });
  });
});

describe('mintToken', () => {
  it('an HS256 token verifies with the secret and carries the claims', async () => {
    const token = await mintToken({ subject: 'alice', tier: 'realtime', symbols: ['AAPL', 'MS*'], markets: ['Q', 'N'], ttlSec: 3600, issuer: 'dev', audience: 'edge' }, { secret: SECRET });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'], issuer: 'dev', audience: 'edge' });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: 'alice', tier: 'realtime', ent: { symbols: ['AAPL', 'MS*'], markets: ['Q', 'N'] } });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it.each(['RS256', 'ES256'] as const)('a %s token verifies against the JWKS from keygen, selected by kid', async (alg) => {
    const { privateJwk, publicJwk } = await generateSigningKey(alg, `k-${alg}`);
    const token = await mintToken({ subject: 'bob', ttlSec: 60 }, { privateJwk });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg, kid: `k-${alg}` });
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [publicJwk] }), { algorithms: [alg] });
    expect(payload.sub).toBe('bob');
  });

  it('refuses what the edge would refuse', async () => {
    await expect(mintToken({ subject: 'a', ttlSec: 60 }, { secret: 'short' })).rejects.toThrow('--secret must be at least 32 bytes');
    await expect(mintToken({ subject: '', ttlSec: 60 }, { secret: SECRET })).rejects.toThrow('--sub must not be empty');
    const { privateJwk, publicJwk } = await generateSigningKey('ES256', 'k1');
    await expect(mintToken({ subject: 'a', ttlSec: 60 }, { privateJwk: publicJwk })).rejects.toThrow('holds a public key');
    await expect(mintToken({ subject: 'a', ttlSec: 60 }, { privateJwk: { ...privateJwk, kid: undefined } })).rejects.toThrow('no kid');
    await expect(mintToken({ subject: 'a', ttlSec: 60 }, { privateJwk: { kty: 'oct', k: 'abc' } })).rejects.toThrow('RSA (RS256) or EC P-256');
  });
});
