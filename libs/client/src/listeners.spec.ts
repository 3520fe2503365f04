import { Listeners } from './listeners';

interface Events {
  tick: (n: number) => void;
  done: () => void;
}

describe('Listeners', () => {
  it('calls listeners in order; the returned function removes one, once; removal during an emit does not skip others', () => {
    const listeners = new Listeners<Events>();
    const seen: string[] = [];
    const offA = listeners.add('tick', (n) => {
      seen.push(`a${n}`);
      offA();
    });
    listeners.add('tick', (n) => seen.push(`b${n}`));
    listeners.emit('tick', 1);
    listeners.emit('tick', 2);
    offA();
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    expect(listeners.has('done')).toBe(false);
  });

  it('a throwing listener does not stop the others; its error is rethrown in a microtask', async () => {
    const listeners = new Listeners<Events>();
    const seen: number[] = [];
    listeners.add('tick', () => {
      throw new Error('listener bug');
    });
    listeners.add('tick', (n) => seen.push(n));
    const queued: (() => void)[] = [];
    const spy = jest.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => queued.push(task));
    try {
      listeners.emit('tick', 7);
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual([7]);
    expect(queued).toHaveLength(1);
    expect(() => queued[0]!()).toThrow('listener bug');
  });
});
