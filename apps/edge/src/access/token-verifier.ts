import { readFile } from 'node:fs/promises';
import { createHash, webcrypto } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify } from 'jose';
import type { FlattenedJWSInput, JSONWebKeySet, JWK, JWSHeaderParameters, JWTPayload } from 'jose';
import { CLOSE_CODES } from '@tickwire/protocol';
import { AccessError, quoteClientValue } from './access-error';
import { Entitlements } from './entitlements';
import { EdgeError } from './errors';

export interface TokenVerifierOptions {
  /** Shared secret for HS256 tokens, at least 32 bytes (RFC 7518 section 3.2). */
  readonly hs256Secret?: string;
  /** Path to a JWKS JSON file of RS256/ES256 public keys, each with a `kid`; read once by {@link TokenVerifier.create}. */
  readonly jwksFile?: string;
  /** Required `iss` when set. */
  readonly issuer?: string;
  /** Required `aud` (one of) when set. */
  readonly audience?: string;
  /** Allowed clock skew for `exp`/`nbf`, seconds. Default {@link DEFAULT_CLOCK_TOLERANCE_SEC}. */
  readonly clockToleranceSec?: number;
  /** Whether a connection without a token is let in (as {@link ANONYMOUS_SUBJECT}). Default false. */
  readonly allowAnonymous?: boolean;
  /** Tier of anonymous connections. Default {@link DEFAULT_ANONYMOUS_TIER}. */
  readonly anonymousTier?: string;
  /** Entitlements of anonymous connections. Default everything: enabling anonymous access is the opt-in, its tier the limit. */
  readonly anonymousEntitlements?: Entitlements;
  /** Tier of a token without a `tier` claim. Default {@link DEFAULT_TOKEN_TIER}. */
  readonly defaultTier?: string;
  /**
   * Entitlements of a token without an `ent` claim. Default {@link Entitlements.NONE}: a token must say what it
   * may see, so an issuer that forgets the claim leaks nothing (clients get `not_entitled`, which is loud).
   * Set {@link Entitlements.ALL} where every valid token may see everything.
   */
  readonly defaultEntitlements?: Entitlements;
  /** Whether tokens must carry `exp`. Default true: a token that never expires cannot be revoked by waiting. */
  readonly requireExpiry?: boolean;
  /** Verified tokens remembered (see {@link TokenVerifier.verify}); 0 turns it off. Default {@link DEFAULT_VERIFIED_TOKENS_KEPT}. */
  readonly verifiedTokensKept?: number;
}

/** Who a connection is and what it may see. */
export interface Principal {
  readonly subject: string;
  readonly tier: string;
  readonly entitlements: Entitlements;
  /** When the token expires (`exp` in ms); absent for anonymous connections (and tokens without `exp` if allowed). */
  readonly expiresAtMs?: number;
}

/** Longest token accepted, characters. Longer strings are refused before any parsing or crypto. */
export const MAX_TOKEN_LENGTH = 8192;
/** Default clock skew allowed on `exp` and `nbf`, seconds. */
export const DEFAULT_CLOCK_TOLERANCE_SEC = 5;
/** Largest configurable clock tolerance, seconds. */
export const MAX_CLOCK_TOLERANCE_SEC = 300;
/** Default tier of a token without a `tier` claim. */
export const DEFAULT_TOKEN_TIER = 'realtime';
/** Default tier of anonymous connections. */
export const DEFAULT_ANONYMOUS_TIER = 'delayed';
/** `Principal.subject` of anonymous connections. */
export const ANONYMOUS_SUBJECT = 'anonymous';
/** Shortest HS256 secret accepted, bytes (the hash size, RFC 7518 section 3.2). */
export const MIN_HS256_SECRET_BYTES = 32;
/**
 * Default number of verified tokens remembered: one per connection of a full edge process (its default
 * MAX_CONNECTIONS is 18,000). Each keeps its digest and the principal it grants (shared with its connections).
 */
export const DEFAULT_VERIFIED_TOKENS_KEPT = 20_000;
/** Longest `sub` or `tier` claim accepted. */
export const MAX_SUBJECT_LENGTH = 256;
export const MAX_TIER_LENGTH = 64;

type AsymmetricAlg = 'RS256' | 'ES256';
type KeySelector = ReturnType<typeof createLocalJWKSet>;

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const MIN_RSA_MODULUS_BITS = 2048;

