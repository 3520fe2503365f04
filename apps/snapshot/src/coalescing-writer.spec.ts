import { InMemoryBroker } from '@tickwire/bus';
import { Candle, Instrument, MarketUpdate, TradeKind, instrumentSubject, tickSubjectForSymbol } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { MemorySnapshotStore, StoreError, type CandleEntry, type InstrumentEntry, type PutResult, type SnapshotEntry, type SnapshotStore } from '@tickwire/store';
import { startSnapshotService, type SnapshotService } from './snapshot-service';

const SHARDS = 4;
const MIDNIGHT_MS = Date.parse('2026-07-15T04:00:00Z');
const PUBLISH_NS = BigInt(MIDNIGHT_MS + 10 * 3_600_000) * 1_000_000n;

/** A store that can be taken down (every call rejects with STORE_ERR_UNAVAILABLE) and wiped (a Redis restart without persistence). */
class FlakyStore implements SnapshotStore {
  inner = new MemorySnapshotStore();
  down = false;
  putLatestCalls = 0;
  written: string[] = [];

  private check(op: string): void {
    if (this.down) throw new StoreError('STORE_ERR_UNAVAILABLE', `${op}: connection refused`);
  }
  async putLatest(entries: readonly SnapshotEntry[]): Promise<PutResult> {
    this.check('putLatest');
    this.putLatestCalls += 1;
    this.written.push(...entries.map((e) => `${e.symbol}@${e.seq}`));
    return this.inner.putLatest(entries);
  }
  async getLatest(symbols: readonly string[]) {
    this.check('getLatest');
    return this.inner.getLatest(symbols);
  }
  async putInstruments(list: readonly InstrumentEntry[]) {
    this.check('putInstruments');
    return this.inner.putInstruments(list);
  }
  async listInstruments(prefix: string, limit: number) {
    this.check('listInstruments');
    return this.inner.listInstruments(prefix, limit);
  }
  async appendCandles(symbol: string, candles: readonly CandleEntry[]) {
    this.check('appendCandles');
    return this.inner.appendCandles(symbol, candles);
  }
  async getCandles(symbol: string, fromNs: bigint, toNs: bigint) {
    this.check('getCandles');
    return this.inner.getCandles(symbol, fromNs, toNs);
  }
  async ping() {
    this.check('ping');
  }
}

function tick(symbol: string, seq: number, options: { epoch?: bigint; trades?: { price: number; size: number; match: number; minute: number }[] } = {}): [Uint8Array, string] {
  const update = MarketUpdate.fromPartial({
    symbol,
    seq: BigInt(seq),
    epoch: options.epoch ?? 1n,
    publishTsNs: PUBLISH_NS,
    ltp: 100 + seq,
    volume: BigInt(seq * 10),
    quote: { bidPrice: 99, bidSize: 1n, askPrice: 101, askSize: 1n },
    trades: (options.trades ?? []).map((t) => ({ price: t.price, size: BigInt(t.size), matchNumber: BigInt(t.match), exchangeTsNs: BigInt(t.minute) * 60_000_000_000n + 1n, kind: TradeKind.CONTINUOUS })),
    changed: 1,
  });
  return [MarketUpdate.encode(update).finish(), tickSubjectForSymbol(symbol, SHARDS)];
}

async function latest(store: SnapshotStore, symbol: string): Promise<MarketUpdate | undefined> {
  const [entry] = await store.getLatest([symbol]);
  return entry && MarketUpdate.decode(entry.data);
}

