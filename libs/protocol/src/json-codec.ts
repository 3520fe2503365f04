import { ErrorCode, type ErrorCodeNumber } from './close-codes';
import type { DecodeFailure, DecodeResult } from './decode-result';
import { ProtocolError } from './errors';
import type { Auth, ClientMessage, Error as ErrorMessage, Ping, Pong, Reconnect, Resync, ServerMessage, Subscribe, SubscribeAck, SubscriptionRequest, SubscriptionResult, Unsubscribe, UnsubscribeAck, Welcome } from './gen/tickwire/v1/client';
import { SubscriptionResultCode } from './gen/tickwire/v1/client';
import type { Depth, MarketUpdate, Ohlc, PriceLevel, Quote, TradePrint } from './gen/tickwire/v1/market';
import { TradeKind, TradingStatus } from './gen/tickwire/v1/market';
import { SubscriptionMode } from './gen/tickwire/v1/snapshot';

/**
 * The JSON client codec: WebSocket subprotocol `tickwire.v1.json`. docs/protocol.md shows every message.
 *
 * Numbers on the wire:
 * - Prices are decimal numbers in currency units (the Price(4) integer / 10000). Every uint32 price divided
 *   by 10000 prints as its exact decimal (at most 10 significant digits) and reads back exactly.
 * - 64-bit integers are JSON numbers when <= 2^53 - 1, which covers sequence numbers, sizes, volumes and
 *   exchange timestamps (ns since midnight) in practice. Larger values are written as decimal strings so
 *   nothing is rounded silently; Unix-nanosecond timestamps (`ingestTs`, `publishTs`) are always that large,
 *   so they are strings. Decoders accept either form.
 * - Enums are lowercase names (`"quote"`, `"halted"`); a value this version does not know is its number.
 *
 * `encodeServerJson` runs once per update and the string goes to every JSON client, so it concatenates
 * strings directly: no intermediate objects, no per-field closures, no JSON.stringify of the whole message.
 */

export const JSON_SUBPROTOCOL = 'tickwire.v1.json';

const PRICE_SCALE = 10_000;
const MAX_SAFE_U64 = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_U64 = (1n << 64n) - 1n;
const MAX_U32 = 0xffff_ffff;
/** Longest excerpt of client input echoed back in a failure reason. */
const MAX_ECHO = 40;

// --- enum names -------------------------------------------------------------------------------------

/** `names[value]` = lowercase JSON name, from a generated numeric enum (its reverse mapping). */
function enumNames(enumObject: Record<string, string | number>): readonly string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(enumObject)) {
    if (typeof value === 'number' && value >= 0) names[value] = key.toLowerCase();
  }
  return Object.freeze(names);
}

function enumValues(names: readonly string[]): ReadonlyMap<string, number> {
  return new Map(names.map((name, value) => [name, value]));
}

const TRADING_STATUS_NAMES = enumNames(TradingStatus);
const TRADE_KIND_NAMES = enumNames(TradeKind);
const MODE_NAMES = enumNames(SubscriptionMode);
const RESULT_CODE_NAMES = enumNames(SubscriptionResultCode);
const TRADING_STATUS_VALUES = enumValues(TRADING_STATUS_NAMES);
const TRADE_KIND_VALUES = enumValues(TRADE_KIND_NAMES);
const MODE_VALUES = enumValues(MODE_NAMES);
const RESULT_CODE_VALUES = enumValues(RESULT_CODE_NAMES);

/** The JSON name of a subscription mode (`'ltp'`, `'quote'`, `'full'`, `'unspecified'`). */
export function subscriptionModeName(mode: SubscriptionMode): string | undefined {
  return MODE_NAMES[mode];
}

// --- encoding -------------------------------------------------------------------------------------------

function enumJson(names: readonly string[], value: number): string {
  const name = names[value];
  return name === undefined ? String(value) : `"${name}"`;
}

function u64Json(value: bigint): string {
  return value <= MAX_SAFE_U64 ? String(value) : `"${value}"`;
}

