import { decodeMessage, packAlpha, writeU16, writeU32, writeU48, writeU64 } from '@tickwire/itch';
import type { ItchMessage } from '@tickwire/itch';
import { MarketSimError } from './errors';
import {
  END_OF_MESSAGES_DELAY_NS,
  END_OF_SYSTEM_HOURS_NS,
  MARKET_CLOSE_NS,
  MARKET_OPEN_NS,
  parseMarketDayOptions,
  START_OF_MESSAGES_NS,
  START_OF_SYSTEM_HOURS_NS,
  TICK_PRICE4,
} from './options';
import type { MarketDayOptions, ResolvedMarketDayOptions } from './options';
import { ASK, BID, OrderBooks } from './order-books';
import { Sfc32 } from './prng';
import { compareTickers, generateTickers } from './symbols';
import { AliasSampler, zipfWeights } from './zipf';

/** Longest message the generator writes (`P`, 44 bytes): `nextInto` needs this much room at `offset`. */
export const MAX_GENERATED_MESSAGE_LENGTH = 44;

/** One instrument of the day. */
export interface SymbolInfo {
  /** Stock Locate, 1..N, assigned in ticker (ASCII) order as Nasdaq does. */
  readonly locate: number;
  readonly symbol: string;
  /** Activity rank, 1 = hottest (Zipf weight 1/rank^s). Caller-given tickers take ranks 1..k in their order. */
  readonly rank: number;
  /** Start (and opening cross) price in Price(4) units. */
  readonly startPrice: number;
  /** Market category of its directory entry (`Q`, `G`, `S` Nasdaq tiers, `N` NYSE, `P` Arca, `A`, `Z`). */
  readonly marketCategory: string;
}

/** Counters of what has been generated so far. */
export interface MarketDayStats {
  readonly messages: number;
  /** Messages of continuous trading (what `messages` budgets). */
  readonly continuousMessages: number;
  /** Messages by type character, e.g. `{ A: 4210, D: 3600, ... }` (only types seen). */
  readonly byType: Readonly<Record<string, number>>;
  /** `H` H messages. */
  readonly halts: number;
  /** `H` T messages that ended a halt (including those forced just before the closing cross). */
  readonly resumes: number;
  /** Orders on the books now, and the most there ever were. */
  readonly liveOrders: number;
  readonly maxLiveOrders: number;
  /** Highest order reference and match number used so far (0 = none). */
  readonly lastOrderRef: number;
  readonly lastMatchNumber: number;
}

const PHASE_START = 0;
const PHASE_DIRECTORY = 1;
const PHASE_SYSTEM_HOURS = 2;
const PHASE_TRADING_STATE = 3;
const PHASE_MARKET_OPEN = 4;
const PHASE_OPEN_CROSS = 5;
const PHASE_CONTINUOUS = 6;
const PHASE_RESUME = 7;
const PHASE_CLOSE_CROSS = 8;
const PHASE_MARKET_CLOSE = 9;
const PHASE_END_SYSTEM = 10;
const PHASE_END_MESSAGES = 11;
const PHASE_DONE = 12;

const T_A = 0x41;
const T_C = 0x43;
const T_D = 0x44;
const T_E = 0x45;
const T_F = 0x46;
const T_H = 0x48;
const T_P = 0x50;
const T_Q = 0x51;
const T_R = 0x52;
const T_S = 0x53;
const T_U = 0x55;
const T_X = 0x58;
const CH_SPACE = 0x20;
const CH_B = 0x42;
const CH_C = 0x43;
const CH_H = 0x48;
const CH_N = 0x4e;
const CH_O = 0x4f;
const CH_T = 0x54;
const CH_Y = 0x59;

