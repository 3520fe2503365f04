/**
 * Configuration and startup errors of the edge's access modules, declared once with a stable code (house rule 1).
 * Thrown at boot, never to a client: what a client sees is an {@link AccessError} with a close code from
 * `@tickwire/protocol`. Codes are never reused; a retired code stays listed. `docs/operations.md` (section "Edge",
 * "Configuration errors") lists the same codes and messages; a test checks they agree.
 */
export const EDGE_ERRORS = Object.freeze({
  EDGE_ERR_NO_KEY_SOURCE: 'no token key source configured',
  EDGE_ERR_HS256_SECRET: 'invalid HS256 secret',
  EDGE_ERR_JWKS_FILE: 'invalid JWKS file',
  EDGE_ERR_AUTH_OPTION: 'invalid auth option',
  EDGE_ERR_TIER_SPEC: 'invalid tier spec',
  EDGE_ERR_ORIGIN_SPEC: 'invalid origin spec',
  EDGE_ERR_LIMIT_OPTION: 'invalid limit option',
} as const);

export type EdgeErrorCode = keyof typeof EDGE_ERRORS;

export class EdgeError extends Error {
  constructor(
    readonly code: EdgeErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${EDGE_ERRORS[code]}: ${detail}` : EDGE_ERRORS[code], options);
    this.name = 'EdgeError';
  }
}