function priceJson(price: number): string {
  return String(price / PRICE_SCALE);
}

function levelsJson(levels: readonly PriceLevel[]): string {
  let s = '[';
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (i > 0) s += ',';
    s += '[' + priceJson(level.price) + ',' + u64Json(level.size) + ',' + level.orders + ']';
  }
  return s + ']';
}

function tradeJson(trade: TradePrint): string {
  return (
    '{"price":' + priceJson(trade.price) + ',"size":' + u64Json(trade.size) + ',"match":' + u64Json(trade.matchNumber) +
    ',"ts":' + u64Json(trade.exchangeTsNs) + ',"kind":' + enumJson(TRADE_KIND_NAMES, trade.kind) + '}'
  );
}

/** One `update` object. Only fields present in the (delta) update are written. */
function updateJson(u: MarketUpdate): string {
  let s =
    '{"type":"update","symbol":' + JSON.stringify(u.symbol) + ',"seq":' + u64Json(u.seq) + ',"epoch":' + u64Json(u.epoch) +
    ',"ts":' + u64Json(u.exchangeTsNs) + ',"ingestTs":' + u64Json(u.ingestTsNs) + ',"publishTs":' + u64Json(u.publishTsNs);
  if (u.ltp !== undefined) s += ',"ltp":' + priceJson(u.ltp);
  if (u.lastSize !== undefined) s += ',"lastSize":' + u64Json(u.lastSize);
  const quote = u.quote;
  if (quote !== undefined) {
    s += ',"quote":{"bid":' + priceJson(quote.bidPrice) + ',"bidSize":' + u64Json(quote.bidSize) + ',"ask":' + priceJson(quote.askPrice) + ',"askSize":' + u64Json(quote.askSize) + '}';
  }
  const ohlc = u.ohlc;
  if (ohlc !== undefined) {
    s += ',"ohlc":{"open":' + priceJson(ohlc.open) + ',"high":' + priceJson(ohlc.high) + ',"low":' + priceJson(ohlc.low) + ',"close":' + priceJson(ohlc.close) + '}';
  }
  if (u.volume !== undefined) s += ',"volume":' + u64Json(u.volume);
  // JSON has no NaN or Infinity; a VWAP that is not finite is not a price, so it is left out.
  if (u.vwap !== undefined && Number.isFinite(u.vwap)) s += ',"vwap":' + String(u.vwap / PRICE_SCALE);
  const depth = u.depth;
  if (depth !== undefined) s += ',"depth":{"bids":' + levelsJson(depth.bids) + ',"asks":' + levelsJson(depth.asks) + '}';
  const trades = u.trades;
  if (trades.length > 0) {
    s += ',"trades":[';
    for (let i = 0; i < trades.length; i++) s += (i > 0 ? ',' : '') + tradeJson(trades[i]!);
    s += ']';
  }
  if (u.status !== undefined) s += ',"status":' + enumJson(TRADING_STATUS_NAMES, u.status);
  if (u.stale) s += ',"stale":true';
  if (u.snapshot) s += ',"snapshot":true';
  if (u.changed) s += ',"changed":' + u.changed;
  if (u.prevSeq !== undefined) s += ',"prevSeq":' + u64Json(u.prevSeq);
  return s + '}';
}

function stringsJson(values: readonly string[]): string {
  let s = '[';
  for (let i = 0; i < values.length; i++) s += (i > 0 ? ',' : '') + JSON.stringify(values[i]);
  return s + ']';
}

function subscribeAckJson(ack: SubscribeAck): string {
  let s = '{"type":"subscribe_ack","id":' + ack.id + ',"results":[';
  for (let i = 0; i < ack.results.length; i++) {
    const r = ack.results[i]!;
    s += (i > 0 ? ',' : '') + '{"symbol":' + JSON.stringify(r.symbol) + ',"code":' + enumJson(RESULT_CODE_NAMES, r.code) + ',"mode":' + enumJson(MODE_NAMES, r.mode) + '}';
  }
  return s + ']}';
}

