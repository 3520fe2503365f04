// The RITCH sample day (shared/data/itch/README.md): three synthetic symbols written by an independent
// ITCH 5.0 implementation. The lib (BinaryFileFramer + ItchMessageView + BookSet) is checked message by
// message and at the end of the day against ReferenceMarket, which reads the raw bytes itself.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BinaryFileFramer, CHECK_OK, ItchMessageView } from '@tickwire/itch';
import { BookSet, CrossState, NO_CHANGE } from '../src';
import type { Instrument } from '../src';
import { forEachRecord, ReferenceMarket } from './reference-market';
import type { RefLevel } from './reference-market';

/** Walks up from this file to the repo root (the directory with nx.json); shared data sits beside it. */
function sharedData(relative: string): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`repo root (nx.json) not found above ${__dirname}`);
    dir = parent;
  }
  return path.resolve(dir, '..', 'shared', relative);
}

const SAMPLE = sharedData('data/itch/ritch-ex20101224.itch50');

function libLevels(inst: Instrument, side: 'B' | 'S', n: number): RefLevel[] {
  const ladder = side === 'B' ? inst.bids : inst.asks;
  const out: RefLevel[] = [];
  for (let r = 0; r < Math.min(n, ladder.length); r++) out.push({ price: ladder.priceAt(r), size: ladder.sizeAt(r), orders: ladder.ordersAt(r) });
  return out;
}

function crossOf(bids: RefLevel[], asks: RefLevel[]): number {
  if (bids.length === 0 || asks.length === 0) return CrossState.NONE;
  return bids[0].price > asks[0].price ? CrossState.CROSSED : bids[0].price === asks[0].price ? CrossState.LOCKED : CrossState.NONE;
}

describe('RITCH sample day ritch-ex20101224.itch50', () => {
  it('is present (the test fails, never skips, without it)', () => {
    if (!existsSync(SAMPLE)) throw new Error(`ITCH sample missing: ${SAMPLE} (see shared/data/itch/README.md)`);
  });

  it('keeps every book consistent message by message and matches an independent replay at the end of the day', () => {
    const file = new Uint8Array(readFileSync(SAMPLE));
    // Reference pass first, keeping each message's position so the lib pass can compare after each one.
    const records: [number, number][] = [];
    forEachRecord(file, (_b, offset, length) => records.push([offset, length]));
    expect(records.length).toBe(12_012);

    const reference = new ReferenceMarket();
    const set = new BookSet({ depthLevels: 5 });
    const view = new ItchMessageView();
    const problems: string[] = [];
    const refCrossings = new Map<number, number>();
    const refCross = new Map<number, number>();
    let index = 0;
    const framer = new BinaryFileFramer(
      (bytes, offset, length) => {
        const [refOffset, refLength] = records[index]!;
        reference.apply(file, refOffset, refLength);
        if (view.wrap(bytes, offset, length) !== CHECK_OK) problems.push(`#${index}: wrap failed`);
        const locate = set.apply(view);
        if (locate > 0) {
          const inst = set.instrument(locate)!;
          set.takeChanges(locate);
          const bids = reference.levels(locate, 'B');
          const asks = reference.levels(locate, 'S');
          // Full top-5 comparison after every change, plus the crossed/locked state the data implies.
          expect(libLevels(inst, 'B', 5)).toEqual(bids.slice(0, 5));
          expect(libLevels(inst, 'S', 5)).toEqual(asks.slice(0, 5));
          if (inst.orderCount < 0 || inst.bids.bestSize < 0 || inst.asks.bestSize < 0) problems.push(`#${index}: negative quantity`);
          const state = crossOf(bids, asks);
          if (state !== (refCross.get(locate) ?? CrossState.NONE) && state !== CrossState.NONE) refCrossings.set(locate, (refCrossings.get(locate) ?? 0) + 1);
          refCross.set(locate, state);
          expect(inst.crossState).toBe(state);
        } else if (locate !== NO_CHANGE && locate !== 0) problems.push(`#${index}: apply returned ${locate}`);
        index++;
      },
      (code, streamOffset) => problems.push(`${code} at ${streamOffset}`),
    );
    for (let at = 0; at < file.length; at += 4093) framer.push(file.subarray(at, at + 4093));
    framer.end();

    expect(problems).toEqual([]);
    expect(reference.problems).toEqual([]);
    expect(index).toBe(12_012);
    // Feed consistency. The sample is not self-consistent: 117 E/X/D/U name an order whose 'A' comes 1 to 9
    // messages later (with a later timestamp), so those orders stay on the book after their own delete.
    // The lib must see exactly the unknown references the independent replay sees, type by type, and
    // nothing else (no over-execution, no over-cancel, no duplicate ref, no locate mismatch).
    const refUnknown: Record<string, number> = {};
    for (const u of reference.unknownRefs) {
      refUnknown[u.type] = (refUnknown[u.type] ?? 0) + 1;
      const addedAt = reference.addedAt.get(u.ref);
      expect(addedAt !== undefined && addedAt > u.index && addedAt - u.index <= 9).toBe(true);
    }
    expect(refUnknown).toEqual({ D: 94, E: 18, X: 3, U: 2 });
    const u = set.stats.unknownRefs;
    expect({ E: u[0], C: u[1], X: u[2], D: u[3], U: u[4] }).toEqual({ E: 18, C: 0, X: 3, D: 94, U: 2 });
    expect(set.stats.anomalies).toBe(0);
    expect(set.stats.invalidMessages + set.stats.invalidLocates + set.stats.implicitInstruments).toBe(0);
    expect(set.orders.size).toBe(reference.orders.size);

    const summary: Record<string, unknown> = {};
    for (const locate of [1, 2, 3]) {
      const inst = set.instrument(locate)!;
      const ref = reference.statsOf(locate);
      expect(inst.symbol).toBe(reference.symbols.get(locate));
      // Every level of both sides, not just the top.
      expect(libLevels(inst, 'B', 1e9)).toEqual(reference.levels(locate, 'B'));
      expect(libLevels(inst, 'S', 1e9)).toEqual(reference.levels(locate, 'S'));
      expect(inst.ltp).toBe(ref.ltp);
      expect(inst.lastSize).toBe(ref.lastSize);
      expect(BigInt(inst.volume)).toBe(ref.volume);
      expect(inst.notional.toBigInt()).toBe(ref.notional);
      expect(inst.vwap).toBeCloseTo(Number(ref.notional) / Number(ref.volume), 6);
      expect(inst.tradeCount).toBe(ref.trades);
      expect([inst.open, inst.high, inst.low, inst.close]).toEqual([ref.open, ref.high, ref.low, ref.close]);
      expect(inst.crossedCount + inst.lockedCount).toBe(refCrossings.get(locate) ?? 0);
      summary[inst.symbol] = {
        ltp: inst.ltp,
        volume: inst.volume,
        vwap: Number(inst.vwap.toFixed(4)),
        bid: `${inst.bids.bestSize}@${inst.bids.bestPrice}`,
        ask: `${inst.asks.bestSize}@${inst.asks.bestPrice}`,
        ohlc: [inst.open, inst.high, inst.low, inst.close],
        trades: inst.tradeCount,
        levels: [inst.bids.length, inst.asks.length],
        orders: inst.orderCount,
        locked: inst.lockedCount,
        crossed: inst.crossedCount,
      };
    }
    if (process.env.BOOK_PRINT_SUMMARY) console.log(JSON.stringify(summary, null, 1));
  });
});
