import { AdmissionPacer } from './admission-pacer';

const OPTIONS = { ratePerSec: 100, burst: 3, maxQueued: 4, maxWaitMs: 1_000 };

function due(pacer: AdmissionPacer<string>, nowMs: number): { admitted: string[]; expired: string[] } {
  const admitted: string[] = [];
  const expired: string[] = [];
  const dropped: string[] = [];
  pacer.takeDue(nowMs, admitted, expired, dropped);
  expect(dropped).toEqual([]);
  return { admitted, expired };
}

describe('AdmissionPacer', () => {
  it('admits a burst at once, then queues in arrival order', () => {
    const pacer = new AdmissionPacer<string>(OPTIONS);
    expect(['a', 'b', 'c', 'd', 'e'].map((c) => pacer.offer(c, 0))).toEqual(['admit', 'admit', 'admit', 'queued', 'queued']);
    expect(pacer.queued).toBe(2);
  });

  it('releases queued items at the rate, oldest first, and says when the next one is due', () => {
    const pacer = new AdmissionPacer<string>(OPTIONS);
    for (const c of ['a', 'b', 'c', 'd', 'e', 'f']) pacer.offer(c, 0);
    // 100/s: one token every 10 ms.
    expect(pacer.nextDueInMs(0)).toBe(10);
    expect(due(pacer, 5)).toEqual({ admitted: [], expired: [] });
    expect(pacer.nextDueInMs(5)).toBe(5);
    expect(due(pacer, 10)).toEqual({ admitted: ['d'], expired: [] });
    expect(due(pacer, 30)).toEqual({ admitted: ['e', 'f'], expired: [] });
    expect(pacer.queued).toBe(0);
    expect(pacer.nextDueInMs(30)).toBeUndefined();
  });

  it('never lets a newcomer pass the queue, even with a token free', () => {
    const pacer = new AdmissionPacer<string>(OPTIONS);
    for (const c of ['a', 'b', 'c', 'd']) pacer.offer(c, 0);
    // A token is back at 10 ms, but 'd' waits: 'e' queues behind it.
    expect(pacer.offer('e', 10)).toBe('queued');
    expect(due(pacer, 10).admitted).toEqual(['d']);
  });

  it('refuses past maxQueued', () => {
    const pacer = new AdmissionPacer<string>(OPTIONS);
    const verdicts = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((c) => pacer.offer(c, 0));
    expect(verdicts).toEqual(['admit', 'admit', 'admit', 'queued', 'queued', 'queued', 'queued', 'full']);
    expect(pacer.queued).toBe(4);
  });

  it('expires items that waited longer than maxWaitMs instead of admitting them late', () => {
    const pacer = new AdmissionPacer<string>({ ...OPTIONS, ratePerSec: 1 });
    for (const c of ['a', 'b', 'c', 'd', 'e']) pacer.offer(c, 0);
    pacer.offer('f', 600);
    // At 1,000 ms one token is back: d (waited 1,000 ms, not more) goes; at 1,001 e has waited too long.
    expect(due(pacer, 1_000)).toEqual({ admitted: ['d'], expired: [] });
    expect(due(pacer, 1_001)).toEqual({ admitted: [], expired: ['e'] });
    expect(due(pacer, 1_601)).toEqual({ admitted: [], expired: ['f'] });
    expect(pacer.queued).toBe(0);
  });

  it('drops items that are gone (the client hung up while waiting) without spending a token on them', () => {
    const gone = new Set(['d', 'e']);
    const pacer = new AdmissionPacer<string>(OPTIONS, (item) => !gone.has(item));
    for (const c of ['a', 'b', 'c', 'd', 'e', 'f']) pacer.offer(c, 0);
    const admitted: string[] = [];
    const expired: string[] = [];
    const dropped: string[] = [];
    pacer.takeDue(10, admitted, expired, dropped);
    // One token at 10 ms: d and e are dropped for free, f gets it.
    expect({ admitted, expired, dropped }).toEqual({ admitted: ['f'], expired: [], dropped: ['d', 'e'] });
  });

  it('reports the next deadline when no token comes before it', () => {
    const pacer = new AdmissionPacer<string>({ ...OPTIONS, ratePerSec: 1 });
    for (const c of ['a', 'b', 'c', 'd']) pacer.offer(c, 0);
    expect(pacer.nextDueInMs(0)).toBe(1_000);
    const fast = new AdmissionPacer<string>({ ...OPTIONS, ratePerSec: 0.5 });
    for (const c of ['a', 'b', 'c', 'd']) fast.offer(c, 0);
    expect(fast.nextDueInMs(0)).toBe(1_001);
  });

  it('hands back every waiting item on takeAll (drain), leaving nothing queued', () => {
    const pacer = new AdmissionPacer<string>(OPTIONS);
    for (const c of ['a', 'b', 'c', 'd', 'e']) pacer.offer(c, 0);
    expect(pacer.takeAll()).toEqual(['d', 'e']);
    expect(pacer.queued).toBe(0);
    expect(pacer.nextDueInMs(0)).toBeUndefined();
  });

  it('refuses invalid options, naming them', () => {
    expect(() => new AdmissionPacer({ ...OPTIONS, ratePerSec: 0 })).toThrow(/ratePerSec/);
    expect(() => new AdmissionPacer({ ...OPTIONS, burst: 0 })).toThrow(/burst/);
    expect(() => new AdmissionPacer({ ...OPTIONS, maxQueued: -1 })).toThrow(/maxQueued/);
    expect(() => new AdmissionPacer({ ...OPTIONS, maxWaitMs: 0 })).toThrow(/maxWaitMs/);
  });
});
