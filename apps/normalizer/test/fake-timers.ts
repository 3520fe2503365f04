import type { ThrottleTimers } from '../src/update-throttle';

/** A fake clock: timers fire only when the test advances time. */
export class FakeTimers implements ThrottleTimers {
  now = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  nowMs(): number {
    return this.now;
  }
  setTimer(fn: () => void, delayMs: number): number {
    const id = this.nextId++;
    this.timers.push({ at: this.now + delayMs, fn, id });
    return id;
  }
  clearTimer(id: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = end;
  }
}

