import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JSONWebKeySet, JWK } from 'jose';
import { addToJwks, generateSigningKey, type KeyAlgorithm } from './key-generation';
import { DEFAULT_TTL, mintToken, parseList, parseTtl, type SigningKey } from './token-minting';

export const USAGE = `usage: npm run token -- [sign] (--secret <s> | --key <private.jwk.json>) --sub <id> [options]
       npm run token -- keygen --alg RS256|ES256 --kid <id> --private <file> --jwks <file>

sign (the default command) prints one JWT for the edge:
  --secret <s>        HS256 shared secret (at least 32 bytes; the edge's HS256 secret)
  --key <file>        RS256/ES256 private JWK written by keygen (its kid goes in the header)
  --sub <id>          subject (required)
  --tier <name>       tier claim (realtime, delayed, batched, ...); absent: the edge's default tier
  --symbols <list>    entitled symbols, comma-separated: AAPL,MS*,*
  --markets <list>    entitled ITCH market categories, comma-separated: Q,N
                      (with neither, the token has no ent claim and the edge's default applies: nothing,
                      unless configured otherwise)
  --ttl <duration>    lifetime: 90s, 15m, 1h, 7d (default ${DEFAULT_TTL})
  --iss <issuer>      iss claim          --aud <audience>   aud claim

keygen writes a new private JWK (mode 600, never overwritten) and adds its public key to a JWKS file
(created if missing), the file the edge reads.`;

export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function runTokenCommand(argv: readonly string[], io: CommandOutput): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    if (first === 'keygen') return await keygen(rest, io);
    return await sign(first === 'sign' ? rest : argv, io);
  } catch (error) {
    const usage = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    io.err(`token: ${error instanceof Error ? error.message : String(error)}\n${usage ? `${USAGE}\n` : ''}`);
    return usage ? 2 : 1;
  }
}

async function sign(argv: readonly string[], io: CommandOutput): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      secret: { type: 'string' },
      key: { type: 'string' },
      sub: { type: 'string' },
      tier: { type: 'string' },
      symbols: { type: 'string' },
      markets: { type: 'string' },
      ttl: { type: 'string', default: DEFAULT_TTL },
      iss: { type: 'string' },
      aud: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if ((values.secret === undefined) === (values.key === undefined)) throw usageError('give exactly one of --secret and --key');
  if (values.sub === undefined) throw usageError('--sub is required');
  const key: SigningKey = values.secret !== undefined ? { secret: values.secret } : { privateJwk: await readJson<JWK>(values.key!, 'the key file') };
  if (values.symbols === undefined && values.markets === undefined) {
    io.err('token: no --symbols or --markets: the token has no ent claim, so the edge applies its default (nothing unless configured)\n');
  }
  const token = await mintToken(
    {
      subject: values.sub,
      tier: values.tier,
      symbols: values.symbols === undefined ? undefined : parseList(values.symbols),
      markets: values.markets === undefined ? undefined : parseList(values.markets),
      ttlSec: parseTtl(values.ttl),
      issuer: values.iss,
      audience: values.aud,
    },
    key,
  );
  io.out(`${token}\n`);
  return 0;
}

async function keygen(argv: readonly string[], io: CommandOutput): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { alg: { type: 'string', default: 'ES256' }, kid: { type: 'string' }, private: { type: 'string' }, jwks: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.alg !== 'RS256' && values.alg !== 'ES256') throw usageError('--alg must be RS256 or ES256');
  if (values.kid === undefined || values.private === undefined || values.jwks === undefined) throw usageError('keygen needs --kid, --private and --jwks');
  const existing = await readJwksIfPresent(values.jwks);
  const pair = await generateSigningKey(values.alg as KeyAlgorithm, values.kid);
  const jwks = addToJwks(existing, pair.publicJwk);
  // The private key first, and never over an existing file: losing a key in use is worse than a failed keygen.
  await writeFile(values.private, `${JSON.stringify(pair.privateJwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await writeFile(values.jwks, `${JSON.stringify(jwks, null, 2)}\n`);
  io.out(`wrote ${values.private} (private ${values.alg} key ${JSON.stringify(values.kid)}) and ${values.jwks} (${jwks.keys.length} public key${jwks.keys.length === 1 ? '' : 's'})\n`);
  return 0;
}

async function readJson<T>(path: string, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${what} ${path} is not valid JSON`);
  }
}

async function readJwksIfPresent(path: string): Promise<JSONWebKeySet | undefined> {
  try {
    await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const jwks = await readJson<JSONWebKeySet>(path, 'the JWKS file');
  if (!Array.isArray(jwks?.keys)) throw new Error(`the JWKS file ${path} has no "keys" array`);
  return jwks;
}

function usageError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_USAGE' });
}