/**
 * Verifies client tokens (JWT): HS256 with a shared secret and/or RS256/ES256 with public keys from a JWKS file,
 * chosen by `kid`. The algorithms are exactly those of the configured key sources, checked before any key is
 * looked up, so `alg: none` and algorithm confusion (an HS256 token signed with a public key) are refused.
 *
 * Claims: `sub` (required), `exp` (required unless `requireExpiry: false`), `nbf`, `iss`/`aud` when configured,
 * `tier` (string; default `defaultTier`), `ent` (see {@link Entitlements}; default `defaultEntitlements`).
 *
 * Every refusal is an {@link AccessError}: `AUTH_REQUIRED` (no token where one is needed), `TOKEN_EXPIRED`, or
 * `AUTH_FAILED` for everything else. Messages are safe to send the client and fit a close reason.
 */
export class TokenVerifier {
  /** True when a connection without a token gets an anonymous principal. */
  readonly allowsAnonymous: boolean;
  /** True when some key source is configured (a token can be accepted at all). */
  readonly acceptsTokens: boolean;

  private readonly algorithms: readonly string[];
  private readonly anonymous: Principal | undefined;
  private readonly clockToleranceSec: number;
  /** Tokens that passed verification, by the SHA-256 of the token, oldest first (see `verify`). */
  private readonly verified = new Map<string, VerifiedToken>();
  private readonly verifiedTokensKept: number;

  private constructor(
    private readonly options: TokenVerifierOptions,
    /** The HS256 secret, imported once: jose re-imports a raw `Uint8Array` key on every verification. */
    private readonly secret: webcrypto.CryptoKey | undefined,
    private readonly jwks: KeySelector | undefined,
    /** The JWKS key algorithm by `kid`, to name an unknown or mismatched key precisely. */
    private readonly algByKid: ReadonlyMap<string, AsymmetricAlg>,
  ) {
    this.algorithms = [...(secret ? ['HS256'] : []), ...(jwks ? ['RS256', 'ES256'] : [])];
    this.acceptsTokens = this.algorithms.length > 0;
    this.allowsAnonymous = options.allowAnonymous === true;
    this.clockToleranceSec = options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
    this.verifiedTokensKept = options.verifiedTokensKept ?? DEFAULT_VERIFIED_TOKENS_KEPT;
    this.anonymous = this.allowsAnonymous
      ? Object.freeze({ subject: ANONYMOUS_SUBJECT, tier: options.anonymousTier ?? DEFAULT_ANONYMOUS_TIER, entitlements: options.anonymousEntitlements ?? Entitlements.ALL })
      : undefined;
  }

  /** Validates the options and reads the JWKS file; configuration problems throw {@link EdgeError}. */
  static async create(options: TokenVerifierOptions): Promise<TokenVerifier> {
    const { hs256Secret, jwksFile } = options;
    if (hs256Secret === undefined && jwksFile === undefined && options.allowAnonymous !== true) {
      throw new EdgeError('EDGE_ERR_NO_KEY_SOURCE', 'set hs256Secret or jwksFile, or allow anonymous access');
    }
    validateAuthOptions(options);
    let secret: webcrypto.CryptoKey | undefined;
    if (hs256Secret !== undefined) {
      const bytes = new TextEncoder().encode(hs256Secret);
      if (bytes.byteLength < MIN_HS256_SECRET_BYTES) {
        throw new EdgeError('EDGE_ERR_HS256_SECRET', `must be at least ${MIN_HS256_SECRET_BYTES} bytes, got ${bytes.byteLength}`);
      }
      // Imported once: given the raw bytes, jose imports the key again for every token, about half the cost of a
      // verification (57 -> 27 us each measured here). JWT checks were a third of the edge's CPU while 3,000
      // clients connected at once (the reliability suite's market-open storm).
      secret = await webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    }
    let jwks: KeySelector | undefined;
    let algByKid: ReadonlyMap<string, AsymmetricAlg> = new Map();
    if (jwksFile !== undefined) {
      const loaded = await loadJwksFile(jwksFile);
      jwks = createLocalJWKSet(loaded.set);
      algByKid = loaded.algByKid;
    }
    return new TokenVerifier(Object.freeze({ ...options }), secret, jwks, algByKid);
  }