/**
 * A JSON `batch` from already-encoded server messages (outputs of `encodeServerJson`), by concatenation:
 * the JSON twin of `concatBatch`.
 */
export function concatJsonBatch(pieces: readonly string[]): string {
  return JSON_BATCH_OPEN + pieces.join(',') + JSON_BATCH_CLOSE;
}

const JSON_BATCH_OPEN = '{"type":"batch","messages":[';
const JSON_BATCH_CLOSE = ']}';
const utf8 = new TextEncoder();
const JSON_BATCH_OPEN_BYTES = utf8.encode(JSON_BATCH_OPEN);
const JSON_BATCH_CLOSE_BYTES = utf8.encode(JSON_BATCH_CLOSE);
const COMMA = 0x2c;

/**
 * `concatJsonBatch` over UTF-8 bytes: the edge keeps each JSON message encoded once as bytes (so a text
 * frame shared by many clients is never re-encoded per client) and builds batch frames by copying them.
 */
export function concatJsonBatchBytes(pieces: readonly Uint8Array[]): Uint8Array {
  let length = JSON_BATCH_OPEN_BYTES.length + JSON_BATCH_CLOSE_BYTES.length + Math.max(0, pieces.length - 1);
  for (let i = 0; i < pieces.length; i++) length += pieces[i]!.length;
  const out = new Uint8Array(length);
  out.set(JSON_BATCH_OPEN_BYTES, 0);
  let pos = JSON_BATCH_OPEN_BYTES.length;
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) out[pos++] = COMMA;
    out.set(pieces[i]!, pos);
    pos += pieces[i]!.length;
  }
  out.set(JSON_BATCH_CLOSE_BYTES, pos);
  return out;
}

/**
 * The JSON text of a server message. Throws `PROTOCOL_ERR_INVALID_MESSAGE` for a message without a body
 * (a programming error: the server builds these).
 */
export function encodeServerJson(message: ServerMessage): string {
  const body = message.body;
  if (body === undefined) throw new ProtocolError('PROTOCOL_ERR_INVALID_MESSAGE', 'ServerMessage has no body');
  switch (body.$case) {
    case 'update':
      return updateJson(body.value);
    case 'batch': {
      const messages = body.value.messages;
      const pieces: string[] = new Array<string>(messages.length);
      for (let i = 0; i < messages.length; i++) pieces[i] = encodeServerJson(messages[i]!);
      return concatJsonBatch(pieces);
    }
    case 'subscribeAck':
      return subscribeAckJson(body.value);
    case 'unsubscribeAck':
      return '{"type":"unsubscribe_ack","id":' + body.value.id + ',"symbols":' + stringsJson(body.value.symbols) + '}';
    case 'welcome': {
      const w = body.value;
      return '{"type":"welcome","sessionId":' + JSON.stringify(w.sessionId) + ',"heartbeatMs":' + w.heartbeatMs + ',"tier":' + JSON.stringify(w.tier) + ',"maxSubscriptions":' + w.maxSubscriptions + '}';
    }
    case 'error': {
      const e = body.value;
      return '{"type":"error","code":' + e.code + ',"message":' + JSON.stringify(e.message) + ',"requestId":' + e.requestId + ',"retryable":' + e.retryable + '}';
    }
    case 'reconnect':
      return '{"type":"reconnect","afterMs":' + body.value.afterMs + ',"reason":' + JSON.stringify(body.value.reason) + '}';
    case 'ping':
      return '{"type":"ping","ts":' + u64Json(body.value.ts) + '}';
    case 'pong':
      return '{"type":"pong","ts":' + u64Json(body.value.ts) + '}';
  }
}

/**
 * The JSON text of a client message (for the client SDK; the inverse of `decodeClientJson`). `subscribe` is
 * always written in its `items` form; `id` and modes are left out when 0 / unspecified. Throws
 * `PROTOCOL_ERR_INVALID_MESSAGE` for a message without a body.
 */
