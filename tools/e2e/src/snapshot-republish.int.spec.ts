import { createConnection } from 'node:net';
import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { waitUntil } from '@tickwire/bus/testing';
import { allTicksWildcard, MarketUpdate, SubscriptionMode } from '@tickwire/protocol';
import { eventually, findFreePort, ServiceProcess, startNats, startRedis, type TestServer } from '@tickwire/testing';
import { SnapshotProcesses } from './snapshot-processes';

const SHARD_COUNT = 2;
const DAY = { SEED: '31', SYMBOLS: '30', MESSAGES: '20000', RATE: '20000', OPEN_BURST_MULTIPLIER: '1' };

/** FLUSHALL over RESP: Redis back from a restart without persistence, empty. */
function flushAll(redisUrl: string): Promise<string> {
  const { hostname, port } = new URL(redisUrl);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port) }, () => socket.write('FLUSHALL\r\n'));
    socket.once('data', (answer: Buffer) => {
      socket.end();
      resolve(answer.toString('latin1').trim());
    });
    socket.once('error', reject);
  });
}

/**
 * Issue 5's last gap: a snapshot service killed while Redis came back empty used to leave every quiet
 * symbol unknown until it traded again (nobody held its state). A starting snapshot service now asks each
 * shard's normalizer (md.republish.<shard>) for every symbol's latest state, which comes back under the
 * seq already published. Processes: exchange simulator -> ingest -> normalizer -> snapshot, real NATS and Redis.
 */
describe('snapshot service restarted over an emptied Redis gets the quiet symbols back from the normalizer', () => {
  let nats: TestServer;
  let redis: TestServer;
  let consumer: NatsBus;
  const running: ServiceProcess[] = [];
  const snapshots = new SnapshotProcesses(SHARD_COUNT);

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    consumer = await connectNatsBus({ servers: nats.url, name: 'e2e-republish' });
  });

  afterAll(async () => {
    await snapshots.stop();
    for (const service of running) await service.stop();
    await consumer?.close();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  it('every symbol is served again at the seq it last had, none unknown, none rolled back', async () => {
    const lastSeq = new Map<string, bigint>();
    consumer.subscribe(allTicksWildcard, (data) => {
      const update = MarketUpdate.decode(data);
      if ((lastSeq.get(update.symbol) ?? 0n) < update.seq) lastSeq.set(update.symbol, update.seq);
    });
    await consumer.flush();
    const first = await snapshots.start({ NATS_URL: nats.url, REDIS_URL: redis.url });

    // The normalizer consumes md.raw before ingest publishes any: without RAW_STREAM a late subscriber
    // would miss the day's first batches, the Stock Directory among them.
    const normalizer = new ServiceProcess('normalizer', { NATS_URL: nats.url, SHARD_COUNT: String(SHARD_COUNT), SHARDS: `0-${SHARD_COUNT - 1}`, MAX_UPDATES_PER_SEC: '20' });
    running.push(normalizer);
    await normalizer.waitFor('normalizer.consuming');
    const port = await findFreePort();
    const sim = new ServiceProcess('exchange-sim', { ...DAY, MODE: 'soupbintcp', PORT: String(port), SPEED: '4' });
    running.push(sim);
    await sim.waitFor('sim.soupbintcp_listening');
    const ingest = new ServiceProcess('ingest', { SOURCE: `soupbintcp://tw:tickwire@127.0.0.1:${port}?session=TICKWIRE01`, NATS_URL: nats.url, SHARD_COUNT: String(SHARD_COUNT) });
    running.push(ingest);
    await ingest.waitFor('feed.end_of_session', 60_000);

    // The day is over and every symbol quiet: the snapshot service holds each one's last seq.
    const symbols = (): string[] => [...lastSeq.keys()].sort();
    const servedAtLast = async (client: typeof first.client): Promise<void> => {
      const response = await client.getSnapshots(symbols(), SubscriptionMode.LTP);
      expect(response.unknownSymbols).toEqual([]);
      expect(response.snapshots.map((s) => `${s.symbol}@${s.seq}`)).toEqual(symbols().map((symbol) => `${symbol}@${lastSeq.get(symbol)}`));
    };
    await waitUntil(() => lastSeq.size >= 20, 'updates for most symbols', 30_000);
    await eventually(() => servedAtLast(first.client), 'the first snapshot service to hold every symbol at its last seq');
    const before = new Map(lastSeq);

    // The service dies and Redis comes back empty: nobody holds the quiet symbols any more.
    first.app.kill();
    expect(await flushAll(redis.url)).toBe('+OK');

    const second = await snapshots.start({ NATS_URL: nats.url, REDIS_URL: redis.url });
    await second.app.waitFor('snapshot.republish_asked');
    const answered = await normalizer.waitFor('normalizer.republished');
    expect(Number(answered['symbols'])).toBeGreaterThan(0);
    await eventually(() => servedAtLast(second.client), 'every symbol served again at its last seq');
    // The answers repeated what was published: no symbol's seq moved.
    expect(lastSeq).toEqual(before);
  });
});