/** Highest price the books may reach, in ticks: the spec maximum 200,000.0000. */
const MAX_TICKS = 20_000_000;
const REASON_LUDP = packAlpha('LUDP', 4);
const REASON_NONE = packAlpha('', 4);
/** MPIDs of the `F` adds. */
const MPIDS = ['NSDQ', 'GSCO', 'MSCO', 'UBSS', 'JPMS', 'CDRG', 'VIRT', 'SUSQ', 'HRTF', 'IMCC', 'JSTC', 'XTXE', 'TWOS', 'CITD', 'BOFA', 'LEHM'].map((mpid) => packAlpha(mpid, 4));
/** Market categories (cumulative weights): Nasdaq Global Select / Global / Capital, NYSE, Arca, NYSE American, Cboe BZX. */
const CATEGORIES = [0x51, 0x47, 0x53, 0x4e, 0x50, 0x41, 0x5a];
const CATEGORY_CUMULATIVE = [0.25, 0.35, 0.5, 0.8, 0.92, 0.95, 1];

/**
 * Generates one deterministic NASDAQ TotalView-ITCH 5.0 trading day, one message per call:
 * `S` O, `R` per symbol, `S` S, `H` T per symbol, `S` Q (09:30), opening `Q` crosses, continuous trading
 * (Zipf-skewed symbols; `A`/`F`/`E`/`C`/`X`/`D`/`U`/`P` around a random-walk mid; LULD halts), `H` T for
 * halts still open, closing `Q` crosses, `S` M, `S` E, `S` C. Every order is tracked, so the stream replays
 * into consistent books (see README.md for the invariants). Same options, same bytes.
 *
 * `nextInto` writes bytes directly and allocates nothing; `next` decodes them into a plain object.
 */
export class MarketDayGenerator {
  /** The validated, frozen options in effect. */
  readonly options: ResolvedMarketDayOptions;
  /** The day's instruments, by locate (index 0 is locate 1). */
  readonly symbolList: readonly SymbolInfo[];

  private readonly rng: Sfc32;
  private readonly n: number;
  private readonly sampler: AliasSampler;
  private readonly books: OrderBooks;
  private readonly symbolHi: Uint32Array;
  private readonly symbolLo: Uint32Array;
  private readonly tracking: Uint16Array;
  private readonly category: Uint8Array;
  private readonly luldTier: Uint8Array;
  private readonly mid: Int32Array;
  private readonly unit: Int32Array;
  private readonly floor: Int32Array;
  private readonly ceiling: Int32Array;
  private readonly haltedUntil: Float64Array;
  private readonly typeCounts = new Float64Array(256);
  private readonly mix = new Float64Array(8);
  private readonly haltProbability: number;
  private readonly haltDurationNs: number;
  private readonly messageBudget: number;
  private readonly continuousEndNs: number;
  private readonly burstEndNs: number;
  private readonly meanIntervalNs: number;
  private readonly burstMeanIntervalNs: number;
  private readonly scratch = new Uint8Array(64);

  private phase = PHASE_START;
  private cursor = 0;
  private pendingTs = START_OF_MESSAGES_NS;
  private clock = 0;
  private haltedCount = 0;
  private nextRef = 1;
  private nextMatch = 1;
  private messageCount = 0;
  private continuousCount = 0;
  private haltCount = 0;
  private resumeCount = 0;
  private maxLive = 0;

