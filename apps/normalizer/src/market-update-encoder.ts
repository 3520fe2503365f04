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
    this.pos = this.start;
    this.symbol(instrument.symbol);
    if (seq !== 0) this.uintField(TAG_SEQ, seq);
    if (this.epochBytes.length > 0) {
      this.byte(TAG_EPOCH);
      this.buffer.set(this.epochBytes, this.pos);
      this.pos += this.epochBytes.length;
    }
    if (instrument.lastChangeNs !== 0) this.uintField(TAG_EXCHANGE_TS, instrument.lastChangeNs);
    if (ingestHi !== 0 || ingestLo !== 0) {
      this.byte(TAG_INGEST_TS);
      this.varint64(ingestHi, ingestLo);
    }
    if (publishHi !== 0 || publishLo !== 0) {
      this.byte(TAG_PUBLISH_TS);
      this.varint64(publishHi, publishLo);
    }
    const hasTrades = instrument.tradeCount > 0;
    if (hasTrades) {
      this.byte(TAG_LTP);
      this.varint(instrument.ltp);
      this.byte(TAG_LAST_SIZE);
      this.varint(instrument.lastSize);
    }
    this.quote(instrument);
    if (instrument.hasOhlc) this.ohlc(instrument);
    this.byte(TAG_VOLUME);
    this.varint(instrument.volume);
    if (instrument.volume > 0) {
      this.byte(TAG_VWAP);
      this.data.setFloat64(this.pos, instrument.vwap, true);
      this.pos += 8;
    }
    this.depth(depth);
    for (let n = tradesFrom; n < ring.total; n++) this.trade(ring.price(n), ring.size(n), ring.matchNumber(n), ring.timestampNs(n), ring.kind(n));
    this.byte(TAG_STATUS);
    this.varint(instrument.status);
    if (stale) {
      this.byte(TAG_STALE_0);
      this.byte(TAG_HI_1);
      this.byte(1);
    }
    if (changed !== 0) {
      this.byte(TAG_CHANGED_0);
      this.byte(TAG_HI_1);
      this.varint(changed);
    }
    return this.pos - this.start;
  }

  private symbol(symbol: string): void {
    if (symbol.length === 0) return;
    const start = this.pos;
    this.byte(TAG_SYMBOL);
    this.pos++; // length, filled below (symbols are short: < 128 bytes)
    const b = this.buffer;
    let p = this.pos;
    for (let i = 0; i < symbol.length; i++) {
      const c = symbol.charCodeAt(i);
      if (c >= 0x80) {
        // Not ASCII (ITCH symbols always are): let TextEncoder do UTF-8.
        p = this.pos + new TextEncoder().encodeInto(symbol, b.subarray(this.pos)).written;
        break;
      }
      b[p++] = c;
    }
    b[start + 1] = p - start - 2;
    this.pos = p;
  }

  private quote(instrument: Instrument): void {
    const bids = instrument.bids;
    const asks = instrument.asks;
    this.byte(TAG_QUOTE);
    const at = this.pos++;
    if (bids.length > 0) {
      this.nonZeroField(8, bids.bestPrice);
      this.nonZeroField(16, bids.bestSize);
    }
    if (asks.length > 0) {
      this.nonZeroField(24, asks.bestPrice);
      this.nonZeroField(32, asks.bestSize);
    }
    this.buffer[at] = this.pos - at - 1; // at most 4 * 11 bytes
  }

  private ohlc(instrument: Instrument): void {
    this.byte(TAG_OHLC);
    const at = this.pos++;
    this.nonZeroField(8, instrument.open);
    this.nonZeroField(16, instrument.high);
    this.nonZeroField(24, instrument.low);
    this.nonZeroField(32, instrument.close);
    this.buffer[at] = this.pos - at - 1; // at most 4 * 6 bytes
  }

  private depth(depth: DepthSnapshot): void {
    this.byte(TAG_DEPTH);
    const at = this.pos++;
    for (let i = 0; i < depth.bidCount; i++) this.level(TAG_DEPTH_BIDS, depth.bidPrices[i]!, depth.bidSizes[i]!, depth.bidOrders[i]!);
    for (let i = 0; i < depth.askCount; i++) this.level(TAG_DEPTH_ASKS, depth.askPrices[i]!, depth.askSizes[i]!, depth.askOrders[i]!);
    const length = this.pos - at - 1;
    if (length < 128) {
      this.buffer[at] = length;
      return;
    }
    // A longer length takes more varint bytes: move the levels up to make room.
    const extra = varintSize(length) - 1;
    this.buffer.copyWithin(at + 1 + extra, at + 1, this.pos);
    this.pos = at;
    this.varint(length);
    this.pos += length;
  }

  private level(tag: number, price: number, size: number, orders: number): void {
    this.byte(tag);
    const at = this.pos++;
    this.nonZeroField(8, price);
    this.nonZeroField(16, size);
    this.nonZeroField(24, orders);
    this.buffer[at] = this.pos - at - 1;
  }

  private trade(price: number, size: number, matchNumber: number, timestampNs: number, kind: number): void {
    this.byte(TAG_TRADES);
    const at = this.pos++;
    this.nonZeroField(8, price);
    this.nonZeroField(16, size);
    this.nonZeroField(24, matchNumber);
    this.nonZeroField(32, timestampNs);
    this.nonZeroField(40, kind);
    this.buffer[at] = this.pos - at - 1;
  }

  /** A scalar field, omitted at 0 (proto3 default). `tag` < 128. */
  private nonZeroField(tag: number, value: number): void {
    if (value === 0) return;
    this.buffer[this.pos++] = tag;
    this.varint(value);
  }

  private uintField(tag: number, value: number): void {
    this.buffer[this.pos++] = tag;
    this.varint(value);
  }

  private byte(value: number): void {
    this.buffer[this.pos++] = value;
  }

  /** Varint of a non-negative integer below 2^53. */
  private varint(value: number): void {
    const b = this.buffer;
    let p = this.pos;
    let v = value;
    while (v > 0x7fffffff) {
      // `& 0x7f` on a double takes the low bits of its ToInt32, which are exact for integers.
      b[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    while (v > 127) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
  }

  /** Varint of the u64 `hi * 2^32 + lo`. */
  private varint64(hi: number, lo: number): void {
    const b = this.buffer;
    let p = this.pos;
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
    this.pos = p;
  }

  /** Makes room for an update of up to `bytes` bytes from `start`, in a new slab if need be. */
  private reserve(bytes: number): void {
    if (this.start + bytes <= this.buffer.length) return;
    this.buffer = new Uint8Array(Math.max(SLAB_BYTES, bytes));
    this.data = new DataView(this.buffer.buffer);
    this.start = 0;
  }
}

function varintSize(value: number): number {
  let size = 1;
  while (value > 127) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}