  /**
   * The principal a token stands for. An absent or empty token gives the anonymous principal where allowed, else
   * `AUTH_REQUIRED`. A token that is present is always verified, even where anonymous access is allowed: a bad
   * token is an error the client should see, not a silent downgrade.
   *
   * A token that passed is remembered (by its SHA-256, the most recent `verifiedTokensKept`): presented again,
   * only its time claims are checked again. A reconnect storm brings the same tokens back, and checking a
   * signature (~60 µs in webcrypto on the test machine) was the largest single part of admitting a client.
   * The keys do not change while the process runs, so a signature that was valid stays valid. Refused tokens
   * are never remembered.
   */
  async verify(token: string | undefined, nowMs: number = Date.now()): Promise<Principal> {
    if (token === undefined || token === '') {
      if (this.anonymous) return this.anonymous;
      throw new AccessError(CLOSE_CODES.AUTH_REQUIRED, 'a token is required');
    }
    if (token.length > MAX_TOKEN_LENGTH) throw failed(`token too long (${token.length} characters, at most ${MAX_TOKEN_LENGTH})`);
    if (!this.acceptsTokens) throw failed('tokens are not accepted here (anonymous access only)');
    const digest = this.verifiedTokensKept > 0 ? createHash('sha256').update(token).digest('base64') : undefined;
    if (digest !== undefined) {
      const known = this.verified.get(digest);
      if (known !== undefined) {
        if (this.timeClaimsHold(known, nowMs)) return known.principal;
        // Expired (or not yet valid at this time): verified in full below, which says why.
        this.verified.delete(digest);
      }
    }

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keyFor, {
        algorithms: this.algorithms as string[],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.clockToleranceSec,
        currentDate: new Date(nowMs),
        requiredClaims: this.options.requireExpiry === false ? ['sub'] : ['sub', 'exp'],
      }));
    } catch (error) {
      throw toAccessError(error, token);
    }
    const principal = this.principalFrom(payload);
    if (digest !== undefined) this.remember(digest, { principal, exp: payload.exp, nbf: payload.nbf });
    return principal;
  }

  /** jose's checks of `exp` and `nbf`, with the same clock tolerance. */
  private timeClaimsHold(token: VerifiedToken, nowMs: number): boolean {
    const now = Math.floor(nowMs / 1000);
    return (token.exp === undefined || token.exp > now - this.clockToleranceSec) && (token.nbf === undefined || token.nbf <= now + this.clockToleranceSec);
  }

  private remember(digest: string, token: VerifiedToken): void {
    const verified = this.verified;
    if (verified.size >= this.verifiedTokensKept) verified.delete(verified.keys().next().value as string);
    verified.set(digest, token);
  }

  // An arrow property, created once per verifier: jose calls it with the protected header once the algorithm
  // has been checked against `algorithms`.
  private readonly keyFor = async (header: JWSHeaderParameters, input: FlattenedJWSInput): Promise<Awaited<ReturnType<KeySelector>> | webcrypto.CryptoKey> => {
    if (header.alg === 'HS256') return this.secret as webcrypto.CryptoKey;
    const kid = header.kid;
    if (kid !== undefined) {
      const alg = this.algByKid.get(kid);
      if (alg === undefined) throw failed(`unknown key id ${quoteClientValue(String(kid))}`);
      if (alg !== header.alg) throw failed(`key ${quoteClientValue(kid)} is not a ${header.alg} key`);
    }
    return (this.jwks as KeySelector)(header, input);
  };

  private principalFrom(payload: JWTPayload): Principal {
    const { sub, tier, ent, exp } = payload as JWTPayload & { tier?: unknown; ent?: unknown };
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT_LENGTH) throw failed(`sub claim must be a string of 1-${MAX_SUBJECT_LENGTH} characters`);
    if (tier !== undefined && (typeof tier !== 'string' || tier.length === 0 || tier.length > MAX_TIER_LENGTH)) throw failed(`tier claim must be a string of 1-${MAX_TIER_LENGTH} characters`);
    const entitlements = ent === undefined ? (this.options.defaultEntitlements ?? Entitlements.NONE) : Entitlements.compile(ent);
    const principal: Principal = {
      subject: sub,
      tier: tier ?? this.options.defaultTier ?? DEFAULT_TOKEN_TIER,
      entitlements,
      ...(exp !== undefined ? { expiresAtMs: exp * 1000 } : {}),
    };
    return Object.freeze(principal);
  }
}

/** A token that passed verification: what it stands for, and its time claims to check again. */
interface VerifiedToken {
  readonly principal: Principal;
  readonly exp: number | undefined;
  readonly nbf: number | undefined;
}

function validateAuthOptions(options: TokenVerifierOptions): void {
  const bad = (detail: string) => new EdgeError('EDGE_ERR_AUTH_OPTION', detail);
  const kept = options.verifiedTokensKept;
  if (kept !== undefined && !(Number.isInteger(kept) && kept >= 0)) throw bad(`verifiedTokensKept must be a whole number >= 0, got ${String(kept)}`);
  const tolerance = options.clockToleranceSec;
  if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance >= 0 && tolerance <= MAX_CLOCK_TOLERANCE_SEC)) {
    throw bad(`clockToleranceSec must be 0-${MAX_CLOCK_TOLERANCE_SEC}, got ${String(tolerance)}`);
  }
  for (const name of ['issuer', 'audience', 'defaultTier', 'anonymousTier'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) throw bad(`${name} must be a non-empty string`);
  }
  if (options.hs256Secret !== undefined && typeof options.hs256Secret !== 'string') throw new EdgeError('EDGE_ERR_HS256_SECRET', 'must be a string');
}

