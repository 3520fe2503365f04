import { CHECK_OK, checkMessage } from './check';
import { MAX_MESSAGE_LENGTH } from './layout';

/** What a failed `wrap` points at: all zeros, long enough that no getter can read past it. */
const ZERO_MESSAGE = new Uint8Array(MAX_MESSAGE_LENGTH + 14);
const ZERO_VIEW = new DataView(ZERO_MESSAGE.buffer);

const A = 0x41;
const B = 0x42;
const C = 0x43;
const D = 0x44;
const E = 0x45;
const F = 0x46;
const H = 0x48;
const I = 0x49;
const J = 0x4a;
const K = 0x4b;
const L = 0x4c;
const N = 0x4e;
const O = 0x4f;
const P = 0x50;
const Q = 0x51;
const R = 0x52;
const S = 0x53;
const U = 0x55;
const V = 0x56;
const W = 0x57;
const X = 0x58;
const Y = 0x59;
const h = 0x68;

/** Offset of a field shared by several types, by type code; 0 = the type has no such field. */
function offsets(entries: readonly (readonly [type: number, offset: number])[]): Uint8Array {
  const table = new Uint8Array(256);
  for (const [type, offset] of entries) table[type] = offset;
  return table;
}

const ORDER_REF_AT = offsets([[A, 11], [F, 11], [E, 11], [C, 11], [X, 11], [D, 11], [U, 11], [P, 11]]);
const MATCH_AT = offsets([[E, 23], [C, 23], [P, 36], [Q, 31], [B, 11]]);
const SIDE_AT = offsets([[A, 19], [F, 19], [P, 19]]);
/** u32 share counts; Q's u64 shares are special-cased. */
const SHARES_AT = offsets([[A, 20], [F, 20], [P, 20], [E, 19], [C, 19], [X, 19], [U, 27]]);
const PRICE_AT = offsets([[A, 32], [F, 32], [P, 32], [U, 31], [Q, 27], [C, 32]]);
const STOCK_AT = offsets([[R, 11], [H, 11], [Y, 11], [K, 11], [J, 11], [h, 11], [N, 11], [O, 11], [L, 15], [A, 24], [F, 24], [P, 24], [Q, 19], [I, 28]]);
const CROSS_TYPE_AT = offsets([[Q, 39], [I, 48]]);

/**
 * Zero-allocation flyweight over one ITCH 5.0 message in a byte buffer. Create one per consumer, then
 * `wrap` it over each message: the getters compute values from the bytes on demand (big-endian DataView
 * reads, no strings, no BigInt). The view allocates one DataView when it is wrapped over a new array
 * (per chunk; never per message when messages are passed as offsets into a shared chunk, as the framers do).
 *
 * - Char fields (`side`, `printable`, `eventCode`, ...) return the char code (`SIDE_BUY` = 0x42).
 * - Multi-byte alpha fields other than Stock (`mpid`, `attribution`, `reason`, `issueSubType`) return the
 *   bytes packed big-endian into one integer; compare with `packAlpha('LUDP', 4)`.
 * - Stock is not decoded per message: use `stockLocate` with a `StockDirectory`, or `stockEquals`,
 *   `stockOffset`, `readStock()` (the last allocates a string; for tools).
 * - u64 fields are JS numbers, exact below 2^53; `orderRefHi/Lo`, `newOrderRefHi/Lo`, `matchNumberHi/Lo`
 *   and `u32At` give the exact halves.
 * - A getter for a field the current type does not carry returns 0 (never reads another field's bytes
 *   past the message). After a failed `wrap`, `type` is 0 and every getter returns 0.
 */
export class ItchMessageView {
  private _bytes: Uint8Array = ZERO_MESSAGE;
  private _offset = 0;
  private _length = 0;
  private _type = 0;
  /**
   * DataView over `_bytes`. Built only when `wrap` gets an array other than the last two (so once per
   * chunk from a framer, never per message); the previous pair is kept because framers alternate between
   * a chunk and their reassembly buffer.
   */
  private _dv: DataView = ZERO_VIEW;
  private _previousBytes: Uint8Array = ZERO_MESSAGE;
  private _previousDv: DataView = ZERO_VIEW;

  /**
   * Points the view at `bytes[offset .. offset + length)`. Returns `CHECK_OK` (0) when the message is well
   * formed (see `checkMessage`), otherwise the non-zero check code, leaving the view empty (type 0).
   */
  wrap(bytes: Uint8Array, offset: number, length: number): number {
    const result = checkMessage(bytes, offset, length);
    if (result !== CHECK_OK) {
      this._bytes = ZERO_MESSAGE;
      this._offset = 0;
      this._length = 0;
      this._type = 0;
      this._dv = ZERO_VIEW;
      return result;
    }
    if (bytes !== this._bytes) this.switchTo(bytes);
    this._offset = offset;
    this._length = length;
    this._type = bytes[offset];
    return CHECK_OK;
  }

