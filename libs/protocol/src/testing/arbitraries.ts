/**
 * fast-check arbitraries for the wire messages, shared by the codec specs. Values come out in the canonical
 * form the generated decoders produce (all keys present, absent optionals `undefined`), so a decoded message
 * can be compared with `toEqual`. Test-only: excluded from the lib build.
 */
import fc from 'fast-check';
import type { ClientMessage, ServerMessage, SubscriptionResult } from '../gen/tickwire/v1/client';
import { SubscriptionResultCode } from '../gen/tickwire/v1/client';
import type { MarketUpdate, PriceLevel, TradePrint } from '../gen/tickwire/v1/market';
import { TradeKind, TradingStatus } from '../gen/tickwire/v1/market';
import { SubscriptionMode } from '../gen/tickwire/v1/snapshot';

export const u32Arb = fc.integer({ min: 0, max: 0xffff_ffff });
/** Mostly JSON-safe values, sometimes the full 64-bit range (those travel as strings in JSON). */
export const u64Arb = fc.oneof({ weight: 4, arbitrary: fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }) }, { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) });
/** Any uint32 price, weighted toward realistic ones. */
export const priceArb = fc.oneof(fc.integer({ min: 0, max: 50_000_000 }), u32Arb);
/** Strings of whole code points (lone surrogates have no UTF-8 form, so protobuf cannot carry them). */
export const textArb = fc.string({ unit: 'binary', maxLength: 12 });
/**
 * A VWAP in Price(4) units: 0, or at least 1e-4 (a hundred-millionth of a currency unit). Subnormal doubles
 * would underflow to 0 when JSON divides them by 10000, and no average price is that small.
 */
export const vwapArb = fc.oneof(fc.constant(0), fc.double({ min: 1e-4, max: 1e12, noNaN: true }));

function enumArb<E extends number>(values: readonly E[]): fc.Arbitrary<E> {
  // Mostly known values, sometimes one a newer peer might send: both codecs must carry it through.
  return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 1000 }) as fc.Arbitrary<unknown> as fc.Arbitrary<E> });
}

function knownValues<E extends number>(enumObject: Record<string, string | number>): E[] {
  return Object.values(enumObject).filter((v): v is E => typeof v === 'number' && v >= 0);
}

export const modeArb = enumArb<SubscriptionMode>(knownValues(SubscriptionMode));
const statusArb = enumArb<TradingStatus>(knownValues(TradingStatus));
const tradeKindArb = enumArb<TradeKind>(knownValues(TradeKind));
const resultCodeArb = enumArb<SubscriptionResultCode>(knownValues(SubscriptionResultCode));

const levelArb: fc.Arbitrary<PriceLevel> = fc.record({ price: priceArb, size: u64Arb, orders: u32Arb });
const tradeArb: fc.Arbitrary<TradePrint> = fc.record({ price: priceArb, size: u64Arb, matchNumber: u64Arb, exchangeTsNs: u64Arb, kind: tradeKindArb });

function opt<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined });
}

export const marketUpdateArb: fc.Arbitrary<MarketUpdate> = fc.record({
  symbol: textArb,
  seq: u64Arb,
  epoch: u64Arb,
  exchangeTsNs: u64Arb,
  ingestTsNs: u64Arb,
  publishTsNs: u64Arb,
  ltp: opt(priceArb),
  lastSize: opt(u64Arb),
  quote: opt(fc.record({ bidPrice: priceArb, bidSize: u64Arb, askPrice: priceArb, askSize: u64Arb })),
  ohlc: opt(fc.record({ open: priceArb, high: priceArb, low: priceArb, close: priceArb })),
  volume: opt(u64Arb),
  vwap: opt(vwapArb),
  depth: opt(fc.record({ bids: fc.array(levelArb, { maxLength: 4 }), asks: fc.array(levelArb, { maxLength: 4 }) })),
  trades: fc.array(tradeArb, { maxLength: 3 }),
  status: opt(statusArb),
  stale: fc.boolean(),
  snapshot: fc.boolean(),
  changed: fc.integer({ min: 0, max: 255 }),
});

