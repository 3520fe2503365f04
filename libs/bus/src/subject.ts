import { BusError } from './errors';

// NATS subject rules, checked the same way by every adapter so they reject the same input.
// Tokens are separated by '.', must be non-empty and may not contain whitespace. In a subscription,
// a token may be exactly '*' (one token) and the last token may be exactly '>' (one or more tokens).

const WHITESPACE = /[\s]/;

function checkTokens(subject: string, allowWildcards: boolean): string | undefined {
  if (subject.length === 0) return 'subject is empty';
  if (WHITESPACE.test(subject)) return 'subject contains whitespace';
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.length === 0) return 'subject has an empty token';
    const isWildcard = token === '*' || token === '>';
    if (!allowWildcards && (token.includes('*') || token.includes('>'))) return 'wildcards are not allowed here';
    if (allowWildcards && !isWildcard && (token.includes('*') || token.includes('>'))) return `token "${token}" mixes a wildcard with text`;
    if (token === '>' && i !== tokens.length - 1) return "'>' must be the last token";
  }
  return undefined;
}

const DOT = 0x2e;
const STAR = 0x2a;
const GREATER = 0x3e;
const SPACE = 0x20;
const ASCII_END = 0x80;

/**
 * The common case of a publish subject decided in one pass over its characters, without allocating: true
 * when it is plainly valid (non-empty tokens of printable ASCII, no wildcard). False sends it to
 * `checkTokens`, which decides and names the problem (whitespace outside ASCII included); a publisher
 * checks every message, so this is on the hot path (a normalizer publishes 100,000+ updates/s).
 */
function isPlainPublishSubject(subject: string): boolean {
  const length = subject.length;
  if (length === 0 || subject.charCodeAt(0) === DOT || subject.charCodeAt(length - 1) === DOT) return false;
  let previous = 0;
  for (let i = 0; i < length; i++) {
    const code = subject.charCodeAt(i);
    if (code <= SPACE || code >= ASCII_END || code === STAR || code === GREATER || (code === DOT && previous === DOT)) return false;
    previous = code;
  }
  return true;
}

/** Throws `BUS_ERR_INVALID_SUBJECT` unless `subject` is a valid publish subject (no wildcards). */
export function assertPublishSubject(subject: string): void {
  if (isPlainPublishSubject(subject)) return;
  const problem = checkTokens(subject, false);
  if (problem) throw new BusError('BUS_ERR_INVALID_SUBJECT', `${JSON.stringify(subject)}: ${problem}`);
}

/** Throws `BUS_ERR_INVALID_SUBJECT` unless `subject` is a valid subscription subject. */
export function assertSubscribeSubject(subject: string): void {
  const problem = checkTokens(subject, true);
  if (problem) throw new BusError('BUS_ERR_INVALID_SUBJECT', `${JSON.stringify(subject)}: ${problem}`);
}

/** Throws `BUS_ERR_INVALID_SUBJECT` for an empty or whitespace-containing queue group name. */
export function assertQueueName(queue: string): void {
  if (queue.length === 0 || WHITESPACE.test(queue)) throw new BusError('BUS_ERR_INVALID_SUBJECT', `queue group ${JSON.stringify(queue)} is empty or contains whitespace`);
}
