import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ManagedSnapshotStore, StoreLimits } from '../snapshot-store';
import { StoreError } from '../errors';

/** What a contract run needs: stores opened against one backend (memory or one Redis server). */
export interface SnapshotStoreContractTarget {
  open(limits: StoreLimits): Promise<ManagedSnapshotStore>;
  /** Called once after the suite; closes the server if owned. */
  teardown?(): Promise<void>;
}

const MINUTE = 60_000_000_000n;
/** 2024-01-02T00:00:00Z in ns: real timestamps do not fit in a double. */
const T0 = 1_704_153_600_000_000_000n;
const SMALL_CANDLE_LIMIT = 5;

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

let uniqueCounter = 0;
/** Every test uses its own symbols so tests sharing one server cannot see each other's keys. */
function unique(tag: string): string {
  uniqueCounter += 1;
  return `${tag}.${process.pid.toString(36)}.${Date.now().toString(36)}.${uniqueCounter}`.toUpperCase();
}

async function expectStoreError(promise: Promise<unknown>, code: StoreError['code']): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(StoreError);
  await expect(promise).rejects.toMatchObject({ code });
}

/**
 * The one conformance suite for the `SnapshotStore` port. Every adapter runs it: in-memory in unit
 * tests, Redis against a real server in integration tests.
 */
