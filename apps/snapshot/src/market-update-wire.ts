/**
 * Reads what the snapshot service needs from an encoded `MarketUpdate` without decoding it: the symbol
 * (as a byte range), `seq`, `epoch`, `publish_ts_ns` and the trade prints. One pass over the top-level
 * fields, no allocation per message: results land in the reader's fields, 64-bit integers as two
 * uint32 halves (exact, and no BigInt on the hot path). The generated decoder would build the whole
 * object graph (depth levels, quote, BigInts) for every update, most of which is then thrown away
 * unread because a newer update for the symbol arrives before the next flush.
 *
 * Field numbers and wire types are those of `proto/tickwire/v1/market.proto`.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const FIELD_SYMBOL = 1;
const FIELD_SEQ = 2;
const FIELD_EPOCH = 3;
const FIELD_PUBLISH_TS = 6;
const FIELD_TRADES = 14;
const FIELD_SNAPSHOT = 17;

const TRADE_PRICE = 1;
const TRADE_SIZE = 2;
const TRADE_MATCH_NUMBER = 3;
const TRADE_EXCHANGE_TS = 4;

const TWO_POW_32 = 4_294_967_296;

/** `snapshot = true`: tag of field 17 (varint) is 136 = 0x88 0x01, then the value 1. */
const SNAPSHOT_TRUE = Uint8Array.of(0x88, 0x01, 0x01);

// The last varint read, as two uint32 halves. Module-level so reading one allocates nothing.
let varLo = 0;
let varHi = 0;

/** Reads a varint at `pos` into `varLo`/`varHi`; returns the position after it, or -1 if malformed or past `end`. */
function readVarint(buf: Uint8Array, pos: number, end: number): number {
  let lo = 0;
  let b = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) return -1;
    b = buf[pos++]!;
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) {
      varLo = lo >>> 0;
      varHi = 0;
      return pos;
    }
  }
  if (pos >= end) return -1;
  b = buf[pos++]!;
  lo |= (b & 0x0f) << 28;
  let hi = (b & 0x7f) >> 4;
  if (b < 0x80) {
    varLo = lo >>> 0;
    varHi = hi;
    return pos;
  }
  for (let shift = 3; shift < 32; shift += 7) {
    if (pos >= end) return -1;
    b = buf[pos++]!;
    hi |= (b & 0x7f) << shift;
    if (b < 0x80) {
      varLo = lo >>> 0;
      varHi = hi >>> 0;
      return pos;
    }
  }
  return -1;
}

/** Position after the value of a field with `wireType` starting at `pos`, or -1. */
function skipValue(buf: Uint8Array, pos: number, end: number, wireType: number): number {
  switch (wireType) {
    case WIRE_VARINT:
      return readVarint(buf, pos, end);
    case WIRE_FIXED64:
      return pos + 8 <= end ? pos + 8 : -1;
    case WIRE_FIXED32:
      return pos + 4 <= end ? pos + 4 : -1;
    case WIRE_LEN: {
      const at = readVarint(buf, pos, end);
      if (at < 0 || varHi !== 0 || at + varLo > end) return -1;
      return at + varLo;
    }
    default:
      return -1;
  }
}

/** One trade print's fields, as numbers (sizes and nanoseconds since midnight stay far below 2^53). */
export interface TradeFields {
  price: number;
  size: number;
  matchNumber: number;
  exchangeTsNs: number;
}

export class MarketUpdateReader {
  symbolStart = 0;
  symbolEnd = 0;
  seqHi = 0;
  seqLo = 0;
  epochHi = 0;
  epochLo = 0;
  /** `publish_ts_ns` in milliseconds (a double: sub-millisecond digits do not matter to the reader). */
  publishTsMs = 0;
  tradeCount = 0;
  /** Byte ranges of the trade sub-messages of the last update read (`tradeCount` of them). */
  private tradeStarts = new Int32Array(16);
  private tradeEnds = new Int32Array(16);

