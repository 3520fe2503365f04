import { exportJWK, generateKeyPair } from 'jose';
import type { JSONWebKeySet, JWK } from 'jose';

export type KeyAlgorithm = 'RS256' | 'ES256';

export interface SigningKeyPair {
  /** Keep secret: signs tokens. */
  readonly privateJwk: JWK;
  /** Goes into the edge's JWKS file. */
  readonly publicJwk: JWK;
}

/** A new RS256 (RSA 2048) or ES256 (P-256) key pair as JWKs carrying `kid`, `alg` and `use: "sig"`. */
export async function generateSigningKey(alg: KeyAlgorithm, kid: string): Promise<SigningKeyPair> {
  if (kid === '') throw new Error('--kid must not be empty');
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const tags = { kid, alg, use: 'sig' };
  return { privateJwk: { ...(await exportJWK(privateKey)), ...tags }, publicJwk: { ...(await exportJWK(publicKey)), ...tags } };
}

/** `jwks` with `publicJwk` added (for key rotation: old and new keys side by side). A `kid` already present is refused. */
export function addToJwks(jwks: JSONWebKeySet | undefined, publicJwk: JWK): JSONWebKeySet {
  const keys = jwks?.keys ?? [];
  if (keys.some((key) => key.kid === publicJwk.kid)) throw new Error(`the JWKS already has a key with kid ${JSON.stringify(publicJwk.kid)}`);
  return { keys: [...keys, publicJwk] };
}