  private switchTo(bytes: Uint8Array): void {
    const dv = bytes === this._previousBytes ? this._previousDv : new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this._previousBytes = this._bytes;
    this._previousDv = this._dv;
    this._bytes = bytes;
    this._dv = dv;
  }

  /** The wrapped buffer (shared, not copied). */
  get bytes(): Uint8Array {
    return this._bytes;
  }
  /** Offset of the message (its type byte) in `bytes`. */
  get offset(): number {
    return this._offset;
  }
  /** Total message length, type byte included. */
  get length(): number {
    return this._length;
  }
  /** Message type char code (`MessageType.AddOrder` = 0x41), 0 after a failed wrap. */
  get type(): number {
    return this._type;
  }

  // --- common header ---
  get stockLocate(): number {
    return this._dv.getUint16(this._offset + 1);
  }
  get trackingNumber(): number {
    return this._dv.getUint16(this._offset + 3);
  }
  /** Nanoseconds since midnight (48-bit, exact). */
  get timestampNs(): number {
    return this._dv.getUint16(this._offset + 5) * 0x100000000 + this._dv.getUint32(this._offset + 7);
  }

  /**
   * Big-endian u32 at `relOffset` inside the message (exact access to any field, e.g. the halves of a u64);
   * 0 when the 4 bytes are not all inside the message.
   */
  private u64(p: number): number {
    return this._dv.getUint32(p) * 0x100000000 + this._dv.getUint32(p + 4);
  }

  u32At(relOffset: number): number {
    return relOffset >= 0 && relOffset + 4 <= this._length ? this._dv.getUint32(this._offset + relOffset) : 0;
  }

  // --- order / trade fields shared by several types ---
  /** Order reference (A F E C X D P; for U the *original* order ref). u64 as a number, exact below 2^53. */
  get orderRef(): number {
    const at = ORDER_REF_AT[this._type];
    return at === 0 ? 0 : this.u64(this._offset + at);
  }
  get orderRefHi(): number {
    const at = ORDER_REF_AT[this._type];
    return at === 0 ? 0 : this._dv.getUint32(this._offset + at);
  }
  get orderRefLo(): number {
    const at = ORDER_REF_AT[this._type];
    return at === 0 ? 0 : this._dv.getUint32(this._offset + at + 4);
  }
  /** U: the replaced order's reference (same as `orderRef`). */
  get originalOrderRef(): number {
    return this._type === U ? this.u64(this._offset + 11) : 0;
  }
  /** U: the new order reference. */
  get newOrderRef(): number {
    return this._type === U ? this.u64(this._offset + 19) : 0;
  }
  get newOrderRefHi(): number {
    return this._type === U ? this._dv.getUint32(this._offset + 19) : 0;
  }
  get newOrderRefLo(): number {
    return this._type === U ? this._dv.getUint32(this._offset + 23) : 0;
  }
  /** Match number (E C P Q B). */
  get matchNumber(): number {
    const at = MATCH_AT[this._type];
    return at === 0 ? 0 : this.u64(this._offset + at);
  }
  get matchNumberHi(): number {
    const at = MATCH_AT[this._type];
    return at === 0 ? 0 : this._dv.getUint32(this._offset + at);
  }
  get matchNumberLo(): number {
    const at = MATCH_AT[this._type];
    return at === 0 ? 0 : this._dv.getUint32(this._offset + at + 4);
  }
  /** Side char code (A F P): 0x42 'B' or 0x53 'S'. */
  get side(): number {
    const at = SIDE_AT[this._type];
    return at === 0 ? 0 : this._bytes[this._offset + at];
  }
  /**
   * The share count the message carries: A F P U shares, E C executed shares, X canceled shares, Q cross
   * shares (u64 on the wire).
   */
  get shares(): number {
    const t = this._type;
    if (t === Q) return this.u64(this._offset + 11);
    const at = SHARES_AT[t];
    return at === 0 ? 0 : this._dv.getUint32(this._offset + at);
  }
  /** E C: executed shares. */
  get executedShares(): number {
    const t = this._type;
    return t === E || t === C ? this._dv.getUint32(this._offset + 19) : 0;
  }
  /** X: canceled shares. */
  get canceledShares(): number {
    return this._type === X ? this._dv.getUint32(this._offset + 19) : 0;
  }
  /**
   * The Price(4) the message carries (raw, 4 implied decimals): A F P U price, Q cross price,
   * C execution price.
   */
  get price(): number {
    const at = PRICE_AT[this._type];
    return at === 0 ? 0 : this._dv.getUint32(this._offset + at);
  }
  /** C: execution price. */
  get executionPrice(): number {
    return this._type === C ? this._dv.getUint32(this._offset + 32) : 0;
  }
  /** C: printable flag char code ('Y' / 'N'). */
  get printable(): number {
    return this._type === C ? this._bytes[this._offset + 31] : 0;
  }
  /** Q: cross price. */
  get crossPrice(): number {
    return this._type === Q ? this._dv.getUint32(this._offset + 27) : 0;
  }
  /** Q I: cross type char code. */
  get crossType(): number {
    const at = CROSS_TYPE_AT[this._type];
    return at === 0 ? 0 : this._bytes[this._offset + at];
  }
  /** F: attribution MPID, packed (see `packAlpha`). */
  get attribution(): number {
    return this._type === F ? this._dv.getUint32(this._offset + 36) : 0;
  }

