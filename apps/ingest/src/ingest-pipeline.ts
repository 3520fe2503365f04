import { checkErrorCode, checkMessage } from '@tickwire/itch';
import type { FeedHandler, FeedStatus } from '@tickwire/feed-net';
import type { Logger } from '@tickwire/runtime';
import type { IngestMetrics } from './ingest-metrics';
import type { RawBatcher } from './raw-batcher';
import type { ShardRouter } from './shard-router';

/** At most this many bad-input log lines per second; the rest are only counted (a garbage flood must not flood logs). */
export const MAX_INPUT_ERROR_LOGS_PER_SECOND = 20;

/**
 * The ingest hot path: every message from the feed is checked (known type, exact length), counted,
 * routed to its shard and batched. Bad input is counted and logged with its sequence number or offset,
 * then skipped: nothing half-decoded goes downstream and nothing stops the process.
 */
export class IngestPipeline implements FeedHandler {
  private logWindowStart = 0;
  private logsInWindow = 0;
  private suppressedLogs = 0;

  constructor(
    private readonly router: ShardRouter,
    private readonly batcher: RawBatcher,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly onFeedStatus: (status: FeedStatus, detail: string) => void = () => undefined,
  ) {}

  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    const problem = checkMessage(bytes, offset, length);
    if (problem !== 0) {
      const code = checkErrorCode(problem) ?? 'ITCH_ERR_UNKNOWN_TYPE';
      this.badInput(code, `sequence ${sequence}`, `type 0x${(bytes[offset] ?? 0).toString(16)}, length ${length}`);
      return;
    }
    this.metrics.messagesByType[bytes[offset]!]!++;
    this.metrics.bytes += length;
    this.batcher.append(this.router.route(bytes, offset, length), sequence, bytes, offset, length);
  }

  onGap(fromSequence: number, toSequence: number): void {
    this.logger.warn({ event: 'feed.gap_unrecoverable', fromSequence, toSequence }, `messages ${fromSequence}..${toSequence} are lost; marked on every shard`);
    this.batcher.markGap(fromSequence, toSequence);
  }

  onEndOfSession(): void {
    this.batcher.flush();
    this.logger.info({ event: 'feed.end_of_session' }, 'the exchange ended the session');
  }

  onError(code: string, where: string, detail: string): void {
    this.badInput(code, where, detail);
  }

  onStatus(status: FeedStatus, detail: string): void {
    this.logger.info({ event: `feed.${status}`, detail }, `feed ${status}`);
    this.onFeedStatus(status, detail);
  }

  private badInput(code: string, where: string, detail: string): void {
    this.metrics.countInputError(code);
    const now = Date.now();
    if (now - this.logWindowStart >= 1000) {
      if (this.suppressedLogs > 0) this.logger.warn({ event: 'feed.bad_input_suppressed', count: this.suppressedLogs }, `${this.suppressedLogs} more bad-input events in the last second (counted, not logged)`);
      this.logWindowStart = now;
      this.logsInWindow = 0;
      this.suppressedLogs = 0;
    }
    if (this.logsInWindow < MAX_INPUT_ERROR_LOGS_PER_SECOND) {
      this.logsInWindow++;
      this.logger.warn({ event: 'feed.bad_input', code, where, detail }, `skipped bad input: ${code} at ${where}`);
    } else {
      this.suppressedLogs++;
    }
  }
}
