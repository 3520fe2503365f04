/** What the scheduler drives; `ClientSession` implements it. */
export interface ScheduledSession {
  /** Set by the scheduler while the session is in the dirty list. */
  dirty: boolean;
  /** Realtime: writes what is pending as one frame. */
  flush(nowMs: number): void;
  /** Batched tier or behind: writes the latest state of every pending symbol as one frame, if the socket can take it. */
  flushConflated(nowMs: number): void;
  /** Heartbeats, idle / auth / token deadlines. */
  tick(nowMs: number): void;
}

export interface OutboundSchedulerOptions {
  /** How often sessions that are behind are checked for having caught up (or for being too slow). */
  readonly behindCheckMs: number;
  /** How often every session's heartbeat and deadlines are checked. */
  readonly tickMs: number;
  readonly now?: () => number;
}

export const DEFAULT_BEHIND_CHECK_MS = 50;
export const DEFAULT_TICK_MS = 1_000;

/**
 * The edge's clocks, one set for the whole process rather than timers per connection: realtime sessions
 * flush once per event-loop turn (every update delivered in that turn goes out in one frame), batched
 * tiers flush on a shared interval per tier, sessions that are behind are rechecked every `behindCheckMs`,
 * and one sweep per `tickMs` sends heartbeats and enforces deadlines.
 */
export class OutboundScheduler {
  private dirty: ScheduledSession[] = [];
  private spare: ScheduledSession[] = [];
  private flushScheduled = false;
  private readonly sessions = new Set<ScheduledSession>();
  private readonly behind = new Set<ScheduledSession>();
  private readonly batched = new Map<number, { readonly sessions: Set<ScheduledSession>; readonly timer: NodeJS.Timeout }>();
  private readonly behindTimer: NodeJS.Timeout;
  private readonly tickTimer: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly flushAll = (): void => this.runFlush();

  constructor(options: OutboundSchedulerOptions) {
    this.now = options.now ?? Date.now;
    this.behindTimer = setInterval(() => {
      const now = this.now();
      for (const session of this.behind) session.flushConflated(now);
    }, options.behindCheckMs);
    this.tickTimer = setInterval(() => {
      const now = this.now();
      for (const session of this.sessions) session.tick(now);
    }, options.tickMs);
    this.behindTimer.unref();
    this.tickTimer.unref();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Every open session (drain walks it). */
  all(): IterableIterator<ScheduledSession> {
    return this.sessions.values();
  }

  /** From connect on: the tick sweep enforces the auth deadline before authentication too. */
  add(session: ScheduledSession): void {
    this.sessions.add(session);
  }

  /** A batched tier's session flushes on its interval's shared timer. */
  setBatchInterval(session: ScheduledSession, batchIntervalMs: number): void {
    if (batchIntervalMs > 0) this.batchGroup(batchIntervalMs).add(session);
  }

  remove(session: ScheduledSession): void {
    this.sessions.delete(session);
    this.behind.delete(session);
    for (const [interval, group] of this.batched) {
      if (group.sessions.delete(session) && group.sessions.size === 0) {
        clearInterval(group.timer);
        this.batched.delete(interval);
      }
    }
  }

  markDirty(session: ScheduledSession): void {
    if (session.dirty) return;
    session.dirty = true;
    this.dirty.push(session);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushAll);
    }
  }

  setBehind(session: ScheduledSession, behind: boolean): void {
    if (behind) this.behind.add(session);
    else this.behind.delete(session);
  }

  get behindCount(): number {
    return this.behind.size;
  }

  close(): void {
    clearInterval(this.behindTimer);
    clearInterval(this.tickTimer);
    for (const group of this.batched.values()) clearInterval(group.timer);
    this.batched.clear();
  }

  private batchGroup(intervalMs: number): Set<ScheduledSession> {
    let group = this.batched.get(intervalMs);
    if (group === undefined) {
      const sessions = new Set<ScheduledSession>();
      const timer = setInterval(() => {
        const now = this.now();
        for (const session of sessions) session.flushConflated(now);
      }, intervalMs);
      timer.unref();
      group = { sessions, timer };
      this.batched.set(intervalMs, group);
    }
    return group.sessions;
  }

  private runFlush(): void {
    this.flushScheduled = false;
    // Swap lists so sessions marked dirty during the flush go to the next turn.
    const list = this.dirty;
    this.dirty = this.spare;
    const now = this.now();
    for (let i = 0; i < list.length; i++) {
      const session = list[i]!;
      session.dirty = false;
      session.flush(now);
    }
    list.length = 0;
    this.spare = list;
  }
}
