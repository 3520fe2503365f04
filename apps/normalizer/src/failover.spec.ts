import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryBroker } from '@tickwire/bus';
import { allTicksWildcard, MarketUpdate, republishSubject } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { FakeTimers } from '../test/fake-timers';
import { rawBatchesFromFile } from '../test/raw-batches';
import { startNormalizer } from './normalizer-service';

const SAMPLE = readFileSync(join(__dirname, '../../../../shared/data/itch/ritch-ex20101224.itch50'));
const SHARDS = 2;

function instance(broker: InMemoryBroker, timers: FakeTimers, epoch: bigint, standby: boolean) {
  return startNormalizer(
    broker.connect(),
    { shards: [0, 1], shardCount: SHARDS, maxUpdatesPerSec: 10, depthLevels: 5, epoch, nowUnixNs: () => BigInt(Math.round(timers.now * 1e6)), timers, standby },
    createMetrics({ service: 'normalizer', defaultMetrics: false }),
    createLogger({ service: 'normalizer', level: 'silent' }),
  );
}

/** An active normalizer and a hot standby on one broker, their own clocks, and every md.tick update published. */
function activeAndStandby() {
  const broker = new InMemoryBroker();
  const updates: MarketUpdate[] = [];
  broker.connect().subscribe(allTicksWildcard, (data) => updates.push(MarketUpdate.decode(data)));
  const [timersA, timersB] = [new FakeTimers(), new FakeTimers()];
  return { broker, updates, timersA, timersB, active: instance(broker, timersA, 100n, false), standby: instance(broker, timersB, 200n, true) };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('normalizer failover (active dies, standby takes over)', () => {
  it('continues every symbol at seq + 1 in the same epoch, with no repeated trade, and ends in the right state', async () => {
    const { updates, timersA, timersB, active, standby } = activeAndStandby();
    expect([active.isActive, standby.isActive]).toEqual([true, false]);

    const batches = rawBatchesFromFile(SAMPLE, SHARDS, 20);
    const half = Math.floor(batches.length / 2);
    for (const batch of batches.slice(0, half)) {
      active.onBatch(batch.bytes);
      standby.onBatch(batch.bytes);
      timersA.advance(1);
      timersB.advance(1);
      await settle();
    }
    const beforeTakeover = updates.length;
    expect(beforeTakeover).toBeGreaterThan(0);
    // The active dies: its clock stops and it gets no more input. The standby takes the lease.
    standby.becomeActive();
    for (const batch of batches.slice(half)) {
      standby.onBatch(batch.bytes);
      timersB.advance(1);
    }
    timersB.advance(5_000);
    await settle();

    expect(standby.currentEpoch).toBe(100n);
    const bySymbol = new Map<string, MarketUpdate[]>();
    for (const update of updates) bySymbol.set(update.symbol, [...(bySymbol.get(update.symbol) ?? []), update]);
    for (const [symbol, list] of bySymbol) {
      expect({ symbol, epochs: [...new Set(list.map((u) => u.epoch))], seqs: list.every((u, i) => Number(u.seq) === i + 1) }).toEqual({ symbol, epochs: [100n], seqs: true });
      const matches = list.flatMap((u) => u.trades.map((t) => t.matchNumber));
      expect({ symbol, repeatedTrades: matches.length - new Set(matches).size }).toEqual({ symbol, repeatedTrades: 0 });
    }
    expect(updates.length).toBeGreaterThan(beforeTakeover);
    // Same final state as an instance that saw everything.
    const reference = instance(new InMemoryBroker(), new FakeTimers(), 1n, false);
    for (const batch of batches) reference.onBatch(batch.bytes);
    for (const symbol of ['ALC', 'BOB', 'CHAR']) {
      const last = bySymbol.get(symbol)!.at(-1)!;
      const book = reference.books.instrumentBySymbol(symbol)!;
      expect({ symbol, ltp: last.ltp, volume: Number(last.volume), bid: last.quote?.bidPrice }).toEqual({ symbol, ltp: book.ltp, volume: book.volume, bid: book.bids.length > 0 ? book.bids.bestPrice : 0 });
    }
  });

  it('after taking over with nothing new to publish, answers md.republish with the seqs the previous active published', async () => {
    const { broker, updates, timersA, timersB, active, standby } = activeAndStandby();
    for (const batch of rawBatchesFromFile(SAMPLE, SHARDS, 20)) {
      active.onBatch(batch.bytes);
      standby.onBatch(batch.bytes);
      timersA.advance(1);
      timersB.advance(1);
      await settle();
    }
    timersA.advance(5_000);
    await settle();
    const lastSeq = new Map(updates.map((u) => [u.symbol, u.seq]));
    expect([...lastSeq.keys()].sort()).toEqual(['ALC', 'BOB', 'CHAR']);
    // The active dies; the standby takes the lease.
    active.stop();
    standby.becomeActive();
    timersB.advance(5_000);
    await settle();
    // The books equal what was published: the takeover itself sends nothing.
    const published = updates.length;
    for (const shard of [0, 1]) broker.connect().publish(republishSubject(shard), new Uint8Array(0));
    await settle();
    const again = updates.slice(published);
    expect(new Map(again.map((u) => [u.symbol, u.seq]))).toEqual(lastSeq);
    expect(again.every((u) => u.epoch === 100n)).toBe(true);
  });

  it('starts a new epoch when it did not see the active from the start (a client could have seen seqs it does not know)', async () => {
    const broker = new InMemoryBroker();
    const timers = new FakeTimers();
    const batches = rawBatchesFromFile(SAMPLE, SHARDS, 20);
    const active = instance(broker, timers, 100n, false);
    for (const batch of batches.slice(0, 100)) {
      active.onBatch(batch.bytes);
      timers.advance(1);
    }
    await settle();
    // A standby that joins late only ever sees seq > 1.
    const late = instance(broker, timers, 50n, true);
    for (const batch of batches) late.onBatch(batch.bytes);
    for (const batch of batches.slice(100, 200)) {
      active.onBatch(batch.bytes);
      timers.advance(50);
    }
    await settle();
    active.stop();
    late.becomeActive();
    expect(late.currentEpoch).toBeGreaterThan(100n);
  });
});
