/**
 * The edge's access building blocks: who may connect (origin, connection limits), who a client is (token), what it
 * may see (entitlements, tier) and how fast it may talk (rate and size). Pure: no sockets, no timers; time comes
 * in as `nowMs`.
 */
export { AccessError, MAX_CLOSE_REASON_BYTES, fitCloseReason, quoteClientValue } from './access-error';
export { AdmissionPacer, type AdmissionPacerOptions, type AdmissionVerdict } from './admission-pacer';
export { ArrivalGate, type ArrivalGateOptions, type ArrivalVerdict } from './arrival-gate';
export { ConnectionLimiter, type ConnectionAdmission, type ConnectionLimiterOptions } from './connection-limiter';
export { Entitlements, MAX_ENTITLEMENT_ENTRIES, MAX_ENTITLEMENT_SYMBOL_LENGTH, type EntitlementsClaim } from './entitlements';
export { EDGE_ERRORS, EdgeError, type EdgeErrorCode } from './errors';
export { DEFAULT_MAX_INBOUND_BYTES, inboundByteLength, inboundWithinLimit, validateMaxInboundBytes, type InboundData } from './inbound-size';
export { DEFAULT_MESSAGE_BURST, DEFAULT_MESSAGE_RATE_PER_SEC, MessageRateLimiter, validateRateOptions, type MessageRateLimiterOptions } from './message-rate-limiter';
export { OriginPolicy, normalizeOrigin, type OriginPolicyOptions } from './origin-policy';
export { DEFAULT_TIER_POLICIES, DEFAULT_TIER_SPEC, MAX_BATCH_INTERVAL_MS, MAX_TIER_SUBSCRIPTIONS, parseTierPolicies, resolveTier, type TierPolicy } from './tier-policy';
export {
  ANONYMOUS_SUBJECT,
  DEFAULT_ANONYMOUS_TIER,
  DEFAULT_CLOCK_TOLERANCE_SEC,
  DEFAULT_TOKEN_TIER,
  DEFAULT_VERIFIED_TOKENS_KEPT,
  MAX_CLOCK_TOLERANCE_SEC,
  MAX_SUBJECT_LENGTH,
  MAX_TIER_LENGTH,
  MAX_TOKEN_LENGTH,
  MIN_HS256_SECRET_BYTES,
  TokenVerifier,
  type Principal,
  type TokenVerifierOptions,
} from './token-verifier';
