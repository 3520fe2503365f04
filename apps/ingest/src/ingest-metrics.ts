import { Counter, Histogram, type Registry } from 'prom-client';
import { counterFrom, gaugeFrom, METRIC_PREFIX } from '@tickwire/runtime';
import type { FeedCounters } from '@tickwire/feed-net';
import type { BatchObserver } from './raw-batcher';

const TYPE_NAMES: string[] = Array.from({ length: 256 }, (_, code) => String.fromCharCode(code));

/**
 * Ingest's metrics. The per-message counts live in plain typed arrays (an increment is one store) and
 * are copied into prom-client only when Prometheus scrapes; per-batch figures go straight to histograms.
 */
export class IngestMetrics implements BatchObserver {
  readonly messagesByType = new Float64Array(256);
  bytes = 0;
  readonly inputErrors = new Map<string, number>();
  private readonly batchMessages: Histogram;
  private readonly batchAge: Histogram;

  constructor(registry: Registry, feed: () => FeedCounters, unroutable: () => number) {
    // prom-client calls `collect` with the metric as `this`; these arrows read our counters.
    const typeCount = (code: number): number => this.messagesByType[code]!;
    const totalBytes = (): number => this.bytes;
    const inputErrors = (): ReadonlyMap<string, number> => this.inputErrors;
    const prefix = `${METRIC_PREFIX}ingest_`;
    new Counter({
      name: `${prefix}messages_total`,
      help: 'ITCH messages received and published, by message type',
      labelNames: ['type'],
      registers: [registry],
      collect() {
        this.reset();
        for (let code = 0; code < 256; code++) if (typeCount(code) > 0) this.inc({ type: TYPE_NAMES[code]! }, typeCount(code));
      },
    });
    counterFrom(registry, `${prefix}bytes_total`, 'ITCH message bytes received (without framing)', totalBytes);
    new Counter({
      name: `${prefix}input_errors_total`,
      help: 'Bad input skipped (framing, protocol, malformed messages), by stable error code',
      labelNames: ['code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [code, count] of inputErrors()) this.inc({ code }, count);
      },
    });
    const feedCounter = (name: string, help: string, pick: (c: FeedCounters) => number): void => void counterFrom(registry, `${prefix}${name}`, help, () => pick(feed()));
    feedCounter('gaps_detected_total', 'Sequence gaps detected on the feed', (c) => c.gapsDetected);
    feedCounter('messages_recovered_total', 'Messages recovered by retransmission', (c) => c.messagesRecovered);
    feedCounter('gaps_unrecoverable_total', 'Gaps that could not be recovered (marked downstream)', (c) => c.unrecoverableGaps);
    feedCounter('retransmit_requests_total', 'Retransmission requests sent', (c) => c.retransmitRequests);
    feedCounter('duplicates_total', 'Duplicate messages dropped (arbitration, retransmission overlap)', (c) => c.duplicates);
    feedCounter('reconnects_total', 'Feed reconnections', (c) => c.reconnects);
    gaugeFrom(registry, `${prefix}unroutable_messages`, 'Stock messages whose Stock Locate had no directory entry (sent to every shard)', unroutable);
    this.batchMessages = new Histogram({
      name: `${prefix}batch_messages`,
      help: 'Messages per published md.raw batch',
      buckets: [1, 4, 16, 64, 256, 1024, 4096],
      registers: [registry],
    });
    this.batchAge = new Histogram({
      name: `${prefix}batch_latency_seconds`,
      help: 'From receiving the first message of a batch to publishing the batch',
      buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05],
      registers: [registry],
    });
  }

  onBatchPublished(_shard: number, messages: number, _payloadBytes: number, ageNs: bigint): void {
    this.batchMessages.observe(messages);
    this.batchAge.observe(Number(ageNs) / 1e9);
  }

  countInputError(code: string): void {
    this.inputErrors.set(code, (this.inputErrors.get(code) ?? 0) + 1);
  }
}