describe('the coalescing writer (service over an in-memory bus and a store that fails on demand)', () => {
  let store: FlakyStore;
  let service: SnapshotService;
  let now: number;
  const statuses: boolean[] = [];

  beforeEach(async () => {
    store = new FlakyStore();
    now = 1_000_000;
    statuses.length = 0;
    service = startSnapshotService({
      bus: new InMemoryBroker().connect(),
      store,
      shards: [0, 1, 2, 3],
      shardCount: SHARDS,
      // Flushes are driven by the test: the timer never fires within it.
      flushIntervalMs: 60_000,
      retryMaxDelayMs: 240_000,
      logger: createLogger({ service: 'snapshot-test', level: 'silent' }),
      registry: createMetrics({ service: 'snapshot-test', defaultMetrics: false }),
      onStoreStatus: (up) => statuses.push(up),
      nowMs: () => now,
    });
    await service.writer.flush();
  });

  afterEach(async () => {
    service.unsubscribe();
    await service.drain();
  });

  it('writes each symbol once per flush, whatever the update rate: the newest state, as a snapshot without prints', async () => {
    for (let seq = 1; seq <= 500; seq += 1) for (const symbol of ['AAPL', 'MSFT', 'BRK.B']) service.intake.onTick(...tick(symbol, seq, { trades: [{ price: 100, size: 1, match: seq, minute: 600 }] }));
    await service.writer.flush();
    expect(store.putLatestCalls).toBe(1);
    expect(store.written.sort()).toEqual(['AAPL@500', 'BRK.B@500', 'MSFT@500']);
    const aapl = await latest(store, 'AAPL');
    expect(aapl).toMatchObject({ symbol: 'AAPL', seq: 500n, ltp: 600, volume: 5000n, snapshot: true, trades: [] });
    expect(service.metrics.updatesIn).toBe(1500);
    expect(service.metrics.snapshotsWritten).toBe(3);
    // Nothing changed since: the next flush writes nothing.
    await service.writer.flush();
    expect(store.putLatestCalls).toBe(1);
  });

  it('ignores updates not newer than the state held (duplicates, replays), and takes a new epoch even with a lower seq', async () => {
    service.intake.onTick(...tick('AAPL', 5));
    service.intake.onTick(...tick('AAPL', 4));
    service.intake.onTick(...tick('AAPL', 5));
    await service.writer.flush();
    expect((await latest(store, 'AAPL'))?.seq).toBe(5n);
    expect(service.metrics.staleUpdates).toBe(2);
    service.intake.onTick(...tick('AAPL', 1, { epoch: 2n }));
    await service.writer.flush();
    expect(await latest(store, 'AAPL')).toMatchObject({ epoch: 2n, seq: 1n });
  });

  it('keeps the newest state in memory while the store is down, retries with backoff, and catches up when it returns', async () => {
    service.intake.onTick(...tick('AAPL', 1));
    await service.writer.flush();
    store.down = true;
    for (let seq = 2; seq <= 50; seq += 1) service.intake.onTick(...tick('AAPL', seq));
    service.intake.onTick(...tick('MSFT', 1));
    await service.writer.flush();
    expect(statuses).toEqual([true, false]);
    expect(service.writer.isStoreUp).toBe(false);
    expect(service.writer.dirtyCount).toBe(2);
    // Backoff: not retried before the delay has passed, even if asked.
    store.down = false;
    const callsBefore = store.putLatestCalls;
    await service.writer.flush();
    expect(store.putLatestCalls).toBe(callsBefore);
    now += 60_000;
    await service.writer.flush();
    expect(statuses).toEqual([true, false, true]);
    expect((await latest(store, 'AAPL'))?.seq).toBe(50n);
    expect((await latest(store, 'MSFT'))?.seq).toBe(1n);
  });

  it('after an outage writes everything again (the store may have come back empty) without replacing newer state written by another replica', async () => {
    service.intake.onTick(...tick('AAPL', 10));
    service.intake.onTick(...tick('MSFT', 10));
    service.intake.onTick(...tick('IBM', 1, { trades: [{ price: 100, size: 3, match: 1, minute: 600 }] }));
    service.instruments.onInstrument(Instrument.encode(Instrument.fromPartial({ symbol: 'IBM', locate: 7 })).finish(), instrumentSubject(1));
    await service.writer.flush();
    store.down = true;
    await service.writer.flush(); // a ping finds it down... or the next write does
    service.intake.onTick(...tick('AAPL', 11));
    await service.writer.flush();
    expect(service.writer.isStoreUp).toBe(false);
    // Redis restarted without persistence: empty. Meanwhile another replica wrote a newer MSFT.
    store.inner = new MemorySnapshotStore();
    await store.inner.putLatest([{ symbol: 'MSFT', epoch: 1n, seq: 12n, data: MarketUpdate.encode(MarketUpdate.fromPartial({ symbol: 'MSFT', seq: 12n, epoch: 1n, snapshot: true })).finish() }]);
    store.down = false;
    now += 300_000;
    await service.writer.flush(); // finds the store up and queues everything again
    await service.writer.flush();
    expect((await latest(store, 'AAPL'))?.seq).toBe(11n);
    expect((await latest(store, 'IBM'))?.seq).toBe(1n);
    expect((await latest(store, 'MSFT'))?.seq).toBe(12n);
    expect(service.metrics.storeStaleSkips).toBeGreaterThanOrEqual(1);
    expect((await store.inner.listInstruments('', 10)).map((i) => i.symbol)).toEqual(['IBM']);
    expect((await store.inner.getCandles('IBM', 0n, 1n << 63n)).map((c) => Candle.decode(c.data).volume)).toEqual([3n]);
  });

  it('writes candles from the prints: first update of a symbol at seq 1 makes its bars complete', async () => {
    service.intake.onTick(...tick('AAPL', 1, { trades: [{ price: 100, size: 2, match: 1, minute: 570 }] }));
    service.intake.onTick(...tick('AAPL', 2, { trades: [{ price: 104, size: 1, match: 2, minute: 570 }, { price: 103, size: 5, match: 3, minute: 571 }] }));
    service.intake.onTick(...tick('MSFT', 7, { trades: [{ price: 50, size: 1, match: 4, minute: 570 }] })); // joined mid-stream: incomplete
    await service.writer.flush();
    const bars = (await store.inner.getCandles('AAPL', 0n, 1n << 63n)).map((c) => Candle.decode(c.data));
    const start = BigInt(MIDNIGHT_MS) * 1_000_000n + 570n * 60_000_000_000n;
    expect(bars).toEqual([
      { startTsNs: start, open: 100, high: 104, low: 100, close: 104, volume: 3n, trades: 2 },
      { startTsNs: start + 60_000_000_000n, open: 103, high: 103, low: 103, close: 103, volume: 5n, trades: 1 },
    ]);
    expect(await store.inner.getCandles('MSFT', 0n, 1n << 63n)).toEqual([]);
  });

  it('drain() writes what is left once', async () => {
    service.intake.onTick(...tick('AAPL', 3));
    await service.drain();
    expect((await latest(store, 'AAPL'))?.seq).toBe(3n);
  });
});

