import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { waitUntil } from '@tickwire/bus/testing';
import { allTicksWildcard, MarketUpdate } from '@tickwire/protocol';
import { findFreePort, startNats, type TestServer, ServiceProcess } from '@tickwire/testing';
import { referenceBooks } from './reference-books';

const DAY = { SEED: '7', SYMBOLS: '50', MESSAGES: '100000', RATE: '20000' };
const MAX_UPDATES_PER_SEC = 20;
const DEPTH = 5;

describe('exchange-sim -> ingest -> normalizer -> NATS md.tick (processes, real NATS)', () => {
  let nats: TestServer;
  let consumer: NatsBus;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    nats = await startNats();
    consumer = await connectNatsBus({ servers: nats.url, name: 'e2e-ticks' });
  });

  afterAll(async () => {
    for (const service of running) await service.stop();
    await consumer?.close();
    await nats?.stop();
  });

  it('per-symbol seq rises by exactly 1, the rate stays under the limit, and the final state equals the unthrottled book', async () => {
    const bySymbol = new Map<string, MarketUpdate[]>();
    consumer.subscribe(allTicksWildcard, (data) => {
      const update = MarketUpdate.decode(data);
      const list = bySymbol.get(update.symbol) ?? [];
      list.push(update);
      bySymbol.set(update.symbol, list);
    });
    await consumer.flush();
    const port = await findFreePort();
    const normalizer = new ServiceProcess('normalizer', { NATS_URL: nats.url, SHARD_COUNT: '4', SHARDS: '0-3', MAX_UPDATES_PER_SEC: String(MAX_UPDATES_PER_SEC), DEPTH_LEVELS: String(DEPTH) });
    running.push(normalizer);
    await normalizer.waitFor('service.started');
    const sim = new ServiceProcess('exchange-sim', { ...DAY, MODE: 'soupbintcp', PORT: String(port), SPEED: '50' });
    running.push(sim);
    await sim.waitFor('sim.soupbintcp_listening');
    const ingest = new ServiceProcess('ingest', { SOURCE: `soupbintcp://tw:tickwire@127.0.0.1:${port}?session=TICKWIRE01`, NATS_URL: nats.url, SHARD_COUNT: '4' });
    running.push(ingest);
    await ingest.waitFor('feed.end_of_session', 120_000);

    const reference = referenceBooks(DAY, DEPTH);
    const lastMatches = (symbol: string): boolean => {
      const last = bySymbol.get(symbol)?.at(-1);
      const book = reference.instrumentBySymbol(symbol)!;
      return last !== undefined && Number(last.volume) === book.volume && last.ltp === (book.tradeCount > 0 ? book.ltp : undefined) && last.quote?.bidPrice === (book.bids.length > 0 ? book.bids.bestPrice : 0) && last.quote?.askPrice === (book.asks.length > 0 ? book.asks.bestPrice : 0);
    };
    const traded = reference.allInstruments().filter((i) => i.tradeCount > 0 || i.bids.length > 0 || i.asks.length > 0);
    // The trailing updates arrive within one throttle window after the last message.
    await waitUntil(() => traded.every((i) => lastMatches(i.symbol)), 'every symbol to reach its final state', 30_000);

    for (const [symbol, updates] of bySymbol) {
      expect({ symbol, seqs: updates.every((u, i) => Number(u.seq) === i + 1) }).toEqual({ symbol, seqs: true });
      const times = updates.map((u) => Number(u.publishTsNs) / 1e6);
      const tooClose = times.flatMap((t, i) => (i > 0 && t - times[i - 1]! < 1000 / MAX_UPDATES_PER_SEC - 1 ? [{ at: i, gapMs: t - times[i - 1]!, seq: Number(updates[i]!.seq), changed: updates[i]!.changed, prevChanged: updates[i - 1]!.changed }] : []));
      expect({ symbol, tooClose }).toEqual({ symbol, tooClose: [] });
    }
    for (const instrument of traded) {
      const last = bySymbol.get(instrument.symbol)!.at(-1)!;
      expect({ symbol: instrument.symbol, vwap: last.vwap, depthBids: last.depth?.bids.map((l) => [l.price, Number(l.size)]) }).toEqual({
        symbol: instrument.symbol,
        vwap: instrument.volume > 0 ? instrument.vwap : undefined,
        depthBids: Array.from({ length: Math.min(DEPTH, instrument.bids.length) }, (_, r) => [instrument.bids.priceAt(r), instrument.bids.sizeAt(r)]),
      });
    }
  });
});