  // --- stock field ---
  /** Absolute offset in `bytes` of the 8-byte Stock field, or -1 when the type has none. */
  get stockOffset(): number {
    const at = STOCK_AT[this._type];
    return at === 0 ? -1 : this._offset + at;
  }
  /** True when the message has a Stock field equal to `symbol8[at .. at + 8)` (padded raw bytes). */
  stockEquals(symbol8: Uint8Array, at = 0): boolean {
    const rel = STOCK_AT[this._type];
    if (rel === 0 || at < 0 || at + 8 > symbol8.length) return false;
    const b = this._bytes;
    const p = this._offset + rel;
    for (let i = 0; i < 8; i++) if (b[p + i] !== symbol8[at + i]) return false;
    return true;
  }
  /** The Stock field as a string, trailing spaces trimmed; '' when the type has none. Allocates: for tools. */
  readStock(): string {
    const at = STOCK_AT[this._type];
    return at === 0 ? '' : decodeAlpha(this._bytes, this._offset + at, 8);
  }

  // --- S W ---
  /** S: event code char code. */
  get eventCode(): number {
    return this._type === S ? this._bytes[this._offset + 11] : 0;
  }
  /** W: breached level char code ('1' '2' '3'). */
  get breachedLevel(): number {
    return this._type === W ? this._bytes[this._offset + 11] : 0;
  }

  // --- R ---
  get marketCategory(): number {
    return this._type === R ? this._bytes[this._offset + 19] : 0;
  }
  get financialStatusIndicator(): number {
    return this._type === R ? this._bytes[this._offset + 20] : 0;
  }
  get roundLotSize(): number {
    return this._type === R ? this._dv.getUint32(this._offset + 21) : 0;
  }
  get roundLotsOnly(): number {
    return this._type === R ? this._bytes[this._offset + 25] : 0;
  }
  get issueClassification(): number {
    return this._type === R ? this._bytes[this._offset + 26] : 0;
  }
  /** R: 2-byte issue sub-type, packed (see `packAlpha`). */
  get issueSubType(): number {
    return this._type === R ? this._dv.getUint16(this._offset + 27) : 0;
  }
  get authenticity(): number {
    return this._type === R ? this._bytes[this._offset + 29] : 0;
  }
  get shortSaleThresholdIndicator(): number {
    return this._type === R ? this._bytes[this._offset + 30] : 0;
  }
  get ipoFlag(): number {
    return this._type === R ? this._bytes[this._offset + 31] : 0;
  }
  get luldReferencePriceTier(): number {
    return this._type === R ? this._bytes[this._offset + 32] : 0;
  }
  get etpFlag(): number {
    return this._type === R ? this._bytes[this._offset + 33] : 0;
  }
  get etpLeverageFactor(): number {
    return this._type === R ? this._dv.getUint32(this._offset + 34) : 0;
  }
  get inverseIndicator(): number {
    return this._type === R ? this._bytes[this._offset + 38] : 0;
  }

  // --- H Y ---
  get tradingState(): number {
    return this._type === H ? this._bytes[this._offset + 19] : 0;
  }
  get reserved(): number {
    return this._type === H ? this._bytes[this._offset + 20] : 0;
  }
  /** H: 4-byte reason, packed (see `packAlpha`). */
  get reason(): number {
    return this._type === H ? this._dv.getUint32(this._offset + 21) : 0;
  }
  get regShoAction(): number {
    return this._type === Y ? this._bytes[this._offset + 19] : 0;
  }