export function encodeClientJson(message: ClientMessage): string {
  const body = message.body;
  if (body === undefined) throw new ProtocolError('PROTOCOL_ERR_INVALID_MESSAGE', 'ClientMessage has no body');
  let s = '{"type":"' + body.$case + '"';
  if (message.id !== 0) s += ',"id":' + message.id;
  switch (body.$case) {
    case 'auth':
      s += ',"token":' + JSON.stringify(body.value.token);
      break;
    case 'subscribe': {
      const items = body.value.items;
      s += ',"items":[';
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        s += (i > 0 ? ',' : '') + '{"symbol":' + JSON.stringify(item.symbol);
        if (item.mode !== SubscriptionMode.UNSPECIFIED) s += ',"mode":' + enumJson(MODE_NAMES, item.mode);
        s += '}';
      }
      s += ']';
      break;
    }
    case 'unsubscribe':
    case 'resync':
      s += ',"symbols":' + stringsJson(body.value.symbols);
      break;
    case 'ping':
    case 'pong':
      s += ',"ts":' + u64Json(body.value.ts);
      break;
  }
  return s + '}';
}

// --- decoding: shared readers ----------------------------------------------------------------------
//
// The readers throw `JsonShapeError`; the two public decoders catch it at the top and return a failure.
// Decoding is not a hot path (control messages, or one client's own stream), and this keeps the checks flat.

type JsonObject = { readonly [key: string]: unknown };

/** Thrown by the readers only. Not an `Error`: no stack is captured for what is an expected outcome. */
class JsonShapeError {
  constructor(
    readonly code: ErrorCodeNumber,
    readonly reason: string,
  ) {}
}