describe('bad input', () => {
  it('is logged with context, counted by reason, and never throws', async () => {
    const lines: { event?: string; code?: string; subject?: string }[] = [];
    const logger = createLogger({ service: 'snapshot-test', level: 'warn', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
    const registry = createMetrics({ service: 'snapshot-test', defaultMetrics: false });
    const service = startSnapshotService({ bus: new InMemoryBroker().connect(), store: new MemorySnapshotStore(), shards: [0, 1, 2, 3], shardCount: SHARDS, flushIntervalMs: 60_000, logger, registry });
    try {
      const [good, subject] = tick('AAPL', 1);
      service.intake.onTick(good, 'md.tick.x.AAPL');
      service.intake.onTick(good, 'md.tick.1');
      service.intake.onTick(Uint8Array.of(0xff, 0xff, 0xff), subject);
      service.intake.onTick(good.subarray(0, 5), subject);
      service.intake.onTick(good, tickSubjectForSymbol('MSFT', SHARDS));
      service.intake.onTick(MarketUpdate.encode(MarketUpdate.fromPartial({ symbol: 'A{B}', seq: 1n })).finish(), tickSubjectForSymbol('A{B}', SHARDS));
      service.instruments.onInstrument(Uint8Array.of(0x0a, 0x09), instrumentSubject(0));
      service.instruments.onInstrument(Instrument.encode(Instrument.fromPartial({ symbol: 'IBM' })).finish(), 'md.instrument.x');
      service.intake.onTick(good, subject);
      expect(Object.fromEntries(service.badInput.counts)).toEqual({
        SNAPSHOT_INPUT_BAD_SUBJECT: 3,
        SNAPSHOT_INPUT_UNDECODABLE: 2,
        SNAPSHOT_INPUT_SYMBOL_MISMATCH: 1,
        SNAPSHOT_INPUT_INVALID_SYMBOL: 1,
        SNAPSHOT_INPUT_BAD_INSTRUMENT: 1,
      });
      expect(service.metrics.updatesIn).toBe(1);
      expect(lines.filter((l) => l.event === 'input.bad').map((l) => [l.code, l.subject])).toContainEqual(['SNAPSHOT_INPUT_SYMBOL_MISMATCH', tickSubjectForSymbol('MSFT', SHARDS)]);
      expect(await registry.getSingleMetricAsString('tickwire_snapshot_bad_input_total')).toContain('tickwire_snapshot_bad_input_total{reason="SNAPSHOT_INPUT_UNDECODABLE",service="snapshot-test"} 2');
    } finally {
      await service.drain();
    }
  });

  it('stops logging after 20 lines a second but keeps counting', () => {
    const lines: { event?: string; count?: number }[] = [];
    const logger = createLogger({ service: 'snapshot-test', level: 'warn', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
    const service = startSnapshotService({ bus: new InMemoryBroker().connect(), store: new MemorySnapshotStore(), shards: [0], shardCount: 1, flushIntervalMs: 60_000, logger, registry: createMetrics({ service: 'snapshot-test', defaultMetrics: false }) });
    for (let i = 0; i < 1_000; i += 1) service.intake.onTick(Uint8Array.of(1), 'garbage');
    expect(lines.filter((l) => l.event === 'input.bad')).toHaveLength(20);
    expect(service.badInput.counts.get('SNAPSHOT_INPUT_BAD_SUBJECT')).toBe(1_000);
    void service.drain();
  });
});

describe('a replica that owns no shards (SHARDS=none)', () => {
  const options = { shardCount: SHARDS, flushIntervalMs: 60_000, logger: createLogger({ service: 'snapshot-test', level: 'silent' }) };

  it('needs no bus, writes nothing, and still reports the store status its reads depend on', async () => {
    const store = new FlakyStore();
    const statuses: boolean[] = [];
    let now = 1_000_000;
    const service = startSnapshotService({ ...options, store, shards: [], registry: createMetrics({ service: 'snapshot-test', defaultMetrics: false }), onStoreStatus: (up) => statuses.push(up), nowMs: () => now });
    try {
      await service.writer.flush();
      store.down = true;
      // Idle long enough that the flush pings the store.
      now += 10 * options.flushIntervalMs;
      await service.writer.flush();
      expect({ statuses, writes: store.putLatestCalls }).toEqual({ statuses: [true, false], writes: 0 });
    } finally {
      await service.drain();
    }
  });

  it('subscribes to nothing and asks no normalizer to republish, even given a bus', async () => {
    const broker = new InMemoryBroker();
    const seen: string[] = [];
    broker.connect().subscribe('md.>', (_data, subject) => seen.push(subject));
    const service = startSnapshotService({ ...options, bus: broker.connect(), store: new MemorySnapshotStore(), shards: [], registry: createMetrics({ service: 'snapshot-test', defaultMetrics: false }) });
    try {
      const publisher = broker.connect();
      publisher.publish(tickSubjectForSymbol('AAPL', SHARDS), tick('AAPL', 1)[0]);
      await publisher.flush();
      expect({ seen, updatesIn: service.metrics.updatesIn }).toEqual({ seen: [tickSubjectForSymbol('AAPL', SHARDS)], updatesIn: 0 });
    } finally {
      await service.drain();
    }
  });

  it('a replica that owns shards but has no bus is refused at start', () => {
    expect(() => startSnapshotService({ ...options, store: new MemorySnapshotStore(), shards: [1, 2], registry: createMetrics({ service: 'snapshot-test', defaultMetrics: false }) })).toThrow('a replica owning shards 1,2 needs a bus to take their ticks from');
  });
});
