import { BookSet, Change, DepthSnapshot, MARKET_CHANGE, NO_CHANGE, type Instrument } from '@tickwire/book';
import { canReplay, type Bus, type ReplaySubscription, type StreamReplay, type Subscription } from '@tickwire/bus';
import { ItchMessageView, MessageType } from '@tickwire/itch';
import {
  forEachRawMessage,
  Instrument as InstrumentReference,
  instrumentSubject,
  MarketUpdate,
  RawBatch,
  rawSubject,
  republishSubject,
  shardOf,
  tickShardWildcard,
  tickSubject,
  UPDATE_FIELDS_ALL,
} from '@tickwire/protocol';
import type { Logger } from '@tickwire/runtime';
import { instrumentReference } from './instrument-reference';
import { MarketUpdateEncoder } from './market-update-encoder';
import type { NormalizerMetrics } from './normalizer-metrics';
import { NODE_TIMERS, UpdateThrottle, type ThrottleTimers } from './update-throttle';
import { instrumentFingerprint, visibleStateFingerprint } from './visible-state';

export interface NormalizerOptions {
  /** Shards this instance consumes (`md.raw.<shard>`) and publishes (`md.tick.<shard>.*`). */
  readonly shards: readonly number[];
  readonly shardCount: number;
  /** Per symbol: at most this many updates per second, conflated in between. */
  readonly maxUpdatesPerSec: number;
  readonly depthLevels: number;
  /** This instance's epoch: a new one whenever the upstream sequence restarts for consumers. */
  readonly epoch: bigint;
  /**
   * Start as a standby (hot: books built, nothing published) watching the active instance's updates,
   * until `becomeActive()`. Default: active at once (no high availability).
   */
  readonly standby?: boolean;
  readonly nowUnixNs: () => bigint;
  readonly timers?: ThrottleTimers;
  /**
   * JetStream stream holding the day's md.raw (ingest's `RAW_STREAM`): the instance replays its shards
   * from it on start, so a restarted normalizer rebuilds its books; it publishes nothing until caught up.
   */
  readonly rawStream?: string;
  /**
   * While active, the whole instrument directory goes out again this often (0 = never), so a consumer that
   * subscribed late or lost its store (a snapshot service started after the open, a Redis restarted
   * empty) has it within one interval. Default {@link DEFAULT_DIRECTORY_INTERVAL_MS}.
   */
  readonly directoryIntervalMs?: number;
}

export const DEFAULT_DIRECTORY_INTERVAL_MS = 30_000;

const MAX_LOCATES = 65_536;
const TWO_32 = 4_294_967_296;
const U32_MASK = 0xffffffffn;
/** Times a shard's stream replay is asked again for the same missing md.raw batches before they count as lost. */
export const MAX_REWINDS_PER_GAP = 3;
/** A shard's state is published again (md.republish.<shard>) at most this often. */
export const REPUBLISH_MIN_INTERVAL_MS = 5_000;

/** After a takeover: prints up to the previous active's last published match number were already sent. */
function markTradesPublishedThrough(instrument: Instrument, lastMatch: number): void {
  if (lastMatch === 0) return;
  const ring = instrument.trades;
  let n = ring.total;
  while (n > ring.oldest && ring.matchNumber(n - 1) > lastMatch) n--;
  instrument.publishedTrades = n;
}

/**
 * md.raw -> books -> md.tick. Every exchange message is applied once (batches are deduplicated by
 * exchange sequence, so a replay after an ingest restart changes nothing); a symbol whose client-visible
 * state changed is published through the throttle with the next per-symbol `seq`.
 */
