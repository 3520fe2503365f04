import type { PrometheusSamples } from '@tickwire/testing';
import { errorOf, type RawHttpAnswer } from './raw-http';

/** The `rejections_total` reasons an HTTP answer of the edge's client port can be counted under. */
export const HTTP_REJECTION_REASONS = [
  'bad_request',
  'malformed_request',
  'headers_too_large',
  'not_found',
  'not_entitled',
  'auth_required',
  'auth_failed',
  'token_expired',
  'origin',
  'per_ip_limit',
] as const;
export type HttpRejectionReason = (typeof HTTP_REJECTION_REASONS)[number];

const REASON_BY_CODE: Readonly<Record<string, HttpRejectionReason>> = {
  BAD_REQUEST: 'bad_request',
  NOT_FOUND: 'not_found',
  NOT_ENTITLED: 'not_entitled',
  AUTH_REQUIRED: 'auth_required',
  AUTH_FAILED: 'auth_failed',
  TOKEN_EXPIRED: 'token_expired',
  ORIGIN_NOT_ALLOWED: 'origin',
  TOO_MANY_CONNECTIONS: 'per_ip_limit',
};

/**
 * Under which reason the edge must have counted `answer` (docs/protocol.md, HTTP errors), or undefined for
 * an answer that is not a rejection. Throws for an answer the edge must never give: a 5xx, an error without
 * its code, a status no route documents.
 */
export function rejectionOf(answer: RawHttpAnswer, method = 'GET'): HttpRejectionReason | undefined {
  if (answer.status === 200 || answer.status === 304) return undefined;
  // HEAD: the status without the body.
  if (method === 'HEAD' && answer.body.length === 0) return HEAD_REASON[answer.status] ?? fail(answer);
  // Refused by Node's HTTP parser before fastify: fastify's own JSON body, without our code.
  if (answer.status === 431) return 'headers_too_large';
  const error = errorOf(answer);
  if (answer.status === 400 && error === undefined && answer.body.toString().includes('"message":"Client Error"')) return 'malformed_request';
  const reason = error === undefined ? undefined : REASON_BY_CODE[error.code];
  return reason === undefined || answer.status >= 500 ? fail(answer) : reason;
}

const HEAD_REASON: Readonly<Record<number, HttpRejectionReason>> = { 400: 'bad_request', 401: 'auth_required', 403: 'not_entitled', 404: 'not_found' };

function fail(answer: RawHttpAnswer): never {
  throw new Error(`undocumented answer ${answer.status}: ${answer.body.subarray(0, 300).toString()}`);
}

export type RejectionTally = Record<HttpRejectionReason, number>;

export function emptyTally(): RejectionTally {
  return Object.fromEntries(HTTP_REJECTION_REASONS.map((reason) => [reason, 0])) as RejectionTally;
}

/** Adds `answer`'s rejection to `tally`; returns its reason. */
export function tallyAnswer(tally: RejectionTally, answer: RawHttpAnswer, method = 'GET'): HttpRejectionReason | undefined {
  const reason = rejectionOf(answer, method);
  if (reason !== undefined) tally[reason]++;
  return reason;
}

/** What `rejections_total` grew by between two scrapes, for every HTTP reason. */
export function countedRejections(before: PrometheusSamples, after: PrometheusSamples): RejectionTally {
  return Object.fromEntries(HTTP_REJECTION_REASONS.map((reason) => [reason, after.delta(before, 'tickwire_edge_rejections_total', { reason })])) as RejectionTally;
}
