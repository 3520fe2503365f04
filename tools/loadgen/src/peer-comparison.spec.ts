import { comparePeers, medianOf, roundRatio } from './peer-comparison';

describe('comparePeers', () => {
  it('takes the median of each figure and of the per-run ratios reference / peer', () => {
    const runs = [
      { edge: { rate: 100, mem: 4 }, nats: { rate: 50, mem: 8 } },
      { edge: { rate: 60, mem: 4 }, nats: { rate: 40, mem: 10 } },
      { edge: { rate: 90, mem: 5 }, nats: { rate: 30, mem: 10 } },
    ];
    const result = comparePeers(runs, 'edge', ['rate', 'mem']);
    expect(result.peers).toEqual({ edge: { rate: 90, mem: 4 }, nats: { rate: 40, mem: 10 } });
    // Per run: 2, 1.5, 3 -> 2 (not 90 / 40 = 2.25: each ratio comes from one moment of the machine).
    expect(result.ratios).toEqual({ nats: { rate: 2, mem: 0.5 } });
    expect(result.runs).toBe(3);
  });

  it('leaves out runs where either side is missing, and says null when none had both', () => {
    const runs = [{ edge: { rate: 10 }, io: { rate: null } }, { edge: { rate: null }, io: { rate: 5 } }, { edge: { rate: 12 }, io: { rate: 4 } }];
    expect(comparePeers(runs, 'edge', ['rate', 'other'])).toMatchObject({ peers: { edge: { rate: 11, other: null }, io: { rate: 4.5, other: null } }, ratios: { io: { rate: 3, other: null } } });
  });

  it('rounds ratios to three significant digits', () => {
    expect(roundRatio(2.34567)).toBe(2.35);
    expect(roundRatio(0.012345)).toBe(0.0123);
    expect(roundRatio(123.45)).toBe(123);
    expect(medianOf([])).toBeNull();
    expect(medianOf([3, 1, 2, 4])).toBe(2.5);
  });
});
