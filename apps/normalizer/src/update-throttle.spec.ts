import { FakeTimers } from '../test/fake-timers';
import { UpdateThrottle } from './update-throttle';

function setup(maxPerSecond: number) {
  const timers = new FakeTimers();
  const emitted: [number, number][] = [];
  const throttle = new UpdateThrottle(1000 / maxPerSecond, (key) => emitted.push([timers.now, key]), timers);
  return { timers, emitted, throttle };
}

describe('UpdateThrottle', () => {
  it('sends the first change at once (leading edge)', () => {
    const { throttle, emitted } = setup(10);
    throttle.changed(7);
    expect(emitted).toEqual([[0, 7]]);
  });

  it('merges changes inside the window into one trailing update at its end', () => {
    const { throttle, emitted, timers } = setup(10);
    throttle.changed(1);
    timers.advance(10);
    throttle.changed(1);
    timers.advance(10);
    throttle.changed(1);
    throttle.changed(1);
    expect(emitted).toEqual([[0, 1]]);
    timers.advance(80);
    expect(emitted).toEqual([
      [0, 1],
      [100, 1],
    ]);
  });

  it('sends nothing at the window end when nothing changed inside it, and reopens on the next change', () => {
    const { throttle, emitted, timers } = setup(10);
    throttle.changed(1);
    timers.advance(250);
    expect(emitted).toEqual([[0, 1]]);
    throttle.changed(1);
    expect(emitted).toEqual([
      [0, 1],
      [250, 1],
    ]);
  });

  it('never sends more than the limit per symbol, however fast changes come, and never loses the last one', () => {
    const { throttle, emitted, timers } = setup(20); // 50 ms windows
    for (let t = 0; t < 1_000; t++) {
      throttle.changed(3);
      timers.advance(1);
    }
    timers.advance(100);
    const times = emitted.map(([at]) => at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(50);
    // 1 s of changes: at most 20 in any second plus the trailing one after the last change.
    expect(emitted.length).toBeLessThanOrEqual(21);
    expect(times[times.length - 1]).toBeGreaterThanOrEqual(999);
  });

  it('keeps symbols independent: a hot symbol does not delay a quiet one', () => {
    const { throttle, emitted, timers } = setup(10);
    throttle.changed(1);
    timers.advance(30);
    throttle.changed(1);
    throttle.changed(2);
    expect(emitted).toEqual([
      [0, 1],
      [30, 2],
    ]);
    timers.advance(70);
    expect(emitted).toEqual([
      [0, 1],
      [30, 2],
      [100, 1],
    ]);
  });

  it('opens the next window when an update actually went out, so slow emits cannot shorten it', () => {
    const timers = new FakeTimers();
    const emitted: [number, number][] = [];
    let emitCostMs = 0;
    const throttle = new UpdateThrottle(50, (key) => {
      emitted.push([timers.now, key]);
      timers.now += emitCostMs; // building and encoding takes time when many updates are due at once
    }, timers);
    throttle.changed(1);
    throttle.changed(2); // both windows end at 50
    throttle.changed(1);
    throttle.changed(2); // both pending
    emitCostMs = 3;
    timers.advance(50); // key 1 goes out at 50, key 2 at 53
    throttle.changed(2);
    timers.advance(200);
    const key2 = emitted.filter(([, key]) => key === 2).map(([at]) => at);
    expect(key2.length).toBe(3);
    for (let i = 1; i < key2.length; i++) expect(key2[i]! - key2[i - 1]!).toBeGreaterThanOrEqual(50);
  });

  it('flush() sends every pending trailing update now (shutdown, failover)', () => {
    const { throttle, emitted, timers } = setup(1);
    throttle.changed(1);
    throttle.changed(1);
    throttle.changed(2);
    throttle.changed(2);
    timers.advance(10);
    throttle.flush();
    expect(emitted.map(([, key]) => key)).toEqual([1, 2, 1, 2]);
    timers.advance(5_000);
    expect(emitted).toHaveLength(4);
  });
});