export class Normalizer {
  readonly books: BookSet;
  private readonly view = new ItchMessageView();
  private readonly encoder = new MarketUpdateEncoder();
  private readonly depth: DepthSnapshot;
  private readonly throttle: UpdateThrottle;
  private readonly subscriptions: Subscription[] = [];
  /** Per Stock Locate: last published seq, the subject (cached), ingest time of the newest change, stale flag. */
  private readonly seqs = new Float64Array(MAX_LOCATES);
  private readonly subjects: (string | undefined)[] = new Array<string | undefined>(MAX_LOCATES);
  /** Ingest time of the newest change per locate, Unix ns as u32 halves side by side (no BigInt per event, one cache line). */
  private readonly ingestTs = new Uint32Array(MAX_LOCATES * 2);
  private readonly stale = new Uint8Array(MAX_LOCATES);
  /** Fingerprint of the last published visible state: an update identical to it is not sent. */
  private readonly published = new Float64Array(MAX_LOCATES);
  /** While a batch is applied: the last exchange sequence already applied on its shard. */
  private batchAppliedUpTo = 0;
  /** Per shard: last applied exchange sequence and last batch_seq/epoch seen from ingest. */
  private readonly lastSequence = new Map<number, number>();
  private readonly lastBatch = new Map<number, { epoch: bigint; batchSeq: bigint }>();
  /** Each shard's stream replay (with RAW_STREAM), and how often it was rewound for the gap at hand. */
  private readonly replays = new Map<number, ReplaySubscription>();
  private readonly rewinds = new Map<number, number>();
  /** Market-wide messages come on every shard; apply each once. */
  private lastMarketWideSequence = 0;
  private currentIngestHi = 0;
  private currentIngestLo = 0;
  private readonly shardSet: ReadonlySet<number>;
  private active: boolean;
  private epoch: bigint;
  /** While standby: what the active instance published, per symbol, in `observedEpoch`. */
  private observed = new Map<string, { seq: number; firstSeq: number; fingerprint: number; lastMatch: number }>();
  private observedEpoch: bigint | undefined;
  private readonly observers: Subscription[] = [];
  /** True while replaying the stream's backlog: books are rebuilt, nothing is published. */
  private replaying = false;
  private directoryTimer: unknown;
  private isStopped = false;
  /** Per shard: when its state was last published again on request (ms, the throttle's clock). */
  private readonly republishedAt = new Map<number, number>();

  constructor(
    private readonly bus: Pick<Bus, 'publish' | 'subscribe'> & Partial<StreamReplay>,
    private readonly options: NormalizerOptions,
    private readonly metrics: NormalizerMetrics,
    private readonly logger: Logger,
  ) {
    // No minute candles: the snapshot service builds them from the prints each update carries, and kept
    // here they would grow with the minutes of the day (a bar per symbol per minute), not with live orders.
    this.books = new BookSet({ depthLevels: options.depthLevels, candles: false });
    this.depth = new DepthSnapshot(options.depthLevels);
    this.throttle = new UpdateThrottle(1000 / options.maxUpdatesPerSec, this.publish, options.timers);
    this.shardSet = new Set(options.shards);
    this.active = options.standby !== true;
    this.epoch = options.epoch;
    this.encoder.setEpoch(this.epoch);
    this.scheduleDirectory();
  }

  private get timers(): ThrottleTimers {
    return this.options.timers ?? NODE_TIMERS;
  }

  /** The periodic directory announcement: only the active instance, and not while replaying. */
  private scheduleDirectory(): void {
    const interval = this.options.directoryIntervalMs ?? DEFAULT_DIRECTORY_INTERVAL_MS;
    if (interval <= 0) return;
    this.directoryTimer = this.timers.setTimer(() => {
      if (this.active && !this.replaying) this.publishDirectory();
      this.scheduleDirectory();
    }, interval);
    // Never what keeps a process alive (tests and benchmarks that do not call stop()).
    (this.directoryTimer as { unref?: () => void }).unref?.();
  }

  private publishDirectory(): void {
    for (const instrument of this.books.allInstruments()) if (instrument.listed) this.publishInstrument(instrument);
  }

  get isActive(): boolean {
    return this.active;
  }

  get currentEpoch(): bigint {
    return this.epoch;
  }