  constructor(options: MarketDayOptions = {}) {
    const o = parseMarketDayOptions(options);
    this.options = o;
    const n = o.symbols;
    this.n = n;
    const rng = new Sfc32(o.seed);
    this.rng = rng;

    // Universe, activity ranks (given tickers first, generated ones shuffled), then locates in ticker order.
    const tickers = generateTickers(rng, n, o.symbolNames);
    const ranks = new Int32Array(n);
    for (let i = 0; i < n; i++) ranks[i] = i;
    for (let i = n - 1; i > o.symbolNames.length; i--) {
      const j = o.symbolNames.length + rng.nextInt(i - o.symbolNames.length + 1);
      const t = ranks[i];
      ranks[i] = ranks[j];
      ranks[j] = t;
    }
    const order = tickers.map((symbol, i) => ({ symbol, rank: ranks[i] })).sort((a, b) => compareTickers(a.symbol, b.symbol));
    const byRank = zipfWeights(n, o.zipfExponent);
    const weights = new Float64Array(n);

    this.symbolHi = new Uint32Array(n + 1);
    this.symbolLo = new Uint32Array(n + 1);
    this.tracking = new Uint16Array(n + 1);
    this.category = new Uint8Array(n + 1);
    this.luldTier = new Uint8Array(n + 1);
    this.mid = new Int32Array(n + 1);
    this.unit = new Int32Array(n + 1);
    this.floor = new Int32Array(n + 1);
    this.ceiling = new Int32Array(n + 1);
    this.haltedUntil = new Float64Array(n + 1);
    const logMin = Math.log(o.startPrice.min * 100);
    const logMax = Math.log(o.startPrice.max * 100);
    const list: SymbolInfo[] = [];
    for (let i = 0; i < n; i++) {
      const locate = i + 1;
      const { symbol, rank } = order[i];
      weights[i] = byRank[rank];
      const padded = symbol.padEnd(8, ' ');
      this.symbolHi[locate] = packAlpha(padded.slice(0, 4), 4);
      this.symbolLo[locate] = packAlpha(padded.slice(4), 4);
      this.tracking[locate] = 1 + rng.nextInt(8);
      const u = rng.nextFloat();
      let c = 0;
      while (u >= CATEGORY_CUMULATIVE[c]) c++;
      this.category[locate] = CATEGORIES[c];
      this.luldTier[locate] = rank < Math.max(1, Math.floor(n / 10)) ? 0x31 : 0x32;
      const start = Math.min(MAX_TICKS, Math.max(1, Math.round(Math.exp(logMin + rng.nextFloat() * (logMax - logMin)))));
      this.mid[locate] = start;
      // One walk step is about 2 bp of the price (at least a tick); a day stays within 1/10x..10x of the start.
      this.unit[locate] = Math.max(1, Math.round(start / 5000));
      this.floor[locate] = Math.max(this.unit[locate], Math.ceil(start / 10));
      this.ceiling[locate] = Math.min(MAX_TICKS - 64 * this.unit[locate], start * 10);
      list.push(Object.freeze({ locate, symbol, rank: rank + 1, startPrice: start * TICK_PRICE4, marketCategory: String.fromCharCode(this.category[locate]) }));
    }
    this.symbolList = Object.freeze(list);
    this.sampler = new AliasSampler(weights);
    this.books = new OrderBooks(n, o.maxOrdersPerSide);

    const m = o.eventMix;
    const parts = [m.add, m.addMpid, m.execute, m.executeWithPrice, m.trade, m.cancel, m.delete, m.replace];
    let total = 0;
    for (const p of parts) total += p;
    let acc = 0;
    for (let i = 0; i < parts.length; i++) this.mix[i] = acc += parts[i] / total;
    this.mix[parts.length - 1] = 1;

    this.haltProbability = o.haltProbability;
    this.haltDurationNs = o.haltDurationNs;
    this.messageBudget = o.messages;
    this.continuousEndNs = MARKET_OPEN_NS + o.durationNs;
    this.burstEndNs = MARKET_OPEN_NS + o.openBurst.durationNs;
    this.meanIntervalNs = 1e9 / o.messagesPerSecond;
    this.burstMeanIntervalNs = this.meanIntervalNs / o.openBurst.multiplier;
  }

  /** True once `S` C has been generated. */
  get isDone(): boolean {
    return this.phase === PHASE_DONE;
  }

  /** Timestamp (ns since midnight) of the message the next call will produce; -1 when the day is over. */
  get nextTimestampNs(): number {
    return this.phase === PHASE_DONE ? -1 : this.pendingTs;
  }

  /** A snapshot of the counters (allocates; not for the hot path). */
  get stats(): MarketDayStats {
    const byType: Record<string, number> = {};
    for (let c = 0; c < 256; c++) if (this.typeCounts[c] > 0) byType[String.fromCharCode(c)] = this.typeCounts[c];
    return Object.freeze({
      messages: this.messageCount,
      continuousMessages: this.continuousCount,
      byType: Object.freeze(byType),
      halts: this.haltCount,
      resumes: this.resumeCount,
      liveOrders: this.books.live,
      maxLiveOrders: this.maxLive,
      lastOrderRef: this.nextRef - 1,
      lastMatchNumber: this.nextMatch - 1,
    });
  }

