import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK, JWTPayload } from 'jose';
import { CLOSE_CODES, type CloseCodeDefinition } from '@tickwire/protocol';
import { AccessError, MAX_CLOSE_REASON_BYTES } from './access-error';
import { Entitlements } from './entitlements';
import { EdgeError, type EdgeErrorCode } from './errors';
import { MAX_TOKEN_LENGTH, TokenVerifier, type TokenVerifierOptions } from './token-verifier';

const SECRET = 'an-hs256-secret-of-at-least-32-bytes!';
const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const NOW = NOW_MS / 1000;

interface KeyPair {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function claims(overrides: JWTPayload = {}): JWTPayload {
  return { sub: 'alice', exp: NOW + 3600, iat: NOW, ...overrides };
}

function signHs256(payload: JWTPayload, secret = SECRET, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', ...header }).sign(new TextEncoder().encode(secret));
}

function signWith(key: KeyPair, payload: JWTPayload, header: Record<string, unknown> = { kid: key.kid }): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, ...header }).sign(key.privateKey);
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function rejection(verifier: TokenVerifier, token: string | undefined): Promise<AccessError> {
  try {
    await verifier.verify(token, NOW_MS);
  } catch (error) {
    expect(error).toBeInstanceOf(AccessError);
    const access = error as AccessError;
    expect(Buffer.byteLength(access.message)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    expect(access.message).not.toContain(SECRET);
    return access;
  }
  throw new Error('expected the token to be rejected');
}

async function expectRejected(verifier: TokenVerifier, token: string | undefined, closeCode: CloseCodeDefinition, message: string | RegExp): Promise<void> {
  const error = await rejection(verifier, token);
  expect(error.closeCode).toBe(closeCode);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

async function createError(options: TokenVerifierOptions): Promise<EdgeError> {
  try {
    await TokenVerifier.create(options);
  } catch (error) {
    expect(error).toBeInstanceOf(EdgeError);
    return error as EdgeError;
  }
  throw new Error('expected create to fail');
}

describe('TokenVerifier', () => {
  let dir: string;
  let rsa: KeyPair;
  let ec: KeyPair;
  let jwksFile: string;
  let hs: TokenVerifier;
  let asymmetric: TokenVerifier;
  let both: TokenVerifier;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickwire-jwks-'));
    rsa = await keyPair('RS256', 'r1');
    ec = await keyPair('ES256', 'e1');
    jwksFile = join(dir, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify({ keys: [rsa.publicJwk, ec.publicJwk] }));
    hs = await TokenVerifier.create({ hs256Secret: SECRET });
    asymmetric = await TokenVerifier.create({ jwksFile });
    both = await TokenVerifier.create({ hs256Secret: SECRET, jwksFile });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('accepts', () => {
    it('an HS256 token, with its tier, entitlements and expiry', async () => {
      const token = await signHs256(claims({ tier: 'delayed', ent: { symbols: ['AAPL', 'MS*'], markets: ['Q'] } }));
      const principal = await hs.verify(token, NOW_MS);
      expect(principal.subject).toBe('alice');
      expect(principal.tier).toBe('delayed');
      expect(principal.expiresAtMs).toBe((NOW + 3600) * 1000);
      expect(principal.entitlements.allows('MSFT', 'Q')).toBe(true);
      expect(principal.entitlements.allows('MSFT', 'N')).toBe(false);
      expect(principal.entitlements.allows('IBM')).toBe(false);
    });

    it('RS256 and ES256 tokens, the key chosen by kid', async () => {
      expect((await asymmetric.verify(await signWith(rsa, claims({ sub: 'r' })), NOW_MS)).subject).toBe('r');
      expect((await asymmetric.verify(await signWith(ec, claims({ sub: 'e' })), NOW_MS)).subject).toBe('e');
      expect((await both.verify(await signWith(ec, claims()), NOW_MS)).subject).toBe('alice');
      expect((await both.verify(await signHs256(claims()), NOW_MS)).subject).toBe('alice');
    });

    it('a token without kid when exactly one key fits its algorithm', async () => {
      expect((await asymmetric.verify(await signWith(ec, claims(), {}), NOW_MS)).subject).toBe('alice');
    });

    it('defaults: tier from options (realtime), no entitlements without an ent claim', async () => {
      const principal = await hs.verify(await signHs256(claims()), NOW_MS);
      expect(principal.tier).toBe('realtime');
      expect(principal.entitlements).toBe(Entitlements.NONE);
      const lenient = await TokenVerifier.create({ hs256Secret: SECRET, defaultTier: 'batched', defaultEntitlements: Entitlements.ALL });
      const p2 = await lenient.verify(await signHs256(claims()), NOW_MS);
      expect(p2.tier).toBe('batched');
      expect(p2.entitlements.allows('ANY')).toBe(true);
    });

    it('an expiry within the clock tolerance, and a configured issuer and audience', async () => {
      const verifier = await TokenVerifier.create({ hs256Secret: SECRET, issuer: 'auth.tickwire', audience: 'edge', clockToleranceSec: 10 });
      const token = await signHs256(claims({ exp: NOW - 5, iss: 'auth.tickwire', aud: ['web', 'edge'] }));
      expect((await verifier.verify(token, NOW_MS)).subject).toBe('alice');
    });

    it('a token without exp only when requireExpiry is false', async () => {
      const verifier = await TokenVerifier.create({ hs256Secret: SECRET, requireExpiry: false });
      const principal = await verifier.verify(await signHs256({ sub: 'bob' }), NOW_MS);
      expect(principal.expiresAtMs).toBeUndefined();
      await expectRejected(hs, await signHs256({ sub: 'bob' }), CLOSE_CODES.AUTH_FAILED, 'token has no exp claim');
    });

    it('no token: the anonymous principal where allowed', async () => {
      const verifier = await TokenVerifier.create({ allowAnonymous: true });
      expect(verifier.acceptsTokens).toBe(false);
      expect(verifier.allowsAnonymous).toBe(true);
      const principal = await verifier.verify(undefined, NOW_MS);
      expect(principal).toEqual({ subject: 'anonymous', tier: 'delayed', entitlements: Entitlements.ALL });
      expect(await verifier.verify('', NOW_MS)).toBe(principal);
      const custom = await TokenVerifier.create({ allowAnonymous: true, anonymousTier: 'batched', anonymousEntitlements: Entitlements.compile({ symbols: ['AAPL'] }), hs256Secret: SECRET });
      const anon = await custom.verify(undefined);
      expect(anon.tier).toBe('batched');
      expect(anon.entitlements.allows('MSFT')).toBe(false);
    });
  });

  describe('rejects', () => {
    it('a missing token where anonymous access is off: AUTH_REQUIRED', async () => {
      await expectRejected(hs, undefined, CLOSE_CODES.AUTH_REQUIRED, 'a token is required');
      await expectRejected(hs, '', CLOSE_CODES.AUTH_REQUIRED, 'a token is required');
    });

    it('an expired token: TOKEN_EXPIRED, saying when', async () => {
      await expectRejected(hs, await signHs256(claims({ exp: NOW - 60 })), CLOSE_CODES.TOKEN_EXPIRED, 'token expired at 2026-01-15T11:59:00.000Z');
      await expectRejected(asymmetric, await signWith(rsa, claims({ exp: NOW - 6 })), CLOSE_CODES.TOKEN_EXPIRED, 'token expired at 2026-01-15T11:59:54.000Z');
    });

    it('a token not yet valid', async () => {
      await expectRejected(hs, await signHs256(claims({ nbf: NOW + 60 })), CLOSE_CODES.AUTH_FAILED, 'token not valid before 2026-01-15T12:01:00.000Z');
    });

    it('the wrong issuer or audience', async () => {
      const verifier = await TokenVerifier.create({ hs256Secret: SECRET, issuer: 'auth.tickwire', audience: 'edge' });
      await expectRejected(verifier, await signHs256(claims({ iss: 'evil', aud: 'edge' })), CLOSE_CODES.AUTH_FAILED, "token issuer 'evil' is not accepted");
      await expectRejected(verifier, await signHs256(claims({ iss: 'auth.tickwire', aud: 'other' })), CLOSE_CODES.AUTH_FAILED, 'token audience is not accepted');
      await expectRejected(verifier, await signHs256(claims({ aud: 'edge' })), CLOSE_CODES.AUTH_FAILED, 'token has no iss claim');
    });

    it('a token signed with the wrong key', async () => {
      await expectRejected(hs, await signHs256(claims(), 'another-secret-that-is-32-bytes-long'), CLOSE_CODES.AUTH_FAILED, 'invalid token signature');
      const impostor = await keyPair('RS256', 'r1');
      await expectRejected(asymmetric, await signWith(impostor, claims()), CLOSE_CODES.AUTH_FAILED, 'invalid token signature');
    });

    it('alg none, whatever the verifier accepts', async () => {
      const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
      for (const verifier of [hs, asymmetric, both]) await expectRejected(verifier, unsigned, CLOSE_CODES.AUTH_FAILED, "token algorithm 'none' is not accepted");
    });

    it('an HS256 token at an RS/ES-only verifier, even one signed with the public key (algorithm confusion)', async () => {
      await expectRejected(asymmetric, await signHs256(claims()), CLOSE_CODES.AUTH_FAILED, "token algorithm 'HS256' is not accepted");
      const publicKeyAsSecret = JSON.stringify(rsa.publicJwk);
      await expectRejected(asymmetric, await signHs256(claims(), publicKeyAsSecret, { kid: 'r1' }), CLOSE_CODES.AUTH_FAILED, "token algorithm 'HS256' is not accepted");
      // Where HS256 is accepted, it is checked against the secret only, never a JWKS key.
      await expectRejected(both, await signHs256(claims(), publicKeyAsSecret, { kid: 'r1' }), CLOSE_CODES.AUTH_FAILED, 'invalid token signature');
    });

    it('an RS256 token at an HS256-only verifier', async () => {
      await expectRejected(hs, await signWith(rsa, claims()), CLOSE_CODES.AUTH_FAILED, "token algorithm 'RS256' is not accepted");
    });

    it('other algorithms, even ones jose knows', async () => {
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(SECRET.repeat(2)));
      await expectRejected(both, token, CLOSE_CODES.AUTH_FAILED, "token algorithm 'HS512' is not accepted");
    });

    it('an unknown kid, or a kid of the wrong key type', async () => {
      const other = await keyPair('RS256', 'k2');
      await expectRejected(asymmetric, await signWith(other, claims()), CLOSE_CODES.AUTH_FAILED, "unknown key id 'k2'");
      await expectRejected(asymmetric, await signWith(ec, claims(), { kid: 'r1' }), CLOSE_CODES.AUTH_FAILED, "key 'r1' is not a ES256 key");
      await expectRejected(asymmetric, await signWith(other, claims(), { kid: 'x\n'.repeat(40) }), CLOSE_CODES.AUTH_FAILED, /^unknown key id 'x\?x\?.*\.\.\.'$/);
    });

    it('no kid where several keys fit', async () => {
      const second = await keyPair('ES256', 'e2');
      const file = join(dir, 'two-ec.json');
      await writeFile(file, JSON.stringify({ keys: [ec.publicJwk, second.publicJwk] }));
      const verifier = await TokenVerifier.create({ jwksFile: file });
      await expectRejected(verifier, await signWith(second, claims(), {}), CLOSE_CODES.AUTH_FAILED, 'token has no key id (kid) and several keys match');
      expect((await verifier.verify(await signWith(second, claims()), NOW_MS)).subject).toBe('alice');
    });

    it.each([
      ['abc', 'malformed token'],
      ['a.b.c', 'malformed token'],
      ['..', 'malformed token'],
      ['a.b', 'malformed token'],
      [`${b64(['x'])}.${b64({})}.x`, 'malformed token'],
      // The signature is checked before the payload is parsed: an unsigned payload is never read.
      [`${b64({ alg: 'HS256' })}.not-json.sig`, 'invalid token signature'],
      [`${b64({ alg: 'HS256' })}.${b64('a string')}.sig`, 'invalid token signature'],
    ])('a malformed token %j', async (token, message) => {
      await expectRejected(both, token, CLOSE_CODES.AUTH_FAILED, message);
    });

    it('a correctly signed token whose payload is not a claims object', async () => {
      const token = await new CompactSign(new TextEncoder().encode('[1,2]')).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
      await expectRejected(hs, token, CLOSE_CODES.AUTH_FAILED, 'malformed token');
    });

    it('an oversized token, cheaply, before parsing', async () => {
      const huge = 'x'.repeat(10 * 1024 * 1024);
      const started = performance.now();
      await expectRejected(both, huge, CLOSE_CODES.AUTH_FAILED, `token too long (${huge.length} characters, at most ${MAX_TOKEN_LENGTH})`);
      expect(performance.now() - started).toBeLessThan(50);
      // Just over the limit, even if it would otherwise be a valid token.
      const padded = await signHs256(claims({ pad: 'p'.repeat(MAX_TOKEN_LENGTH) }));
      await expectRejected(hs, padded, CLOSE_CODES.AUTH_FAILED, /^token too long/);
    });

    it('bad claims: sub, tier, ent', async () => {
      await expectRejected(hs, await signHs256(claims({ sub: undefined })), CLOSE_CODES.AUTH_FAILED, 'token has no sub claim');
      await expectRejected(hs, await signHs256(claims({ sub: '' })), CLOSE_CODES.AUTH_FAILED, 'sub claim must be a string of 1-256 characters');
      await expectRejected(hs, await signHs256(claims({ sub: 42 as unknown as string })), CLOSE_CODES.AUTH_FAILED, /^(invalid 'sub' claim|sub claim must be a string of 1-256 characters)$/);
      await expectRejected(hs, await signHs256(claims({ tier: 5 })), CLOSE_CODES.AUTH_FAILED, 'tier claim must be a string of 1-64 characters');
      await expectRejected(hs, await signHs256(claims({ ent: { symbols: 'AAPL' } })), CLOSE_CODES.AUTH_FAILED, 'invalid entitlements: ent.symbols must be an array of strings');
      await expectRejected(hs, await signHs256(claims({ exp: 'soon' as unknown as number })), CLOSE_CODES.AUTH_FAILED, "invalid 'exp' claim");
    });

    it('any token at an anonymous-only verifier', async () => {
      const verifier = await TokenVerifier.create({ allowAnonymous: true });
      await expectRejected(verifier, await signHs256(claims()), CLOSE_CODES.AUTH_FAILED, 'tokens are not accepted here (anonymous access only)');
    });

    it('a bad token even where anonymous access is allowed', async () => {
      const verifier = await TokenVerifier.create({ allowAnonymous: true, hs256Secret: SECRET });
      await expectRejected(verifier, await signHs256(claims({ exp: NOW - 60 })), CLOSE_CODES.TOKEN_EXPIRED, /^token expired at/);
    });
  });

  describe('remembers verified tokens', () => {
    it('a token presented again gives the same principal without a second signature check', async () => {
      const verifier = await TokenVerifier.create({ hs256Secret: SECRET });
      const token = await signHs256(claims({ ent: { symbols: ['AAPL'] } }));
      const first = await verifier.verify(token, NOW_MS);
      expect(await verifier.verify(token, NOW_MS + 1_000)).toBe(first);
    });

    it('still refuses it once expired, or before its nbf, saying why', async () => {
      const verifier = await TokenVerifier.create({ hs256Secret: SECRET, clockToleranceSec: 5 });
      const token = await signHs256(claims({ exp: NOW + 60, nbf: NOW - 10 }));
      const first = await verifier.verify(token, NOW_MS);
      // Within the tolerance on both sides: still the remembered principal.
      expect(await verifier.verify(token, (NOW + 64) * 1000)).toBe(first);
      expect(await verifier.verify(token, (NOW - 15) * 1000)).toBe(first);
      await expect(verifier.verify(token, (NOW - 16) * 1000)).rejects.toMatchObject({ closeCode: CLOSE_CODES.AUTH_FAILED, message: 'token not valid before 2026-01-15T11:59:50.000Z' });
      await expect(verifier.verify(token, (NOW + 65) * 1000)).rejects.toMatchObject({ closeCode: CLOSE_CODES.TOKEN_EXPIRED });
    });

    it('only the exact token: another payload under a remembered token\'s signature is refused', async () => {
      const verifier = await TokenVerifier.create({ hs256Secret: SECRET });
      const token = await signHs256(claims({ tier: 'delayed' }));
      await verifier.verify(token, NOW_MS);
      const [header, , signature] = token.split('.');
      const forged = `${header}.${b64(claims({ tier: 'realtime' }))}.${signature}`;
      await expectRejected(verifier, forged, CLOSE_CODES.AUTH_FAILED, 'invalid token signature');
    });

    it('never a refused token, and at most verifiedTokensKept, forgetting the oldest', async () => {
      const verifier = await TokenVerifier.create({ hs256Secret: SECRET, verifiedTokensKept: 2 });
      const bad = await signHs256(claims(), 'another-secret-of-at-least-32-bytes!!');
      await expectRejected(verifier, bad, CLOSE_CODES.AUTH_FAILED, 'invalid token signature');
      await expectRejected(verifier, bad, CLOSE_CODES.AUTH_FAILED, 'invalid token signature');
      const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => signHs256(claims({ sub }))));
      // One after the other: the order they are remembered in is the order they passed.
      const a = await verifier.verify(tokens[0]!, NOW_MS);
      const b = await verifier.verify(tokens[1]!, NOW_MS);
      const c = await verifier.verify(tokens[2]!, NOW_MS);
      expect(await verifier.verify(tokens[2]!, NOW_MS)).toBe(c);
      expect(await verifier.verify(tokens[1]!, NOW_MS)).toBe(b);
      // 'a' was the oldest of three: verified again, a new principal.
      const again = await verifier.verify(tokens[0]!, NOW_MS);
      expect(again).not.toBe(a);
      expect(again).toEqual(a);
      const off = await TokenVerifier.create({ hs256Secret: SECRET, verifiedTokensKept: 0 });
      expect(await off.verify(tokens[0]!, NOW_MS)).not.toBe(await off.verify(tokens[0]!, NOW_MS));
    });
  });

  describe('create', () => {
    async function jwksError(content: string | object): Promise<EdgeError> {
      const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
      const error = await createError({ jwksFile: file });
      expect(error.code).toBe('EDGE_ERR_JWKS_FILE');
      expect(error.message.startsWith(`invalid JWKS file: ${file}: `)).toBe(true);
      return error;
    }

    it.each<[TokenVerifierOptions, EdgeErrorCode, string]>([
      [{}, 'EDGE_ERR_NO_KEY_SOURCE', 'no token key source configured: set hs256Secret or jwksFile, or allow anonymous access'],
      [{ hs256Secret: 'short' }, 'EDGE_ERR_HS256_SECRET', 'invalid HS256 secret: must be at least 32 bytes, got 5'],
      [{ hs256Secret: SECRET, clockToleranceSec: -1 }, 'EDGE_ERR_AUTH_OPTION', 'invalid auth option: clockToleranceSec must be 0-300, got -1'],
      [{ hs256Secret: SECRET, clockToleranceSec: NaN }, 'EDGE_ERR_AUTH_OPTION', 'invalid auth option: clockToleranceSec must be 0-300, got NaN'],
      [{ hs256Secret: SECRET, issuer: '' }, 'EDGE_ERR_AUTH_OPTION', 'invalid auth option: issuer must be a non-empty string'],
      [{ allowAnonymous: true, anonymousTier: '' }, 'EDGE_ERR_AUTH_OPTION', 'invalid auth option: anonymousTier must be a non-empty string'],
      [{ hs256Secret: SECRET, verifiedTokensKept: -1 }, 'EDGE_ERR_AUTH_OPTION', 'invalid auth option: verifiedTokensKept must be a whole number >= 0, got -1'],
    ])('refuses bad options: %j', async (options, code, message) => {
      const error = await createError(options);
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
      expect(error.message).not.toContain('short');
    });

    it('names a JWKS file it cannot read', async () => {
      const file = join(dir, 'missing.json');
      const error = await createError({ jwksFile: file });
      expect(error.code).toBe('EDGE_ERR_JWKS_FILE');
      expect(error.message).toBe(`invalid JWKS file: ${file}: cannot read it (ENOENT)`);
    });

    it('refuses bad JWKS content, saying what is wrong', async () => {
      expect((await jwksError('{not json')).message).toMatch(/: not valid JSON$/);
      expect((await jwksError({ keys: [] })).message).toMatch(/: expected \{"keys": \[\.\.\.\]\} with at least one key$/);
      expect((await jwksError([rsa.publicJwk])).message).toMatch(/: expected \{"keys"/);
      expect((await jwksError({ keys: [{ ...rsa.publicJwk, kid: undefined }] })).message).toMatch(/: key 0 has no kid$/);
      expect((await jwksError({ keys: [rsa.publicJwk, { ...ec.publicJwk, kid: 'r1' }] })).message).toMatch(/: key 1 \(kid "r1"\): kid used twice$/);
      expect((await jwksError({ keys: [{ ...ec.publicJwk, alg: 'RS256' }] })).message).toMatch(/: key 0 \(kid "e1"\): alg "RS256" does not fit a P-256 key \(expected ES256\)$/);
      expect((await jwksError({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 's' }] })).message).toMatch(/contains private or symmetric key material/);
      expect((await jwksError({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'o' }] })).message).toMatch(/only RSA \(RS256\) and EC P-256 \(ES256\) keys are accepted$/);
      expect((await jwksError({ keys: [{ ...ec.publicJwk, use: 'enc' }] })).message).toMatch(/use must be "sig"$/);
      expect((await jwksError({ keys: [{ ...ec.publicJwk, x: 'AAAA' }] })).message).toMatch(/key 0 \(kid "e1"\) cannot be imported/);
    });

    it('refuses private keys in the JWKS file without echoing them', async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const privateJwk = { ...(await exportJWK(privateKey)), kid: 'p1' };
      const error = await jwksError({ keys: [privateJwk] });
      expect(error.message).toMatch(/key 0 \(kid "p1"\) contains private or symmetric key material; the file must hold public keys only$/);
      expect(error.message).not.toContain(privateJwk.d);
    });

    it('refuses RSA keys shorter than 2048 bits', async () => {
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const error = await jwksError({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'weak' }] });
      expect(error.message).toMatch(/RSA modulus shorter than 2048 bits$/);
    });
  });
});
