import { EdgeError } from './errors';
import { MessageRateLimiter } from './message-rate-limiter';
import { WaitQueue } from './wait-queue';

export interface AdmissionPacerOptions {
  /** Sustained admissions per second. */
  readonly ratePerSec: number;
  /** Admissions that may go at once after a quiet period. */
  readonly burst: number;
  /** Most waiting at once; more are refused ('full'). 0 = no queue: over the rate is refused at once. */
  readonly maxQueued: number;
  /** Longest an item may wait; older ones expire instead of being admitted late. */
  readonly maxWaitMs: number;
}

export type AdmissionVerdict = 'admit' | 'queued' | 'full';

/**
 * Paces admissions (new WebSocket connections) to a sustained rate so that a reconnect storm is spread over
 * seconds instead of landing on the event loop at once, where it would delay every connected client's
 * updates. A token bucket (the same one that limits a connection's messages) in front of a bounded FIFO with a
 * wait limit: first come, first admitted; nobody passes the queue. Pure: time comes in as `nowMs`, the caller
 * owns the timer (`nextDueInMs`) and what admitting or refusing means.
 */
export class AdmissionPacer<T> {
  private readonly bucket: MessageRateLimiter;
  private readonly ratePerMs: number;
  private readonly maxQueued: number;
  private readonly maxWaitMs: number;
  private readonly waiting = new WaitQueue<T>();

  /** `isLive`: false for an item not worth a turn any more (its client hung up while it waited). */
  constructor(
    options: AdmissionPacerOptions,
    private readonly isLive: (item: T) => boolean = () => true,
  ) {
    if (!(Number.isInteger(options.maxQueued) && options.maxQueued >= 0)) throw new EdgeError('EDGE_ERR_LIMIT_OPTION', `maxQueued must be a whole number >= 0, got ${String(options.maxQueued)}`);
    if (!(Number.isFinite(options.maxWaitMs) && options.maxWaitMs > 0)) throw new EdgeError('EDGE_ERR_LIMIT_OPTION', `maxWaitMs must be a number > 0, got ${String(options.maxWaitMs)}`);
    this.bucket = new MessageRateLimiter({ ratePerSec: options.ratePerSec, burst: options.burst });
    this.ratePerMs = options.ratePerSec / 1000;
    this.maxQueued = options.maxQueued;
    this.maxWaitMs = options.maxWaitMs;
  }

  /** Items waiting. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * 'admit': go now; 'queued': wait for `takeDue`; 'full': refuse (nothing was kept). `sinceMs`: when the item
   * began to wait, if earlier than now (it waited before it could be offered); its wait limit counts from then.
   */
  offer(item: T, nowMs: number, sinceMs = nowMs): AdmissionVerdict {
    if (this.queued === 0 && this.bucket.tryTake(nowMs)) return 'admit';
    if (this.queued >= this.maxQueued) return 'full';
    this.waiting.push(item, sinceMs);
    return 'queued';
  }

  /**
   * Moves the items whose turn has come to `admitted`, those that waited too long to `expired`, and those no
   * longer live to `dropped` (they cost no token), oldest first.
   */
  takeDue(nowMs: number, admitted: T[], expired: T[], dropped: T[]): void {
    const waiting = this.waiting;
    while (waiting.length > 0) {
      if (!this.isLive(waiting.peek()!)) dropped.push(waiting.shift());
      else if (waiting.oldestWaitedLongerThan(this.maxWaitMs, nowMs)) expired.push(waiting.shift());
      else if (this.bucket.tryTake(nowMs)) admitted.push(waiting.shift());
      else break;
    }
  }

  /** How long until `takeDue` has something to do: a token for the oldest item, or its deadline. Undefined when none waits. */
  nextDueInMs(nowMs: number): number | undefined {
    if (this.queued === 0) return undefined;
    const tokenInMs = Math.ceil((1 - this.bucket.available(nowMs)) / this.ratePerMs);
    return Math.max(0, Math.min(tokenInMs, this.waiting.msUntilOldestExceeds(this.maxWaitMs, nowMs)!));
  }

  /** Every waiting item, oldest first; the queue is empty afterwards (to refuse them all when draining). */
  takeAll(): T[] {
    return this.waiting.takeAll();
  }
}