  /**
   * Writes the next message at `target[offset]` and returns its length, or 0 once the day is over. Needs
   * `MAX_GENERATED_MESSAGE_LENGTH` bytes of room (else throws `MARKET_SIM_ERR_TARGET_TOO_SMALL` and
   * generates nothing). Allocates nothing.
   */
  nextInto(target: Uint8Array, offset: number): number {
    if (this.phase === PHASE_DONE) return 0;
    if (offset >>> 0 !== offset || target.length - offset < MAX_GENERATED_MESSAGE_LENGTH) {
      throw new MarketSimError('MARKET_SIM_ERR_TARGET_TOO_SMALL', `offset ${offset}, length ${target.length}, need ${MAX_GENERATED_MESSAGE_LENGTH} bytes`);
    }
    const ts = this.pendingTs;
    const b = target;
    const o = offset;
    let length: number;
    switch (this.phase) {
      case PHASE_START:
        length = this.systemEvent(b, o, ts, CH_O);
        this.phase = PHASE_DIRECTORY;
        this.cursor = 1;
        this.pendingTs = ts + 1_000_000;
        break;
      case PHASE_DIRECTORY:
        length = this.directory(b, o, ts, this.cursor);
        if (++this.cursor > this.n) {
          this.phase = PHASE_SYSTEM_HOURS;
          this.pendingTs = Math.max(ts + 1000, START_OF_SYSTEM_HOURS_NS);
        } else this.pendingTs = ts + 1000 + this.rng.nextInt(1000);
        break;
      case PHASE_SYSTEM_HOURS:
        length = this.systemEvent(b, o, ts, T_S);
        this.phase = PHASE_TRADING_STATE;
        this.cursor = 1;
        this.pendingTs = ts + 1_000_000;
        break;
      case PHASE_TRADING_STATE:
        length = this.tradingAction(b, o, ts, this.cursor, CH_T, REASON_NONE);
        if (++this.cursor > this.n) {
          this.phase = PHASE_MARKET_OPEN;
          this.pendingTs = Math.max(ts + 1000, MARKET_OPEN_NS);
        } else this.pendingTs = ts + 1000 + this.rng.nextInt(1000);
        break;
      case PHASE_MARKET_OPEN:
        length = this.systemEvent(b, o, ts, T_Q);
        this.phase = PHASE_OPEN_CROSS;
        this.cursor = 1;
        this.pendingTs = ts + 50_000;
        break;
      case PHASE_OPEN_CROSS:
        length = this.cross(b, o, ts, this.cursor, CH_O);
        if (++this.cursor > this.n) this.enterContinuous(ts);
        else this.pendingTs = ts + 100 + this.rng.nextInt(200);
        break;
      case PHASE_CONTINUOUS:
        length = this.continuous(b, o, ts);
        if (++this.continuousCount >= this.messageBudget) this.enterClose(ts);
        else this.advanceClock(ts);
        break;
      case PHASE_RESUME:
        length = this.resume(b, o, ts, this.cursor);
        this.cursor = this.nextHalted(this.cursor + 1);
        if (this.cursor > this.n) {
          this.phase = PHASE_CLOSE_CROSS;
          this.cursor = 1;
          this.pendingTs = ts + 1_000_000;
        } else this.pendingTs = ts + 1000;
        break;
      case PHASE_CLOSE_CROSS:
        length = this.cross(b, o, ts, this.cursor, CH_C);
        if (++this.cursor > this.n) {
          this.phase = PHASE_MARKET_CLOSE;
          this.pendingTs = ts + 1_000_000;
        } else this.pendingTs = ts + 100 + this.rng.nextInt(200);
        break;
      case PHASE_MARKET_CLOSE:
        length = this.systemEvent(b, o, ts, 0x4d);
        this.phase = PHASE_END_SYSTEM;
        this.pendingTs = Math.max(ts + 1000, END_OF_SYSTEM_HOURS_NS);
        break;
      case PHASE_END_SYSTEM:
        length = this.systemEvent(b, o, ts, 0x45);
        this.phase = PHASE_END_MESSAGES;
        this.pendingTs = ts + END_OF_MESSAGES_DELAY_NS;
        break;
      default:
        length = this.systemEvent(b, o, ts, CH_C);
        this.phase = PHASE_DONE;
        break;
    }
    this.typeCounts[b[o]]++;
    this.messageCount++;
    return length;
  }

