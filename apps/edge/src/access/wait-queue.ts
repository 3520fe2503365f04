/**
 * A first-in, first-out queue of items with the time each began to wait. The array is consumed from a moving
 * head and compacted once the consumed front is most of it, so taking from the front costs O(1).
 */
export class WaitQueue<T> {
  private items: T[] = [];
  private since: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T, sinceMs: number): void {
    this.items.push(item);
    this.since.push(sinceMs);
  }

  /** The oldest item, if any. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** When the oldest item began to wait; undefined when none waits. */
  private oldestSinceMs(): number | undefined {
    return this.head < this.items.length ? this.since[this.head] : undefined;
  }

  /** True when the oldest item has waited longer than `maxWaitMs` at `nowMs`. */
  oldestWaitedLongerThan(maxWaitMs: number, nowMs: number): boolean {
    const since = this.oldestSinceMs();
    return since !== undefined && nowMs - since > maxWaitMs;
  }

  /** How long until the oldest item has waited longer than `maxWaitMs`; undefined when none waits. */
  msUntilOldestExceeds(maxWaitMs: number, nowMs: number): number | undefined {
    const since = this.oldestSinceMs();
    return since === undefined ? undefined : Math.max(0, since + maxWaitMs + 1 - nowMs);
  }

  /** Removes and returns the oldest item (the queue must not be empty). */
  shift(): T {
    const item = this.items[this.head]!;
    // Not kept alive by the array until the next compaction.
    (this.items as (T | undefined)[])[this.head] = undefined;
    this.head++;
    this.compact();
    return item;
  }

  /** Every waiting item, oldest first; the queue is empty afterwards. */
  takeAll(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.since = [];
    this.head = 0;
    return all;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.since.length = 0;
      this.head = 0;
    } else if (this.head > 1_024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.since = this.since.slice(this.head);
      this.head = 0;
    }
  }
}