  /** Resolves once consuming (after the stream backlog was requested, when replaying). */
  async start(): Promise<void> {
    if (!this.active) this.observePeers();
    for (const shard of this.options.shards) this.subscriptions.push(this.bus.subscribe(republishSubject(shard), () => this.republish(shard)));
    const stream = this.options.rawStream;
    if (stream === undefined) {
      for (const shard of this.options.shards) this.subscriptions.push(this.bus.subscribe(rawSubject(shard), (data) => this.onBatch(data)));
      return;
    }
    if (!canReplay(this.bus)) throw new Error('rawStream needs a bus that can replay streams (NATS with JetStream)');
    this.replaying = true;
    let pending = this.options.shards.length;
    const started = Date.now();
    const onCaughtUp = (): void => {
      if (--pending > 0) return;
      this.replaying = false;
      this.logger.info({ event: 'normalizer.caught_up', stream, instruments: this.books.allInstruments().length, ms: Date.now() - started }, 'replayed the day from the stream; publishing');
      // Everything visible is news to clients of this (new) epoch.
      if (this.active) this.publishEverything();
    };
    try {
      for (const shard of this.options.shards) {
        const replay = await this.bus.replay(stream, rawSubject(shard), (data) => this.onBatch(data), onCaughtUp);
        this.replays.set(shard, replay);
        this.subscriptions.push(replay);
      }
    } catch (error) {
      // Back to where start() began, so it can be called again (the stream may not exist yet).
      for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
      this.replays.clear();
      this.replaying = false;
      throw error;
    }
  }

  /**
   * Takes over publishing. The sequence goes on where the previous active left it, in its epoch, when
   * this standby watched it from every symbol's first update (so it knows every seq the clients saw);
   * otherwise a new epoch starts (clients resync) so no client ever sees a seq repeat or go back. Then
   * every symbol whose state differs from what was last published is sent.
   */
  becomeActive(): void {
    if (this.active) return;
    for (const subscription of this.observers.splice(0)) subscription.unsubscribe();
    const continuous = this.observedEpoch !== undefined && [...this.observed.values()].every((o) => o.firstSeq === 1);
    if (continuous) {
      this.epoch = this.observedEpoch!;
      for (const [symbol, seen] of this.observed) {
        const instrument = this.books.instrumentBySymbol(symbol);
        if (!instrument) continue;
        this.seqs[instrument.locate] = seen.seq;
        this.published[instrument.locate] = seen.fingerprint;
        markTradesPublishedThrough(instrument, seen.lastMatch);
      }
    } else {
      const floor = this.observedEpoch === undefined ? 0n : this.observedEpoch + 1n;
      this.epoch = this.options.epoch > floor ? this.options.epoch : floor;
    }
    this.active = true;
    this.encoder.setEpoch(this.epoch);
    if (this.replaying) {
      this.logger.info({ event: 'normalizer.active', epoch: String(this.epoch), replaying: true }, 'active: publishing once the replay has caught up');
      return;
    }
    this.logger.info({ event: 'normalizer.active', epoch: String(this.epoch), continued: continuous, symbolsObserved: this.observed.size }, continuous ? 'active: continuing the previous sequence' : 'active: new epoch');
    this.publishEverything();
  }

  /**
   * On becoming the publisher (after a replay, on a takeover): the reference data of every listed
   * instrument (what the previous publisher sent is unknown; consumers upsert by symbol, so repeats are
   * harmless), then every symbol's state through the throttle.
   */
  private publishEverything(): void {
    this.publishDirectory();
    for (const instrument of this.books.allInstruments()) this.throttle.changed(instrument.locate);
  }