  /** The next message as a plain object (allocates; for tests and tools), or undefined once the day is over. */
  next(): ItchMessage | undefined {
    const length = this.nextInto(this.scratch, 0);
    if (length === 0) return undefined;
    const msg = decodeMessage(this.scratch, 0, length);
    if (msg === undefined) throw new Error(`market-sim wrote an invalid '${String.fromCharCode(this.scratch[0])}' message of ${length} bytes`);
    return msg;
  }

  // --- day structure ---------------------------------------------------------------------------------------

  private enterContinuous(ts: number): void {
    this.clock = ts;
    if (this.messageBudget === 0) {
      this.enterClose(ts);
      return;
    }
    this.phase = PHASE_CONTINUOUS;
    this.advanceClock(ts);
  }

  /** Draws the next continuous timestamp (Poisson arrivals at the burst or baseline rate); closes at the end. */
  private advanceClock(ts: number): void {
    const mean = this.clock < this.burstEndNs ? this.burstMeanIntervalNs : this.meanIntervalNs;
    this.clock += -Math.log(1 - this.rng.nextFloat()) * mean;
    if (this.clock >= this.continuousEndNs) {
      this.enterClose(ts);
      return;
    }
    this.pendingTs = Math.floor(this.clock);
  }

  private enterClose(lastTs: number): void {
    const closeNs = Math.max(MARKET_CLOSE_NS, lastTs + 1_000_000);
    this.pendingTs = closeNs;
    const first = this.haltedCount > 0 ? this.nextHalted(1) : this.n + 1;
    if (first <= this.n) {
      this.phase = PHASE_RESUME;
      this.cursor = first;
    } else {
      this.phase = PHASE_CLOSE_CROSS;
      this.cursor = 1;
    }
  }

  private nextHalted(from: number): number {
    let loc = from;
    while (loc <= this.n && this.haltedUntil[loc] === 0) loc++;
    return loc;
  }

  // --- continuous trading ------------------------------------------------------------------------------------

  private continuous(b: Uint8Array, o: number, ts: number): number {
    const books = this.books;
    let loc = 1;
    for (let attempt = 0; attempt < 16; attempt++) {
      loc = this.sampler.sample(this.rng) + 1;
      const until = this.haltedUntil[loc];
      if (until === 0) {
        if (this.haltProbability > 0 && this.rng.nextFloat() < this.haltProbability) return this.halt(b, o, ts, loc);
        return this.tradingEvent(b, o, ts, loc);
      }
      if (ts >= until) return this.resume(b, o, ts, loc);
      // Halted: only cancels and deletes.
      if (books.count(loc * 2) + books.count(loc * 2 + 1) > 0) return this.cancelEvent(b, o, ts, loc, this.rng.nextFloat() < 0.3 ? 0 : 1);
    }
    // Sixteen draws in a row hit halted symbols with empty books: resume the last one early.
    return this.resume(b, o, ts, loc);
  }

