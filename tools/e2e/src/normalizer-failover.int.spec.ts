import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { waitUntil } from '@tickwire/bus/testing';
import { allTicksWildcard, MarketUpdate } from '@tickwire/protocol';
import { findFreePort, startNats, type TestServer, ServiceProcess } from '@tickwire/testing';
import { referenceBooks } from './reference-books';

// A day long enough (a few seconds at SPEED 2, no open burst) to kill the active normalizer in the middle.
const DAY = { SEED: '11', SYMBOLS: '40', MESSAGES: '120000', RATE: '20000', OPEN_BURST_MULTIPLIER: '1' };
const NORMALIZER = { SHARD_COUNT: '2', SHARDS: '0-1', MAX_UPDATES_PER_SEC: '20', LEASE_KEY: 'shards-0-1', LEASE_TTL: '1s' };

describe('normalizer high availability: kill -9 the active one (processes, real NATS with JetStream)', () => {
  let nats: TestServer;
  let consumer: NatsBus;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    nats = await startNats({ extraArgs: ['-js', '-sd', `/tmp/tickwire-js-${process.pid}-${Date.now()}`] });
    consumer = await connectNatsBus({ servers: nats.url, name: 'e2e-failover' });
  });

  afterAll(async () => {
    for (const service of running) await service.stop();
    await consumer?.close();
    await nats?.stop();
  });

  it('the standby takes over within seconds; clients see every symbol continue at seq + 1 in the same epoch', async () => {
    const bySymbol = new Map<string, MarketUpdate[]>();
    consumer.subscribe(allTicksWildcard, (data) => {
      const update = MarketUpdate.decode(data);
      bySymbol.set(update.symbol, [...(bySymbol.get(update.symbol) ?? []), update]);
    });
    await consumer.flush();
    const first = new ServiceProcess('normalizer', { ...NORMALIZER, NATS_URL: nats.url });
    running.push(first);
    await first.waitFor('lease.acquired');
    const second = new ServiceProcess('normalizer', { ...NORMALIZER, NATS_URL: nats.url });
    running.push(second);
    await second.waitFor('service.started');

    const port = await findFreePort();
    const sim = new ServiceProcess('exchange-sim', { ...DAY, MODE: 'soupbintcp', PORT: String(port), SPEED: '2' });
    running.push(sim);
    await sim.waitFor('sim.soupbintcp_listening');
    const ingest = new ServiceProcess('ingest', { SOURCE: `soupbintcp://tw:tickwire@127.0.0.1:${port}?session=TICKWIRE01`, NATS_URL: nats.url, SHARD_COUNT: '2' });
    running.push(ingest);

    const total = (): number => [...bySymbol.values()].reduce((n, list) => n + list.length, 0);
    await waitUntil(() => total() > 200, 'the active normalizer to publish', 60_000);
    first.kill();
    const killedAt = Date.now();
    const takeover = await second.waitFor('lease.acquired', 15_000);
    const takeoverMs = Date.now() - killedAt;
    const active = await second.waitFor('normalizer.active');
    expect(active['continued']).toBe(true);
    expect(takeover['key']).toBe('shards-0-1');
    // Lease TTL 1 s, renewals every third of it: the takeover is bounded by a few seconds.
    expect(takeoverMs).toBeLessThan(10_000);

    await ingest.waitFor('feed.end_of_session', 120_000);
    // After the failover, every symbol still reaches the state of an unthrottled book of the whole day.
    const reference = referenceBooks(DAY);
    const settled = (): boolean =>
      reference.allInstruments().every((book) => {
        const last = bySymbol.get(book.symbol)?.at(-1);
        if (book.tradeCount === 0 && book.bids.length === 0 && book.asks.length === 0) return true;
        return last !== undefined && Number(last.volume) === book.volume && last.quote?.bidPrice === (book.bids.length > 0 ? book.bids.bestPrice : 0) && last.quote?.askPrice === (book.asks.length > 0 ? book.asks.bestPrice : 0);
      });
    await waitUntil(settled, 'every symbol to reach its final state after the failover', 30_000);

    const epochs = new Set<bigint>();
    for (const [symbol, updates] of bySymbol) {
      for (const update of updates) epochs.add(update.epoch);
      const seqs = updates.map((u) => Number(u.seq));
      expect({ symbol, consecutive: seqs.every((s, i) => s === i + 1) }).toEqual({ symbol, consecutive: true });
      const matches = updates.flatMap((u) => u.trades.map((t) => t.matchNumber));
      expect({ symbol, repeatedTrades: matches.length - new Set(matches).size }).toEqual({ symbol, repeatedTrades: 0 });
    }
    expect(epochs.size).toBe(1);
  });
});
