import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { CLOSE_CODES, ErrorCode, JSON_SUBPROTOCOL } from '@tickwire/protocol';
import { EdgeTestClient, serverMessage, type EdgeWire } from '@tickwire/testing';
import { mutate, mutationOps } from './client-frames';
import { EdgeStack, type EdgeProcess, type HealthyClient } from './edge-stack';
import { PrometheusSamples } from '@tickwire/testing';
import { RawWebSocket } from './raw-websocket';
import { EDGE_SECRET, hs256Token } from './test-tokens';
import { until } from './until';

/**
 * Token attacks against a real edge process configured with an HS256 secret, a JWKS file (RS256 and ES256
 * keys), a required issuer and audience: forged and tampered signatures, `alg: none`, algorithm confusion,
 * wrong and unknown keys, expired and not-yet-valid tokens, replay after expiry, missing claims, tiers that
 * do not exist, garbage, seeded fuzzed tokens. Each must be closed with its documented code (in the URL and
 * in an `auth` message alike), counted by reason, and never crash the process.
 */

const LIVE = ['AUTH.A'];
const ISSUER = 'tickwire-auth';
const AUDIENCE = 'tickwire-edge';
const AUTH_TIMEOUT_MS = 500;
const FUZZED_TOKENS = 300;
const SEED = 20_251_127;

const FAILED = CLOSE_CODES.AUTH_FAILED.code;
const EXPIRED = CLOSE_CODES.TOKEN_EXPIRED.code;
const REQUIRED = CLOSE_CODES.AUTH_REQUIRED.code;
const REASON: Record<number, string> = { [FAILED]: 'auth_failed', [EXPIRED]: 'token_expired', [REQUIRED]: 'auth_required', [CLOSE_CODES.AUTH_TIMEOUT.code]: 'auth_timeout' };

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const nowSec = (): number => Math.floor(Date.now() / 1000);

