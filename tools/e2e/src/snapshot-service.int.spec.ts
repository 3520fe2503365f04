import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { Candle, Instrument, instrumentSubject, MarketUpdate, shardOf, SubscriptionMode } from '@tickwire/protocol';
import { SnapshotClientError } from '@tickwire/snapshot-grpc';
import { createRedisStore } from '@tickwire/store';
import { eventually, readyz, startNats, startRedis, type TestServer, SYNTHETIC_EPOCH, syntheticTick } from '@tickwire/testing';
import { expectServedAt, publishTicks, SnapshotProcesses, type SnapshotUnderTest } from './snapshot-processes';

const SHARD_COUNT = 4;
const SYMBOLS = Array.from({ length: 40 }, (_, i) => `SYM${i}`).concat(['BRK.B']);
const MINUTE_NS = 60_000_000_000n;
/** Publish time: 10:00 New York time on a summer day, so the session midnight is 04:00 UTC that day. */
const PUBLISH_NS = BigInt(Date.parse('2026-07-15T14:00:00Z')) * 1_000_000n;
const SESSION_MIDNIGHT_NS = BigInt(Date.parse('2026-07-15T04:00:00Z')) * 1_000_000n;

/** One print per update, in minute 570 + seq/50 (09:30 onwards), match numbers increasing. */
function update(symbol: string, seq: number): MarketUpdate {
  return syntheticTick(symbol, seq, { publishNs: PUBLISH_NS, tradeTsNs: (570n + BigInt(Math.floor(seq / 50))) * MINUTE_NS + BigInt(seq) });
}

/** What GetSnapshots(FULL) must return for `symbol` at `seq`: the update as a snapshot, without prints. */
function expectedSnapshot(symbol: string, seq: number): MarketUpdate {
  return { ...update(symbol, seq), snapshot: true, trades: [] };
}

