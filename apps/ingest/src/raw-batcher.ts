import type { Bus } from '@tickwire/bus';
import { RawBatch, rawSubject, type SequenceGap } from '@tickwire/protocol';
import { ALL_SHARDS } from './shard-router';

/** Flush a shard's batch at this many messages... */
export const DEFAULT_BATCH_MAX_MESSAGES = 1024;
/** ...or at this many bytes of framed ITCH, whichever comes first (and at the end of every event-loop turn). */
export const DEFAULT_BATCH_MAX_BYTES = 64 * 1024;

export interface BatchObserver {
  /** Called per published batch (not per message), for metrics. */
  onBatchPublished(shard: number, messages: number, payloadBytes: number, ageNs: bigint): void;
}

export interface RawBatcherOptions {
  readonly shardCount: number;
  readonly session: string;
  /** Changes whenever this ingest restarts its upstream sequence (a new process or a new session). */
  readonly epoch: bigint;
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly nowNs: () => bigint;
  /** Runs `flush` once the current event-loop turn is done (`setImmediate` in the app). */
  readonly scheduleFlush: (flush: () => void) => void;
  readonly observer?: BatchObserver;
}

const LENGTH_PREFIX = 2;

/** One shard's pending batch; its buffers are reused from batch to batch. */
class ShardBatch {
  payload: Uint8Array;
  length = 0;
  /** Delta-encoded exchange sequences (see `RawBatch.sequence_deltas`). */
  readonly sequenceDeltas: number[] = [];
  firstSequence = 0;
  lastSequence = 0;
  readonly gaps: SequenceGap[] = [];
  firstReceivedNs = 0n;
  batchSeq = 0n;

  constructor(initialBytes: number) {
    this.payload = new Uint8Array(initialBytes);
  }

  get isEmpty(): boolean {
    return this.sequenceDeltas.length === 0 && this.gaps.length === 0;
  }

  append(sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    const needed = this.length + LENGTH_PREFIX + length;
    if (needed > this.payload.length) {
      const grown = new Uint8Array(Math.max(needed, this.payload.length * 2));
      grown.set(this.payload.subarray(0, this.length));
      this.payload = grown;
    }
    const at = this.length;
    this.payload[at] = length >>> 8;
    this.payload[at + 1] = length & 0xff;
    this.payload.set(bytes.subarray(offset, offset + length), at + LENGTH_PREFIX);
    this.length = needed;
    if (this.sequenceDeltas.length === 0) this.firstSequence = sequence;
    this.sequenceDeltas.push(this.sequenceDeltas.length === 0 ? 0 : sequence - this.lastSequence);
    this.lastSequence = sequence;
  }

  reset(): void {
    this.length = 0;
    this.sequenceDeltas.length = 0;
    this.gaps.length = 0;
    this.firstReceivedNs = 0n;
  }
}

/**
 * Groups decoded-and-routed ITCH messages into one `RawBatch` per shard and publishes it on
 * `md.raw.<shard>`. Batches close by count, by size, and at the end of every event-loop turn, so a
 * message waits at most for the rest of the input chunk it arrived in (microseconds), never for a timer.
 * The exchange's own bytes travel as they are: nothing is re-encoded per field.
 */
export class RawBatcher {
  private readonly batches: ShardBatch[];
  private flushScheduled = false;
  private readonly flushAll = (): void => {
    this.flushScheduled = false;
    for (let shard = 0; shard < this.batches.length; shard++) this.publish(shard);
  };

  constructor(
    private readonly bus: Pick<Bus, 'publish'>,
    private readonly options: RawBatcherOptions,
  ) {
    this.batches = Array.from({ length: options.shardCount }, () => new ShardBatch(Math.min(options.maxBytes + 256, 1 << 20)));
  }

  /** Adds one message to its shard's batch (`ALL_SHARDS`: to every shard's). */
  append(shard: number, sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    if (shard === ALL_SHARDS) {
      for (let s = 0; s < this.batches.length; s++) this.appendTo(s, sequence, bytes, offset, length);
    } else {
      this.appendTo(shard, sequence, bytes, offset, length);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.options.scheduleFlush(this.flushAll);
    }
  }

  /**
   * Marks an unrecoverable gap on every shard (nobody knows which symbols the lost messages touched):
   * pending messages go out first, then a batch carrying the gap, so consumers see it in order.
   */
  markGap(fromSequence: number, toSequence: number): void {
    for (let shard = 0; shard < this.batches.length; shard++) {
      this.publish(shard);
      const batch = this.batches[shard]!;
      batch.gaps.push({ fromSeq: fromSequence, toSeq: toSequence });
      this.publish(shard);
    }
  }

  /** Publishes everything pending now (end of input, shutdown). */
  flush(): void {
    this.flushAll();
  }

  private appendTo(shard: number, sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    const batch = this.batches[shard]!;
    if (batch.sequenceDeltas.length === 0) batch.firstReceivedNs = this.options.nowNs();
    batch.append(sequence, bytes, offset, length);
    if (batch.sequenceDeltas.length >= this.options.maxMessages || batch.length >= this.options.maxBytes) this.publish(shard);
  }

  private publish(shard: number): void {
    const batch = this.batches[shard]!;
    if (batch.isEmpty) return;
    batch.batchSeq += 1n;
    const now = this.options.nowNs();
    const receivedNs = batch.firstReceivedNs === 0n ? now : batch.firstReceivedNs;
    const encoded = RawBatch.encode({
      shard,
      session: this.options.session,
      epoch: this.options.epoch,
      batchSeq: batch.batchSeq,
      ingestTsNs: receivedNs,
      messages: batch.payload.subarray(0, batch.length),
      firstSequence: batch.firstSequence,
      sequenceDeltas: batch.sequenceDeltas,
      gaps: batch.gaps,
    }).finish();
    this.bus.publish(rawSubject(shard), encoded);
    this.options.observer?.onBatchPublished(shard, batch.sequenceDeltas.length, batch.length, now - receivedNs);
    batch.reset();
  }
}
