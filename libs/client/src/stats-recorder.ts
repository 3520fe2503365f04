/**
 * Counters, rates over the last few seconds and a latency sample ring for `TickwireClient.stats()`. Fixed
 * memory: rates live in one bucket per second over a short window, latency in a ring of the latest samples.
 * Nothing runs on a timer; rates and percentiles are computed when asked.
 */

/** Rates cover this many seconds (the current, partial second included). */
export const RATE_WINDOW_SECONDS = 5;
/** Latency percentiles are over at most this many of the latest updates. */
export const LATENCY_SAMPLES = 1_024;

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

export interface RateSummary {
  messagesPerSec: number;
  updatesPerSec: number;
  bytesPerSec: number;
}

export class StatsRecorder {
  frames = 0;
  messages = 0;
  updates = 0;
  bytes = 0;
  private readonly bucketSecond = new Float64Array(RATE_WINDOW_SECONDS).fill(-1);
  private readonly bucketMessages = new Float64Array(RATE_WINDOW_SECONDS);
  private readonly bucketUpdates = new Float64Array(RATE_WINDOW_SECONDS);
  private readonly bucketBytes = new Float64Array(RATE_WINDOW_SECONDS);
  private readonly latency = new Float64Array(LATENCY_SAMPLES);
  private latencyCount = 0;
  private latencyNext = 0;

  constructor(private readonly startedAtMs: number) {}

  /** One frame of `bytes` holding `messages` server messages, `updates` of them updates. */
  frame(nowMs: number, bytes: number, messages: number, updates: number): void {
    this.frames++;
    this.messages += messages;
    this.updates += updates;
    this.bytes += bytes;
    const second = Math.floor(nowMs / 1_000);
    const i = second % RATE_WINDOW_SECONDS;
    if (this.bucketSecond[i] !== second) {
      this.bucketSecond[i] = second;
      this.bucketMessages[i] = 0;
      this.bucketUpdates[i] = 0;
      this.bucketBytes[i] = 0;
    }
    this.bucketMessages[i]! += messages;
    this.bucketUpdates[i]! += updates;
    this.bucketBytes[i]! += bytes;
  }

  latencySample(ms: number): void {
    this.latency[this.latencyNext] = ms;
    this.latencyNext = (this.latencyNext + 1) % LATENCY_SAMPLES;
    if (this.latencyCount < LATENCY_SAMPLES) this.latencyCount++;
  }

  rates(nowMs: number): RateSummary {
    const second = Math.floor(nowMs / 1_000);
    const oldest = second - RATE_WINDOW_SECONDS + 1;
    let messages = 0;
    let updates = 0;
    let bytes = 0;
    for (let i = 0; i < RATE_WINDOW_SECONDS; i++) {
      const s = this.bucketSecond[i]!;
      if (s < oldest || s > second) continue;
      messages += this.bucketMessages[i]!;
      updates += this.bucketUpdates[i]!;
      bytes += this.bucketBytes[i]!;
    }
    const spanMs = nowMs - Math.max(oldest * 1_000, this.startedAtMs);
    const seconds = Math.max(spanMs, 1) / 1_000;
    return { messagesPerSec: messages / seconds, updatesPerSec: updates / seconds, bytesPerSec: bytes / seconds };
  }

  latencySummary(): LatencySummary | undefined {
    const n = this.latencyCount;
    if (n === 0) return undefined;
    const sorted = this.latency.slice(0, n).sort();
    return { p50: sorted[Math.min(n - 1, Math.floor(n * 0.5))]!, p99: sorted[Math.min(n - 1, Math.floor(n * 0.99))]!, max: sorted[n - 1]!, samples: n };
  }
}
