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

/** Throws `BUS_ERR_INVALID_SUBJECT` unless `subject` is a valid publish subject (no wildcards). */
export function assertPublishSubject(subject: string): void {
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
