import { SignJWT, type JWTPayload } from 'jose';

/** The HS256 secret every edge of the suite is started with (>= 32 bytes). */
export const EDGE_SECRET = 'reliability-edge-secret-0123456789-0123456789';

export interface TokenOptions {
  readonly secret?: string;
  readonly claims?: JWTPayload;
  /** `exp` as a jose time span (`'10m'`) or seconds since the epoch; `null` = no `exp`. */
  readonly expiresAt?: string | number | null;
}

/** An HS256 token: subject `reliability`, tier realtime, entitled to every symbol, valid 10 minutes unless told otherwise. */
export function hs256Token(options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ tier: 'realtime', ent: { symbols: ['*'] }, ...options.claims }).setProtectedHeader({ alg: 'HS256' }).setSubject('reliability').setIssuedAt();
  const expiresAt = options.expiresAt === undefined ? '10m' : options.expiresAt;
  if (expiresAt !== null) jwt.setExpirationTime(expiresAt);
  return jwt.sign(new TextEncoder().encode(options.secret ?? EDGE_SECRET));
}
