import type { DepthSnapshot, Instrument } from '@tickwire/book';

/** Protobuf tags (field number << 3 | wire type) of `tickwire.v1.MarketUpdate` and its messages. */
const TAG_SYMBOL = 10;
const TAG_SEQ = 16;
const TAG_EPOCH = 24;
const TAG_EXCHANGE_TS = 32;
const TAG_INGEST_TS = 40;
const TAG_PUBLISH_TS = 48;
const TAG_LTP = 56;
const TAG_LAST_SIZE = 64;
const TAG_QUOTE = 74;
const TAG_OHLC = 82;
const TAG_VOLUME = 88;
const TAG_VWAP = 97;
const TAG_DEPTH = 106;
const TAG_TRADES = 114;
const TAG_STATUS = 120;
/** Fields 16 and 18 need a two-byte tag varint. */
const TAG_STALE_0 = 0x80;
const TAG_CHANGED_0 = 0x90;
const TAG_HI_1 = 0x01;
const TAG_DEPTH_BIDS = 10;
const TAG_DEPTH_ASKS = 18;

/** Bytes of everything but depth levels and trades, generously (symbol up to 64 UTF-8 bytes). */
const FIXED_BOUND = 512;
/** One PriceLevel with its tag and length: 2 + (1 + 5) + (1 + 10) + (1 + 5). */
const LEVEL_BOUND = 25;
/** One TradePrint with its tag and length: 2 + (1 + 5) + 3 * (1 + 10) + (1 + 1). */
const TRADE_BOUND = 43;
/** Updates are written one after another into slabs of this size (a new slab when one is full). */
const SLAB_BYTES = 65_536;

/**
 * Writes a `tickwire.v1.MarketUpdate` straight from an instrument's state into a slab: no update object,
 * no BigInt, no writer and no buffer per update. Each update gets its own bytes (`take()` hands out a
 * view and moves on, so a bus may keep it), and a slab's memory is one allocation for a few hundred
 * updates: allocating and copying a small buffer per update cost more than encoding it. The bytes are exactly those of the generated
 * `MarketUpdate.encode` of the same update (fields in number order, proto3 defaults omitted, `optional`
 * fields written when set even at 0), which the tests check.
 *
 * 64-bit values are JS numbers where they are exact (seq, volume, sizes, match numbers and exchange
 * times stay far below 2^53), and `hi`/`lo` u32 halves for Unix-nanosecond stamps (~2^61).
 */
export class MarketUpdateEncoder {
  private buffer = new Uint8Array(SLAB_BYTES);
  private data = new DataView(this.buffer.buffer);
  /** Where the update being written starts in `buffer`, and the write position. */
  private start = 0;
  private pos = 0;
  private epochBytes = new Uint8Array(0);

