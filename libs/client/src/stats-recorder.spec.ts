import { LATENCY_SAMPLES, RATE_WINDOW_SECONDS, StatsRecorder } from './stats-recorder';

describe('StatsRecorder', () => {
  it('counts everything and rates over the last few seconds only', () => {
    const stats = new StatsRecorder(0);
    for (let s = 0; s < 10; s++) stats.frame(s * 1_000 + 500, 100, 2, 1);
    expect({ frames: stats.frames, messages: stats.messages, updates: stats.updates, bytes: stats.bytes }).toEqual({ frames: 10, messages: 20, updates: 10, bytes: 1_000 });
    // At 9.9 s: the window is seconds 5..9 (4.9 s of it elapsed), holding 5 frames.
    const rates = stats.rates(9_900);
    expect(rates.messagesPerSec).toBeCloseTo(10 / 4.9);
    expect(rates.updatesPerSec).toBeCloseTo(5 / 4.9);
    expect(rates.bytesPerSec).toBeCloseTo(500 / 4.9);
    // Long silence: nothing in the window.
    expect(stats.rates(60_000)).toEqual({ messagesPerSec: 0, updatesPerSec: 0, bytesPerSec: 0 });
    expect(RATE_WINDOW_SECONDS).toBe(5);
  });

  it('a young recorder divides by its age, not the whole window', () => {
    const stats = new StatsRecorder(10_000);
    stats.frame(10_100, 10, 4, 4);
    expect(stats.rates(10_500).messagesPerSec).toBeCloseTo(8);
  });

  it('latency percentiles over a fixed ring of the latest samples', () => {
    const stats = new StatsRecorder(0);
    expect(stats.latencySummary()).toBeUndefined();
    for (let i = 1; i <= 100; i++) stats.latencySample(i);
    expect(stats.latencySummary()).toEqual({ p50: 51, p99: 100, max: 100, samples: 100 });
    for (let i = 0; i < LATENCY_SAMPLES; i++) stats.latencySample(5);
    expect(stats.latencySummary()).toEqual({ p50: 5, p99: 5, max: 5, samples: LATENCY_SAMPLES });
  });
});