  /**
   * Answers md.republish.<shard> (a snapshot service that lost its store asks): the last published state of
   * every symbol of the shard again, under the same seq, so a consumer that lost it has it back and one that
   * holds it drops it as a repeat. A symbol with changes not yet published is skipped: its next update, with a
   * new seq, is on its way through the throttle. The active instance answers, at most once per
   * REPUBLISH_MIN_INTERVAL_MS per shard, whoever asks.
   */
  private republish(shard: number): void {
    if (!this.active || this.replaying) return;
    const now = this.timers.nowMs();
    const last = this.republishedAt.get(shard);
    if (last !== undefined && now - last < REPUBLISH_MIN_INTERVAL_MS) {
      this.metrics.republishesRefused++;
      return;
    }
    this.republishedAt.set(shard, now);
    const publishNs = this.options.nowUnixNs();
    const publishHi = Number((publishNs >> 32n) & U32_MASK);
    const publishLo = Number(publishNs & U32_MASK);
    let sent = 0;
    for (const instrument of this.books.allInstruments()) {
      const locate = instrument.locate;
      const seq = this.seqs[locate]!;
      if (seq === 0 || (instrument.changes & UPDATE_FIELDS_ALL) !== 0 || shardOf(instrument.symbol, this.options.shardCount) !== shard) continue;
      instrument.fillDepth(this.depth);
      // Every field, no prints (they were sent once, with their own update).
      this.encoder.encode(instrument, this.depth, instrument.trades.total, UPDATE_FIELDS_ALL, seq, 0, 0, publishHi, publishLo, this.stale[locate] === 1);
      // Its subject may not be cached yet: after a takeover the seqs come from what the previous active published.
      this.bus.publish(this.tickSubjectOf(instrument), this.encoder.take());
      sent++;
    }
    this.metrics.republishedUpdates += sent;
    this.logger.info({ event: 'normalizer.republished', shard, symbols: sent }, `published the latest state of ${sent} symbols of shard ${shard} again, as asked`);
  }

  /** `md.tick.<shard>.<symbol>` of `instrument`, built once. */
  private tickSubjectOf(instrument: Instrument): string {
    return (this.subjects[instrument.locate] ??= tickSubject(shardOf(instrument.symbol, this.options.shardCount), instrument.symbol));
  }

  /** Reference data of an instrument listed by a Stock Directory ('R') message, on `md.instrument.<shard>`. */
  private publishInstrument(instrument: Instrument): void {
    const shard = shardOf(instrument.symbol, this.options.shardCount);
    this.bus.publish(instrumentSubject(shard), InstrumentReference.encode(instrumentReference(instrument, shard)).finish());
    this.metrics.instrumentsOut++;
  }

  /** Stops publishing at once (the lease was lost) and watches whoever publishes now. */
  becomeStandby(): void {
    if (!this.active) return;
    this.active = false;
    this.observed = new Map();
    this.observedEpoch = undefined;
    this.observePeers();
    this.logger.warn({ event: 'normalizer.standby' }, 'standby: books kept hot, nothing published');
  }

  private observePeers(): void {
    for (const shard of this.options.shards) {
      this.observers.push(this.bus.subscribe(tickShardWildcard(shard), (data) => this.onPeerUpdate(data)));
    }
  }

  private onPeerUpdate(data: Uint8Array): void {
    let update: MarketUpdate;
    try {
      update = MarketUpdate.decode(data);
    } catch {
      return;
    }
    if (this.observedEpoch === undefined || update.epoch > this.observedEpoch) {
      this.observedEpoch = update.epoch;
      this.observed = new Map();
    } else if (update.epoch < this.observedEpoch) {
      return;
    }
    const seq = Number(update.seq);
    const lastMatch = update.trades.length > 0 ? Number(update.trades[update.trades.length - 1]!.matchNumber) : 0;
    const seen = this.observed.get(update.symbol);
    if (seen) {
      if (seq > seen.seq) {
        seen.seq = seq;
        seen.fingerprint = visibleStateFingerprint(update);
        if (lastMatch > 0) seen.lastMatch = lastMatch;
      }
    } else {
      this.observed.set(update.symbol, { seq, firstSeq: seq, fingerprint: visibleStateFingerprint(update), lastMatch });
    }
  }

