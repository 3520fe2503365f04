import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BinaryFileFramer, ItchMessageView } from '@tickwire/itch';
import { BookSet } from '@tickwire/book';
import { InMemoryBroker, type Bus, type StreamReplay } from '@tickwire/bus';
import { Instrument as InstrumentReference, MarketUpdate, RawBatch, allInstrumentsWildcard, allTicksWildcard, instrumentSubject, parseTickSubject, republishSubject, shardOf } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { FakeTimers } from '../test/fake-timers';
import { rawBatchesFromFile } from '../test/raw-batches';
import { MAX_REWINDS_PER_GAP, REPUBLISH_MIN_INTERVAL_MS } from './normalizer';
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

  it('keeps no minute candles in its books (the snapshot service builds them from the prints): memory follows live orders, not the minutes of the day', async () => {
    const { normalizer } = await run((n, timers) => feedAll(batches, n, timers));
    const instruments = normalizer.books.allInstruments();
    expect(instruments.map((i) => i.tradeCount).reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
    expect(instruments.map((i) => i.candles.length)).toEqual(instruments.map(() => 0));
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

  it('answers md.republish.<shard> with the last published state of each of its symbols, same seq, at most once per interval', async () => {
    const broker = new InMemoryBroker();
    const timers = new FakeTimers();
    const updates: MarketUpdate[] = [];
    broker.connect().subscribe(allTicksWildcard, (data) => updates.push(MarketUpdate.decode(data)));
    const normalizer = startNormalizer(
      broker.connect(),
      { shards: [0, 1, 2, 3], shardCount: SHARDS, maxUpdatesPerSec: MAX_PER_SEC, depthLevels: 5, epoch: 77n, nowUnixNs: () => BigInt(Math.round(timers.now * 1e6)), timers },
      createMetrics({ service: 'normalizer', defaultMetrics: false }),
      createLogger({ service: 'normalizer', level: 'silent' }),
    );
    feedAll(batches, normalizer, timers);
    timers.advance(5_000);
    await new Promise((resolve) => setImmediate(resolve));
    // The request reaches the normalizer, and its answer the test's subscriber, a turn each.
    const delivered = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    const lastOf = (symbol: string, list: readonly MarketUpdate[]): MarketUpdate => list.filter((u) => u.symbol === symbol).at(-1)!;
    const published = updates.length;
    const shard = shardOf('ALC', SHARDS);
    const ofShard = ['ALC', 'BOB', 'CHAR'].filter((symbol) => shardOf(symbol, SHARDS) === shard);
    const asker = broker.connect();
    asker.publish(republishSubject(shard), new Uint8Array(0));
    await delivered();
    const again = updates.slice(published);
    expect(again.map((u) => u.symbol).sort()).toEqual(ofShard.sort());
    for (const symbol of ofShard) {
      const before = lastOf(symbol, updates.slice(0, published));
      const repeat = lastOf(symbol, again);
      // The same state under the same seq: a consumer holding it drops it, one that lost it has it back.
      expect({ symbol, seq: repeat.seq, epoch: repeat.epoch, ltp: repeat.ltp, volume: repeat.volume, vwap: repeat.vwap, quote: repeat.quote, depth: repeat.depth, ohlc: repeat.ohlc, stale: repeat.stale }).toEqual({ symbol, seq: before.seq, epoch: before.epoch, ltp: before.ltp, volume: before.volume, vwap: before.vwap, quote: before.quote, depth: before.depth, ohlc: before.ohlc, stale: before.stale });
      expect(repeat.trades).toEqual([]);
    }
    // Asked again at once: nothing (a crowd of restarting consumers cannot make it flood the bus).
    asker.publish(republishSubject(shard), new Uint8Array(0));
    await delivered();
    expect(updates.length).toBe(published + again.length);
    timers.advance(REPUBLISH_MIN_INTERVAL_MS);
    asker.publish(republishSubject(shard), new Uint8Array(0));
    await delivered();
    expect(updates.length).toBe(published + 2 * again.length);
    normalizer.stop();
  });

  it('skips an undecodable batch and counts it', async () => {
    const { logLines, updates } = await run((normalizer) => {
      normalizer.onBatch(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    });
    expect(updates).toEqual([]);
    expect(logLines.some((l) => l.event === 'raw.bad_batch')).toBe(true);
  });
});

/** A replay's rewind where every batch is delivered: asking for one would be a bug. */
function noRewindExpected(): never {
  throw new Error('rewind asked for, but no md.raw batch is missing');
}

describe('Normalizer: reference data on md.instrument.<shard>', () => {
  const batches = rawBatchesFromFile(SAMPLE, SHARDS, 20);
  const options = (timers: FakeTimers, standby: boolean, rawStream?: string) => ({
    shards: [0, 1, 2, 3], shardCount: SHARDS, maxUpdatesPerSec: MAX_PER_SEC, depthLevels: 5, epoch: 77n, nowUnixNs: () => BigInt(Math.round(timers.now * 1e6)), timers, standby, ...(rawStream === undefined ? {} : { rawStream }),
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  function listen(broker: InMemoryBroker): { subject: string; instrument: InstrumentReference }[] {
    const seen: { subject: string; instrument: InstrumentReference }[] = [];
    broker.connect().subscribe(allInstrumentsWildcard, (data, subject) => seen.push({ subject, instrument: InstrumentReference.decode(data) }));
    return seen;
  }
  const silent = () => createLogger({ service: 'normalizer', level: 'silent' });
  const metrics = () => createMetrics({ service: 'normalizer', defaultMetrics: false });

  it("publishes each Stock Directory ('R') the active instance applies, on its symbol's shard", async () => {
    const broker = new InMemoryBroker();
    const seen = listen(broker);
    const timers = new FakeTimers();
    const normalizer = startNormalizer(broker.connect(), options(timers, false), metrics(), silent());
    feedAll(batches, normalizer, timers);
    await settle();
    expect(seen.map((s) => s.instrument.symbol).sort()).toEqual(['ALC', 'BOB', 'CHAR']);
    for (const { subject, instrument } of seen) {
      const book = normalizer.books.instrumentBySymbol(instrument.symbol)!;
      expect(subject).toBe(instrumentSubject(shardOf(instrument.symbol, SHARDS)));
      expect(instrument).toEqual({
        symbol: book.symbol, locate: book.locate, shard: shardOf(book.symbol, SHARDS), marketCategory: String.fromCharCode(book.marketCategory).trim(), roundLotSize: book.roundLotSize,
        financialStatus: String.fromCharCode(book.financialStatus).trim(), roundLotsOnly: book.roundLotsOnly === 0x59, issueClassification: String.fromCharCode(book.issueClassification).trim(),
        issueSubType: String.fromCharCode(book.issueSubType >>> 8, book.issueSubType & 0xff).trim(), etp: book.etpFlag === 0x59, etpLeverageFactor: book.etpLeverageFactor, inverse: book.inverseIndicator === 0x31,
      });
    }
  });

  it('the active instance sends the whole directory again every directoryIntervalMs, so a late or emptied consumer gets it; a standby does not', async () => {
    const broker = new InMemoryBroker();
    const timers = new FakeTimers();
    const active = startNormalizer(broker.connect(), { ...options(timers, false), directoryIntervalMs: 10_000 }, metrics(), silent());
    const standby = startNormalizer(broker.connect(), { ...options(timers, true), directoryIntervalMs: 10_000 }, metrics(), silent());
    feedAll(batches, active, timers);
    feedAll(batches, standby, timers);
    await settle();
    // A consumer that subscribes after the Stock Directory messages went out.
    const late = listen(broker);
    timers.advance(10_000);
    await settle();
    expect(late.map((s) => s.instrument.symbol).sort()).toEqual(['ALC', 'BOB', 'CHAR']);
    timers.advance(10_000);
    await settle();
    expect(late).toHaveLength(6);
    active.stop();
    standby.stop();
    timers.advance(30_000);
    await settle();
    expect(late).toHaveLength(6);
  });

  it('a standby publishes no reference data; it sends the whole directory when it takes over', async () => {
    const broker = new InMemoryBroker();
    const seen = listen(broker);
    const timers = new FakeTimers();
    const standby = startNormalizer(broker.connect(), options(timers, true), metrics(), silent());
    feedAll(batches, standby, timers);
    await settle();
    expect(seen).toEqual([]);
    standby.becomeActive();
    await settle();
    expect(seen.map((s) => s.instrument.symbol).sort()).toEqual(['ALC', 'BOB', 'CHAR']);
  });

  it('a raw stream that does not exist yet: start is retried (not ready meanwhile) until the stream appears', async () => {
    const broker = new InMemoryBroker();
    const seen = listen(broker);
    const timers = new FakeTimers();
    const bus = broker.connect();
    let calls = 0;
    const lateStream: Pick<Bus, 'publish' | 'subscribe'> & StreamReplay = {
      publish: (subject, data) => bus.publish(subject, data),
      subscribe: (subject, handler) => bus.subscribe(subject, handler),
      ensureStream: async () => {},
      replay: async (_stream, subject, handler, onCaughtUp) => {
        // The first two attempts find no stream (ingest has not created it yet).
        if (++calls <= 2) throw new Error('stream not found');
        const shard = Number(subject.split('.').at(-1));
        setImmediate(() => {
          for (const batch of batches) if (batch.shard === shard) handler(batch.bytes, subject, undefined);
          onCaughtUp();
        });
        return Object.assign(bus.subscribe(subject, handler), { rewind: noRewindExpected });
      },
    };
    const consuming: [boolean, string | undefined][] = [];
    const normalizer = startNormalizer(lateStream, options(timers, false, 'MD_RAW'), metrics(), silent(), (ok, reason) => consuming.push([ok, reason]));
    const deadline = Date.now() + 5_000;
    while (!consuming.some(([ok]) => ok) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await settle();
    expect(consuming).toEqual([
      [false, 'cannot consume md.raw: stream not found'],
      [false, 'cannot consume md.raw: stream not found'],
      [true, undefined],
    ]);
    expect(calls).toBe(2 + SHARDS);
    expect(seen.map((s) => s.instrument.symbol).sort()).toEqual(['ALC', 'BOB', 'CHAR']);
    normalizer.stop();
  });

  it('a restart replaying the raw stream publishes the directory once caught up, not during the replay', async () => {
    const broker = new InMemoryBroker();
    const seen = listen(broker);
    const timers = new FakeTimers();
    const bus = broker.connect();
    let seenDuringReplay = -1;
    // The stream holds the whole sample; replay delivers it, then reports caught up.
    const replaying: Pick<Bus, 'publish' | 'subscribe'> & StreamReplay = {
      publish: (subject, data) => bus.publish(subject, data),
      subscribe: (subject, handler) => bus.subscribe(subject, handler),
      ensureStream: async () => {},
      replay: async (_stream, subject, handler, onCaughtUp) => {
        const shard = Number(subject.split('.').at(-1));
        setImmediate(() => {
          for (const batch of batches) if (batch.shard === shard) handler(batch.bytes, subject, undefined);
          seenDuringReplay = seen.length;
          onCaughtUp();
        });
        return Object.assign(bus.subscribe(subject, handler), { rewind: noRewindExpected });
      },
    };
    startNormalizer(replaying, options(timers, false, 'MD_RAW'), metrics(), silent());
    await settle();
    await settle();
    expect(seenDuringReplay).toBe(0);
    expect(seen.map((s) => s.instrument.symbol).sort()).toEqual(['ALC', 'BOB', 'CHAR']);
  });
});

/**
 * md.raw as a stream holds it, replayed per shard in order, with `rewind` as NatsBus.replay has it
 * (deliver again from the batch after the one before the current one). `hidden(shard, index, pass)`
 * batches are skipped on that pass, as a consumer served by a replica still catching up skips what the
 * replica lacks.
 */
function storedRawStream(
  bus: Bus,
  stored: readonly { shard: number; bytes: Uint8Array }[],
  hidden: (shard: number, index: number, pass: number) => boolean,
  /** How many batches before `index` to deliver again right after it: a replaced or rewound consumer starting early. */
  again: (shard: number, index: number) => number = () => 0,
): Pick<Bus, 'publish' | 'subscribe'> & StreamReplay {
  return {
    publish: (subject, data) => bus.publish(subject, data),
    subscribe: (subject, handler) => bus.subscribe(subject, handler),
    ensureStream: async () => {},
    replay: async (_stream, subject, handler, onCaughtUp) => {
      const shard = Number(subject.split('.').at(-1));
      const list = stored.filter((b) => b.shard === shard);
      let generation = 0;
      let pass = 0;
      let current = -1;
      let before = -1;
      let caughtUp = false;
      const deliverFrom = (start: number, mine: number): void => {
        setImmediate(() => {
          for (let i = start; i < list.length && mine === generation; i++) {
            if (hidden(shard, i, pass)) continue;
            before = current;
            current = i;
            handler(list[i]!.bytes, subject, undefined);
            const repeat = again(shard, i);
            for (let k = Math.max(0, i - repeat); repeat > 0 && k <= i; k++) handler(list[k]!.bytes, subject, undefined);
          }
          if (mine === generation && !caughtUp) {
            caughtUp = true;
            onCaughtUp();
          }
        });
      };
      deliverFrom(0, generation);
      const live = bus.subscribe(subject, handler);
      return {
        subject,
        queue: undefined,
        unsubscribe: () => {
          generation++;
          live.unsubscribe();
        },
        rewind: () => {
          pass++;
          current = before;
          deliverFrom(before + 1, ++generation);
        },
      };
    },
  };
}

describe('Normalizer: md.raw batches missing from a stream replay', () => {
  const batches = rawBatchesFromFile(SAMPLE, SHARDS, 20);
  // The shard with the most batches, and two batches in its middle.
  const counts = [0, 1, 2, 3].map((shard) => batches.filter((b) => b.shard === shard).length);
  const shard = counts.indexOf(Math.max(...counts));
  const middle = Math.floor(counts[shard]! / 2);

  async function replayWith(hidden: (shard: number, index: number, pass: number) => boolean, again?: (shard: number, index: number) => number) {
    const broker = new InMemoryBroker();
    const timers = new FakeTimers();
    const updates: MarketUpdate[] = [];
    broker.connect().subscribe(allTicksWildcard, (data) => updates.push(MarketUpdate.decode(data)));
    const events: { event?: string; attempt?: number }[] = [];
    const logger = createLogger({ service: 'normalizer', level: 'info', destination: { write: (line: string) => void events.push(JSON.parse(line)) } });
    const normalizer = startNormalizer(
      storedRawStream(broker.connect(), batches, hidden, again),
      { shards: [0, 1, 2, 3], shardCount: SHARDS, maxUpdatesPerSec: MAX_PER_SEC, depthLevels: 5, epoch: 77n, nowUnixNs: () => BigInt(Math.round(timers.now * 1e6)), timers, rawStream: 'MD_RAW' },
      createMetrics({ service: 'normalizer', defaultMetrics: false }),
      logger,
    );
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    timers.advance(5_000);
    await new Promise((resolve) => setImmediate(resolve));
    return { normalizer, updates, events };
  }

  it('asks the stream again and applies the batches it finds then: nothing stale, the same books as a whole replay', async () => {
    const whole = await replayWith(() => false);
    const rewound = await replayWith((s, i, pass) => s === shard && pass === 0 && (i === middle || i === middle + 1));
    expect(rewound.events.filter((e) => e.event === 'raw.rewind')).toHaveLength(1);
    expect(rewound.events.filter((e) => e.event === 'books.stale')).toEqual([]);
    expect(rewound.normalizer.staleCount).toBe(0);
    expect(rewound.updates.some((u) => u.stale)).toBe(false);
    for (const symbol of ['ALC', 'BOB', 'CHAR']) {
      const [a, b] = [whole, rewound].map((r) => r.normalizer.books.instrumentBySymbol(symbol)!);
      expect({ symbol, ltp: b.ltp, volume: b.volume, vwap: b.vwap, bid: b.bids.bestPrice, ask: b.asks.bestPrice }).toEqual({ symbol, ltp: a.ltp, volume: a.volume, vwap: a.vwap, bid: a.bids.bestPrice, ask: a.asks.bestPrice });
    }
  });

  it('batches delivered again (a consumer replaced while a rewind was under way starts early) are skipped as duplicates: nothing stale, nothing applied twice', async () => {
    const whole = await replayWith(() => false);
    const echoed = await replayWith(
      () => false,
      (s, i) => (s === shard && i === middle ? 3 : 0),
    );
    expect(echoed.events.filter((e) => e.event === 'books.stale')).toEqual([]);
    expect(echoed.normalizer.staleCount).toBe(0);
    expect(echoed.normalizer['metrics'].duplicateBatches).toBe(4);
    expect(echoed.normalizer['metrics'].lostBatches).toBe(0);
    for (const symbol of ['ALC', 'BOB', 'CHAR']) {
      const [a, b] = [whole, echoed].map((r) => r.normalizer.books.instrumentBySymbol(symbol)!);
      expect({ symbol, ltp: b.ltp, volume: b.volume, vwap: b.vwap, bid: b.bids.bestPrice, ask: b.asks.bestPrice }).toEqual({ symbol, ltp: a.ltp, volume: a.volume, vwap: a.vwap, bid: a.bids.bestPrice, ask: a.asks.bestPrice });
    }
  });

  it(`batches the stream never delivers are lost after ${MAX_REWINDS_PER_GAP} tries: the shard's books are marked stale and the replay goes on`, async () => {
    const lost = await replayWith((s, i) => s === shard && i === middle);
    expect(lost.events.filter((e) => e.event === 'raw.rewind').map((e) => e.attempt)).toEqual(Array.from({ length: MAX_REWINDS_PER_GAP }, (_, i) => i + 1));
    expect(lost.events.filter((e) => e.event === 'books.stale')).toHaveLength(1);
    expect(lost.normalizer.staleCount).toBeGreaterThan(0);
  });
});
