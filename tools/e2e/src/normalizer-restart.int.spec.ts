import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { waitUntil } from '@tickwire/bus/testing';
import { allTicksWildcard, MarketUpdate } from '@tickwire/protocol';
import { findFreePort, startNats, type TestServer, ServiceProcess } from '@tickwire/testing';
import { referenceBooks } from './reference-books';

const DAY = { SEED: '23', SYMBOLS: '40', MESSAGES: '120000', RATE: '20000', OPEN_BURST_MULTIPLIER: '1' };
const NORMALIZER = { SHARD_COUNT: '2', SHARDS: '0-1', MAX_UPDATES_PER_SEC: '20', RAW_STREAM: 'MD_RAW' };

describe('normalizer restart: the books are rebuilt from the md.raw stream (processes, real NATS with JetStream)', () => {
  let nats: TestServer;
  let consumer: NatsBus;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    nats = await startNats({ extraArgs: ['-js', '-sd', `/tmp/tickwire-js-${process.pid}-${Date.now()}`] });
    consumer = await connectNatsBus({ servers: nats.url, name: 'e2e-restart' });
  });

  afterAll(async () => {
    for (const service of running) await service.stop();
    await consumer?.close();
    await nats?.stop();
  });

  it('a normalizer started after a crash replays the day, then publishes the right state in a new epoch', async () => {
    const byEpoch = new Map<bigint, Map<string, MarketUpdate[]>>();
    consumer.subscribe(allTicksWildcard, (data) => {
      const update = MarketUpdate.decode(data);
      const symbols = byEpoch.get(update.epoch) ?? new Map<string, MarketUpdate[]>();
      byEpoch.set(update.epoch, symbols);
      symbols.set(update.symbol, [...(symbols.get(update.symbol) ?? []), update]);
    });
    await consumer.flush();
    const port = await findFreePort();
    const sim = new ServiceProcess('exchange-sim', { ...DAY, MODE: 'soupbintcp', PORT: String(port), SPEED: '2' });
    running.push(sim);
    await sim.waitFor('sim.soupbintcp_listening');
    const ingest = new ServiceProcess('ingest', { SOURCE: `soupbintcp://tw:tickwire@127.0.0.1:${port}?session=TICKWIRE01`, NATS_URL: nats.url, SHARD_COUNT: '2', RAW_STREAM: 'MD_RAW' });
    running.push(ingest);
    await ingest.waitFor('raw_stream.ready');
    const first = new ServiceProcess('normalizer', { ...NORMALIZER, NATS_URL: nats.url });
    running.push(first);

    const published = (): number => [...byEpoch.values()].reduce((n, m) => n + [...m.values()].reduce((k, l) => k + l.length, 0), 0);
    await waitUntil(() => published() > 200, 'the first normalizer to publish', 60_000);
    first.kill();
    const second = new ServiceProcess('normalizer', { ...NORMALIZER, NATS_URL: nats.url });
    running.push(second);
    const caughtUp = await second.waitFor('normalizer.caught_up', 60_000);
    expect(Number(caughtUp['instruments'])).toBe(Number(DAY.SYMBOLS));

    await ingest.waitFor('feed.end_of_session', 120_000);
    const reference = referenceBooks(DAY);
    const epochs = (): bigint[] => [...byEpoch.keys()].sort((a, b) => (a < b ? -1 : 1));
    const settled = (): boolean => {
      const latest = byEpoch.get(epochs().at(-1)!)!;
      return reference.allInstruments().every((book) => {
        if (book.tradeCount === 0 && book.bids.length === 0 && book.asks.length === 0) return true;
        const last = latest.get(book.symbol)?.at(-1);
        return last !== undefined && Number(last.volume) === book.volume && last.ltp === book.ltp && last.quote?.bidPrice === (book.bids.length > 0 ? book.bids.bestPrice : 0);
      });
    };
    await waitUntil(() => epochs().length === 2 && settled(), 'the restarted normalizer to publish the final state', 30_000);
    // Each epoch is a clean sequence: 1, 2, 3... per symbol; the new one is later than the old.
    const [oldEpoch, newEpoch] = epochs();
    expect(newEpoch! > oldEpoch!).toBe(true);
    for (const [epoch, symbols] of byEpoch) {
      for (const [symbol, updates] of symbols) {
        expect({ epoch, symbol, consecutive: updates.every((u, i) => Number(u.seq) === i + 1) }).toEqual({ epoch, symbol, consecutive: true });
      }
    }
  });
});
