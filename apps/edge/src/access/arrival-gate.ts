import { EdgeError } from './errors';
import { WaitQueue } from './wait-queue';

export interface ArrivalGateOptions {
  /** New connections pass while fewer than this many are being admitted (read and waiting for their turn, or just let through). */
  readonly openBelow: number;
  /** Most waiting at once, held here or queued for admission after their request was read; more are refused ('full'). */
  readonly maxWaiting: number;
  /** Longest an arrival may be held; older ones expire. */
  readonly maxWaitMs: number;
}

export type ArrivalVerdict = 'pass' | 'held' | 'full';

/**
 * Holds newly accepted connections unread while a storm is being admitted. Admission pacing (`AdmissionPacer`)
 * spreads the expensive part of a connection (upgrade, token, subscriptions) over time, but every connection
 * must first have its HTTP request parsed to be paced at all: 3,000 reconnecting at once were 3,000 parses in
 * one event-loop turn, ahead of every connected client's updates. With the gate, a connection arriving while
 * `openBelow` others are already on their way to admission waits as an unread socket (the kernel keeps its
 * bytes) and is let through, oldest first, as admissions make room. Pure: time and the number being admitted
 * come in from the caller, who owns the sockets.
 */
export class ArrivalGate<T> {
  private readonly arrivals = new WaitQueue<T>();
  private readonly openBelow: number;
  private readonly maxWaiting: number;
  private readonly maxWaitMs: number;

  constructor(options: ArrivalGateOptions) {
    if (!(Number.isInteger(options.openBelow) && options.openBelow >= 1)) throw new EdgeError('EDGE_ERR_LIMIT_OPTION', `openBelow must be a whole number >= 1, got ${String(options.openBelow)}`);
    if (!(Number.isInteger(options.maxWaiting) && options.maxWaiting >= 0)) throw new EdgeError('EDGE_ERR_LIMIT_OPTION', `maxWaiting must be a whole number >= 0, got ${String(options.maxWaiting)}`);
    if (!(Number.isFinite(options.maxWaitMs) && options.maxWaitMs > 0)) throw new EdgeError('EDGE_ERR_LIMIT_OPTION', `maxWaitMs must be a number > 0, got ${String(options.maxWaitMs)}`);
    this.openBelow = options.openBelow;
    this.maxWaiting = options.maxWaiting;
    this.maxWaitMs = options.maxWaitMs;
  }

  /** Arrivals held. */
  get held(): number {
    return this.arrivals.length;
  }

  /**
   * `busy`: connections being admitted now; `queued`: those of them read and waiting for their turn.
   * 'pass': read it now; 'held': wait for `release`; 'full': refuse it (nothing was kept).
   */
  offer(item: T, nowMs: number, busy: number, queued: number): ArrivalVerdict {
    if (this.arrivals.length === 0 && busy < this.openBelow) return 'pass';
    if (this.arrivals.length + queued >= this.maxWaiting) return 'full';
    this.arrivals.push(item, nowMs);
    return 'held';
  }

  /** Moves held arrivals that waited too long to `expired`, then as many as there is room for (`openBelow - busy`) to `passed`, oldest first. */
  release(nowMs: number, busy: number, passed: T[], expired: T[]): void {
    const arrivals = this.arrivals;
    let room = this.openBelow - busy;
    while (arrivals.length > 0) {
      if (arrivals.oldestWaitedLongerThan(this.maxWaitMs, nowMs)) expired.push(arrivals.shift());
      else if (room > 0) {
        passed.push(arrivals.shift());
        room--;
      } else break;
    }
  }

  /** How long until the oldest held arrival expires; undefined when none is held. */
  nextDeadlineInMs(nowMs: number): number | undefined {
    return this.arrivals.msUntilOldestExceeds(this.maxWaitMs, nowMs);
  }

  /** Every held arrival, oldest first; none is held afterwards (to refuse them all when draining). */
  takeAll(): T[] {
    return this.arrivals.takeAll();
  }
}
