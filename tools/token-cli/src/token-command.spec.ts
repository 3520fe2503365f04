import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { runTokenCommand } from './token-command';

const SECRET = 'a-development-secret-of-32-bytes+';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runTokenCommand(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('runTokenCommand', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickwire-token-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('signs an HS256 token (sign is the default command)', async () => {
    const { code, out, err } = await run(['--secret', SECRET, '--sub', 'alice', '--tier', 'delayed', '--symbols', 'AAPL,MS*', '--markets', 'Q', '--ttl', '15m']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const { payload } = await jwtVerify(out.trim(), new TextEncoder().encode(SECRET), { algorithms: ['HS256'] });
    expect(payload).toMatchObject({ sub: 'alice', tier: 'delayed', ent: { symbols: ['AAPL', 'MS*'], markets: ['Q'] } });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('warns when the token has no entitlements', async () => {
    const { code, err } = await run(['sign', '--secret', SECRET, '--sub', 'alice']);
    expect(code).toBe(0);
    expect(err).toMatch(/no ent claim/);
  });

  it('keygen writes a private JWK (mode 600) and a JWKS; tokens signed with it verify; a second key is appended', async () => {
    const privateFile = join(dir, 'k1.jwk.json');
    const jwksFile = join(dir, 'jwks.json');
    expect((await run(['keygen', '--alg', 'RS256', '--kid', 'k1', '--private', privateFile, '--jwks', jwksFile])).code).toBe(0);
    expect((await stat(privateFile)).mode & 0o777).toBe(0o600);
    const second = await run(['keygen', '--alg', 'ES256', '--kid', 'k2', '--private', join(dir, 'k2.jwk.json'), '--jwks', jwksFile]);
    expect(second.out).toMatch(/2 public keys/);
    const jwks = JSON.parse(await readFile(jwksFile, 'utf8'));
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual(['k1', 'k2']);
    expect(jwks.keys.every((k: Record<string, unknown>) => !('d' in k))).toBe(true);

    for (const kid of ['k1', 'k2']) {
      const { code, out } = await run(['--key', join(dir, `${kid}.jwk.json`), '--sub', kid, '--symbols', '*']);
      expect(code).toBe(0);
      const { payload, protectedHeader } = await jwtVerify(out.trim(), createLocalJWKSet(jwks), { algorithms: ['RS256', 'ES256'] });
      expect(payload.sub).toBe(kid);
      expect(protectedHeader.kid).toBe(kid);
    }
  });

  it('keygen never overwrites a private key file', async () => {
    const privateFile = join(dir, 'existing.jwk.json');
    await writeFile(privateFile, 'precious');
    const { code, err } = await run(['keygen', '--kid', 'k9', '--private', privateFile, '--jwks', join(dir, 'other.json')]);
    expect(code).toBe(1);
    expect(err).toMatch(/EEXIST/);
    expect(await readFile(privateFile, 'utf8')).toBe('precious');
  });

  it.each([
    [['--sub', 'a'], 'give exactly one of --secret and --key'],
    [['--secret', SECRET, '--key', 'x', '--sub', 'a'], 'give exactly one of --secret and --key'],
    [['--secret', SECRET], '--sub is required'],
    [['--secret', SECRET, '--sub', 'a', '--bogus'], "Unknown option '--bogus'"],
    [['keygen', '--alg', 'HS256', '--kid', 'a', '--private', 'p', '--jwks', 'j'], '--alg must be RS256 or ES256'],
    [['keygen', '--kid', 'a'], 'keygen needs --kid, --private and --jwks'],
  ])('usage errors exit 2: %j', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('usage:');
  });

  it('other failures exit 1 without the usage text', async () => {
    const { code, err } = await run(['--key', join(dir, 'missing.json'), '--sub', 'a']);
    expect(code).toBe(1);
    expect(err).toMatch(/cannot read the key file .*missing\.json \(ENOENT\)/);
    expect(err).not.toContain('usage:');
  });

  it('--help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('keygen');
  });
});