  // --- L ---
  /** L: MPID, packed (see `packAlpha`). */
  get mpid(): number {
    return this._type === L ? this._dv.getUint32(this._offset + 11) : 0;
  }
  get primaryMarketMaker(): number {
    return this._type === L ? this._bytes[this._offset + 23] : 0;
  }
  get marketMakerMode(): number {
    return this._type === L ? this._bytes[this._offset + 24] : 0;
  }
  get marketParticipantState(): number {
    return this._type === L ? this._bytes[this._offset + 25] : 0;
  }

  // --- V ---
  /** V: Price(8) levels (raw, 8 implied decimals). */
  get level1(): number {
    return this._type === V ? this.u64(this._offset + 11) : 0;
  }
  get level2(): number {
    return this._type === V ? this.u64(this._offset + 19) : 0;
  }
  get level3(): number {
    return this._type === V ? this.u64(this._offset + 27) : 0;
  }

  // --- K ---
  /** K: seconds since midnight. */
  get ipoQuotationReleaseTime(): number {
    return this._type === K ? this._dv.getUint32(this._offset + 19) : 0;
  }
  get ipoQuotationReleaseQualifier(): number {
    return this._type === K ? this._bytes[this._offset + 23] : 0;
  }
  get ipoPrice(): number {
    return this._type === K ? this._dv.getUint32(this._offset + 24) : 0;
  }

  // --- J ---
  get auctionCollarReferencePrice(): number {
    return this._type === J ? this._dv.getUint32(this._offset + 19) : 0;
  }
  get upperAuctionCollarPrice(): number {
    return this._type === J ? this._dv.getUint32(this._offset + 23) : 0;
  }
  get lowerAuctionCollarPrice(): number {
    return this._type === J ? this._dv.getUint32(this._offset + 27) : 0;
  }
  get auctionCollarExtension(): number {
    return this._type === J ? this._dv.getUint32(this._offset + 31) : 0;
  }

  // --- h ---
  get marketCode(): number {
    return this._type === h ? this._bytes[this._offset + 19] : 0;
  }
  get operationalHaltAction(): number {
    return this._type === h ? this._bytes[this._offset + 20] : 0;
  }

  // --- I ---
  get pairedShares(): number {
    return this._type === I ? this.u64(this._offset + 11) : 0;
  }
  get imbalanceShares(): number {
    return this._type === I ? this.u64(this._offset + 19) : 0;
  }
  get imbalanceDirection(): number {
    return this._type === I ? this._bytes[this._offset + 27] : 0;
  }
  get farPrice(): number {
    return this._type === I ? this._dv.getUint32(this._offset + 36) : 0;
  }
  get nearPrice(): number {
    return this._type === I ? this._dv.getUint32(this._offset + 40) : 0;
  }
  get currentReferencePrice(): number {
    return this._type === I ? this._dv.getUint32(this._offset + 44) : 0;
  }
  get priceVariationIndicator(): number {
    return this._type === I ? this._bytes[this._offset + 49] : 0;
  }

  // --- N ---
  get interestFlag(): number {
    return this._type === N ? this._bytes[this._offset + 19] : 0;
  }

  // --- O ---
  get openEligibilityStatus(): number {
    return this._type === O ? this._bytes[this._offset + 19] : 0;
  }
  get minimumAllowablePrice(): number {
    return this._type === O ? this._dv.getUint32(this._offset + 20) : 0;
  }
  get maximumAllowablePrice(): number {
    return this._type === O ? this._dv.getUint32(this._offset + 24) : 0;
  }
  get nearExecutionPrice(): number {
    return this._type === O ? this._dv.getUint32(this._offset + 28) : 0;
  }
  get nearExecutionTime(): number {
    return this._type === O ? this.u64(this._offset + 32) : 0;
  }
  get lowerPriceRangeCollar(): number {
    return this._type === O ? this._dv.getUint32(this._offset + 40) : 0;
  }
  get upperPriceRangeCollar(): number {
    return this._type === O ? this._dv.getUint32(this._offset + 44) : 0;
  }
}

/** ASCII bytes -> string with trailing spaces trimmed (leading spaces kept). Allocates. */
export function decodeAlpha(bytes: Uint8Array, offset: number, width: number): string {
  let end = offset + width;
  while (end > offset && bytes[end - 1] === 0x20) end--;
  let out = '';
  for (let p = offset; p < end; p++) out += String.fromCharCode(bytes[p]);
  return out;
}

/**
 * Packs an alpha value the way the view returns multi-byte alpha fields: right-padded with spaces to
 * `width` (1..4) bytes, big-endian. `view.reason === packAlpha('LUDP', 4)`. Compute constants once, at load.
 */
export function packAlpha(value: string, width: number): number {
  let packed = 0;
  for (let i = 0; i < width; i++) packed = packed * 256 + (i < value.length ? value.charCodeAt(i) & 0xff : 0x20);
  return packed;
}
