import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BinaryFileFramer, ItchMessageView } from '@tickwire/itch';
import { BookSet } from '@tickwire/book';
import { InMemoryBroker } from '@tickwire/bus';
import { MarketUpdate, RawBatch, allTicksWildcard, parseTickSubject, shardOf } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { FakeTimers } from '../test/fake-timers';
import { rawBatchesFromFile } from '../test/raw-batches';
import { startNormalizer } from './normalizer-service';

const SAMPLE = readFileSync(join(__dirname, '../../../../shared/data/itch/ritch-ex20101224.itch50'));
const SHARDS = 4;
const MAX_PER_SEC = 10;

async function run(feed: (normalizer: ReturnType<typeof startNormalizer>, timers: FakeTimers, updates: readonly { update: MarketUpdate }[]) => void | Promise<void>) {
  const timers = new FakeTimers();
  const broker = new InMemoryBroker();
  const updates: { subject: string; update: MarketUpdate }[] = [];
  broker.connect().subscribe(allTicksWildcard, (data, subject) => updates.push({ subject, update: MarketUpdate.decode(data) }));
  const logLines: { event?: string }[] = [];
  const normalizer = startNormalizer(
    broker.connect(),
    { shards: [0, 1, 2, 3], shardCount: SHARDS, maxUpdatesPerSec: MAX_PER_SEC, depthLevels: 5, epoch: 77n, nowUnixNs: () => BigInt(Math.round(timers.now * 1e6)), timers },
    createMetrics({ service: 'normalizer', defaultMetrics: false }),
    createLogger({ service: 'normalizer', level: 'info', destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } }),
  );
  await feed(normalizer, timers, updates);
  timers.advance(5_000);
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return { normalizer, updates, logLines };
}

function feedAll(batches: { bytes: Uint8Array }[], normalizer: ReturnType<typeof startNormalizer>, timers: FakeTimers): void {
  for (const batch of batches) {
    normalizer.onBatch(batch.bytes);
    timers.advance(1);
  }
}

describe('Normalizer on the RITCH sample', () => {
  const batches = rawBatchesFromFile(SAMPLE, SHARDS, 20);

  it('publishes each symbol on its shard subject with seq 1, 2, 3... and at most MAX_UPDATES_PER_SEC', async () => {
    const { updates } = await run((normalizer, timers) => feedAll(batches, normalizer, timers));
    const bySymbol = new Map<string, MarketUpdate[]>();
    for (const { subject, update } of updates) {
      expect(parseTickSubject(subject)).toEqual({ shard: shardOf(update.symbol, SHARDS), symbol: update.symbol });
      bySymbol.set(update.symbol, [...(bySymbol.get(update.symbol) ?? []), update]);
    }
    expect([...bySymbol.keys()].sort()).toEqual(['ALC', 'BOB', 'CHAR']);
    for (const [symbol, list] of bySymbol) {
      expect({ symbol, seqs: list.map((u) => Number(u.seq)) }).toEqual({ symbol, seqs: list.map((_, i) => i + 1) });
      expect(list.every((u) => u.epoch === 77n)).toBe(true);
      const times = list.map((u) => Number(u.publishTsNs) / 1e6);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000 / MAX_PER_SEC - 1e-6);
    }
  });

  it("ends with every symbol's last update equal to the unthrottled book (trades folded into volume)", async () => {
    const { updates } = await run((normalizer, timers) => feedAll(batches, normalizer, timers));
    const reference = new BookSet({ depthLevels: 5 });
    const view = new ItchMessageView();
    const framer = new BinaryFileFramer((bytes, offset, length) => {
      view.wrap(bytes, offset, length);
      reference.apply(view);
    });
    framer.push(SAMPLE);
    framer.end();
    for (const symbol of ['ALC', 'BOB', 'CHAR']) {
      const last = updates.filter((u) => u.update.symbol === symbol).at(-1)!.update;
      const book = reference.instrumentBySymbol(symbol)!;
      expect({ symbol, ltp: last.ltp, volume: Number(last.volume), vwap: last.vwap, bid: last.quote?.bidPrice, ask: last.quote?.askPrice, bidLevels: last.depth?.bids.length }).toEqual({
        symbol,
        ltp: book.ltp,
        volume: book.volume,
        vwap: book.vwap,
        bid: book.bids.length > 0 ? book.bids.bestPrice : 0,
        ask: book.asks.length > 0 ? book.asks.bestPrice : 0,
        bidLevels: Math.min(5, book.bids.length),
      });
      // Trades inside a window fold into the cumulative volume; the prints listed are the newest, in order.
      const prints = updates.filter((u) => u.update.symbol === symbol).flatMap((u) => u.update.trades);
      expect(prints.length).toBeGreaterThan(0);
      expect(prints.every((t, i) => i === 0 || t.exchangeTsNs >= prints[i - 1]!.exchangeTsNs)).toBe(true);
      expect(prints.reduce((sum, t) => sum + Number(t.size), 0)).toBeLessThanOrEqual(book.volume);
    }
  });

  it('conflates: far fewer updates than visible changes', async () => {
    const { updates, normalizer } = await run((n, timers) => feedAll(batches, n, timers));
    expect(updates.length).toBeGreaterThan(3);
    expect(updates.length).toBeLessThan(normalizer.books.allInstruments().length * 100);
  });

  it('applies a replayed batch stream once: the second pass publishes nothing', async () => {
    let afterFirst = -1;
    const { updates } = await run(async (n, timers, published) => {
      feedAll(batches, n, timers);
      timers.advance(5_000);
      await new Promise((resolve) => setImmediate(resolve));
      afterFirst = published.length;
      // The same messages again, as an ingest restarted from sequence 1 would send them (new epoch).
      feedAll(rawBatchesFromFile(SAMPLE, SHARDS, 20, 2n), n, timers);
    });
    expect(afterFirst).toBeGreaterThan(0);
    expect(updates.length).toBe(afterFirst);
    const seqs = updates.map((u) => `${u.update.symbol}:${u.update.seq}`);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('marks the books of a shard stale on an unrecoverable gap, and says so in the next update', async () => {
    const { updates, logLines } = await run((normalizer, timers) => {
      const half = Math.floor(batches.length / 2);
      feedAll(batches.slice(0, half), normalizer, timers);
      timers.advance(1_000);
      for (let shard = 0; shard < SHARDS; shard++) {
        normalizer.onBatch(RawBatch.encode(RawBatch.fromPartial({ shard, epoch: 1n, batchSeq: 10_000n, gaps: [{ fromSeq: 5, toSeq: 9 }] })).finish());
      }
      timers.advance(1);
      feedAll(batches.slice(half), normalizer, timers);
    });
    expect(logLines.filter((l) => l.event === 'books.stale').length).toBeGreaterThan(0);
    for (const symbol of ['ALC', 'BOB', 'CHAR']) {
      const list = updates.filter((u) => u.update.symbol === symbol).map((u) => u.update);
      expect(list.at(-1)!.stale).toBe(true);
      expect(list[0]!.stale).toBe(false);
    }
  });

  it('skips an undecodable batch and counts it', async () => {
    const { logLines, updates } = await run((normalizer) => {
      normalizer.onBatch(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    });
    expect(updates).toEqual([]);
    expect(logLines.some((l) => l.event === 'raw.bad_batch')).toBe(true);
  });
});
