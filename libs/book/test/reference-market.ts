/**
 * An independent, deliberately simple replay of ITCH 5.0 messages, for tests only: plain Maps and objects,
 * BigInt for every u64 and for notionals, and fields read by raw byte offsets from
 * shared/reference/itch50.md (section 3). It shares no code with @tickwire/book or the ItchMessageView.
 * Every inconsistency it sees is recorded in `problems` as a readable string.
 *
 * Semantics (the ones @tickwire/book documents): E prints at the resting order's price, C only when
 * Printable = 'Y' (at its execution price), P and Q (shares > 0) print; OHLC takes prints while the
 * session is regular (after System Event 'Q' and before 'M', or before any System Event).
 */

interface RefOrder {
  locate: number;
  side: 'B' | 'S';
  price: number;
  shares: number;
}

export interface RefLevel {
  price: number;
  size: number;
  orders: number;
}

export interface RefStats {
  ltp: number;
  lastSize: number;
  volume: bigint;
  notional: bigint;
  trades: number;
  open: number | undefined;
  high: number;
  low: number;
  close: number;
}

function u16(b: Uint8Array, p: number): number {
  return b[p] * 256 + b[p + 1];
}
function u32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) >>> 0) + (b[p + 1] << 16) + (b[p + 2] << 8) + b[p + 3];
}
function u64(b: Uint8Array, p: number): bigint {
  return (BigInt(u32(b, p)) << 32n) + BigInt(u32(b, p + 4));
}
function char(b: Uint8Array, p: number): string {
  return String.fromCharCode(b[p]);
}
function alpha(b: Uint8Array, p: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[p + i]);
  return s.trimEnd();
}

export class ReferenceMarket {
  readonly problems: string[] = [];
  /** E/C/X/D/U naming an order reference that is not live (kept apart from `problems`: feeds that joined late have them). */
  readonly unknownRefs: { type: string; ref: bigint; index: number }[] = [];
  /** Every order reference ever added, with the index of its add. */
  readonly addedAt = new Map<bigint, number>();
  readonly orders = new Map<bigint, RefOrder>();
  readonly symbols = new Map<number, string>();
  readonly stats = new Map<number, RefStats>();
  readonly executions = new Map<bigint, { locate: number; price: number; shares: number }>();
  private regular = true;
  private index = -1;

  /** Applies `b[offset .. offset + length)`, one ITCH message. */
  apply(b: Uint8Array, o: number, length: number): void {
    this.index++;
    const type = char(b, o);
    const locate = u16(b, o + 1);
    switch (type) {
      case 'S': {
        const code = char(b, o + 11);
        if (code === 'O' || code === 'S') this.regular = false;
        else if (code === 'Q') this.regular = true;
        else if (code === 'M' || code === 'E' || code === 'C') this.regular = false;
        break;
      }
      case 'R':
        this.symbols.set(locate, alpha(b, o + 11, 8));
        break;
      case 'A':
      case 'F': {
        const ref = u64(b, o + 11);
        if (this.orders.has(ref)) this.problem(`order ref ${ref} added twice`);
        this.addedAt.set(ref, this.index);
        const side = char(b, o + 19);
        if (side !== 'B' && side !== 'S') this.problem(`side ${side}`);
        this.orders.set(ref, { locate, side: side as 'B' | 'S', shares: u32(b, o + 20), price: u32(b, o + 32) });
        break;
      }
      case 'E':
      case 'C': {
        const ref = u64(b, o + 11);
        const executed = u32(b, o + 19);
        const match = u64(b, o + 23);
        const order = this.take(ref, executed, locate, type);
        if (!order) break;
        if (type === 'E') this.print(order.locate, order.price, executed, match);
        else if (char(b, o + 31) === 'Y') this.print(order.locate, u32(b, o + 32), executed, match);
        break;
      }
      case 'X':
        this.take(u64(b, o + 11), u32(b, o + 19), locate, type);
        break;
      case 'D': {
        const ref = u64(b, o + 11);
        if (!this.orders.delete(ref)) this.unknownRefs.push({ type, ref, index: this.index });
        break;
      }
      case 'U': {
        const ref = u64(b, o + 11);
        const order = this.orders.get(ref);
        if (!order) {
          this.unknownRefs.push({ type, ref, index: this.index });
          break;
        }
        this.orders.delete(ref);
        const newRef = u64(b, o + 19);
        if (this.orders.has(newRef)) this.problem(`U new ref ${newRef} already live`);
        this.addedAt.set(newRef, this.index);
        this.orders.set(newRef, { locate: order.locate, side: order.side, shares: u32(b, o + 27), price: u32(b, o + 31) });
        break;
      }
      case 'P':
        this.print(locate, u32(b, o + 32), u32(b, o + 20), u64(b, o + 36));
        break;
      case 'Q':
        this.print(locate, u32(b, o + 27), Number(u64(b, o + 11)), u64(b, o + 31));
        break;
      case 'B': {
        const e = this.executions.get(u64(b, o + 11));
        if (!e) break;
        this.executions.delete(u64(b, o + 11));
        const s = this.statsOf(e.locate);
        s.volume -= BigInt(e.shares);
        s.notional -= BigInt(e.price) * BigInt(e.shares);
        s.trades--;
        break;
      }
      default:
        break; // H, h, Y, J, I, L, K, N, O, V, W: not modelled
    }
    if (length <= 0) this.problem('empty message');
  }

