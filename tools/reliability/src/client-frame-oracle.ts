import { decodeClientJson, decodeClientMessage, ErrorCode, SubscriptionResultCode, type ServerMessage } from '@tickwire/protocol';
import { symbolProblem } from '@tickwire/snapshot-grpc';
import type { EdgeWire } from '@tickwire/testing';

/** What docs/protocol.md says the edge answers to one client frame on an authenticated connection. */
export type ExpectedAnswer =
  /** Undecodable or invalid: an `error` with this code and request id (or, past the tolerance, close 4002). */
  | { readonly kind: 'invalid'; readonly code: number; readonly requestId: number }
  /** A valid request refused in-band (ALREADY_AUTHENTICATED, TOO_MANY_SYMBOLS). */
  | { readonly kind: 'error'; readonly code: number; readonly requestId: number }
  | { readonly kind: 'pong'; readonly ts: bigint }
  /** A `pong` message: nothing comes back. */
  | { readonly kind: 'nothing' }
  | { readonly kind: 'subscribeAck'; readonly id: number; readonly symbols: readonly string[] }
  | { readonly kind: 'unsubscribeAck'; readonly id: number }
  /** Snapshots for the symbols held, and RESYNC_FAILED for the others (if any). */
  | { readonly kind: 'resync'; readonly id: number };

/**
 * The answer to expect, from the protocol's own decoders (the frame's bytes exactly as the edge gets them)
 * and the edge's documented limits. Being the same decoders is the point at this level: the test checks
 * that the process answers each frame as its codec and docs say, and survives.
 */
export function expectedAnswer(bytes: Uint8Array, wire: EdgeWire, maxSymbolsPerRequest: number): ExpectedAnswer {
  const decoded = wire === 'json' ? decodeClientJson(Buffer.from(bytes).toString('utf8')) : decodeClientMessage(bytes);
  if (!decoded.ok) return { kind: 'invalid', code: decoded.code, requestId: decoded.requestId };
  const { id, body } = decoded.message;
  if (body === undefined) return { kind: 'invalid', code: ErrorCode.BAD_REQUEST, requestId: id };
  switch (body.$case) {
    case 'ping':
      return { kind: 'pong', ts: body.value.ts };
    case 'pong':
      return { kind: 'nothing' };
    case 'auth':
      return { kind: 'error', code: ErrorCode.ALREADY_AUTHENTICATED, requestId: id };
    case 'subscribe':
      if (body.value.items.length > maxSymbolsPerRequest) return { kind: 'error', code: ErrorCode.TOO_MANY_SYMBOLS, requestId: id };
      return { kind: 'subscribeAck', id, symbols: body.value.items.map((item) => item.symbol) };
    case 'unsubscribe':
      return { kind: 'unsubscribeAck', id };
    case 'resync':
      return { kind: 'resync', id };
  }
}

/** Longest in-band error message accepted: the codecs quote at most a short excerpt of the input. */
export const MAX_ERROR_MESSAGE_LENGTH = 300;

/**
 * What is wrong with `answers` (the server's control messages between the frame and the next sentinel pong,
 * updates and heartbeats left out) given `expected`; undefined when they match.
 */
export function answerProblem(expected: ExpectedAnswer, answers: readonly ServerMessage[]): string | undefined {
  const cases = answers.map((m) => m.body?.$case);
  const one = (kind: string): ServerMessage | string => (answers.length === 1 && cases[0] === kind ? answers[0]! : `expected one ${kind}, got [${cases.join(', ')}]`);
  switch (expected.kind) {
    case 'invalid':
    case 'error': {
      const m = one('error');
      if (typeof m === 'string') return m;
      const e = m.body?.$case === 'error' ? m.body.value : undefined;
      if (e?.code !== expected.code || e.requestId !== expected.requestId) return `expected error ${expected.code} for request ${expected.requestId}, got ${e?.code} for ${e?.requestId} (${e?.message})`;
      if (e.message.length > MAX_ERROR_MESSAGE_LENGTH) return `error message of ${e.message.length} characters`;
      return undefined;
    }
    case 'pong': {
      const m = one('pong');
      if (typeof m === 'string') return m;
      return m.body?.$case === 'pong' && m.body.value.ts === expected.ts ? undefined : `pong with the wrong ts`;
    }
    case 'nothing':
      return answers.length === 0 ? undefined : `expected nothing, got [${cases.join(', ')}]`;
    case 'subscribeAck': {
      const m = one('subscribeAck');
      if (typeof m === 'string') return m;
      const ack = m.body?.$case === 'subscribeAck' ? m.body.value : undefined;
      if (ack?.id !== expected.id || ack.results.length !== expected.symbols.length) return `ack ${ack?.id} with ${ack?.results.length} results, expected ${expected.id} with ${expected.symbols.length}`;
      for (let i = 0; i < ack.results.length; i++) {
        const invalid = symbolProblem(expected.symbols[i]!) !== undefined;
        const result = ack.results[i]!;
        if (invalid !== (result.code === SubscriptionResultCode.INVALID_SYMBOL)) return `results[${i}] for ${JSON.stringify(expected.symbols[i])}: code ${result.code}`;
      }
      return undefined;
    }
    case 'unsubscribeAck': {
      const m = one('unsubscribeAck');
      if (typeof m === 'string') return m;
      return m.body?.$case === 'unsubscribeAck' && m.body.value.id === expected.id ? undefined : 'unsubscribe ack with the wrong id';
    }
    case 'resync': {
      if (answers.length === 0) return undefined;
      const m = one('error');
      if (typeof m === 'string') return m;
      return m.body?.$case === 'error' && m.body.value.code === ErrorCode.RESYNC_FAILED && m.body.value.requestId === expected.id ? undefined : 'resync answered with the wrong error';
    }
  }
}
