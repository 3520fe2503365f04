import { SubscriptionMode, type MarketUpdate } from '@tickwire/protocol';
import { SnapshotClient } from '@tickwire/snapshot-grpc';
import { applyUpdateStream, EdgeTestClient, findFreePort, serverMessage, startNats, startRedis, type EdgeWire, type TestServer, ServiceProcess } from '@tickwire/testing';
import { referenceBooks } from './reference-books';
import { realtimeToken } from './edge-token';

const DAY = { SEED: '11', SYMBOLS: '30', MESSAGES: '60000', RATE: '20000' };
const SHARD_COUNT = '4';
const DEPTH = 5;
const SECRET = 'e2e-edge-secret-0123456789-0123456789-abcdef';


/**
 * The client-visible fields a snapshot and a client's merged state must agree on. VWAP to 12 significant
 * digits: the JSON encoding divides it by 10,000 and may differ in the last bit (docs/protocol.md).
 */
function visible(state: Partial<MarketUpdate>): unknown {
  const vwap = state.vwap === undefined ? undefined : Number(state.vwap.toPrecision(12));
  return { ltp: state.ltp, volume: state.volume, vwap, quote: state.quote, ohlc: state.ohlc, depth: state.depth, status: state.status };
}

describe('exchange-sim -> ingest -> normalizer -> snapshot (Redis) -> edge -> WebSocket clients (processes, real NATS and Redis)', () => {
  let nats: TestServer;
  let redis: TestServer;
  let snapshots: SnapshotClient | undefined;
  const running: ServiceProcess[] = [];
  const clients: EdgeTestClient[] = [];

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const service of running.reverse()) await service.stop();
    snapshots?.close();
    await nats?.stop();
    await redis?.stop();
  });

  it('JSON and binary clients get snapshots then updates without gaps, and end equal to the snapshot service', async () => {
    const reference = referenceBooks(DAY, DEPTH);
    const symbols = reference.allInstruments().filter((i) => i.tradeCount > 0).map((i) => i.symbol).slice(0, 12);
    expect(symbols.length).toBeGreaterThan(5);

    const normalizer = new ServiceProcess('normalizer', { NATS_URL: nats.url, SHARD_COUNT, SHARDS: '0-3', MAX_UPDATES_PER_SEC: '20', DEPTH_LEVELS: String(DEPTH) });
    const snapshot = new ServiceProcess('snapshot', { NATS_URL: nats.url, REDIS_URL: redis.url, SHARD_COUNT, SHARDS: '0-3', GRPC_HOST: '127.0.0.1', GRPC_PORT: '0', FLUSH_INTERVAL: '50ms' });
    running.push(normalizer, snapshot);
    await normalizer.waitFor('service.started');
    const grpc = await snapshot.waitFor('grpc.listening');
    const snapshotAddress = String(grpc['address']);
    snapshots = new SnapshotClient(snapshotAddress);
    const edge = new ServiceProcess('edge', { NATS_URL: nats.url, SHARD_COUNT, SNAPSHOT_ADDRESS: snapshotAddress, HOST: '127.0.0.1', PORT: '0', JWT_HS256_SECRET: SECRET, DRAIN_WINDOW: '100ms' });
    running.push(edge);
    const listening = await edge.waitFor('edge.listening');
    const url = `ws://127.0.0.1:${String(listening['port'])}/v1/stream?token=${await realtimeToken(SECRET)}`;

    const port = await findFreePort();
    const sim = new ServiceProcess('exchange-sim', { ...DAY, MODE: 'soupbintcp', PORT: String(port), SPEED: '20' });
    running.push(sim);
    await sim.waitFor('sim.soupbintcp_listening');
    const ingest = new ServiceProcess('ingest', { SOURCE: `soupbintcp://tw:tickwire@127.0.0.1:${port}?session=TICKWIRE01`, NATS_URL: nats.url, SHARD_COUNT });
    running.push(ingest);

    // Clients join while the day is running: half before the first ticks reach the snapshot service, half later.
    const wires: EdgeWire[] = ['json', 'proto', 'json', 'proto'];
    for (const [i, wire] of wires.entries()) {
      if (i === 2) await new Promise((resolve) => setTimeout(resolve, 1_500));
      const client = await EdgeTestClient.connect(url, wire);
      clients.push(client);
      await client.waitFor(serverMessage.welcome);
      const id = client.subscribe(symbols, SubscriptionMode.FULL);
      await client.waitFor(serverMessage.ack(id), 10_000);
      const ack = client.received.find(serverMessage.ack(id));
      const results = ack?.body?.$case === 'subscribeAck' ? ack.body.value.results : [];
      // Before the first ticks a symbol may not exist yet anywhere; resubscribe those later.
      const missing = results.filter((r) => r.code !== 1).map((r) => r.symbol);
      if (missing.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await client.waitFor(serverMessage.ack(client.subscribe(missing, SubscriptionMode.FULL)), 10_000);
      }
    }
    await ingest.waitFor('feed.end_of_session', 120_000);

    // After the last trailing updates: every client's merged state equals GetSnapshots, for every symbol.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await snapshots.getSnapshots(symbols, SubscriptionMode.FULL);
      const latest = new Map(response.snapshots.map((s) => [s.symbol, s]));
      const mismatches: string[] = [];
      for (const [c, client] of clients.entries()) {
        for (const symbol of symbols) {
          const stored = latest.get(symbol);
          const stream = client.updates(symbol);
          if (stored === undefined || stream.length === 0) {
            mismatches.push(`${c}:${symbol}: nothing yet`);
            continue;
          }
          const merged = applyUpdateStream(stream);
          if (merged.seq !== stored.seq || JSON.stringify(visible(merged.state), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) !== JSON.stringify(visible(stored), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) {
            const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
            mismatches.push(`${c}:${symbol}: client seq ${merged.seq} ${show(visible(merged.state))}, snapshot seq ${stored.seq} ${show(visible(stored))}`);
          }
        }
      }
      if (mismatches.length === 0) break;
      if (Date.now() > deadline) throw new Error(`clients and the snapshot service disagree: ${mismatches.slice(0, 10).join('; ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    for (const client of clients) {
      for (const symbol of symbols) {
        const stream = client.updates(symbol);
        // Full mode sees every update: after the snapshot, seq rises by exactly one, never repeats.
        const afterSnapshot = stream.slice(stream.findIndex((u) => u.snapshot) + 1).filter((u) => !u.snapshot);
        for (let i = 1; i < afterSnapshot.length; i++) expect({ symbol, step: afterSnapshot[i]!.seq - afterSnapshot[i - 1]!.seq }).toEqual({ symbol, step: 1n });
        // And the end state is the exchange's, computed independently from the generated day.
        const book = reference.instrumentBySymbol(symbol)!;
        const merged = applyUpdateStream(stream).state;
        expect({ symbol, ltp: merged.ltp, volume: Number(merged.volume) }).toEqual({ symbol, ltp: book.ltp, volume: book.volume });
      }
    }
  }, 240_000);
});