  statsOf(locate: number): RefStats {
    let s = this.stats.get(locate);
    if (!s) {
      s = { ltp: 0, lastSize: 0, volume: 0n, notional: 0n, trades: 0, open: undefined, high: 0, low: 0, close: 0 };
      this.stats.set(locate, s);
    }
    return s;
  }

  /** Aggregated levels of one side, best first. */
  levels(locate: number, side: 'B' | 'S'): RefLevel[] {
    const byPrice = new Map<number, RefLevel>();
    for (const o of this.orders.values()) {
      if (o.locate !== locate || o.side !== side) continue;
      const level = byPrice.get(o.price) ?? { price: o.price, size: 0, orders: 0 };
      level.size += o.shares;
      level.orders += 1;
      byPrice.set(o.price, level);
    }
    return [...byPrice.values()].sort((x, y) => (side === 'B' ? y.price - x.price : x.price - y.price));
  }

  private take(ref: bigint, shares: number, locate: number, type: string): RefOrder | undefined {
    const order = this.orders.get(ref);
    if (!order) {
      this.unknownRefs.push({ type, ref, index: this.index });
      return undefined;
    }
    if (order.locate !== locate) this.problem(`${type} of order ${ref} names locate ${locate}, order is in ${order.locate}`);
    if (shares > order.shares) this.problem(`${type} takes ${shares} of ${order.shares} shares of ${ref}`);
    order.shares -= Math.min(shares, order.shares);
    if (order.shares === 0) this.orders.delete(ref);
    return order;
  }

  private print(locate: number, price: number, shares: number, match: bigint): void {
    if (shares <= 0) return;
    const s = this.statsOf(locate);
    s.ltp = price;
    s.lastSize = shares;
    s.volume += BigInt(shares);
    s.notional += BigInt(price) * BigInt(shares);
    s.trades++;
    this.executions.set(match, { locate, price, shares });
    if (this.regular) {
      if (s.open === undefined) {
        s.open = price;
        s.high = price;
        s.low = price;
      }
      s.high = Math.max(s.high, price);
      s.low = Math.min(s.low, price);
      s.close = price;
    }
  }

  private problem(text: string): void {
    this.problems.push(`#${this.index}: ${text}`);
  }
}

/** Calls `visit(bytes, offset, length)` for each record of a BinaryFILE (u16 BE length + message). */
export function forEachRecord(file: Uint8Array, visit: (bytes: Uint8Array, offset: number, length: number) => void): number {
  let p = 0;
  let n = 0;
  while (p + 2 <= file.length) {
    const length = u16(file, p);
    if (length === 0) break;
    visit(file, p + 2, length);
    p += 2 + length;
    n++;
  }
  return n;
}
