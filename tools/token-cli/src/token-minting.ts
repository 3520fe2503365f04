import { SignJWT, importJWK } from 'jose';
import type { JWK, JWTPayload } from 'jose';

/** What a minted token says. Claim names follow the edge: `sub`, `tier`, `ent` {symbols, markets}, `exp`. */
export interface TokenClaims {
  readonly subject: string;
  readonly tier?: string;
  /** Exact symbols, `PREFIX*` patterns or `*`. Absent: no `symbols` in `ent`. */
  readonly symbols?: readonly string[];
  /** ITCH market category letters or `*`. Absent: no `markets` in `ent`. */
  readonly markets?: readonly string[];
  readonly ttlSec: number;
  readonly issuer?: string;
  readonly audience?: string;
}

/** How a token is signed: HS256 with a shared secret, or RS256/ES256 with a private JWK (its `kid` goes in the header). */
export type SigningKey = { readonly secret: string } | { readonly privateJwk: JWK };

/** Shortest HS256 secret, bytes; the edge refuses shorter ones. */
export const MIN_SECRET_BYTES = 32;
/** Default lifetime of a minted token. */
export const DEFAULT_TTL = '1h';

const TTL = /^(\d+)(s|m|h|d)?$/;
const TTL_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `90s`, `15m`, `1h`, `7d` -> seconds. */
export function parseTtl(text: string): number {
  const match = TTL.exec(text);
  const seconds = match ? Number(match[1]) * TTL_UNITS[match[2] ?? 's']! : NaN;
  if (!(seconds >= 1 && seconds <= 366 * 86400)) throw new Error(`--ttl ${JSON.stringify(text)}: expected a duration such as 90s, 15m, 1h or 7d (1s to 366d)`);
  return seconds;
}

/** A comma-separated list (`AAPL,MS*`), trimmed, without empty items. */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** The JWT claims for `claims` at `nowSec`. */
export function buildPayload(claims: TokenClaims, nowSec: number): JWTPayload {
  const payload: JWTPayload = { sub: claims.subject, iat: nowSec, exp: nowSec + claims.ttlSec };
  if (claims.tier !== undefined) payload['tier'] = claims.tier;
  if (claims.symbols !== undefined || claims.markets !== undefined) {
    payload['ent'] = { ...(claims.symbols !== undefined ? { symbols: claims.symbols } : {}), ...(claims.markets !== undefined ? { markets: claims.markets } : {}) };
  }
  if (claims.issuer !== undefined) payload.iss = claims.issuer;
  if (claims.audience !== undefined) payload.aud = claims.audience;
  return payload;
}

/** Signs a token. */
export async function mintToken(claims: TokenClaims, key: SigningKey, nowSec = Math.floor(Date.now() / 1000)): Promise<string> {
  if (claims.subject === '') throw new Error('--sub must not be empty');
  const jwt = new SignJWT(buildPayload(claims, nowSec));
  if ('secret' in key) {
    const secret = new TextEncoder().encode(key.secret);
    if (secret.byteLength < MIN_SECRET_BYTES) throw new Error(`--secret must be at least ${MIN_SECRET_BYTES} bytes (the edge refuses shorter HS256 secrets)`);
    return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
  }
  const { privateJwk } = key;
  const alg = privateJwk.kty === 'RSA' ? 'RS256' : privateJwk.kty === 'EC' && privateJwk.crv === 'P-256' ? 'ES256' : undefined;
  if (alg === undefined) throw new Error('the key must be an RSA (RS256) or EC P-256 (ES256) private JWK');
  if (privateJwk.d === undefined) throw new Error('the key file holds a public key; sign with the private JWK written by keygen');
  if (typeof privateJwk.kid !== 'string' || privateJwk.kid === '') throw new Error('the key has no kid; the edge selects keys by kid');
  const signingKey = await importJWK(privateJwk, alg);
  return jwt.setProtectedHeader({ alg, kid: privateJwk.kid, typ: 'JWT' }).sign(signingKey);
}