  get stopped(): boolean {
    return this.isStopped;
  }

  /** Stops consuming and publishes every pending trailing update. */
  stop(): void {
    this.isStopped = true;
    if (this.directoryTimer !== undefined) this.timers.clearTimer(this.directoryTimer);
    this.directoryTimer = undefined;
    for (const subscription of [...this.subscriptions.splice(0), ...this.observers.splice(0)]) subscription.unsubscribe();
    if (this.active) this.throttle.flush();
  }

  /** One `md.raw` batch. Public for tests and benchmarks that feed batches directly. */
  onBatch(data: Uint8Array): void {
    let batch: RawBatch;
    try {
      batch = RawBatch.decode(data);
    } catch (error) {
      this.metrics.badBatches++;
      this.logger.warn({ event: 'raw.bad_batch', err: error, bytes: data.length }, 'undecodable md.raw batch skipped');
      return;
    }
    const shard = batch.shard;
    if (!this.checkBatchContinuity(shard, batch)) return;
    for (const gap of batch.gaps) this.markShardStale(shard, `unrecoverable upstream gap ${gap.fromSeq}..${gap.toSeq}`);
    this.currentIngestHi = Number((batch.ingestTsNs >> 32n) & U32_MASK);
    this.currentIngestLo = Number(batch.ingestTsNs & U32_MASK);
    this.batchAppliedUpTo = this.lastSequence.get(shard) ?? 0;
    const visited = forEachRawMessage(batch, this.onMessage);
    if (visited < 0) {
      this.metrics.badBatches++;
      this.logger.warn({ event: 'raw.bad_batch', shard, batchSeq: String(batch.batchSeq) }, 'md.raw batch framing and sequences disagree; whole messages applied, the rest skipped');
    }
    const last = batch.firstSequence + batch.sequenceDeltas.reduce((a, b) => a + b, 0);
    if (batch.sequenceDeltas.length > 0) this.lastSequence.set(shard, Math.max(this.lastSequence.get(shard) ?? 0, last));
  }

  private readonly onMessage = (sequence: number, bytes: Uint8Array, offset: number, length: number): void => {
    const view = this.view;
    if (view.wrap(bytes, offset, length) !== 0) {
      this.metrics.badMessages++;
      return;
    }
    const locate = view.stockLocate;
    if (locate === 0) {
      if (sequence <= this.lastMarketWideSequence) return;
      this.lastMarketWideSequence = sequence;
    } else if (sequence <= this.batchAppliedUpTo) {
      this.metrics.duplicateMessages++;
      return;
    }
    this.metrics.eventsIn++;
    const changed = this.books.apply(view);
    if (changed === NO_CHANGE || changed === MARKET_CHANGE) return;
    this.ingestTs[changed * 2] = this.currentIngestHi;
    this.ingestTs[changed * 2 + 1] = this.currentIngestLo;
    this.metrics.changes++;
    // A standby or a replay keeps the change bits; they are published once it is active and caught up.
    if (this.active && !this.replaying) {
      if (view.type === MessageType.StockDirectory) this.publishInstrument(this.books.instrument(changed)!);
      this.throttle.changed(changed);
    }
  };