  private tradingEvent(b: Uint8Array, o: number, ts: number, loc: number): number {
    const rng = this.rng;
    // Random-walk the mid: one step of `unit` ticks on one event in eight, reflected at the day's bounds.
    const r = rng.nextU32();
    if ((r & 7) === 0) {
      let m = this.mid[loc] + ((r & 8) === 0 ? -this.unit[loc] : this.unit[loc]);
      if (m < this.floor[loc]) m = this.floor[loc] + this.unit[loc];
      else if (m > this.ceiling[loc]) m = this.ceiling[loc] - this.unit[loc];
      this.mid[loc] = m;
    }
    const u = rng.nextFloat();
    const mix = this.mix;
    if (u < mix[0]) return this.addEvent(b, o, ts, loc, (r >>> 4) & 1, false);
    if (u < mix[1]) return this.addEvent(b, o, ts, loc, (r >>> 4) & 1, true);
    if (u < mix[2]) return this.executeEvent(b, o, ts, loc, false);
    if (u < mix[3]) return this.executeEvent(b, o, ts, loc, true);
    if (u < mix[4]) return this.trade(b, o, ts, loc);
    if (u < mix[5]) return this.cancelEvent(b, o, ts, loc, 0);
    if (u < mix[6]) return this.cancelEvent(b, o, ts, loc, 1);
    return this.cancelEvent(b, o, ts, loc, 2);
  }

  /** A price (ticks) for a new order on `side` that does not cross the opposite touch; -1 if none exists. */
  private quotePrice(loc: number, side: number): number {
    const r = this.rng.nextU32();
    // Distance from the mid in walk steps: 1 + uniform 0..3 + geometric(1/2).
    const d = (1 + (r & 3) + Math.clz32(r | 3)) * this.unit[loc];
    if (side === BID) {
      let p = this.mid[loc] - d;
      const ask = this.books.bestPrice(loc * 2 + ASK);
      if (ask >= 0 && p >= ask) p = ask - 1;
      return p >= 1 ? p : -1;
    }
    let p = this.mid[loc] + d;
    const bid = this.books.bestPrice(loc * 2 + BID);
    if (bid >= 0 && p <= bid) p = bid + 1;
    return p <= MAX_TICKS ? p : -1;
  }

  /** Order size: mostly 100, some round lots, odd lots and larger blocks. */
  private shares(): number {
    const r = this.rng.nextU32();
    const bucket = r & 15;
    const v = r >>> 4;
    if (bucket < 9) return 100;
    if (bucket < 12) return 100 * (2 + (v % 4));
    if (bucket < 14) return 1 + (v % 99);
    if (bucket < 15) return 100 * (6 + (v % 45));
    return 101 + (v % 1900);
  }

  private addEvent(b: Uint8Array, o: number, ts: number, loc: number, side: number, mpid: boolean): number {
    const books = this.books;
    let bs = loc * 2 + side;
    // A full side first loses its oldest order: that keeps memory bounded by N * 2 * maxOrdersPerSide.
    if (books.count(bs) >= books.capacity) return this.deleteAt(b, o, ts, loc, bs, books.oldest(bs));
    let price = this.quotePrice(loc, side);
    if (price < 0) {
      bs ^= 1;
      if (books.count(bs) >= books.capacity) return this.deleteAt(b, o, ts, loc, bs, books.oldest(bs));
      price = this.quotePrice(loc, side ^ 1);
      if (price < 0) return this.trade(b, o, ts, loc);
    }
    const shares = this.shares();
    const ref = this.nextRef++;
    books.add(bs, ref, price, shares);
    if (books.live > this.maxLive) this.maxLive = books.live;
    this.header(b, o, mpid ? T_F : T_A, loc, ts);
    writeU64(b, o + 11, ref);
    b[o + 19] = (bs & 1) === BID ? CH_B : T_S;
    writeU32(b, o + 20, shares);
    this.stock(b, o + 24, loc);
    writeU32(b, o + 32, price * TICK_PRICE4);
    if (!mpid) return 36;
    writeU32(b, o + 36, MPIDS[this.rng.nextU32() & 15]);
    return 40;
  }