  /** The epoch written in every update (a bigint, encoded once here). */
  setEpoch(epoch: bigint): void {
    if (epoch < 0n || epoch >= 1n << 64n) throw new RangeError(`epoch out of uint64 range: ${epoch}`);
    const bytes: number[] = [];
    let v = epoch;
    while (v > 127n) {
      bytes.push(Number(v & 127n) | 128);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.epochBytes = epoch === 0n ? new Uint8Array(0) : Uint8Array.from(bytes);
  }

  /** The update just written, as a view that no later update overwrites. Call once per `encode`. */
  take(): Uint8Array {
    const bytes = new Uint8Array(this.buffer.buffer, this.start, this.pos - this.start);
    this.start = this.pos;
    return bytes;
  }

  /**
   * Writes the update of `instrument` (with `depth` already filled from it) carrying prints
   * `tradesFrom .. instrument.trades.total - 1`. Returns its length.
   */
  encode(instrument: Instrument, depth: DepthSnapshot, tradesFrom: number, changed: number, seq: number, ingestHi: number, ingestLo: number, publishHi: number, publishLo: number, stale: boolean): number {
    const ring = instrument.trades;
    const tradeCount = ring.total - tradesFrom;
    this.reserve(FIXED_BOUND + (depth.bidCount + depth.askCount) * LEVEL_BOUND + tradeCount * TRADE_BOUND);
    // The write position lives in a local; every writer below takes it and returns the new one.
    const b = this.buffer;
    let p = putSymbol(b, this.start, instrument.symbol);
    if (seq !== 0) p = putUint(b, p, TAG_SEQ, seq);
    const epochBytes = this.epochBytes;
    if (epochBytes.length > 0) {
      b[p++] = TAG_EPOCH;
      // A loop: `set` is a builtin call, dearer than copying a few bytes.
      for (let i = 0; i < epochBytes.length; i++) b[p++] = epochBytes[i]!;
    }
    if (instrument.lastChangeNs !== 0) p = putUint(b, p, TAG_EXCHANGE_TS, instrument.lastChangeNs);
    if (ingestHi !== 0 || ingestLo !== 0) {
      b[p++] = TAG_INGEST_TS;
      p = putVarint64(b, p, ingestHi, ingestLo);
    }
    if (publishHi !== 0 || publishLo !== 0) {
      b[p++] = TAG_PUBLISH_TS;
      p = putVarint64(b, p, publishHi, publishLo);
    }
    if (instrument.tradeCount > 0) {
      p = putUint(b, p, TAG_LTP, instrument.ltp);
      p = putUint(b, p, TAG_LAST_SIZE, instrument.lastSize);
    }
    // An empty side's best price and size read 0, so they are omitted as the generated encoder omits them.
    const bids = instrument.bids;
    const asks = instrument.asks;
    p = putScalarFields(b, p, TAG_QUOTE, bids.bestPrice, bids.bestSize, asks.bestPrice, asks.bestSize, 0);
    if (instrument.hasOhlc) p = putScalarFields(b, p, TAG_OHLC, instrument.open, instrument.high, instrument.low, instrument.close, 0);
    p = putUint(b, p, TAG_VOLUME, instrument.volume);
    if (instrument.volume > 0) {
      b[p++] = TAG_VWAP;
      this.data.setFloat64(p, instrument.vwap, true);
      p += 8;
    }
    p = putDepth(b, p, depth);
    for (let n = tradesFrom; n < ring.total; n++) p = putScalarFields(b, p, TAG_TRADES, ring.price(n), ring.size(n), ring.matchNumber(n), ring.timestampNs(n), ring.kind(n));
    p = putUint(b, p, TAG_STATUS, instrument.status);
    if (stale) {
      b[p++] = TAG_STALE_0;
      b[p++] = TAG_HI_1;
      b[p++] = 1;
    }
    if (changed !== 0) {
      b[p++] = TAG_CHANGED_0;
      b[p++] = TAG_HI_1;
      p = putVarint(b, p, changed);
    }
    this.pos = p;
    return p - this.start;
  }

  /** Makes room for an update of up to `bytes` bytes from `start`, in a new slab if need be. */
  private reserve(bytes: number): void {
    if (this.start + bytes <= this.buffer.length) return;
    this.buffer = new Uint8Array(Math.max(SLAB_BYTES, bytes));
    this.data = new DataView(this.buffer.buffer);
    this.start = 0;
  }
}

// Writers of the parts of an update: each takes the buffer and the write position and returns the position
// after what it wrote. The buffer has room (`reserve`).

function putSymbol(b: Uint8Array, p: number, symbol: string): number {
  if (symbol.length === 0) return p;
  const start = p;
  b[p] = TAG_SYMBOL;
  p += 2; // the length byte is filled below (symbols are short: < 128 bytes)
  for (let i = 0; i < symbol.length; i++) {
    const c = symbol.charCodeAt(i);
    if (c >= 0x80) {
      // Not ASCII (ITCH symbols always are): let TextEncoder do UTF-8.
      p = start + 2 + new TextEncoder().encodeInto(symbol, b.subarray(start + 2)).written;
      break;
    }
    b[p++] = c;
  }
  b[start + 1] = p - start - 2;
  return p;
}

/**
 * A message whose fields 1-5 are scalars (`Quote`, `Ohlc`, `PriceLevel`, `TradePrint`), zeros omitted as
 * proto3 omits them, so a message with fewer fields passes 0 for the rest: at most 5 * 11 bytes.
 */
function putScalarFields(b: Uint8Array, p: number, tag: number, first: number, second: number, third: number, fourth: number, fifth: number): number {
  b[p] = tag;
  const at = p + 1;
  p += 2;
  p = putNonZero(b, p, 8, first);
  p = putNonZero(b, p, 16, second);
  p = putNonZero(b, p, 24, third);
  p = putNonZero(b, p, 32, fourth);
  p = putNonZero(b, p, 40, fifth);
  b[at] = p - at - 1;
  return p;
}

function putDepth(b: Uint8Array, p: number, depth: DepthSnapshot): number {
  b[p] = TAG_DEPTH;
  const at = p + 1;
  p += 2;
  for (let i = 0; i < depth.bidCount; i++) p = putScalarFields(b, p, TAG_DEPTH_BIDS, depth.bidPrices[i]!, depth.bidSizes[i]!, depth.bidOrders[i]!, 0, 0);
  for (let i = 0; i < depth.askCount; i++) p = putScalarFields(b, p, TAG_DEPTH_ASKS, depth.askPrices[i]!, depth.askSizes[i]!, depth.askOrders[i]!, 0, 0);
  const length = p - at - 1;
  if (length < 128) {
    b[at] = length;
    return p;
  }
  // A longer length takes more varint bytes: move the levels up to make room.
  const extra = varintSize(length) - 1;
  b.copyWithin(at + 1 + extra, at + 1, p);
  return putVarint(b, at, length) + length;
}

/** A scalar field, omitted at 0 (proto3 default). `tag` < 128. */
function putNonZero(b: Uint8Array, p: number, tag: number, value: number): number {
  if (value === 0) return p;
  b[p] = tag;
  return putVarint(b, p + 1, value);
}

/** A scalar field written even at 0 (`optional`, or a value known non-zero). `tag` < 128. */
function putUint(b: Uint8Array, p: number, tag: number, value: number): number {
  b[p] = tag;
  return putVarint(b, p + 1, value);
}

/** Varint of a non-negative integer below 2^53. */
function putVarint(b: Uint8Array, p: number, value: number): number {
  // Most values (prices, sizes, order counts) take one to three bytes: no loop for those.
  if (value < 0x80) {
    b[p] = value;
    return p + 1;
  }
  if (value < 0x4000) {
    b[p] = (value & 0x7f) | 0x80;
    b[p + 1] = value >>> 7;
    return p + 2;
  }
  if (value < 0x200000) {
    b[p] = (value & 0x7f) | 0x80;
    b[p + 1] = ((value >>> 7) & 0x7f) | 0x80;
    b[p + 2] = value >>> 14;
    return p + 3;
  }
  // Larger (exchange times in ns, volumes): as u32 halves, one division instead of one per byte above 2^32.
  const hi = Math.floor(value / 4_294_967_296);
  return putVarint64(b, p, hi, value - hi * 4_294_967_296);
}

/** Varint of the u64 `hi * 2^32 + lo`. */
function putVarint64(b: Uint8Array, p: number, hi: number, lo: number): number {
  while (hi !== 0) {
    b[p++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 127) {
    b[p++] = (lo & 0x7f) | 0x80;
    lo >>>= 7;
  }
  b[p++] = lo;
  return p;
}

function varintSize(value: number): number {
  let size = 1;
  while (value > 127) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}
