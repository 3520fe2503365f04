import type { FeedLog } from '@tickwire/feed-net';
import { MAX_GENERATED_MESSAGE_LENGTH, type MarketDayGenerator } from '@tickwire/market-sim';
import type { ExchangeClock } from './exchange-clock';

/** Most messages generated in one event-loop turn, so sockets and timers keep being served. */
export const DEFAULT_MAX_MESSAGES_PER_TURN = 20_000;
/** How often the player looks at the clock when it is not behind. */
const IDLE_TICK_MS = 1;

export interface FeedPlayerOptions {
  readonly generator: MarketDayGenerator;
  readonly log: FeedLog;
  readonly clock: ExchangeClock;
  /** Monotonic real time in nanoseconds. */
  readonly nowNs: () => number;
  readonly maxMessagesPerTurn?: number;
}

/**
 * Plays a generated day into a `FeedLog` at the pace the exchange timestamps set (through an
 * `ExchangeClock`), appending in batches and telling the log's listeners (the feed servers) after each.
 */
export class FeedPlayer {
  private readonly scratch = new Uint8Array(MAX_GENERATED_MESSAGE_LENGTH);
  private readonly maxPerTurn: number;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private stopped = false;
  private resolveDone: (() => void) | undefined;
  /** Settles when the whole day has been appended (or `stop()` was called). */
  readonly done: Promise<void>;

  constructor(private readonly options: FeedPlayerOptions) {
    this.maxPerTurn = options.maxMessagesPerTurn ?? DEFAULT_MAX_MESSAGES_PER_TURN;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  start(): void {
    this.turn();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.resolveDone?.();
  }

  private readonly turn = (): void => {
    this.timer = undefined;
    if (this.stopped) return;
    const { generator, log, clock } = this.options;
    const horizon = clock.horizon(this.options.nowNs(), generator.nextTimestampNs);
    let appended = 0;
    while (appended < this.maxPerTurn && !generator.isDone && generator.nextTimestampNs <= horizon) {
      const length = generator.nextInto(this.scratch, 0);
      if (length === 0) break;
      log.append(this.scratch, 0, length);
      appended++;
    }
    if (appended > 0) log.notifyAppended();
    if (generator.isDone) {
      this.stopped = true;
      this.resolveDone?.();
      return;
    }
    // Behind schedule: continue right after I/O; on time: look again shortly.
    this.timer = appended === this.maxPerTurn ? setImmediate(this.turn) : setTimeout(this.turn, IDLE_TICK_MS);
  };
}