  /** `E`/`C`: the best order of one side is hit by an aggressor from the other. */
  private executeEvent(b: Uint8Array, o: number, ts: number, loc: number, withPrice: boolean): number {
    const books = this.books;
    const bidBs = loc * 2 + BID;
    const askBs = loc * 2 + ASK;
    const bid = books.bestPrice(bidBs);
    const ask = books.bestPrice(askBs);
    const r = this.rng.nextU32();
    let bs: number;
    if (bid < 0 && ask < 0) return this.addEvent(b, o, ts, loc, r & 1, false);
    if (bid < 0) bs = askBs;
    else if (ask < 0) bs = bidBs;
    else {
      // Buyers lift the ask more often when the mid has drifted above the touch, and vice versa.
      const twiceMid = 2 * this.mid[loc];
      const buyOdds = twiceMid > bid + ask ? 12 : twiceMid < bid + ask ? 4 : 8;
      bs = (r & 15) < buyOdds ? askBs : bidBs;
    }
    const i = books.bestIndex(bs);
    const ref = books.ref(bs, i);
    const price = books.price(bs, i);
    const remaining = books.remaining(bs, i);
    const executed = (r & 16) === 0 ? remaining : 1 + ((r >>> 5) % remaining);
    const match = this.nextMatch++;
    if (executed === remaining) books.remove(bs, i);
    else books.reduce(bs, i, executed);
    this.header(b, o, withPrice ? T_C : T_E, loc, ts);
    writeU64(b, o + 11, ref);
    writeU32(b, o + 19, executed);
    writeU64(b, o + 23, match);
    if (!withPrice) return 31;
    // Printable mostly; non-printable ones are counted in a later cross. The price may differ by a tick.
    b[o + 31] = (r >>> 20) % 8 === 0 ? CH_N : CH_Y;
    const improvement = (r >>> 24) & 1;
    const px = (bs & 1) === ASK ? Math.max(1, price - improvement) : price + improvement;
    writeU32(b, o + 32, px * TICK_PRICE4);
    return 36;
  }

  /** `P`: a trade against a non-displayed order, inside the spread (at the mid when a side is empty). */
  private trade(b: Uint8Array, o: number, ts: number, loc: number): number {
    const books = this.books;
    const bid = books.bestPrice(loc * 2 + BID);
    const ask = books.bestPrice(loc * 2 + ASK);
    let price = this.mid[loc];
    if (bid >= 0 && ask >= 0) price = bid + ((ask - bid) >> 1);
    else if (bid >= 0) price = Math.max(price, bid);
    else if (ask >= 0) price = Math.min(price, ask);
    const match = this.nextMatch++;
    this.header(b, o, T_P, loc, ts);
    writeU64(b, o + 11, 0);
    b[o + 19] = CH_B;
    writeU32(b, o + 20, this.shares());
    this.stock(b, o + 24, loc);
    writeU32(b, o + 32, price * TICK_PRICE4);
    writeU64(b, o + 36, match);
    return 44;
  }

  /** kind 0: `X` partial cancel; 1: `D` delete; 2: `U` replace. Falls back to an add on an empty book. */
  private cancelEvent(b: Uint8Array, o: number, ts: number, loc: number, kind: number): number {
    const books = this.books;
    const bids = books.count(loc * 2 + BID);
    const total = bids + books.count(loc * 2 + ASK);
    if (total === 0) return this.addEvent(b, o, ts, loc, this.rng.nextU32() & 1, false);
    let k = this.rng.nextInt(total);
    let bs = loc * 2 + BID;
    if (k >= bids) {
      k -= bids;
      bs++;
    }
    const remaining = books.remaining(bs, k);
    if (kind === 0 && remaining > 1) {
      const canceled = 1 + this.rng.nextInt(remaining - 1);
      const ref = books.ref(bs, k);
      books.reduce(bs, k, canceled);
      this.header(b, o, T_X, loc, ts);
      writeU64(b, o + 11, ref);
      writeU32(b, o + 19, canceled);
      return 23;
    }
    if (kind === 2) {
      const price = this.quotePrice(loc, bs & 1);
      if (price >= 0) {
        const original = books.ref(bs, k);
        const shares = this.shares();
        const ref = this.nextRef++;
        books.remove(bs, k);
        books.add(bs, ref, price, shares);
        this.header(b, o, T_U, loc, ts);
        writeU64(b, o + 11, original);
        writeU64(b, o + 19, ref);
        writeU32(b, o + 27, shares);
        writeU32(b, o + 31, price * TICK_PRICE4);
        return 35;
      }
    }
    return this.deleteAt(b, o, ts, loc, bs, k);
  }