function excerpt(value: string): string {
  return JSON.stringify(value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}...` : value);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(path: string, expected: string): JsonShapeError {
  return new JsonShapeError(ErrorCode.BAD_REQUEST, `"${path}" must be ${expected}`);
}

function own(obj: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function readObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw bad(path, 'an object');
  return value;
}

function readArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw bad(path, 'an array');
  return value;
}

function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw bad(path, 'a string');
  return value;
}

function readBool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw bad(path, 'true or false');
  return value;
}

function readU32(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_U32) throw bad(path, 'an integer in 0..4294967295');
  return value;
}

const DECIMAL_DIGITS = /^(?:0|[1-9][0-9]{0,19})$/;

function readU64(value: unknown, path: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && DECIMAL_DIGITS.test(value)) {
    const n = BigInt(value);
    if (n <= MAX_U64) return n;
  }
  throw bad(path, 'an unsigned 64-bit integer (a number up to 2^53-1, or a decimal string)');
}

function readPrice(value: unknown, path: string): number {
  if (typeof value === 'number' && value >= 0) {
    const price = Math.round(value * PRICE_SCALE);
    if (price <= MAX_U32) return price;
  }
  throw bad(path, 'a price in 0..429496.7295');
}

function readEnum(value: unknown, values: ReadonlyMap<string, number>, path: string): number {
  if (typeof value === 'string') {
    const known = values.get(value);
    if (known !== undefined) return known;
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x7fff_ffff) {
    return value;
  }
  throw bad(path, `one of ${[...values.keys()].map((name) => `"${name}"`).join(', ')}`);
}

function readMode(value: unknown, path: string): SubscriptionMode {
  return readEnum(value, MODE_VALUES, path);
}

function readTradingStatus(value: unknown, path: string): TradingStatus {
  return readEnum(value, TRADING_STATUS_VALUES, path);
}

function readStrings(value: unknown, path: string): string[] {
  const array = readArray(value, path);
  const out = new Array<string>(array.length);
  for (let i = 0; i < array.length; i++) out[i] = readString(array[i], `${path}[${i}]`);
  return out;
}

/** `undefined` when absent, else the reader's value. */
function optional<T>(obj: JsonObject, key: string, read: (value: unknown, path: string) => T, path = key): T | undefined {
  const value = own(obj, key);
  return value === undefined ? undefined : read(value, path);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new JsonShapeError(ErrorCode.MALFORMED_MESSAGE, 'not valid JSON');
  }
}

function failure(error: unknown, requestId: number): DecodeFailure {
  if (error instanceof JsonShapeError) return { ok: false, code: error.code, reason: error.reason, requestId };
  // Not reachable by design; a bug in a reader must still not take the connection's handler down.
  return { ok: false, code: ErrorCode.BAD_REQUEST, reason: 'undecodable message', requestId };
}

// --- decoding: client messages -----------------------------------------------------------------------

function readSymbolList(obj: JsonObject, key: string): string[] {
  const symbols = readStrings(own(obj, key), key);
  if (symbols.length === 0) throw bad(key, 'a non-empty array of strings');
  return symbols;
}

function readSubscribe(obj: JsonObject): Subscribe {
  const defaultMode = optional(obj, 'mode', readMode) ?? SubscriptionMode.UNSPECIFIED;
  const symbols = own(obj, 'symbols');
  const items = own(obj, 'items');
  if ((symbols === undefined) === (items === undefined)) throw bad('symbols', 'given, or "items" instead (exactly one of the two)');
  if (symbols !== undefined) {
    return { items: readSymbolList(obj, 'symbols').map((symbol): SubscriptionRequest => ({ symbol, mode: defaultMode })) };
  }
  const list = readArray(items, 'items');
  if (list.length === 0) throw bad('items', 'a non-empty array');
  const requests = new Array<SubscriptionRequest>(list.length);
  for (let i = 0; i < list.length; i++) {
    const item = readObject(list[i], `items[${i}]`);
    requests[i] = {
      symbol: readString(own(item, 'symbol'), `items[${i}].symbol`),
      mode: optional(item, 'mode', readMode, `items[${i}].mode`) ?? defaultMode,
    };
  }
  return { items: requests };
}

function readClientBody(type: string, obj: JsonObject): ClientMessage['body'] {
  switch (type) {
    case 'auth':
      return { $case: 'auth', value: { token: readString(own(obj, 'token'), 'token') } satisfies Auth };
    case 'subscribe':
      return { $case: 'subscribe', value: readSubscribe(obj) };
    case 'unsubscribe':
      return { $case: 'unsubscribe', value: { symbols: readSymbolList(obj, 'symbols') } satisfies Unsubscribe };
    case 'resync':
      return { $case: 'resync', value: { symbols: readSymbolList(obj, 'symbols') } satisfies Resync };
    case 'ping':
      return { $case: 'ping', value: { ts: optional(obj, 'ts', readU64) ?? 0n } satisfies Ping };
    case 'pong':
      return { $case: 'pong', value: { ts: optional(obj, 'ts', readU64) ?? 0n } satisfies Pong };
    default:
      throw new JsonShapeError(ErrorCode.UNKNOWN_TYPE, `unknown message type ${excerpt(type)}`);
  }
}

/**
 * Decodes one client text frame. Never throws: malformed JSON, wrong types, unknown `type` and missing
 * fields come back as `{ ok: false, code, reason, requestId }` with an in-band `ErrorCode`. Unknown extra
 * fields are ignored (newer clients may send more). Limits (symbols per request, frame size) are the
 * server's job, not the codec's.
 */
export function decodeClientJson(text: string): DecodeResult<ClientMessage> {
  let id = 0;
  try {
    const obj = readObject(parseJson(text), 'message');
    id = optional(obj, 'id', readU32) ?? 0;
    const type = readString(own(obj, 'type'), 'type');
    return { ok: true, message: { id, body: readClientBody(type, obj) } };
  } catch (error) {
    return failure(error, id);
  }
}

// --- decoding: server messages (for the client SDK) ------------------------------------------------------

function readQuote(value: unknown, path: string): Quote {
  const q = readObject(value, path);
  return {
    bidPrice: readPrice(own(q, 'bid') ?? 0, `${path}.bid`),
    bidSize: readU64(own(q, 'bidSize') ?? 0, `${path}.bidSize`),
    askPrice: readPrice(own(q, 'ask') ?? 0, `${path}.ask`),
    askSize: readU64(own(q, 'askSize') ?? 0, `${path}.askSize`),
  };
}

function readOhlc(value: unknown, path: string): Ohlc {
  const o = readObject(value, path);
  return {
    open: readPrice(own(o, 'open') ?? 0, `${path}.open`),
    high: readPrice(own(o, 'high') ?? 0, `${path}.high`),
    low: readPrice(own(o, 'low') ?? 0, `${path}.low`),
    close: readPrice(own(o, 'close') ?? 0, `${path}.close`),
  };
}

function readLevels(value: unknown, path: string): PriceLevel[] {
  const array = readArray(value ?? [], path);
  const out = new Array<PriceLevel>(array.length);
  for (let i = 0; i < array.length; i++) {
    const level = readArray(array[i], `${path}[${i}]`);
    if (level.length !== 3) throw bad(`${path}[${i}]`, '[price, size, orders]');
    out[i] = { price: readPrice(level[0], `${path}[${i}][0]`), size: readU64(level[1], `${path}[${i}][1]`), orders: readU32(level[2], `${path}[${i}][2]`) };
  }
  return out;
}

function readDepth(value: unknown, path: string): Depth {
  const d = readObject(value, path);
  return { bids: readLevels(own(d, 'bids'), `${path}.bids`), asks: readLevels(own(d, 'asks'), `${path}.asks`) };
}

function readTrades(value: unknown, path: string): TradePrint[] {
  const array = readArray(value, path);
  const out = new Array<TradePrint>(array.length);
  for (let i = 0; i < array.length; i++) {
    const t = readObject(array[i], `${path}[${i}]`);
    out[i] = {
      price: readPrice(own(t, 'price') ?? 0, `${path}[${i}].price`),
      size: readU64(own(t, 'size') ?? 0, `${path}[${i}].size`),
      matchNumber: readU64(own(t, 'match') ?? 0, `${path}[${i}].match`),
      exchangeTsNs: readU64(own(t, 'ts') ?? 0, `${path}[${i}].ts`),
      kind: readEnum(own(t, 'kind') ?? 0, TRADE_KIND_VALUES, `${path}[${i}].kind`),
    };
  }
  return out;
}

function readVwap(value: unknown, path: string): number {
  if (typeof value !== 'number') throw bad(path, 'a number');
  return value * PRICE_SCALE;
}

function readUpdate(u: JsonObject): MarketUpdate {
  return {
    symbol: readString(own(u, 'symbol') ?? '', 'symbol'),
    seq: readU64(own(u, 'seq') ?? 0, 'seq'),
    epoch: readU64(own(u, 'epoch') ?? 0, 'epoch'),
    exchangeTsNs: readU64(own(u, 'ts') ?? 0, 'ts'),
    ingestTsNs: readU64(own(u, 'ingestTs') ?? 0, 'ingestTs'),
    publishTsNs: readU64(own(u, 'publishTs') ?? 0, 'publishTs'),
    ltp: optional(u, 'ltp', readPrice),
    lastSize: optional(u, 'lastSize', readU64),
    quote: optional(u, 'quote', readQuote),
    ohlc: optional(u, 'ohlc', readOhlc),
    volume: optional(u, 'volume', readU64),
    vwap: optional(u, 'vwap', readVwap),
    depth: optional(u, 'depth', readDepth),
    trades: optional(u, 'trades', readTrades) ?? [],
    status: optional(u, 'status', readTradingStatus),
    stale: optional(u, 'stale', readBool) ?? false,
    snapshot: optional(u, 'snapshot', readBool) ?? false,
    changed: optional(u, 'changed', readU32) ?? 0,
    prevSeq: optional(u, 'prevSeq', readU64),
  };
}

function readResults(value: unknown, path: string): SubscriptionResult[] {
  const array = readArray(value, path);
  const out = new Array<SubscriptionResult>(array.length);
  for (let i = 0; i < array.length; i++) {
    const r = readObject(array[i], `${path}[${i}]`);
    out[i] = {
      symbol: readString(own(r, 'symbol') ?? '', `${path}[${i}].symbol`),
      code: readEnum(own(r, 'code') ?? 0, RESULT_CODE_VALUES, `${path}[${i}].code`),
      mode: readEnum(own(r, 'mode') ?? 0, MODE_VALUES, `${path}[${i}].mode`),
    };
  }
  return out;
}

/** Batches nest at most this deep when decoding, so hostile input cannot exhaust the stack. */
const MAX_BATCH_DEPTH = 8;

function readServerMessage(obj: JsonObject, depth: number): ServerMessage {
  const type = readString(own(obj, 'type'), 'type');
  switch (type) {
    case 'update':
      return { body: { $case: 'update', value: readUpdate(obj) } };
    case 'batch': {
      if (depth >= MAX_BATCH_DEPTH) throw bad('messages', `nested at most ${MAX_BATCH_DEPTH} batches deep`);
      const array = readArray(own(obj, 'messages') ?? [], 'messages');
      const messages = new Array<ServerMessage>(array.length);
      for (let i = 0; i < array.length; i++) messages[i] = readServerMessage(readObject(array[i], `messages[${i}]`), depth + 1);
      return { body: { $case: 'batch', value: { messages } } };
    }
    case 'subscribe_ack':
      return { body: { $case: 'subscribeAck', value: { id: readU32(own(obj, 'id') ?? 0, 'id'), results: readResults(own(obj, 'results') ?? [], 'results') } satisfies SubscribeAck } };
    case 'unsubscribe_ack':
      return { body: { $case: 'unsubscribeAck', value: { id: readU32(own(obj, 'id') ?? 0, 'id'), symbols: readStrings(own(obj, 'symbols') ?? [], 'symbols') } satisfies UnsubscribeAck } };
    case 'welcome':
      return {
        body: {
          $case: 'welcome',
          value: {
            sessionId: readString(own(obj, 'sessionId') ?? '', 'sessionId'),
            heartbeatMs: readU32(own(obj, 'heartbeatMs') ?? 0, 'heartbeatMs'),
            tier: readString(own(obj, 'tier') ?? '', 'tier'),
            maxSubscriptions: readU32(own(obj, 'maxSubscriptions') ?? 0, 'maxSubscriptions'),
          } satisfies Welcome,
        },
      };
    case 'error':
      return {
        body: {
          $case: 'error',
          value: {
            code: readU32(own(obj, 'code') ?? 0, 'code'),
            message: readString(own(obj, 'message') ?? '', 'message'),
            requestId: readU32(own(obj, 'requestId') ?? 0, 'requestId'),
            retryable: readBool(own(obj, 'retryable') ?? false, 'retryable'),
          } satisfies ErrorMessage,
        },
      };
    case 'reconnect':
      return { body: { $case: 'reconnect', value: { afterMs: readU32(own(obj, 'afterMs') ?? 0, 'afterMs'), reason: readString(own(obj, 'reason') ?? '', 'reason') } satisfies Reconnect } };
    case 'ping':
      return { body: { $case: 'ping', value: { ts: readU64(own(obj, 'ts') ?? 0, 'ts') } } };
    case 'pong':
      return { body: { $case: 'pong', value: { ts: readU64(own(obj, 'ts') ?? 0, 'ts') } } };
    default:
      throw new JsonShapeError(ErrorCode.UNKNOWN_TYPE, `unknown message type ${excerpt(type)}`);
  }
}

/**
 * Decodes one server text frame (the inverse of `encodeServerJson`, for the client SDK). Never throws.
 * Fields the encoder always writes default to zero values when absent, as in protobuf.
 */
export function decodeServerJson(text: string): DecodeResult<ServerMessage> {
  try {
    return { ok: true, message: readServerMessage(readObject(parseJson(text), 'message'), 0) };
  } catch (error) {
    return failure(error, 0);
  }
}
