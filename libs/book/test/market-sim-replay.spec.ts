// Property: for generated days (@tickwire/market-sim), the lib's books and statistics equal the independent
// ReferenceMarket's at random checkpoints and at the end, and the change bits are exact: QUOTE is set iff
// the best bid/ask price or size changed, DEPTH iff the top-N levels changed.
import fc from 'fast-check';
import { BinaryFileFramer, CHECK_OK, ItchMessageView } from '@tickwire/itch';
import { MarketDayGenerator, writeBinaryFile } from '@tickwire/market-sim';
import { BookSet, Change } from '../src';
import type { Instrument } from '../src';
import { forEachRecord, ReferenceMarket } from './reference-market';
import type { RefLevel } from './reference-market';

function top(inst: Instrument | undefined, side: 'B' | 'S', n: number): RefLevel[] {
  if (!inst) return [];
  const ladder = side === 'B' ? inst.bids : inst.asks;
  const out: RefLevel[] = [];
  for (let r = 0; r < Math.min(n, ladder.length); r++) out.push({ price: ladder.priceAt(r), size: ladder.sizeAt(r), orders: ladder.ordersAt(r) });
  return out;
}

function quoteKey(inst: Instrument | undefined): string {
  return inst ? `${inst.bids.bestPrice}/${inst.bids.bestSize}/${inst.asks.bestPrice}/${inst.asks.bestSize}` : '0/0/0/0';
}

function depthKey(inst: Instrument | undefined, n: number): string {
  return JSON.stringify([top(inst, 'B', n), top(inst, 'S', n)]);
}

function compareAll(set: BookSet, reference: ReferenceMarket, depth: number, where: string): void {
  for (const locate of reference.symbols.keys()) {
    const inst = set.instrument(locate)!;
    const ref = reference.statsOf(locate);
    const got = {
      bids: top(inst, 'B', depth),
      asks: top(inst, 'S', depth),
      ltp: inst.ltp,
      volume: BigInt(inst.volume),
      notional: inst.notional.toBigInt(),
      ohlc: inst.hasOhlc ? [inst.open, inst.high, inst.low, inst.close] : undefined,
      orders: inst.orderCount,
    };
    const want = {
      bids: reference.levels(locate, 'B').slice(0, depth),
      asks: reference.levels(locate, 'S').slice(0, depth),
      ltp: ref.ltp,
      volume: ref.volume,
      notional: ref.notional,
      ohlc: ref.open === undefined ? undefined : [ref.open, ref.high, ref.low, ref.close],
      orders: reference.levels(locate, 'B').concat(reference.levels(locate, 'S')).reduce((a, l) => a + l.orders, 0),
    };
    if (JSON.stringify(got, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) !== JSON.stringify(want, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) {
      expect({ where, locate, ...got }).toEqual({ where, locate, ...want });
    }
    if (ref.volume > 0n) expect(Math.abs(inst.vwap - Number(ref.notional) / Number(ref.volume))).toBeLessThanOrEqual(inst.vwap * 4e-16);
  }
}

describe('BookSet vs an independent replay of generated days', () => {
  it('agrees on books, volume, VWAP and change bits at random checkpoints and at the end', () => {
    let total = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 10 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 30_000 }), { minLength: 3, maxLength: 8 }),
        (seed, symbols, depth, checkpointList) => {
          const file = writeBinaryFile(new MarketDayGenerator({ seed, symbols, messages: 25_000 }));
          const records: [number, number][] = [];
          forEachRecord(file, (_b, offset, length) => records.push([offset, length]));
          const checkpoints = new Set(checkpointList);
          const set = new BookSet({ depthLevels: depth });
          const reference = new ReferenceMarket();
          const view = new ItchMessageView();
          let index = 0;
          const framer = new BinaryFileFramer((bytes, offset, length) => {
            const [o, l] = records[index]!;
            reference.apply(file, o, l);
            const locate = (file[o + 1] << 8) | file[o + 2];
            const before = set.instrument(locate);
            const quoteBefore = quoteKey(before);
            const depthBefore = depthKey(before, depth);
            expect(view.wrap(bytes, offset, length)).toBe(CHECK_OK);
            const changed = set.apply(view);
            const bits = changed > 0 ? set.takeChanges(changed) : 0;
            if (locate > 0) {
              const after = set.instrument(locate);
              const quoteMoved = quoteKey(after) !== quoteBefore;
              const depthMoved = depthKey(after, depth) !== depthBefore;
              if (quoteMoved !== ((bits & Change.QUOTE) !== 0) || depthMoved !== ((bits & Change.DEPTH) !== 0)) {
                throw new Error(`#${index} type ${String.fromCharCode(file[o])}: quote moved ${quoteMoved}, depth moved ${depthMoved}, bits ${bits.toString(2)}`);
              }
              if (changed > 0) expect(changed).toBe(locate);
            }
            if (checkpoints.has(index)) compareAll(set, reference, depth, `message ${index}`);
            index++;
          });
          framer.push(file);
          framer.end();
          total += index;
          expect(index).toBe(records.length);
          expect(reference.problems).toEqual([]);
          expect(reference.unknownRefs).toEqual([]);
          compareAll(set, reference, depth, 'end of day');
          compareAll(set, reference, 1e9, 'end of day, every level');
          expect([set.stats.unknownRefTotal, set.stats.anomalies, set.stats.crossed, set.stats.locked]).toEqual([0, 0, 0, 0]);
          expect(set.orders.size).toBe(reference.orders.size);
        },
      ),
      { numRuns: 4 },
    );
    expect(total).toBeGreaterThan(100_000);
  }, 120_000);
});
