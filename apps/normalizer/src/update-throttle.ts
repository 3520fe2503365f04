/** Timers, injected so tests control time. */
export interface ThrottleTimers {
  nowMs(): number;
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const NODE_TIMERS: ThrottleTimers = {
  nowMs: () => performance.now(),
  setTimer: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

const CLOSED = -1;

/**
 * At most one update per `intervalMs` per key (a symbol's Stock Locate), conflating in between:
 * - the first change after a quiet spell is sent at once (leading edge) and opens a window;
 * - changes inside the window only mark the key pending;
 * - at the window's end a pending key is sent (trailing edge: the latest state is never lost) and a new
 *   window opens; a key with nothing pending closes its window.
 * Every window lasts the same `intervalMs`, so windows end in the order they opened: one FIFO queue and
 * one timer for all keys, no timer per symbol, no allocation per change.
 */
export class UpdateThrottle {
  private windowEnd = new Float64Array(1024).fill(CLOSED);
  private pending = new Uint8Array(1024);
  /** Keys with an open window, in opening (= closing) order; a ring buffer. */
  private queue = new Int32Array(1024);
  private head = 0;
  private size = 0;
  private timer: unknown;
  private timerAt = Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (key: number) => void,
    private readonly timers: ThrottleTimers = NODE_TIMERS,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${intervalMs}`);
  }

  /** Key `key`'s client-visible state changed. */
  changed(key: number): void {
    if (key >= this.windowEnd.length) this.growKeys(key);
    if (this.windowEnd[key] === CLOSED) {
      this.emit(key);
      this.open(key, this.timers.nowMs());
    } else {
      this.pending[key] = 1;
    }
  }

  /** Sends every pending update now (shutdown, handing over to a standby). Windows restart from now. */
  flush(): void {
    const count = this.size;
    for (let i = 0; i < count; i++) {
      const key = this.queue[(this.head + i) % this.queue.length]!;
      if (this.pending[key] === 1) {
        this.pending[key] = 0;
        this.emit(key);
        this.windowEnd[key] = this.timers.nowMs() + this.intervalMs;
      }
    }
    // Restarted windows now end later than untouched ones: rebuild the queue order.
    const keys = Array.from({ length: count }, (_, i) => this.queue[(this.head + i) % this.queue.length]!).sort((a, b) => this.windowEnd[a]! - this.windowEnd[b]!);
    keys.forEach((key, i) => (this.queue[i] = key));
    this.head = 0;
    this.schedule();
  }

  /** Keys with a window open (for metrics). */
  get openWindows(): number {
    return this.size;
  }

  private open(key: number, now: number): void {
    this.windowEnd[key] = now + this.intervalMs;
    if (this.size === this.queue.length) this.growQueue();
    this.queue[(this.head + this.size) % this.queue.length] = key;
    this.size++;
    this.schedule();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.timers.nowMs();
    // Process every window that has ended; reopened ones go to the back of the queue.
    let remaining = this.size;
    while (remaining-- > 0) {
      const key = this.queue[this.head]!;
      if (this.windowEnd[key]! > now) break;
      this.head = (this.head + 1) % this.queue.length;
      this.size--;
      if (this.pending[key] === 1) {
        this.pending[key] = 0;
        this.emit(key);
        // The window starts when the update went out, not when the timer fired: with many keys due at
        // once, later ones are sent a little later, and their next window must start from that.
        this.open(key, this.timers.nowMs());
      } else {
        this.windowEnd[key] = CLOSED;
      }
    }
    this.schedule();
  };

  private schedule(): void {
    if (this.size === 0) return;
    const at = this.windowEnd[this.queue[this.head]!]!;
    if (at >= this.timerAt) return;
    if (this.timer !== undefined) this.timers.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.timers.setTimer(this.onTimer, Math.max(0, at - this.timers.nowMs()));
  }

  private growKeys(key: number): void {
    const length = Math.max(key + 1, this.windowEnd.length * 2);
    const windowEnd = new Float64Array(length).fill(CLOSED);
    windowEnd.set(this.windowEnd);
    this.windowEnd = windowEnd;
    const pending = new Uint8Array(length);
    pending.set(this.pending);
    this.pending = pending;
  }

  private growQueue(): void {
    const queue = new Int32Array(this.queue.length * 2);
    for (let i = 0; i < this.size; i++) queue[i] = this.queue[(this.head + i) % this.queue.length]!;
    this.queue = queue;
    this.head = 0;
  }
}
