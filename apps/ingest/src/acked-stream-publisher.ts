import { randomUUID } from 'node:crypto';
import type { Bus, StreamPublish } from '@tickwire/bus';
import type { Logger } from '@tickwire/runtime';

/** How long one batch waits for the stream's acknowledgement before it is sent again. */
export const STREAM_ACK_TIMEOUT_MS = 1_000;
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 1_000;

interface Pending {
  readonly data: Uint8Array;
  /** The stream's de-duplication id: a batch sent again after a lost acknowledgement is stored once. */
  readonly id: string;
}

/** One subject's batches in publish order; `head` is the one in flight. */
interface SubjectQueue {
  readonly subject: string;
  /** Sent ones are cleared (undefined) until the array is compacted. */
  readonly items: (Pending | undefined)[];
  head: number;
  pumping: boolean;
}

/**
 * md.raw into RAW_STREAM with the stream's acknowledgement. A plain publish is dropped while the stream
 * has no leader (the NATS server leading it died or hangs and another is being elected), and the
 * normalizers, which consume the stream, would mark the shard stale for the rest of the day. Here each
 * batch is kept until the stream has stored it and sent again until then (same de-duplication id, so
 * nothing is stored twice). One batch per subject (shard) is in flight and the rest wait behind it, so
 * every shard's batches are stored in publish order; shards do not wait for each other.
 */
export class AckedStreamPublisher implements Pick<Bus, 'publish'> {
  private readonly queues = new Map<string, SubjectQueue>();
  private readonly idPrefix = randomUUID();
  private nextId = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly stream: StreamPublish,
    private readonly logger: Logger,
    private readonly ackTimeoutMs = STREAM_ACK_TIMEOUT_MS,
  ) {}

  /** Batches not yet acknowledged by the stream, over every subject. */
  get backlog(): number {
    let total = 0;
    for (const queue of this.queues.values()) total += queue.items.length - queue.head;
    return total;
  }

  publish(subject: string, data: Uint8Array): void {
    let queue = this.queues.get(subject);
    if (queue === undefined) this.queues.set(subject, (queue = { subject, items: [], head: 0, pumping: false }));
    queue.items.push({ data, id: `${this.idPrefix}-${this.nextId++}` });
    if (!queue.pumping) void this.pump(queue);
  }

  /** Resolves once every batch is stored (true) or after `limitMs` (false); then stops sending. */
  async close(limitMs: number): Promise<boolean> {
    const idle = this.backlog === 0 || (await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), limitMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    }));
    this.closed = true;
    if (!idle) this.logger.warn({ event: 'raw_stream.unacknowledged', batches: this.backlog }, 'stopping with md.raw batches the stream has not acknowledged');
    return idle;
  }

  private async pump(queue: SubjectQueue): Promise<void> {
    queue.pumping = true;
    let failures = 0;
    while (queue.head < queue.items.length && !this.closed) {
      const pending = queue.items[queue.head]!;
      try {
        await this.stream.publishToStream(queue.subject, pending.data, pending.id, this.ackTimeoutMs);
      } catch (error) {
        if (this.closed) break;
        if (failures++ === 0) this.logger.warn({ event: 'raw_stream.publish_failed', subject: queue.subject, err: error, backlog: queue.items.length - queue.head }, `md.raw not acknowledged by the stream; sending it again until it is`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(failures, 10))));
        continue;
      }
      if (failures > 0) {
        this.logger.info({ event: 'raw_stream.publish_recovered', subject: queue.subject, attempts: failures + 1, backlog: queue.items.length - queue.head }, 'md.raw acknowledged by the stream again');
        failures = 0;
      }
      queue.items[queue.head++] = undefined;
      // Drop what was sent once it is most of the array (amortised O(1) per batch).
      if (queue.head >= 1024 && queue.head * 2 >= queue.items.length) {
        queue.items.splice(0, queue.head);
        queue.head = 0;
      }
    }
    queue.pumping = false;
    if (this.backlog === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