  /**
   * Reads `buf[0, end)`. Returns false if it is not a well-formed `MarketUpdate` with a symbol (a
   * truncated field, a wrong wire type for a known field, a varint over 10 bytes); the fields are then
   * meaningless.
   */
  read(buf: Uint8Array, end: number): boolean {
    this.symbolStart = -1;
    this.symbolEnd = -1;
    this.seqHi = this.seqLo = this.epochHi = this.epochLo = 0;
    this.publishTsMs = 0;
    this.tradeCount = 0;
    let pos = 0;
    while (pos < end) {
      pos = readVarint(buf, pos, end);
      if (pos < 0 || varHi !== 0) return false;
      const field = varLo >>> 3;
      const wireType = varLo & 7;
      switch (field) {
        case FIELD_SEQ:
        case FIELD_EPOCH:
        case FIELD_PUBLISH_TS:
          if (wireType !== WIRE_VARINT) return false;
          pos = readVarint(buf, pos, end);
          if (pos < 0) return false;
          if (field === FIELD_SEQ) {
            this.seqHi = varHi;
            this.seqLo = varLo;
          } else if (field === FIELD_EPOCH) {
            this.epochHi = varHi;
            this.epochLo = varLo;
          } else {
            this.publishTsMs = (varHi * TWO_POW_32 + varLo) / 1e6;
          }
          break;
        case FIELD_SYMBOL:
        case FIELD_TRADES: {
          if (wireType !== WIRE_LEN) return false;
          const start = readVarint(buf, pos, end);
          if (start < 0 || varHi !== 0 || start + varLo > end) return false;
          pos = start + varLo;
          if (field === FIELD_SYMBOL) {
            this.symbolStart = start;
            this.symbolEnd = pos;
          } else {
            this.pushTrade(start, pos);
          }
          break;
        }
        default:
          if (field === 0) return false;
          pos = skipValue(buf, pos, end, wireType);
          if (pos < 0) return false;
      }
    }
    return this.symbolStart >= 0 && this.symbolEnd > this.symbolStart;
  }

  /** Fills `out` with trade `index` of the last update read; false if the print is malformed. */
  readTrade(buf: Uint8Array, index: number, out: TradeFields): boolean {
    let pos = this.tradeStarts[index]!;
    const end = this.tradeEnds[index]!;
    out.price = out.size = out.matchNumber = out.exchangeTsNs = 0;
    while (pos < end) {
      pos = readVarint(buf, pos, end);
      if (pos < 0 || varHi !== 0) return false;
      const field = varLo >>> 3;
      const wireType = varLo & 7;
      if (field >= TRADE_PRICE && field <= TRADE_EXCHANGE_TS && wireType === WIRE_VARINT) {
        pos = readVarint(buf, pos, end);
        if (pos < 0) return false;
        const value = varHi * TWO_POW_32 + varLo;
        if (field === TRADE_PRICE) out.price = value;
        else if (field === TRADE_SIZE) out.size = value;
        else if (field === TRADE_MATCH_NUMBER) out.matchNumber = value;
        else out.exchangeTsNs = value;
      } else {
        if (field === 0) return false;
        pos = skipValue(buf, pos, end, wireType);
        if (pos < 0) return false;
      }
    }
    return true;
  }

  private pushTrade(start: number, end: number): void {
    if (this.tradeCount === this.tradeStarts.length) {
      const starts = new Int32Array(this.tradeCount * 2);
      const ends = new Int32Array(this.tradeCount * 2);
      starts.set(this.tradeStarts);
      ends.set(this.tradeEnds);
      this.tradeStarts = starts;
      this.tradeEnds = ends;
    }
    this.tradeStarts[this.tradeCount] = start;
    this.tradeEnds[this.tradeCount] = end;
    this.tradeCount += 1;
  }
}

/**
 * The bytes to store for an update: the same `MarketUpdate` with `snapshot = true` and no trade prints
 * (a snapshot is a state; the prints belonged to the update that carried them). Copies every other
 * field as it is, so nothing is decoded or re-encoded. `buf[0, end)` must have passed `read()`.
 */
export function storedSnapshotBytes(buf: Uint8Array, end: number): Uint8Array {
  // Pass 1: the size without fields 14 and 17; pass 2: copy.
  let size = 0;
  for (let pass = 0; pass < 2; pass += 1) {
    const out = pass === 1 ? new Uint8Array(size + SNAPSHOT_TRUE.length) : undefined;
    let written = 0;
    let pos = 0;
    while (pos < end) {
      const fieldStart = pos;
      pos = readVarint(buf, pos, end);
      const field = varLo >>> 3;
      if (pos >= 0) pos = skipValue(buf, pos, end, varLo & 7);
      if (pos < 0) throw new RangeError('storedSnapshotBytes: malformed MarketUpdate (call read() first)');
      if (field === FIELD_TRADES || field === FIELD_SNAPSHOT) continue;
      if (out) out.set(buf.subarray(fieldStart, pos), written);
      written += pos - fieldStart;
    }
    if (out) {
      out.set(SNAPSHOT_TRUE, written);
      return out;
    }
    size = written;
  }
  throw new Error('unreachable');
}

/** `hi:lo` halves as the uint64 they encode. */
export function uint64(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Orders two uint64s given as halves: negative, zero or positive. */
export function compareUint64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return aHi !== bHi ? aHi - bHi : aLo - bLo;
}
