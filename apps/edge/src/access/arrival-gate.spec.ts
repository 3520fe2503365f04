import { ArrivalGate } from './arrival-gate';

function release(gate: ArrivalGate<string>, nowMs: number, busy: number): { passed: string[]; expired: string[] } {
  const passed: string[] = [];
  const expired: string[] = [];
  gate.release(nowMs, busy, passed, expired);
  return { passed, expired };
}

describe('ArrivalGate', () => {
  const OPTIONS = { openBelow: 3, maxWaiting: 4, maxWaitMs: 1_000 };

  it('lets arrivals through while fewer than openBelow are being admitted, and holds the rest in arrival order', () => {
    const gate = new ArrivalGate<string>(OPTIONS);
    expect([gate.offer('a', 0, 0, 0), gate.offer('b', 0, 2, 0), gate.offer('c', 0, 3, 0), gate.offer('d', 0, 1, 0)]).toEqual(['pass', 'pass', 'held', 'held']);
    expect(gate.held).toBe(2);
  });

  it('refuses past maxWaiting, counting those queued for admission', () => {
    const gate = new ArrivalGate<string>(OPTIONS);
    expect(['a', 'b', 'c', 'd', 'e'].map((c) => gate.offer(c, 0, 3, 0))).toEqual(['held', 'held', 'held', 'held', 'full']);
    expect(gate.held).toBe(4);
    const busier = new ArrivalGate<string>(OPTIONS);
    expect(['a', 'b', 'c'].map((c) => busier.offer(c, 0, 3, 2))).toEqual(['held', 'held', 'full']);
  });

  it('never lets a newcomer pass those held, even with room', () => {
    const gate = new ArrivalGate<string>(OPTIONS);
    gate.offer('a', 0, 5, 0);
    expect(gate.offer('b', 0, 0, 0)).toBe('held');
    expect(release(gate, 1, 0)).toEqual({ passed: ['a', 'b'], expired: [] });
  });

  it('releases only as many as there is room for, oldest first', () => {
    const gate = new ArrivalGate<string>(OPTIONS);
    for (const c of ['a', 'b', 'c', 'd']) gate.offer(c, 0, 3, 0);
    expect(release(gate, 1, 3)).toEqual({ passed: [], expired: [] });
    expect(release(gate, 2, 2)).toEqual({ passed: ['a'], expired: [] });
    expect(release(gate, 3, 0)).toEqual({ passed: ['b', 'c', 'd'], expired: [] });
    expect(gate.held).toBe(0);
  });

  it('expires arrivals held longer than maxWaitMs, room or not, and says when the oldest is due', () => {
    const gate = new ArrivalGate<string>(OPTIONS);
    gate.offer('a', 0, 3, 0);
    gate.offer('b', 500, 3, 0);
    expect(gate.nextDeadlineInMs(200)).toBe(801);
    expect(release(gate, 1_001, 3)).toEqual({ passed: [], expired: ['a'] });
    expect(gate.nextDeadlineInMs(1_001)).toBe(500);
    expect(release(gate, 1_200, 0)).toEqual({ passed: ['b'], expired: [] });
    expect(gate.nextDeadlineInMs(1_200)).toBeUndefined();
  });

  it('hands back every held arrival on takeAll (drain)', () => {
    const gate = new ArrivalGate<string>(OPTIONS);
    for (const c of ['a', 'b']) gate.offer(c, 0, 3, 0);
    expect(gate.takeAll()).toEqual(['a', 'b']);
    expect(gate.held).toBe(0);
  });

  it('refuses invalid options, naming them', () => {
    expect(() => new ArrivalGate({ ...OPTIONS, openBelow: 0 })).toThrow(/openBelow/);
    expect(() => new ArrivalGate({ ...OPTIONS, maxWaiting: -1 })).toThrow(/maxWaiting/);
    expect(() => new ArrivalGate({ ...OPTIONS, maxWaitMs: 0 })).toThrow(/maxWaitMs/);
  });
});