const resultArb: fc.Arbitrary<SubscriptionResult> = fc.record({ symbol: textArb, code: resultCodeArb, mode: modeArb });

/** One of each ServerMessage body; `batch` nests (a little). */
export const serverMessageArb: fc.Arbitrary<ServerMessage> = fc.letrec<{ message: ServerMessage }>((tie) => ({
  message: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    marketUpdateArb.map((value): ServerMessage => ({ body: { $case: 'update', value } })),
    fc.record({ sessionId: textArb, heartbeatMs: u32Arb, tier: textArb, maxSubscriptions: u32Arb }).map((value): ServerMessage => ({ body: { $case: 'welcome', value } })),
    fc.record({ id: u32Arb, results: fc.array(resultArb, { maxLength: 3 }) }).map((value): ServerMessage => ({ body: { $case: 'subscribeAck', value } })),
    fc.record({ id: u32Arb, symbols: fc.array(textArb, { maxLength: 3 }) }).map((value): ServerMessage => ({ body: { $case: 'unsubscribeAck', value } })),
    fc.record({ code: u32Arb, message: textArb, requestId: u32Arb, retryable: fc.boolean() }).map((value): ServerMessage => ({ body: { $case: 'error', value } })),
    fc.record({ afterMs: u32Arb, reason: textArb }).map((value): ServerMessage => ({ body: { $case: 'reconnect', value } })),
    u64Arb.map((ts): ServerMessage => ({ body: { $case: 'ping', value: { ts } } })),
    u64Arb.map((ts): ServerMessage => ({ body: { $case: 'pong', value: { ts } } })),
    fc.array(tie('message'), { maxLength: 3 }).map((messages): ServerMessage => ({ body: { $case: 'batch', value: { messages } } })),
  ),
})).message;

const symbolsArb = fc.array(textArb, { minLength: 1, maxLength: 4 });

/** Client messages the decoders accept: every list non-empty. */
export const clientMessageArb: fc.Arbitrary<ClientMessage> = fc.record({
  id: u32Arb,
  body: fc.oneof(
    textArb.map((token) => ({ $case: 'auth' as const, value: { token } })),
    fc.array(fc.record({ symbol: textArb, mode: modeArb }), { minLength: 1, maxLength: 4 }).map((items) => ({ $case: 'subscribe' as const, value: { items } })),
    symbolsArb.map((symbols) => ({ $case: 'unsubscribe' as const, value: { symbols } })),
    symbolsArb.map((symbols) => ({ $case: 'resync' as const, value: { symbols } })),
    u64Arb.map((ts) => ({ $case: 'ping' as const, value: { ts } })),
    u64Arb.map((ts) => ({ $case: 'pong' as const, value: { ts } })),
  ),
});

/**
 * `decoded` with each VWAP replaced by the matching one in `original` when they agree to 1e-15 relative.
 * JSON carries the VWAP in currency units (`vwap / 10000`), and a double divided and multiplied back by
 * 10000 may land one unit in the last place away. Everything else must match exactly.
 */
export function withVwapFrom(decoded: ServerMessage, original: ServerMessage): ServerMessage {
  const d = decoded.body;
  const o = original.body;
  if (d?.$case === 'update' && o?.$case === 'update' && d.value.vwap !== undefined && o.value.vwap !== undefined) {
    const close = Math.abs(d.value.vwap - o.value.vwap) <= 1e-15 * Math.abs(o.value.vwap);
    return close ? { body: { $case: 'update', value: { ...d.value, vwap: o.value.vwap } } } : decoded;
  }
  if (d?.$case === 'batch' && o?.$case === 'batch' && d.value.messages.length === o.value.messages.length) {
    return { body: { $case: 'batch', value: { messages: d.value.messages.map((m, i) => withVwapFrom(m, o.value.messages[i]!)) } } };
  }
  return decoded;
}
