import { ProtocolError } from './errors';
import { MAX_SHARD_COUNT, shardOf } from './shard';
import { escapeSymbol, tryUnescapeSymbolToken } from './subject-token';

/**
 * NATS subject names, in one place. Every publisher and subscriber builds subjects through these
 * functions, so a rename is one change here.
 *
 * - `md.raw.<shard>`: `RawBatch` from ingest.
 * - `md.tick.<shard>.<symbol-token>`: `MarketUpdate` from the normalizer; the token is `escapeSymbol(symbol)`.
 * - `md.instrument.<shard>`: `Instrument` (reference data, from ITCH Stock Directory) from the normalizer.
 * - `md.republish.<shard>`: an empty request, to the active normalizer of the shard, to publish every
 *   symbol's latest state again with its seq (a snapshot service that lost its store asks).
 */
export const RAW_SUBJECT_PREFIX = 'md.raw';
export const TICK_SUBJECT_PREFIX = 'md.tick';

export const INSTRUMENT_SUBJECT_PREFIX = 'md.instrument';
export const REPUBLISH_SUBJECT_PREFIX = 'md.republish';

/** Every raw shard subject. */
export const rawWildcard = `${RAW_SUBJECT_PREFIX}.*`;
/** Every tick subject of every shard. */
export const allTicksWildcard = `${TICK_SUBJECT_PREFIX}.>`;

const RAW_PREFIX_DOT = `${RAW_SUBJECT_PREFIX}.`;
const TICK_PREFIX_DOT = `${TICK_SUBJECT_PREFIX}.`;
/** A shard id as it appears in a subject: decimal, no sign, no leading zeros. */
const SHARD_TOKEN = /^(?:0|[1-9][0-9]{0,3})$/;

function assertShard(shard: number): void {
  if (!Number.isInteger(shard) || shard < 0 || shard >= MAX_SHARD_COUNT) {
    throw new ProtocolError('PROTOCOL_ERR_INVALID_SHARD', `shard must be an integer in 0..${MAX_SHARD_COUNT - 1}, got ${String(shard)}`);
  }
}

function parseShardToken(token: string): number | undefined {
  if (!SHARD_TOKEN.test(token)) return undefined;
  const shard = Number(token);
  return shard < MAX_SHARD_COUNT ? shard : undefined;
}

/** `md.raw.<shard>`. Throws `PROTOCOL_ERR_INVALID_SHARD` for a shard outside 0..MAX_SHARD_COUNT-1. */
export function rawSubject(shard: number): string {
  assertShard(shard);
  return RAW_PREFIX_DOT + shard;
}

/** `md.tick.<shard>.<escaped symbol>`. Throws for an invalid shard or symbol. */
export function tickSubject(shard: number, symbol: string): string {
  assertShard(shard);
  return `${TICK_PREFIX_DOT}${shard}.${escapeSymbol(symbol)}`;
}

/** The tick subject of `symbol` in a deployment with `shardCount` shards. */
export function tickSubjectForSymbol(symbol: string, shardCount: number): string {
  return tickSubject(shardOf(symbol, shardCount), symbol);
}

/** Every instrument subject of every shard. */
export const allInstrumentsWildcard = `${INSTRUMENT_SUBJECT_PREFIX}.*`;

/** `md.instrument.<shard>`. Throws `PROTOCOL_ERR_INVALID_SHARD` for a shard outside 0..MAX_SHARD_COUNT-1. */
export function instrumentSubject(shard: number): string {
  assertShard(shard);
  return `${INSTRUMENT_SUBJECT_PREFIX}.${shard}`;
}

/** `md.republish.<shard>`. Throws `PROTOCOL_ERR_INVALID_SHARD` for a shard outside 0..MAX_SHARD_COUNT-1. */
export function republishSubject(shard: number): string {
  assertShard(shard);
  return `${REPUBLISH_SUBJECT_PREFIX}.${shard}`;
}

/** `md.tick.<shard>.*`: every symbol of one shard. */
export function tickShardWildcard(shard: number): string {
  assertShard(shard);
  return `${TICK_PREFIX_DOT}${shard}.*`;
}

export interface TickSubject {
  readonly shard: number;
  readonly symbol: string;
}

/** The shard of an `md.raw.<shard>` subject, or `undefined` if `subject` is not one. */
export function parseRawSubject(subject: string): number | undefined {
  if (!subject.startsWith(RAW_PREFIX_DOT)) return undefined;
  return parseShardToken(subject.slice(RAW_PREFIX_DOT.length));
}

/** Shard and symbol of an `md.tick.<shard>.<token>` subject, or `undefined` if `subject` is not a canonical one. */
export function parseTickSubject(subject: string): TickSubject | undefined {
  if (!subject.startsWith(TICK_PREFIX_DOT)) return undefined;
  const dot = subject.indexOf('.', TICK_PREFIX_DOT.length);
  if (dot < 0) return undefined;
  const shard = parseShardToken(subject.slice(TICK_PREFIX_DOT.length, dot));
  if (shard === undefined) return undefined;
  const symbol = tryUnescapeSymbolToken(subject.slice(dot + 1));
  return symbol === undefined ? undefined : { shard, symbol };
}

/** JetStream stream that keeps the day's md.raw so a restarted normalizer can rebuild its books. */
export const DEFAULT_RAW_STREAM = 'MD_RAW';
/** How long the raw stream keeps messages: a trading day and its margins. */
export const RAW_STREAM_MAX_AGE_MS = 24 * 3600 * 1000;