/**
 * Reads and checks a JWKS file: public RS256 (RSA >= 2048 bits) or ES256 (P-256) signing keys, each with a unique
 * `kid`, each importable. Private key material in the file is refused: the edge only verifies.
 */
async function loadJwksFile(path: string): Promise<{ set: JSONWebKeySet; algByKid: ReadonlyMap<string, AsymmetricAlg> }> {
  const bad = (detail: string, cause?: unknown) => new EdgeError('EDGE_ERR_JWKS_FILE', `${path}: ${detail}`, { cause });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw bad(`cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw bad('not valid JSON', error);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw bad('expected {"keys": [...]} with at least one key');

  const algByKid = new Map<string, AsymmetricAlg>();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as JWK;
    const at = `key ${i}`;
    if (typeof key !== 'object' || key === null) throw bad(`${at} is not an object`);
    if (typeof key.kid !== 'string' || key.kid === '') throw bad(`${at} has no kid`);
    const name = `${at} (kid ${JSON.stringify(key.kid)})`;
    if (algByKid.has(key.kid)) throw bad(`${name}: kid used twice`);
    if (PRIVATE_JWK_MEMBERS.some((member) => member in key)) throw bad(`${name} contains private or symmetric key material; the file must hold public keys only`);
    if (key.use !== undefined && key.use !== 'sig') throw bad(`${name}: use must be "sig"`);
    let alg: AsymmetricAlg;
    if (key.kty === 'RSA') alg = 'RS256';
    else if (key.kty === 'EC' && key.crv === 'P-256') alg = 'ES256';
    else throw bad(`${name}: only RSA (RS256) and EC P-256 (ES256) keys are accepted`);
    if (key.alg !== undefined && key.alg !== alg) throw bad(`${name}: alg ${JSON.stringify(key.alg)} does not fit a ${key.kty === 'RSA' ? 'RSA' : 'P-256'} key (expected ${alg})`);
    if (alg === 'RS256' && typeof key.n === 'string' && Buffer.from(key.n, 'base64url').length * 8 < MIN_RSA_MODULUS_BITS) {
      throw bad(`${name}: RSA modulus shorter than ${MIN_RSA_MODULUS_BITS} bits`);
    }
    try {
      await importJWK(key, alg);
    } catch (error) {
      throw bad(`${name} cannot be imported (${error instanceof Error ? error.message : String(error)})`, error);
    }
    algByKid.set(key.kid, alg);
  }
  return { set: { keys: keys as JWK[] }, algByKid };
}

function failed(message: string, cause?: unknown): AccessError {
  return new AccessError(CLOSE_CODES.AUTH_FAILED, message, cause === undefined ? undefined : { cause });
}

function isoSeconds(seconds: unknown): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) && Math.abs(seconds) < 8.64e12 ? new Date(seconds * 1000).toISOString() : String(seconds);
}

/** jose's error, turned into what the client is told. jose's own messages are not passed on: they are generic. */
function toAccessError(error: unknown, token: string): AccessError {
  if (error instanceof AccessError) return error;
  if (error instanceof joseErrors.JWTExpired) {
    return new AccessError(CLOSE_CODES.TOKEN_EXPIRED, `token expired at ${isoSeconds(error.payload.exp)}`, { cause: error });
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const { claim, reason, payload } = error;
    if (reason === 'missing') return failed(`token has no ${claim} claim`, error);
    switch (claim) {
      case 'nbf':
        return failed(reason === 'check_failed' ? `token not valid before ${isoSeconds(payload.nbf)}` : 'invalid nbf claim', error);
      case 'iss':
        return failed(typeof payload.iss === 'string' ? `token issuer ${quoteClientValue(payload.iss)} is not accepted` : 'invalid iss claim', error);
      case 'aud':
        return failed('token audience is not accepted', error);
      default:
        return failed(`invalid ${quoteClientValue(claim, 16)} claim`, error);
    }
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return failed(`token algorithm ${quoteClientValue(headerAlg(token), 16)} is not accepted`, error);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return failed('invalid token signature', error);
  if (error instanceof joseErrors.JWKSNoMatchingKey) return failed('no key matches the token', error);
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return failed('token has no key id (kid) and several keys match', error);
  if (error instanceof joseErrors.JOSEError) return failed('malformed token', error);
  // Not jose's: e.g. a TypeError on a token jose did not expect. Still the client's token that failed.
  return failed('token could not be verified', error);
}

function headerAlg(token: string): string {
  try {
    return String(decodeProtectedHeader(token).alg);
  } catch {
    return '?';
  }
}