describe('snapshot service (process) with real NATS and Redis: latest state, Redis outage, restart, a reads-only replica', () => {
  let nats: TestServer;
  let redis: TestServer;
  let publisher: NatsBus;
  const snapshots = new SnapshotProcesses(SHARD_COUNT);

  const startApp = (): Promise<SnapshotUnderTest> => snapshots.start({ NATS_URL: nats.url, REDIS_URL: redis.url });

  const publishUpTo = (from: number, to: number, symbols: readonly string[] = SYMBOLS): Promise<void> => publishTicks(publisher, SHARD_COUNT, symbols, from, to, update);

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    process.stdout.write(`snapshot e2e: nats via ${nats.backend} at ${nats.url}, redis via ${redis.backend} at ${redis.url}\n`);
    publisher = await connectNatsBus({ servers: nats.url, name: 'e2e-snapshot-publisher' });
  });

  afterAll(async () => {
    await snapshots.stop();
    await publisher?.close();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  it('serves the latest state and seq of every symbol, instruments and candles; survives a Redis restart without losing or rolling back anything; a restart serves from Redis at once', async () => {
    const { app, client } = await startApp();
    expect(await readyz(app)).toMatchObject({ status: 200 });

    // 1. Ticks flow in: GetSnapshots returns the latest state and seq of every symbol.
    await publishUpTo(1, 200);
    for (const symbol of SYMBOLS) publisher.publish(instrumentSubject(shardOf(symbol, SHARD_COUNT)), Instrument.encode(Instrument.fromPartial({ symbol, locate: 1 + SYMBOLS.indexOf(symbol), roundLotSize: 100, shard: shardOf(symbol, SHARD_COUNT) })).finish());
    await publisher.flush();
    await eventually(() => expectServedAt(client, SYMBOLS, 200, expectedSnapshot), 'every symbol at seq 200');
    await eventually(async () => expect((await client.listInstruments('', 1_000)).map((i) => i.symbol)).toEqual([...SYMBOLS].sort()), 'the instrument directory');
    expect((await client.getSnapshots(['SYM1', 'NOPE'], SubscriptionMode.LTP)).unknownSymbols).toEqual(['NOPE']);
    // Candles: 200 prints, one per update, 50 per minute from 09:30 (seq 1-49 in the first minute).
    await eventually(async () => {
      const bars = await client.getCandles('SYM3', SESSION_MIDNIGHT_NS, SESSION_MIDNIGHT_NS + 86_400n * 1_000_000_000n);
      expect(bars.map((c) => [c.startTsNs - SESSION_MIDNIGHT_NS, c.trades])).toEqual([
        [570n * MINUTE_NS, 49],
        [571n * MINUTE_NS, 50],
        [572n * MINUTE_NS, 50],
        [573n * MINUTE_NS, 50],
        [574n * MINUTE_NS, 1],
      ]);
      expect(Candle.toJSON(bars[1]!)).toMatchObject({ open: 1_005_000, close: 1_009_900, volume: '5000' });
    }, 'the candles of SYM3');

    // 2. Redis goes away: the service stays up, /readyz says so, gRPC answers UNAVAILABLE, state is kept in memory.
    await redis.stop();
    // Only half of the symbols tick during the outage: the quiet half must be restored too (Redis comes back empty).
    const busy = SYMBOLS.slice(0, 20);
    const seqAfterOutage = (symbol: string): number => (symbol === 'SYM0' ? 1_000 : busy.includes(symbol) ? 260 : 200);
    await publishUpTo(201, 260, busy);
    await eventually(async () => {
      const ready = await readyz(app);
      expect(ready.status).toBe(503);
      expect(ready.body).toContain('store');
    }, '/readyz to report the store down');
    const unavailable = await client.getSnapshots(['SYM1'], SubscriptionMode.FULL).catch((error: unknown) => error);
    expect(unavailable).toBeInstanceOf(SnapshotClientError);
    expect(unavailable).toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_STORE_UNAVAILABLE', retryable: true });
    expect(await client.checkHealth()).toBe('NOT_SERVING');
    expect(app.lines.some((l) => l.event === 'store.down')).toBe(true);

    // 3. Redis returns (empty: no persistence). Another replica has meanwhile written a NEWER state for SYM0:
    //    the service's catch-up must not roll it back, and must restore everything else (260, or 200 for the quiet half).
    await redis.start();
    const otherReplica = await createRedisStore({ url: redis.url });
    try {
      await otherReplica.putLatest([{ symbol: 'SYM0', epoch: SYNTHETIC_EPOCH, seq: 1_000n, data: MarketUpdate.encode(expectedSnapshot('SYM0', 1_000)).finish() }]);
      await eventually(async () => expect((await readyz(app)).status).toBe(200), '/readyz to recover');
      await eventually(async () => {
        const response = await client.getSnapshots(SYMBOLS, SubscriptionMode.FULL);
        expect(response.snapshots.map((s) => `${s.symbol}@${s.seq}`)).toEqual(SYMBOLS.map((symbol) => `${symbol}@${seqAfterOutage(symbol)}`));
        expect(response.snapshots.slice(1)).toEqual(SYMBOLS.slice(1).map((symbol) => expectedSnapshot(symbol, seqAfterOutage(symbol))));
      }, 'the catch-up after the Redis restart');
      expect(await client.checkHealth()).toBe('SERVING');
      // An older update arriving late for SYM0 changes nothing either.
      await publishUpTo(261, 262, busy);
      await eventually(async () => expect((await client.getSnapshots(['SYM5'], SubscriptionMode.FULL)).snapshots[0]?.seq).toBe(262n), 'seq 262 written');
      expect((await client.getSnapshots(['SYM0'], SubscriptionMode.FULL)).snapshots[0]?.seq).toBe(1_000n);
    } finally {
      await otherReplica.close();
    }
    expect(app.lines.some((l) => l.event === 'store.recovered')).toBe(true);

    // 4. Bad input on the bus: logged and counted, never a crash.
    publisher.publish('md.tick.1.GARBAGE', Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    publisher.publish('md.tick.notashard.X', MarketUpdate.encode(update('X', 1)).finish());
    await publisher.flush();
    await eventually(async () => {
      const metrics = await (await fetch(`${await app.opsUrl()}/metrics`)).text();
      expect(metrics).toMatch(/tickwire_snapshot_bad_input_total\{reason="SNAPSHOT_INPUT_UNDECODABLE",service="snapshot"\} 1/);
      expect(metrics).toMatch(/tickwire_snapshot_bad_input_total\{reason="SNAPSHOT_INPUT_BAD_SUBJECT",service="snapshot"\} 1/);
      expect(metrics).toMatch(/tickwire_snapshot_writes_total\{service="snapshot"\} [1-9]/);
      expect(metrics).toMatch(/tickwire_snapshot_grpc_request_duration_seconds_count\{[^}]*method="GetSnapshots"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/tickwire_snapshot_grpc_errors_total\{[^}]*method="GetSnapshots"[^}]*status="UNAVAILABLE"[^}]*\} 1/);
    }, 'bad input counted');
    expect(app.lines.filter((l) => l.event === 'input.bad').map((l) => l['code'])).toEqual(expect.arrayContaining(['SNAPSHOT_INPUT_UNDECODABLE', 'SNAPSHOT_INPUT_BAD_SUBJECT']));

    // 5. Restart: the new process serves from Redis at once, before any new tick.
    expect(await app.stop()).toBe(0);
    const restarted = await startApp();
    const response = await restarted.client.getSnapshots(SYMBOLS, SubscriptionMode.FULL);
    expect(response.snapshots.map((s) => `${s.symbol}@${s.seq}`)).toEqual(SYMBOLS.map((symbol) => `${symbol}@${symbol === 'SYM0' ? 1_000 : busy.includes(symbol) ? 262 : 200}`));
    expect(await readyz(restarted.app)).toMatchObject({ status: 200 });
  });

  it('SHARDS=none: a replica that only serves reads answers from Redis what a writer wrote, without any NATS, and follows it', async () => {
    const symbols = Array.from({ length: 10 }, (_, i) => `RDR${i}`);
    const writer = await startApp();
    await publishUpTo(1, 30, symbols);
    await eventually(() => expectServedAt(writer.client, symbols, 30, expectedSnapshot), 'the writer at seq 30');

    // NATS at a port nothing listens on: a replica that writes nothing must neither need it nor try it.
    const reader = await snapshots.start({ NATS_URL: 'nats://127.0.0.1:1', REDIS_URL: redis.url, SHARDS: 'none' });
    expect(reader.app.lines.some((l) => l.event === 'snapshot.reads_only')).toBe(true);
    await eventually(async () => expect(await readyz(reader.app)).toMatchObject({ status: 200 }), 'the reader ready without NATS');
    await expectServedAt(reader.client, symbols, 30, expectedSnapshot);
    await publishUpTo(31, 40, symbols);
    await eventually(() => expectServedAt(reader.client, symbols, 40, expectedSnapshot), 'the reader at seq 40, from what the writer wrote');
    expect(await reader.client.checkHealth()).toBe('SERVING');
    expect(reader.app.lines.filter((l) => l.event === 'snapshot.consuming' || String(l.event).startsWith('bus.'))).toEqual([]);
  });
});
