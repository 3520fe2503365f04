import { Candle } from '@tickwire/protocol';
import type { CandleEntry } from '@tickwire/store';

const MINUTE_NS = 60_000_000_000;
const NS_PER_MS = 1_000_000n;
const MINUTE_NS_BIG = 60_000_000_000n;

/** One one-minute bar as numbers; encoded only when written. */
interface Bar {
  readonly midnightMs: number;
  readonly minute: number;
  readonly open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
  /** Bumped by every print; the bar needs writing while it differs from `writtenVersion`. */
  version: number;
  writtenVersion: number;
}

export interface CandleCounters {
  /** Bars not written because the service may have missed some of their trades. */
  incompleteBars: number;
  /** Closed bars dropped from the write backlog (store down too long). */
  droppedBars: number;
  /** Prints already counted (same or lower match number), e.g. repeated after a normalizer restart. */
  duplicateTrades: number;
  /** Prints older than the bar in progress. */
  lateTrades: number;
}

function encodeBar(bar: Bar): CandleEntry {
  const startNs = BigInt(bar.midnightMs) * NS_PER_MS + BigInt(bar.minute) * MINUTE_NS_BIG;
  const data = Candle.encode({ startTsNs: startNs, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: BigInt(bar.volume), trades: bar.trades }).finish();
  return { startNs, data };
}

/**
 * One symbol's one-minute OHLCV bars, built from the trade prints of its updates.
 *
 * Only complete bars are written: a bar is complete when the service saw every update that could carry
 * one of its prints. After a gap (the first update seen for a symbol is not seq 1 of its epoch, or seq
 * jumps), the bar in progress and the bar of the next print are marked incomplete and never written, so a
 * replica that starts mid-minute does not overwrite a full bar written by another replica (or by its
 * predecessor) with a partial one. Prints repeated across a normalizer restart are skipped by match
 * number (day-unique and increasing, as ITCH assigns them).
 *
 * Closed bars wait in a backlog until a write succeeds (at most `maxBacklog`, the oldest dropped first);
 * the bar in progress is written again whenever it changed.
 */
export class CandleSeries {
  private bar: Bar | undefined;
  private barIncomplete = false;
  private backlog: Bar[] = [];
  private inFlight: Bar[] = [];
  private inFlightCurrent: Bar | undefined;
  private inFlightVersion = 0;
  private gapPending = false;
  private lastMatchNumber = 0;
  private lastMidnightMs = -1;
  /** In the writer's queue of series to flush (so it is queued once). */
  queued = false;

  constructor(
    readonly symbol: string,
    private readonly maxBacklog: number,
    private readonly counters: CandleCounters,
  ) {}

  /** The service may have missed prints (an update it did not see): the bars around the gap are incomplete. */
  markGap(): void {
    if (this.bar) this.barIncomplete = true;
    this.gapPending = true;
  }

  /** Folds one print in; returns true if the series has something to write. */
  addTrade(midnightMs: number, exchangeTsNs: number, price: number, size: number, matchNumber: number): boolean {
    if (midnightMs !== this.lastMidnightMs) {
      // Match numbers restart every day.
      this.lastMidnightMs = midnightMs;
      this.lastMatchNumber = 0;
    } else if (matchNumber !== 0 && matchNumber <= this.lastMatchNumber) {
      this.counters.duplicateTrades += 1;
      return this.hasPending();
    }
    if (matchNumber !== 0) this.lastMatchNumber = matchNumber;
    const minute = Math.floor(exchangeTsNs / MINUTE_NS);
    let bar = this.bar;
    if (bar && (midnightMs < bar.midnightMs || (midnightMs === bar.midnightMs && minute < bar.minute))) {
      this.counters.lateTrades += 1;
      return this.hasPending();
    }
    if (!bar || bar.midnightMs !== midnightMs || bar.minute !== minute) {
      this.closeBar();
      bar = this.bar = { midnightMs, minute, open: price, high: price, low: price, close: price, volume: 0, trades: 0, version: 0, writtenVersion: 0 };
      this.barIncomplete = this.gapPending;
    }
    this.gapPending = false;
    if (price > bar.high) bar.high = price;
    if (price < bar.low) bar.low = price;
    bar.close = price;
    bar.volume += size;
    bar.trades += 1;
    bar.version += 1;
    return this.hasPending();
  }

  hasPending(): boolean {
    const bar = this.bar;
    return this.backlog.length > 0 || (bar !== undefined && !this.barIncomplete && bar.version !== bar.writtenVersion);
  }

  /** What to write now: closed bars, then the bar in progress if it changed. Then `written()` or `failed()`. */
  take(): CandleEntry[] {
    this.inFlight = this.backlog;
    this.backlog = [];
    const out = this.inFlight.map(encodeBar);
    const bar = this.bar;
    this.inFlightCurrent = undefined;
    if (bar && !this.barIncomplete && bar.version !== bar.writtenVersion) {
      this.inFlightCurrent = bar;
      this.inFlightVersion = bar.version;
      out.push(encodeBar(bar));
    }
    return out;
  }

  written(): void {
    this.inFlight = [];
    if (this.inFlightCurrent) this.inFlightCurrent.writtenVersion = this.inFlightVersion;
    this.inFlightCurrent = undefined;
  }

  /** The write failed: the closed bars go back to the backlog; the bar in progress is still unwritten. */
  failed(): void {
    this.backlog = this.inFlight.concat(this.backlog);
    this.inFlight = [];
    this.inFlightCurrent = undefined;
    this.trimBacklog();
  }

  /** The store may have lost what was written (it came back empty): write the bar in progress again. */
  rewriteCurrent(): boolean {
    if (this.bar) this.bar.writtenVersion = -1;
    return this.hasPending();
  }

  private closeBar(): void {
    const bar = this.bar;
    if (!bar) return;
    if (this.barIncomplete) this.counters.incompleteBars += 1;
    // A bar whose last version is in flight goes to the backlog too: written twice is harmless (upsert by minute).
    else if (bar.version !== bar.writtenVersion) {
      this.backlog.push(bar);
      this.trimBacklog();
    }
    this.bar = undefined;
    this.barIncomplete = false;
  }

  private trimBacklog(): void {
    if (this.backlog.length > this.maxBacklog) this.counters.droppedBars += this.backlog.splice(0, this.backlog.length - this.maxBacklog).length;
  }
}
