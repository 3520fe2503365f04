import { addToJwks, generateSigningKey } from './key-generation';

describe('generateSigningKey', () => {
  it('RS256: RSA 2048 with kid, alg and use; the public half has no private members', async () => {
    const { privateJwk, publicJwk } = await generateSigningKey('RS256', 'r1');
    expect(privateJwk).toMatchObject({ kty: 'RSA', kid: 'r1', alg: 'RS256', use: 'sig' });
    expect(privateJwk.d).toBeDefined();
    expect(Buffer.from(publicJwk.n!, 'base64url').length * 8).toBe(2048);
    expect(Object.keys(publicJwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('ES256: P-256', async () => {
    const { publicJwk } = await generateSigningKey('ES256', 'e1');
    expect(Object.keys(publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(publicJwk.crv).toBe('P-256');
  });

  it('refuses an empty kid', async () => {
    await expect(generateSigningKey('ES256', '')).rejects.toThrow('--kid');
  });
});

describe('addToJwks', () => {
  it('creates a set or appends to one, refusing a kid twice', () => {
    const one = addToJwks(undefined, { kty: 'EC', kid: 'a' });
    expect(one).toEqual({ keys: [{ kty: 'EC', kid: 'a' }] });
    expect(addToJwks(one, { kty: 'EC', kid: 'b' }).keys.map((k) => k.kid)).toEqual(['a', 'b']);
    expect(() => addToJwks(one, { kty: 'RSA', kid: 'a' })).toThrow('already has a key with kid "a"');
  });
});
