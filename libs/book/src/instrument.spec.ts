import { DepthSnapshot, Instrument } from './instrument';

describe('Instrument', () => {
  it('fills a reused depth snapshot with the top N levels, best first, without scanning deeper', () => {
    const inst = new Instrument(1, 'ALC', 4, 2);
    for (let i = 0; i < 6; i++) inst.bids.adjust(100_000 - i * 100, 10 * (i + 1), 1);
    inst.asks.adjust(100_100, 7, 2);
    const snap = new DepthSnapshot(3);
    inst.fillDepth(snap);
    expect([snap.bidCount, snap.askCount]).toEqual([3, 1]);
    expect(Array.from(snap.bidPrices)).toEqual([100_000, 99_900, 99_800]);
    expect(Array.from(snap.bidSizes)).toEqual([10, 20, 30]);
    expect([snap.askPrices[0], snap.askSizes[0], snap.askOrders[0]]).toEqual([100_100, 7, 2]);
  });

  it('VWAP is 0 before the first print and notional / volume after', () => {
    const inst = new Instrument(1, 'ALC', 4, 2);
    expect(inst.vwap).toBe(0);
    inst.volume = 300;
    inst.notional.add(100_000, 100);
    inst.notional.add(100_003, 200);
    expect(inst.vwap).toBeCloseTo((100_000 * 100 + 100_003 * 200) / 300, 9);
  });
});
