import type { NatsBus } from '@tickwire/bus';
import { MarketUpdate, SubscriptionMode, tickSubjectForSymbol } from '@tickwire/protocol';
import { SnapshotClient } from '@tickwire/snapshot-grpc';
import { ServiceProcess } from '@tickwire/testing';

/** A snapshot service process and a gRPC client to it. */
export interface SnapshotUnderTest {
  readonly app: ServiceProcess;
  readonly client: SnapshotClient;
}

/**
 * Snapshot services run as processes (apps/snapshot/dist/main.js) for one test file, with quick flushes
 * and retries, on every shard of `shardCount`; `stop()` closes every client and process started.
 */
export class SnapshotProcesses {
  private readonly running: ServiceProcess[] = [];
  private readonly clients: SnapshotClient[] = [];

  constructor(private readonly shardCount: number) {}

  /** Starts one with `env` (NATS_URL and the Redis variables at least) and resolves once gRPC listens. */
  async start(env: Record<string, string>): Promise<SnapshotUnderTest> {
    const app = new ServiceProcess('snapshot', {
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      SHARD_COUNT: String(this.shardCount),
      SHARDS: `0-${this.shardCount - 1}`,
      FLUSH_INTERVAL: '100ms',
      STORE_RETRY_MAX: '500ms',
      ...env,
    });
    this.running.push(app);
    const listening = await app.waitFor('grpc.listening');
    await app.waitFor('service.started');
    const client = new SnapshotClient(String(listening['address']), { defaultDeadlineMs: 2_000 });
    this.clients.push(client);
    return { app, client };
  }

  /** A process expected to refuse its configuration: started, but not waited for. */
  spawn(env: Record<string, string>): ServiceProcess {
    const app = new ServiceProcess('snapshot', env);
    this.running.push(app);
    return app;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.close();
    for (const service of this.running) await service.stop();
  }
}

/** Publishes `update(symbol, seq)` for every seq in [from, to] and every symbol, on md.tick, then flushes. */
export async function publishTicks(publisher: NatsBus, shardCount: number, symbols: readonly string[], from: number, to: number, update: (symbol: string, seq: number) => MarketUpdate): Promise<void> {
  for (let seq = from; seq <= to; seq += 1) for (const symbol of symbols) publisher.publish(tickSubjectForSymbol(symbol, shardCount), MarketUpdate.encode(update(symbol, seq)).finish());
  await publisher.flush();
}

/** GetSnapshots(FULL) of `symbols` answers each, in order, at `seq` and exactly as `expected(symbol, seq)`; none unknown. */
export async function expectServedAt(client: SnapshotClient, symbols: readonly string[], seq: number, expected: (symbol: string, seq: number) => MarketUpdate): Promise<void> {
  const response = await client.getSnapshots([...symbols], SubscriptionMode.FULL);
  expect(response.unknownSymbols).toEqual([]);
  expect(response.snapshots.map((s) => `${s.symbol}@${s.seq}`)).toEqual(symbols.map((symbol) => `${symbol}@${seq}`));
  expect(response.snapshots).toEqual(symbols.map((symbol) => expected(symbol, seq)));
}