  private deleteAt(b: Uint8Array, o: number, ts: number, loc: number, bs: number, i: number): number {
    const ref = this.books.ref(bs, i);
    this.books.remove(bs, i);
    this.header(b, o, T_D, loc, ts);
    writeU64(b, o + 11, ref);
    return 19;
  }

  private halt(b: Uint8Array, o: number, ts: number, loc: number): number {
    this.haltedUntil[loc] = ts + this.haltDurationNs;
    this.haltedCount++;
    this.haltCount++;
    return this.tradingAction(b, o, ts, loc, CH_H, REASON_LUDP);
  }

  private resume(b: Uint8Array, o: number, ts: number, loc: number): number {
    this.haltedUntil[loc] = 0;
    this.haltedCount--;
    this.resumeCount++;
    return this.tradingAction(b, o, ts, loc, CH_T, REASON_NONE);
  }

  // --- message writers ---------------------------------------------------------------------------------------

  private header(b: Uint8Array, o: number, type: number, loc: number, ts: number): void {
    b[o] = type;
    writeU16(b, o + 1, loc);
    writeU16(b, o + 3, this.tracking[loc]);
    writeU48(b, o + 5, ts);
  }

  private stock(b: Uint8Array, p: number, loc: number): void {
    writeU32(b, p, this.symbolHi[loc]);
    writeU32(b, p + 4, this.symbolLo[loc]);
  }

  private systemEvent(b: Uint8Array, o: number, ts: number, code: number): number {
    this.header(b, o, T_S, 0, ts);
    b[o + 11] = code;
    return 12;
  }

  private directory(b: Uint8Array, o: number, ts: number, loc: number): number {
    const category = this.category[loc];
    const nasdaq = category === 0x51 || category === 0x47 || category === 0x53;
    this.header(b, o, T_R, loc, ts);
    this.stock(b, o + 11, loc);
    b[o + 19] = category;
    b[o + 20] = nasdaq ? CH_N : CH_SPACE; // financial status: normal (Nasdaq-listed only)
    writeU32(b, o + 21, 100); // round lot size
    b[o + 25] = CH_N; // round lots only
    b[o + 26] = CH_C; // issue classification: common stock
    b[o + 27] = 0x5a; // issue sub-type 'Z ' (not applicable)
    b[o + 28] = CH_SPACE;
    b[o + 29] = T_P; // authenticity: production
    b[o + 30] = CH_N; // short sale threshold
    b[o + 31] = nasdaq ? CH_N : CH_SPACE; // IPO flag
    b[o + 32] = this.luldTier[loc];
    b[o + 33] = CH_N; // ETP flag
    writeU32(b, o + 34, 0); // ETP leverage factor
    b[o + 38] = CH_N; // inverse indicator
    return 39;
  }

  private tradingAction(b: Uint8Array, o: number, ts: number, loc: number, state: number, reason: number): number {
    this.header(b, o, T_H, loc, ts);
    this.stock(b, o + 11, loc);
    b[o + 19] = state;
    b[o + 20] = CH_SPACE;
    writeU32(b, o + 21, reason);
    return 25;
  }

  private cross(b: Uint8Array, o: number, ts: number, loc: number, crossType: number): number {
    const shares = 100 * (1 + this.rng.nextInt(5000));
    this.header(b, o, T_Q, loc, ts);
    writeU64(b, o + 11, shares);
    this.stock(b, o + 19, loc);
    writeU32(b, o + 27, this.mid[loc] * TICK_PRICE4);
    writeU64(b, o + 31, this.nextMatch++);
    b[o + 39] = crossType;
    return 40;
  }
}