export function describeSnapshotStoreContract(adapterName: string, makeTarget: () => Promise<SnapshotStoreContractTarget>): void {
  describe(`SnapshotStore contract: ${adapterName}`, () => {
    let target: SnapshotStoreContractTarget;
    let store: ManagedSnapshotStore;
    const opened: ManagedSnapshotStore[] = [];
    const open = async (limits: StoreLimits): Promise<ManagedSnapshotStore> => {
      const s = await target.open(limits);
      opened.push(s);
      return s;
    };

    beforeAll(async () => {
      target = await makeTarget();
      store = await open({ maxCandlesPerSymbol: SMALL_CANDLE_LIMIT });
    });

    afterAll(async () => {
      for (const s of opened) await s.close().catch(() => undefined);
      await target?.teardown?.();
    });

    describe('latest state', () => {
      it('round-trips bytes exactly, including every byte value and the empty payload', async () => {
        const [a, b, c] = [unique('bin'), unique('bin'), unique('bin')];
        const all = new Uint8Array(256).map((_, i) => i);
        await expect(store.putLatest([
          { symbol: a, epoch: 1n, seq: 1n, data: all },
          { symbol: b, epoch: 1n, seq: 1n, data: new Uint8Array(0) },
          { symbol: c, epoch: 1n, seq: 1n, data: bytes(0, 0, 0) },
        ])).resolves.toEqual({ applied: 3, stale: 0 });
        const got = await store.getLatest([a, b, c]);
        expect(got.map((s) => s && Array.from(s.data))).toEqual([Array.from(all), [], [0, 0, 0]]);
        expect(got[0]).toMatchObject({ symbol: a, epoch: 1n, seq: 1n });
      });

      it('keeps uint64 seq and epoch exactly', async () => {
        const symbol = unique('big');
        const max = (1n << 64n) - 1n;
        await store.putLatest([{ symbol, epoch: max - 1n, seq: max, data: bytes(1) }]);
        const [got] = await store.getLatest([symbol]);
        expect(got).toMatchObject({ epoch: max - 1n, seq: max });
      });

      it('answers in request order with undefined for unknown symbols, duplicates included', async () => {
        const [a, b, unknown] = [unique('ord'), unique('ord'), unique('ord')];
        await store.putLatest([{ symbol: b, epoch: 1n, seq: 2n, data: bytes(2) }, { symbol: a, epoch: 1n, seq: 1n, data: bytes(1) }]);
        const got = await store.getLatest([unknown, a, b, unknown, a]);
        expect(got.map((s) => s?.symbol)).toEqual([undefined, a, b, undefined, a]);
        expect(got.map((s) => s && s.data[0])).toEqual([undefined, 1, 2, undefined, 1]);
        await expect(store.getLatest([])).resolves.toEqual([]);
      });

      it('copies the bytes: changing them after putLatest or after getLatest changes nothing stored', async () => {
        const symbol = unique('copy');
        const data = bytes(1, 2, 3);
        await store.putLatest([{ symbol, epoch: 1n, seq: 1n, data }]);
        data[0] = 99;
        const [first] = await store.getLatest([symbol]);
        first!.data[1] = 99;
        const [second] = await store.getLatest([symbol]);
        expect(Array.from(second!.data)).toEqual([1, 2, 3]);
      });

      it('hands out bytes no other entry of the same answer shares, duplicates included', async () => {
        const [a, b] = [unique('own'), unique('own')];
        await store.putLatest([{ symbol: a, epoch: 1n, seq: 1n, data: bytes(1, 2, 3) }, { symbol: b, epoch: 1n, seq: 1n, data: bytes(4, 5) }]);
        const got = await store.getLatest([a, b, a]);
        got[0]!.data.fill(99);
        expect(got.map((s) => Array.from(s!.data))).toEqual([[99, 99, 99], [4, 5], [1, 2, 3]]);
        expect(Array.from((await store.getLatest([a]))[0]!.data)).toEqual([1, 2, 3]);
      });

      it('never lets an older or equal (epoch, seq) overwrite a newer one, across batches', async () => {
        const symbol = unique('cas');
        await expect(store.putLatest([{ symbol, epoch: 2n, seq: 10n, data: bytes(10) }])).resolves.toEqual({ applied: 1, stale: 0 });
        await expect(store.putLatest([{ symbol, epoch: 2n, seq: 9n, data: bytes(9) }])).resolves.toEqual({ applied: 0, stale: 1 });
        await expect(store.putLatest([{ symbol, epoch: 2n, seq: 10n, data: bytes(11) }])).resolves.toEqual({ applied: 0, stale: 1 });
        await expect(store.putLatest([{ symbol, epoch: 1n, seq: 500n, data: bytes(50) }])).resolves.toEqual({ applied: 0, stale: 1 });
        const [got] = await store.getLatest([symbol]);
        expect(got).toMatchObject({ epoch: 2n, seq: 10n });
        expect(Array.from(got!.data)).toEqual([10]);
        await expect(store.putLatest([{ symbol, epoch: 2n, seq: 11n, data: bytes(12) }])).resolves.toEqual({ applied: 1, stale: 0 });
        expect((await store.getLatest([symbol]))[0]).toMatchObject({ seq: 11n });
      });

      it('compares seq as a number, not as text (9 < 10, 99 < 100)', async () => {
        const symbol = unique('num');
        await store.putLatest([{ symbol, epoch: 1n, seq: 100n, data: bytes(100) }]);
        await expect(store.putLatest([{ symbol, epoch: 1n, seq: 99n, data: bytes(99) }])).resolves.toEqual({ applied: 0, stale: 1 });
        expect((await store.getLatest([symbol]))[0]).toMatchObject({ seq: 100n });
      });

      it('applies a batch in order: within one batch the newest wins and older ones count as stale', async () => {
        const [a, b] = [unique('batch'), unique('batch')];
        const result = await store.putLatest([
          { symbol: a, epoch: 1n, seq: 5n, data: bytes(5) },
          { symbol: a, epoch: 1n, seq: 3n, data: bytes(3) },
          { symbol: b, epoch: 1n, seq: 1n, data: bytes(1) },
          { symbol: a, epoch: 1n, seq: 5n, data: bytes(55) },
          { symbol: a, epoch: 1n, seq: 7n, data: bytes(7) },
          { symbol: b, epoch: 1n, seq: 2n, data: bytes(2) },
        ]);
        expect(result).toEqual({ applied: 4, stale: 2 });
        const got = await store.getLatest([a, b]);
        expect(got.map((s) => [s!.seq, s!.data[0]])).toEqual([[7n, 7], [2n, 2]]);
      });

      it('applies a large batch (a flush of thousands of symbols) in order, with stale entries and repeats anywhere in it', async () => {
        const symbols = Array.from({ length: 1_300 }, () => unique('flush'));
        // Some already newer in the store: their entries in the batch are stale.
        await store.putLatest(symbols.filter((_, i) => i % 7 === 0).map((symbol) => ({ symbol, epoch: 1n, seq: 100n, data: bytes(100) })));
        const batch = symbols.map((symbol, i) => ({ symbol, epoch: 1n, seq: BigInt(1 + (i % 50)), data: bytes(i % 50) }));
        // A symbol of the first part again near the end, newer: it wins.
        batch.push({ symbol: symbols[1]!, epoch: 1n, seq: 99n, data: bytes(99) });
        const result = await store.putLatest(batch);
        const stale = symbols.filter((_, i) => i % 7 === 0).length;
        expect(result).toEqual({ applied: batch.length - stale, stale });
        const got = await store.getLatest(symbols);
        symbols.forEach((symbol, i) => {
          const expected = i % 7 === 0 ? 100n : i === 1 ? 99n : BigInt(1 + (i % 50));
          expect({ symbol, seq: got[i]?.seq }).toEqual({ symbol, seq: expected });
        });
      });

      it('lets a newer epoch win even with a lower seq', async () => {
        const symbol = unique('epoch');
        await store.putLatest([{ symbol, epoch: 1n, seq: 1_000n, data: bytes(1) }]);
        await expect(store.putLatest([{ symbol, epoch: 2n, seq: 1n, data: bytes(2) }])).resolves.toEqual({ applied: 1, stale: 0 });
        const [got] = await store.getLatest([symbol]);
        expect(got).toMatchObject({ epoch: 2n, seq: 1n });
        expect(Array.from(got!.data)).toEqual([2]);
      });

      it('accepts an empty batch', async () => {
        await expect(store.putLatest([])).resolves.toEqual({ applied: 0, stale: 0 });
      });

      it('refuses invalid symbols and negative seq before writing anything', async () => {
        const symbol = unique('inv');
        await expectStoreError(store.putLatest([{ symbol, epoch: 1n, seq: 1n, data: bytes(1) }, { symbol: 'A{B}', epoch: 1n, seq: 1n, data: bytes(1) }]), 'STORE_ERR_INVALID_SYMBOL');
        await expectStoreError(store.putLatest([{ symbol, epoch: 1n, seq: -1n, data: bytes(1) }]), 'STORE_ERR_INVALID_ARGUMENT');
        await expectStoreError(store.getLatest(['']), 'STORE_ERR_INVALID_SYMBOL');
        await expect(store.getLatest([symbol])).resolves.toEqual([undefined]);
      });
    });

    describe('instruments', () => {
      it('lists by prefix, sorted by symbol, at most limit, with their bytes', async () => {
        const root = unique('ins');
        const symbols = ['B', 'A', 'AB', 'AA', 'C'].map((s) => `${root}${s}`);
        await store.putInstruments(symbols.map((symbol, i) => ({ symbol, data: bytes(i, 0, 255) })));
        await store.putInstruments([{ symbol: `${root.slice(0, -1)}Z`, data: bytes(9) }]);
        const all = await store.listInstruments(root, 100);
        expect(all.map((i) => i.symbol.slice(root.length))).toEqual(['A', 'AA', 'AB', 'B', 'C']);
        expect(Array.from(all[0]!.data)).toEqual([1, 0, 255]);
        expect((await store.listInstruments(`${root}A`, 2)).map((i) => i.symbol.slice(root.length))).toEqual(['A', 'AA']);
        await expect(store.listInstruments(`${root}X`, 10)).resolves.toEqual([]);
      });

      it('replaces an instrument by symbol', async () => {
        const symbol = unique('rep');
        await store.putInstruments([{ symbol, data: bytes(1) }]);
        await store.putInstruments([{ symbol, data: bytes(2) }]);
        const listed = await store.listInstruments(symbol, 10);
        expect(listed).toHaveLength(1);
        expect(Array.from(listed[0]!.data)).toEqual([2]);
      });

      it('lists everything with an empty prefix, still sorted and bounded', async () => {
        await store.putInstruments([{ symbol: unique('all'), data: bytes(1) }, { symbol: unique('all'), data: bytes(2) }]);
        const listed = await store.listInstruments('', 3);
        expect(listed.length).toBeGreaterThanOrEqual(2);
        expect(listed.length).toBeLessThanOrEqual(3);
        const names = listed.map((i) => i.symbol);
        expect(names).toEqual([...names].sort());
      });

      it('refuses a limit below 1', async () => {
        await expectStoreError(store.listInstruments('', 0), 'STORE_ERR_INVALID_ARGUMENT');
      });
    });

    describe('candles', () => {
      it('returns [fromNs, toNs) oldest first, with exact bytes and timestamps', async () => {
        const symbol = unique('cdl');
        await store.appendCandles(symbol, [2n, 0n, 1n, 3n].map((m) => ({ startNs: T0 + m * MINUTE, data: bytes(Number(m), 255) })));
        const got = await store.getCandles(symbol, T0 + MINUTE, T0 + 3n * MINUTE);
        expect(got.map((c) => [c.startNs - T0, Array.from(c.data)])).toEqual([[MINUTE, [1, 255]], [2n * MINUTE, [2, 255]]]);
        expect(await store.getCandles(symbol, T0 + 1n, T0 + MINUTE)).toEqual([]);
        expect(await store.getCandles(symbol, T0 + MINUTE, T0 + MINUTE)).toEqual([]);
        expect((await store.getCandles(symbol, 0n, T0 + 100n * MINUTE)).map((c) => c.startNs - T0)).toEqual([0n, MINUTE, 2n * MINUTE, 3n * MINUTE]);
        expect(await store.getCandles(unique('none'), 0n, T0 * 2n)).toEqual([]);
      });

      it('upserts by minute: a later candle in the same minute replaces the earlier one', async () => {
        const symbol = unique('ups');
        await store.appendCandles(symbol, [{ startNs: T0, data: bytes(1) }, { startNs: T0 + MINUTE, data: bytes(2) }]);
        await store.appendCandles(symbol, [{ startNs: T0 + MINUTE, data: bytes(3) }]);
        await store.appendCandles(symbol, [{ startNs: T0 + 5_000_000_000n, data: bytes(4) }, { startNs: T0 + 6_000_000_000n, data: bytes(5) }]);
        const got = await store.getCandles(symbol, 0n, T0 + 10n * MINUTE);
        expect(got.map((c) => [c.startNs - T0, c.data[0]])).toEqual([[6_000_000_000n, 5], [MINUTE, 3]]);
      });

      it(`keeps only the newest ${SMALL_CANDLE_LIMIT} per symbol`, async () => {
        const symbol = unique('bnd');
        await store.appendCandles(symbol, [0n, 1n, 2n, 3n].map((m) => ({ startNs: T0 + m * MINUTE, data: bytes(Number(m)) })));
        await store.appendCandles(symbol, [4n, 5n, 6n].map((m) => ({ startNs: T0 + m * MINUTE, data: bytes(Number(m)) })));
        await store.appendCandles(symbol, [{ startNs: T0 - MINUTE, data: bytes(99) }]);
        const got = await store.getCandles(symbol, 0n, T0 + 100n * MINUTE);
        expect(got.map((c) => c.data[0])).toEqual([2, 3, 4, 5, 6]);
      });

      it('applies the configured limit per store (default one day of minutes)', async () => {
        const big = await open({ maxCandlesPerSymbol: 1_440 });
        const symbol = unique('day');
        const day = Array.from({ length: 1_450 }, (_, m) => ({ startNs: T0 + BigInt(m) * MINUTE, data: bytes(m % 256) }));
        await big.appendCandles(symbol, day);
        const got = await big.getCandles(symbol, 0n, T0 + 2_000n * MINUTE);
        expect(got).toHaveLength(1_440);
        expect(got[0]!.startNs).toBe(T0 + 10n * MINUTE);
      });
    });

    it('pings, and after close rejects every operation with STORE_ERR_CLOSED', async () => {
      const s = await open({ maxCandlesPerSymbol: SMALL_CANDLE_LIMIT });
      await expect(s.ping()).resolves.toBeUndefined();
      await s.close();
      await s.close();
      await expectStoreError(s.ping(), 'STORE_ERR_CLOSED');
      await expectStoreError(s.getLatest(['A']), 'STORE_ERR_CLOSED');
      await expectStoreError(s.putLatest([{ symbol: 'A', epoch: 1n, seq: 1n, data: bytes(1) }]), 'STORE_ERR_CLOSED');
    });
  });
}