  private readonly publish = (locate: number): void => {
    const instrument = this.books.instrument(locate);
    if (!instrument || !this.active || this.replaying) return;
    const depth = this.depth;
    instrument.fillDepth(depth);
    const stale = this.stale[locate] === 1;
    const fingerprint = instrumentFingerprint(instrument, depth, stale);
    const ring = instrument.trades;
    const tradesFrom = instrument.publishedTrades > ring.oldest ? instrument.publishedTrades : ring.oldest;
    const changed = instrument.changes & UPDATE_FIELDS_ALL;
    if (tradesFrom === ring.total && fingerprint === this.published[locate]) {
      // Changes inside the window cancelled out (or only directory attributes changed): nothing to send.
      this.books.takeChanges(locate);
      this.metrics.noopUpdatesSkipped++;
      return;
    }
    const subject = this.tickSubjectOf(instrument);
    const seq = this.seqs[locate]! + 1;
    const now = this.options.nowUnixNs();
    const publishHi = Number((now >> 32n) & U32_MASK);
    const publishLo = Number(now & U32_MASK);
    const ingestHi = this.ingestTs[locate * 2]!;
    const ingestLo = this.ingestTs[locate * 2 + 1]!;
    this.encoder.encode(instrument, depth, tradesFrom, changed, seq, ingestHi, ingestLo, publishHi, publishLo, stale);
    this.books.takeChanges(locate);
    this.published[locate] = fingerprint;
    this.seqs[locate] = seq;
    this.bus.publish(subject, this.encoder.take());
    this.metrics.updatesOut++;
    if (ingestHi !== 0 || ingestLo !== 0) this.metrics.observeLatencyNs((publishHi - ingestHi) * TWO_32 + (publishLo - ingestLo));
  };

  /**
   * False when the batch is not to be applied now: it was applied already (delivered again), or batches
   * are missing before it and the stream replay was asked for them again (a consumer served by a replica still catching up skips what that replica
   * lacks; a new consumer a moment later finds them). After `MAX_REWINDS_PER_GAP` tries the batches are
   * lost: the shard's books are marked stale and the batch is applied.
   */
  private checkBatchContinuity(shard: number, batch: RawBatch): boolean {
    const previous = this.lastBatch.get(shard);
    if (previous && previous.epoch === batch.epoch && batch.batchSeq <= previous.batchSeq) {
      // Delivered again: a replay consumer replaced (stalled) or rewound starts before what was applied.
      // Its messages are all applied already; it says nothing about batches missing.
      this.metrics.duplicateBatches++;
      return false;
    }
    if (previous && previous.epoch === batch.epoch && batch.batchSeq !== previous.batchSeq + 1n) {
      const missing = `md.raw batches ${previous.batchSeq + 1n}..${batch.batchSeq - 1n}`;
      const replay = this.replays.get(shard);
      const tries = this.rewinds.get(shard) ?? 0;
      if (replay && tries < MAX_REWINDS_PER_GAP) {
        this.rewinds.set(shard, tries + 1);
        this.metrics.rewinds++;
        this.logger.warn({ event: 'raw.rewind', shard, missing, attempt: tries + 1 }, `${missing} missing on shard ${shard}: asking the stream again`);
        replay.rewind();
        return false;
      }
      this.metrics.lostBatches++;
      this.markShardStale(shard, `${missing} lost`);
    }
    this.rewinds.delete(shard);
    this.lastBatch.set(shard, { epoch: batch.epoch, batchSeq: batch.batchSeq });
    return true;
  }

  /** Flags every instrument of the shard stale and tells clients through an update. */
  private markShardStale(shard: number, reason: string): void {
    if (!this.shardSet.has(shard)) return;
    let marked = 0;
    for (const instrument of this.books.allInstruments()) {
      if (this.stale[instrument.locate] === 1 || shardOf(instrument.symbol, this.options.shardCount) !== shard) continue;
      this.stale[instrument.locate] = 1;
      instrument.changes |= Change.STATUS; // an update carrying stale = true
      if (this.active && !this.replaying) this.throttle.changed(instrument.locate);
      marked++;
    }
    this.metrics.staleBooks += marked;
    this.logger.warn({ event: 'books.stale', shard, reason, instruments: marked }, `shard ${shard} books marked stale: ${reason}`);
  }

  /** Instruments flagged stale (for metrics). */
  get staleCount(): number {
    let count = 0;
    for (const instrument of this.books.allInstruments()) count += this.stale[instrument.locate]!;
    return count;
  }

  /** Whether any shard given to this instance is outside 0..shardCount-1 (config error). */
  static invalidShards(shards: readonly number[], shardCount: number): number[] {
    return shards.filter((shard) => shard < 0 || shard >= shardCount);
  }
}