describe('edge process under token attacks', () => {
  let stack: EdgeStack;
  let edge: EdgeProcess;
  let healthy: HealthyClient;
  let stopPump: () => Promise<void>;
  let jwksDir: string;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  let otherRsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  const figures: Record<string, unknown> = {};

  const samples = async (): Promise<PrometheusSamples> => new PrometheusSamples(await edge.process.metrics());
  const claims = (extra: JWTPayload = {}): JWTPayload => ({ iss: ISSUER, aud: AUDIENCE, ...extra });
  const good = (extra: JWTPayload = {}, expiresAt: string | number | null = '10m'): Promise<string> => hs256Token({ claims: claims(extra), expiresAt });
  const signed = (alg: 'RS256' | 'ES256', kid: string, key: CryptoKey, extra: JWTPayload = {}): Promise<string> =>
    new SignJWT({ tier: 'realtime', ent: { symbols: ['*'] }, ...claims(extra) }).setProtectedHeader({ alg, kid }).setSubject('reliability').setIssuedAt().setExpirationTime('10m').sign(key);

  /** Connects with `token` in the URL or in a first auth message; resolves with the close code, or 'welcome'. */
  const attempt = async (token: string, via: 'url' | 'message', wire: EdgeWire = 'json'): Promise<number | 'welcome'> => {
    const client = await EdgeTestClient.connect(via === 'url' ? `${edge.url}?token=${encodeURIComponent(token)}` : edge.url, wire);
    if (via === 'message') client.send({ body: { $case: 'auth', value: { token } } });
    const outcome = await Promise.race([client.closed.then((c) => c.code), client.waitFor(serverMessage.welcome, 5_000).then(() => 'welcome' as const)]);
    client.socket.terminate();
    return outcome;
  };

  beforeAll(async () => {
    [rsa, ec, otherRsa] = await Promise.all([generateKeyPair('RS256', { extractable: true }), generateKeyPair('ES256', { extractable: true }), generateKeyPair('RS256', { extractable: true })]);
    jwksDir = mkdtempSync(join(tmpdir(), 'tickwire-reliability-jwks-'));
    const jwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }] };
    writeFileSync(join(jwksDir, 'jwks.json'), JSON.stringify(jwks));
    stack = await EdgeStack.start();
    edge = await stack.startEdge({ JWKS_FILE: join(jwksDir, 'jwks.json'), JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, AUTH_TIMEOUT: `${AUTH_TIMEOUT_MS}ms` });
    await stack.listSymbols(LIVE);
    healthy = await stack.healthyClient(edge, 'json', LIVE, await good());
    stopPump = stack.market.pump(LIVE, 10);
  });

  afterAll(async () => {
    await stopPump?.();
    await stack?.stop();
    if (jwksDir) rmSync(jwksDir, { recursive: true, force: true });
  });

  it('valid HS256, RS256 and ES256 tokens are welcomed (the controls)', async () => {
    expect(await attempt(await good(), 'url')).toBe('welcome');
    expect(await attempt(await signed('RS256', 'rsa-1', rsa.privateKey), 'message', 'proto')).toBe('welcome');
    expect(await attempt(await signed('ES256', 'ec-1', ec.privateKey), 'url', 'proto')).toBe('welcome');
  });

  it('forged, tampered, alg none, confused, wrong-key, expired, not-yet-valid, foreign and malformed tokens: closed with 4101/4102/4100 in the URL and in an auth message, counted by reason', async () => {
    const valid = await good();
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const rsaPem = await exportSPKI(rsa.publicKey);
    const otherSecret = 'another-secret-of-the-right-length-0123456789-xyz';
    const cases: [string, string, number][] = [
      ['signature of another payload', `${header}.${payload}.${(await good({ tier: 'delayed' })).split('.')[2]}`, FAILED],
      ['signature with one character changed', `${header}.${payload}.${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`, FAILED],
      ['payload tampered (tier), signature kept', `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), tier: 'batched', ent: { symbols: ['*'] }, sub: 'root' })}.${signature}`, FAILED],
      ['alg none, no signature', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, FAILED],
      ['alg none, signature kept', `${b64({ alg: 'none' })}.${payload}.${signature}`, FAILED],
      ['alg NONE', `${b64({ alg: 'NONE' })}.${payload}.`, FAILED],
      ['alg HS512 with the right secret', await new SignJWT(claims({ tier: 'realtime', sub: 's' })).setProtectedHeader({ alg: 'HS512' }).setExpirationTime('10m').sign(new TextEncoder().encode(EDGE_SECRET)), FAILED],
      ['HS256 signed with the RSA public key (alg confusion)', await new SignJWT(claims({ sub: 's' })).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).setExpirationTime('10m').sign(new TextEncoder().encode(rsaPem)), FAILED],
      ['HS256 with another secret', await hs256Token({ secret: otherSecret, claims: claims() }), FAILED],
      ['RS256 by another key under a known kid', await signed('RS256', 'rsa-1', otherRsa.privateKey), FAILED],
      ['RS256 with an unknown kid', await signed('RS256', 'rsa-9', rsa.privateKey), FAILED],
      ['RS256 claiming the ES256 key', await signed('RS256', 'ec-1', rsa.privateKey), FAILED],
      ['a tier that does not exist', await good({ tier: 'platinum' }), FAILED],
      ['a tier of the wrong type', await good({ tier: 5 }), FAILED],
      ['a tier named __proto__', await good({ tier: '__proto__' }), FAILED],
      ['another issuer', await hs256Token({ claims: { iss: 'evil', aud: AUDIENCE } }), FAILED],
      ['no issuer', await hs256Token({ claims: { aud: AUDIENCE } }), FAILED],
      ['another audience', await hs256Token({ claims: { iss: ISSUER, aud: 'other-service' } }), FAILED],
      ['audiences without ours', await hs256Token({ claims: { iss: ISSUER, aud: ['a', 'b'] } }), FAILED],
      ['no exp', await good({}, null), FAILED],
      ['exp not a number', await hs256Token({ claims: claims({ exp: 'tomorrow' as unknown as number }), expiresAt: null }), FAILED],
      ['nbf in an hour', await good({ nbf: nowSec() + 3_600 }), FAILED],
      ['no sub', await new SignJWT(claims({ tier: 'realtime' })).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(EDGE_SECRET)), FAILED],
      ['ent not an object', await good({ ent: 'everything' }), FAILED],
      ['ent.symbols with a non-string', await good({ ent: { symbols: ['A', 5] } }), FAILED],
      ['ent.symbols with a misplaced *', await good({ ent: { symbols: ['A*B'] } }), FAILED],
      ['ent.markets not a letter', await good({ ent: { markets: ['QQ'] } }), FAILED],
      ['expired a minute ago', await good({}, nowSec() - 60), EXPIRED],
      ['expired a year ago', await good({}, nowSec() - 365 * 86_400), EXPIRED],
      ['garbage', 'not.a.jwt', FAILED],
      ['one dot', 'abc.def', FAILED],
      ['five parts (a JWE shape)', 'a.b.c.d.e', FAILED],
      ['NUL and control characters', '\u0000\u0001\u001f.x.y', FAILED],
      ['unicode', 'é.ü.😀', FAILED],
      ['Bearer prefix', `Bearer ${valid}`, FAILED],
      ['9,000 characters', 'a'.repeat(9_000), FAILED],
      ['header not JSON', `${b64('{{{')}.${payload}.${signature}`, FAILED],
      ['header JSON null', `${b64(null)}.${payload}.${signature}`, FAILED],
      ['payload not JSON', `${header}.${b64('[')}.${signature}`, FAILED],
    ];
    const before = await samples();
    const got: Record<string, (number | 'welcome')[]> = {};
    for (const [name, token, expected] of cases) {
      got[name] = [await attempt(token, 'url'), await attempt(token, 'message', 'proto')];
      if (got[name]!.some((code) => code !== expected)) throw new Error(`${name}: ${JSON.stringify(got[name])}, expected ${expected} both ways`);
    }
    // `?token=` with nothing: no token where one is required.
    expect(await attempt('', 'url')).toBe(REQUIRED);
    // A URL longer than Node's header limit (16 KiB) never reaches the edge: the HTTP parser answers 431.
    const huge = await RawWebSocket.connect(edge.port, `/v1/stream?token=${'a'.repeat(20_000)}`, JSON_SUBPROTOCOL);
    expect(huge.answer.status).toBe(431);
    huge.destroy();
    const after = await samples();
    const expectedByReason: Record<string, number> = { auth_failed: 0, token_expired: 0, auth_required: 1 };
    for (const [, , code] of cases) expectedByReason[REASON[code]!]! += 2;
    for (const [reason, count] of Object.entries(expectedByReason)) expect({ reason, counted: after.delta(before, 'tickwire_edge_rejections_total', { reason }) }).toEqual({ reason, counted: count });
    expect(edge.process.running).toBe(true);
    figures['crafted'] = { tokens: cases.length, attempts: cases.length * 2 + 1, counted: expectedByReason };
  });

  it(`${FUZZED_TOKENS} seeded fuzzed tokens (mutated valid tokens, random strings, validly signed random claims): each closed with 4101/4102 or welcomed with a configured tier; the process survives`, async () => {
    const valid = await good();
    const claimValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(Number.MAX_VALUE, -1, 1e308, 2 ** 53 + 1, '', '*', '__proto__', 'realtime', 'delayed'));
    // Mostly right where a claim must be right (so the later checks are reached), anything at all elsewhere.
    const mostly = <T>(right: T): fc.Arbitrary<unknown> => fc.oneof({ weight: 5, arbitrary: fc.constant(right) }, { weight: 1, arbitrary: claimValue });
    const randomClaims = fc.record(
      {
        sub: fc.oneof(fc.string({ minLength: 1, maxLength: 300 }), claimValue),
        tier: fc.oneof(fc.constantFrom('realtime', 'delayed', 'batched'), claimValue),
        ent: fc.oneof(claimValue, fc.record({ symbols: fc.array(fc.oneof(fc.string({ maxLength: 40 }), claimValue), { maxLength: 5 }), markets: fc.oneof(claimValue, fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 })) }, { requiredKeys: [] })),
        exp: mostly(nowSec() + 600),
        nbf: fc.oneof(fc.constant(undefined), claimValue),
        iss: mostly(ISSUER),
        aud: mostly(AUDIENCE),
      },
      { requiredKeys: ['sub', 'exp', 'iss', 'aud'] },
    );
    const inputs = fc.sample(
      fc.oneof(
        fc.tuple(fc.constant(valid), mutationOps).map(([token, ops]) => ({ kind: 'mutated', token: Buffer.from(mutate(Buffer.from(token), ops)).toString('latin1') })),
        fc.string({ minLength: 1, maxLength: 300 }).map((token) => ({ kind: 'random', token })),
        randomClaims.map((c) => ({ kind: 'signed claims', claims: c as JWTPayload })),
      ),
      { seed: SEED, numRuns: FUZZED_TOKENS },
    );
    const outcomes: Record<string, number> = {};
    for (const [index, input] of inputs.entries()) {
      const token = 'token' in input ? input.token : await new SignJWT(input.claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(EDGE_SECRET));
      if (token === valid || token === '') continue;
      const outcome = await attempt(token, index % 2 === 0 ? 'message' : 'url', index % 3 === 0 ? 'proto' : 'json');
      outcomes[`${input.kind}: ${outcome}`] = (outcomes[`${input.kind}: ${outcome}`] ?? 0) + 1;
      if (outcome === 'welcome') {
        if (input.kind !== 'signed claims') throw new Error(`fuzzed token ${index} (${input.kind}) was accepted: ${token}`);
      } else if (outcome !== FAILED && outcome !== EXPIRED) {
        throw new Error(`fuzzed token ${index} (${input.kind}): closed with ${outcome}: ${token.slice(0, 200)}`);
      }
      if (!edge.process.running) throw new Error(`the edge exited after fuzzed token ${index}: ${token.slice(0, 200)}\n${edge.process.describe()}`);
    }
    expect(edge.process.running).toBe(true);
    figures['fuzzed'] = outcomes;
  });

  it('replay of an expired token: the connection is closed with 4102 when exp passes; the same token is refused with 4102 afterwards', async () => {
    const exp = nowSec() + 2;
    const token = await good({}, exp);
    const client = await stack.client(edge, 'proto', token);
    expect((await client.closed).code).toBe(EXPIRED);
    // Within the clock tolerance (5 s) the token still verifies, but the session is closed at once on its exp.
    const withinTolerance = await EdgeTestClient.connect(`${edge.url}?token=${token}`, 'json');
    expect((await withinTolerance.closed).code).toBe(EXPIRED);
    await until(() => nowSec() > exp + 5, 'the clock tolerance to pass', 10_000, 100);
    expect(await attempt(token, 'url')).toBe(EXPIRED);
    expect(await attempt(token, 'message')).toBe(EXPIRED);
  }, 20_000);

  it('auth message twice: ALREADY_AUTHENTICATED in-band, the connection stays; requests before auth: NOT_AUTHENTICATED; a token of the wrong type: BAD_REQUEST', async () => {
    const client = await EdgeTestClient.connect(edge.url, 'json');
    client.subscribe(LIVE);
    await client.waitFor((m) => m.body?.$case === 'error' && m.body.value.code === ErrorCode.NOT_AUTHENTICATED);
    client.socket.send('{"type":"auth","token":12345}');
    await client.waitFor((m) => m.body?.$case === 'error' && m.body.value.code === ErrorCode.BAD_REQUEST);
    client.send({ body: { $case: 'auth', value: { token: await good() } } });
    await client.waitFor(serverMessage.welcome);
    for (const token of [await good(), 'garbage', await good({}, nowSec() - 60)]) {
      const start = client.received.length;
      client.send({ body: { $case: 'auth', value: { token } } });
      await client.waitFor((m) => m.body?.$case === 'error' && m.body.value.code === ErrorCode.ALREADY_AUTHENTICATED, 5_000, start);
    }
    const id = client.subscribe(LIVE, 3);
    await client.waitFor(serverMessage.ack(id));
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    client.socket.close();
    // ?token= and then an auth message: already authenticated too.
    const byUrl = await stack.client(edge, 'proto', await good());
    byUrl.send({ body: { $case: 'auth', value: { token: await good() } } });
    await byUrl.waitFor((m) => m.body?.$case === 'error' && m.body.value.code === ErrorCode.ALREADY_AUTHENTICATED);
    byUrl.socket.close();
  });

  it(`no token and no auth message: closed with 4103 after AUTH_TIMEOUT (${AUTH_TIMEOUT_MS} ms), counted`, async () => {
    const before = await samples();
    const silent = await Promise.all(Array.from({ length: 10 }, () => EdgeTestClient.connect(edge.url, 'json')));
    const codes = await Promise.all(silent.map(async (c) => (await c.closed).code));
    expect(new Set(codes)).toEqual(new Set([CLOSE_CODES.AUTH_TIMEOUT.code]));
    expect((await samples()).delta(before, 'tickwire_edge_rejections_total', { reason: 'auth_timeout' })).toBe(silent.length);
  });

  it('HTTP reads with bad tokens: 401 with the code, counted', async () => {
    const before = await samples();
    const base = `http://127.0.0.1:${edge.port}/v1/snapshot?symbols=${LIVE[0]}`;
    const get = async (headers: Record<string, string>): Promise<[number, string]> => {
      const response = await fetch(base, { headers });
      return [response.status, ((await response.json()) as { code?: string }).code ?? ''];
    };
    expect(await get({})).toEqual([401, 'AUTH_REQUIRED']);
    expect(await get({ authorization: `Bearer ${b64({ alg: 'none' })}.${b64({ sub: 'x' })}.` })).toEqual([401, 'AUTH_FAILED']);
    expect(await get({ authorization: `Bearer ${await good({}, nowSec() - 60)}` })).toEqual([401, 'TOKEN_EXPIRED']);
    expect((await get({ authorization: `Bearer ${await good()}` }))[0]).toBe(200);
    const after = await samples();
    expect(['auth_required', 'auth_failed', 'token_expired'].map((reason) => after.delta(before, 'tickwire_edge_rejections_total', { reason }))).toEqual([1, 1, 1]);
  });

  it('afterwards: the process is up and the client connected throughout lost nothing', async () => {
    await stopPump();
    const reports = await healthy.report(stack.market);
    for (const report of reports) expect(report).toMatchObject({ startsWithSnapshot: true, lost: 0, extraSnapshots: 0, breaks: 0 });
    expect(edge.process.running).toBe(true);
    const all = await samples();
    console.log(
      JSON.stringify({
        figures: 'edge auth attacks',
        ...figures,
        rejections: Object.fromEntries(['auth_failed', 'token_expired', 'auth_required', 'auth_timeout'].map((reason) => [reason, all.value('tickwire_edge_rejections_total', { reason })])),
        healthy: reports,
      }),
    );
  });
});
