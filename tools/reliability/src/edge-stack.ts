import { SubscriptionMode, SubscriptionResultCode } from '@tickwire/protocol';
import { SnapshotClient } from '@tickwire/snapshot-grpc';
import { EdgeTestClient, findFreePort, HaproxyBalancer, serverMessage, startNats, startRedis, type EdgeWire, type TestServer, ServiceProcess } from '@tickwire/testing';
import { SyntheticMarket } from './synthetic-market';
import { EDGE_SECRET, hs256Token } from './test-tokens';

export const SHARD_COUNT = 4;

/** An edge process and where it listens. */
export interface EdgeProcess {
  readonly process: ServiceProcess;
  readonly port: number;
  /** `ws://127.0.0.1:<port>/v1/stream` */
  readonly url: string;
}

export interface EdgeStackOptions {
  /** NATS with JetStream (ingest's RAW_STREAM, the normalizer's replay and leases). Default false. */
  readonly jetStream?: boolean;
}

/**
 * What the edge tests run against: real NATS and Redis, the snapshot service as a process, a synthetic
 * market publishing md.tick on NATS (the test knows every seq), and edge processes started on demand.
 */
export class EdgeStack {
  private readonly processes: ServiceProcess[] = [];
  private readonly clients: EdgeTestClient[] = [];
  private readonly balancers: HaproxyBalancer[] = [];
  private snapshots: SnapshotClient | undefined;

  private constructor(
    readonly nats: TestServer,
    readonly redis: TestServer,
    readonly snapshotAddress: string,
    readonly market: SyntheticMarket,
    private snapshotProcess: ServiceProcess,
  ) {}

  static async start(options: EdgeStackOptions = {}): Promise<EdgeStack> {
    const natsArgs = options.jetStream === true ? ['-js', '-sd', `/tmp/tickwire-reliability-js-${process.pid}-${Date.now()}`] : [];
    const [nats, redis] = await Promise.all([startNats({ extraArgs: natsArgs }), startRedis()]);
    // A fixed port, so a restarted snapshot service is where the edges already look for it.
    const grpcPort = await findFreePort();
    const snapshot = EdgeStack.snapshotService(nats, redis, grpcPort);
    try {
      const address = String((await snapshot.waitFor('grpc.listening'))['address']);
      await snapshot.waitFor('service.started');
      const stack = new EdgeStack(nats, redis, address, await SyntheticMarket.connect(nats.url, SHARD_COUNT), snapshot);
      stack.processes.push(snapshot);
      return stack;
    } catch (error) {
      await snapshot.stop();
      await Promise.all([nats.stop(), redis.stop()]);
      throw error;
    }
  }

  private static snapshotService(nats: TestServer, redis: TestServer, grpcPort: number): ServiceProcess {
    return new ServiceProcess('snapshot', { NATS_URL: nats.url, REDIS_URL: redis.url, SHARD_COUNT: String(SHARD_COUNT), SHARDS: `0-${SHARD_COUNT - 1}`, GRPC_HOST: '127.0.0.1', GRPC_PORT: String(grpcPort), FLUSH_INTERVAL: '20ms' });
  }

  /** The snapshot service process running now (a new one after `killSnapshot` and `startSnapshot`). */
  get snapshot(): ServiceProcess {
    return this.snapshotProcess;
  }

  /** SIGKILLs the snapshot service (a crash); resolves once it has exited. */
  async killSnapshot(): Promise<void> {
    this.snapshotProcess.kill();
    await this.snapshotProcess.exited;
  }

  /**
   * Starts a new snapshot service on the same gRPC address (after `killSnapshot`); resolves once its ops
   * server listens. It opens its gRPC port only once Redis answers (and NATS after it): while Redis is
   * down, callers are refused and `/readyz` says 503.
   */
  async startSnapshot(): Promise<ServiceProcess> {
    const port = Number(this.snapshotAddress.slice(this.snapshotAddress.lastIndexOf(':') + 1));
    this.snapshotProcess = EdgeStack.snapshotService(this.nats, this.redis, port);
    this.processes.push(this.snapshotProcess);
    await this.snapshotProcess.opsUrl();
    return this.snapshotProcess;
  }

  /**
   * Real HAProxy with infra/haproxy/haproxy.cfg in front of `edges`; resolves once it routes an upgrade
   * to a welcome (its health checks see the edges up).
   */
  async balancer(edges: readonly EdgeProcess[]): Promise<HaproxyBalancer> {
    const addresses = await Promise.all(edges.map(async (edge) => ({ port: edge.port, opsPort: Number(new URL(await edge.process.opsUrl()).port) })));
    const haproxy = await HaproxyBalancer.start(addresses);
    this.balancers.push(haproxy);
    const url = `${haproxy.wsUrl('/v1/stream')}?token=${await hs256Token()}`;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = await EdgeTestClient.connect(url).catch(() => undefined);
      const welcomed = probe === undefined ? false : await probe.waitFor(serverMessage.welcome, 2_000).then(() => true, () => false);
      probe?.socket.terminate();
      if (welcomed) return haproxy;
      if (Date.now() > deadline) throw new Error(`haproxy routes no upgrade to an edge:\n${haproxy.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Starts an edge process with the suite's secret and `env` on top; resolves once it listens. */
  async startEdge(env: Record<string, string> = {}): Promise<EdgeProcess> {
    const process = new ServiceProcess('edge', {
      NATS_URL: this.nats.url,
      SHARD_COUNT: String(SHARD_COUNT),
      SNAPSHOT_ADDRESS: this.snapshotAddress,
      HOST: '127.0.0.1',
      PORT: '0',
      JWT_HS256_SECRET: EDGE_SECRET,
      INTEREST_LINGER: '200ms',
      DRAIN_WINDOW: '100ms',
      ...env,
    });
    this.processes.push(process);
    const port = Number((await process.waitFor('edge.listening'))['port']);
    await process.opsUrl();
    return { process, port, url: `ws://127.0.0.1:${port}/v1/stream` };
  }

  /** Publishes the first seq of `symbols` and waits until the snapshot service serves every one of them. */
  async listSymbols(symbols: readonly string[]): Promise<void> {
    await this.market.publish(symbols);
    await this.waitUntilServed(symbols);
  }

  /** Waits until the snapshot service (gRPC) serves every one of `symbols` at the market's last seq. */
  async waitUntilServed(symbols: readonly string[], limitMs = 15_000): Promise<void> {
    this.snapshots ??= new SnapshotClient(this.snapshotAddress);
    const deadline = Date.now() + limitMs;
    for (;;) {
      const response = await this.snapshots.getSnapshots(symbols, SubscriptionMode.LTP).catch(() => undefined);
      const seqs = new Map(response?.snapshots.map((s) => [s.symbol, Number(s.seq)]));
      if (symbols.every((symbol) => seqs.get(symbol) === this.market.lastSeq(symbol))) return;
      if (Date.now() > deadline) throw new Error(`the snapshot service did not serve ${symbols.join(', ')} at their last seqs`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A client with a valid realtime token, welcomed; closed by `stop()`. */
  async client(edge: EdgeProcess, wire: EdgeWire = 'json', token?: string): Promise<EdgeTestClient> {
    const client = await EdgeTestClient.connect(`${edge.url}?token=${token ?? (await hs256Token())}`, wire);
    this.clients.push(client);
    await client.waitFor(serverMessage.welcome);
    return client;
  }

  /** A client subscribed to `symbols` in `full` mode (every update is a +1 delta), every one `ok`. */
  async healthyClient(edge: EdgeProcess, wire: EdgeWire, symbols: readonly string[], token?: string): Promise<HealthyClient> {
    const client = await this.client(edge, wire, token);
    const id = client.subscribe([...symbols], SubscriptionMode.FULL);
    const ack = await client.waitFor(serverMessage.ack(id), 10_000);
    const results = ack.body?.$case === 'subscribeAck' ? ack.body.value.results : [];
    if (!results.every((r) => r.code === SubscriptionResultCode.OK)) throw new Error(`healthy client not subscribed: ${JSON.stringify(results)}`);
    for (const symbol of symbols) await client.waitFor(serverMessage.update(symbol));
    return new HealthyClient(client, symbols);
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.socket.terminate();
    for (const haproxy of this.balancers) haproxy.stop();
    this.snapshots?.close();
    await this.market.close();
    for (const process of this.processes.reverse()) await process.stop();
    await Promise.all([this.nats.stop(), this.redis.stop()]);
  }
}

/** What a healthy client received for one symbol: the check that no update was lost. */
export interface StreamReport {
  readonly symbol: string;
  readonly updates: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Nothing for the symbol came before its snapshot. */
  readonly startsWithSnapshot: boolean;
  /** Seqs published after the snapshot that never arrived. */
  readonly lost: number;
  /** Snapshots after the first (a repair or a conflation would show here). */
  readonly extraSnapshots: number;
  /** Deltas whose seq was not the previous + 1 (or that carried prev_seq). */
  readonly breaks: number;
}

/** A client that only subscribed and reads: whatever hits the edge, it must miss nothing. */
export class HealthyClient {
  constructor(
    readonly client: EdgeTestClient,
    readonly symbols: readonly string[],
  ) {}

  /** Waits until every symbol reached the market's last seq, then reports seq continuity per symbol. */
  async report(market: SyntheticMarket): Promise<StreamReport[]> {
    const reports: StreamReport[] = [];
    for (const symbol of this.symbols) {
      await this.client.waitFor(serverMessage.update(symbol, BigInt(market.lastSeq(symbol))), 10_000);
      const updates = this.client.updates(symbol);
      let extraSnapshots = 0;
      let breaks = 0;
      for (let i = 1; i < updates.length; i++) {
        const update = updates[i]!;
        if (update.snapshot) extraSnapshots++;
        else if (update.seq !== updates[i - 1]!.seq + 1n || update.prevSeq !== undefined) breaks++;
      }
      const firstSeq = Number(updates[0]!.seq);
      const lastSeq = Number(updates.at(-1)!.seq);
      const seen = new Set(updates.map((u) => Number(u.seq)));
      let lost = 0;
      for (let seq = firstSeq; seq <= lastSeq; seq++) if (!seen.has(seq)) lost++;
      reports.push({ symbol, updates: updates.length, firstSeq, lastSeq, startsWithSnapshot: updates[0]!.snapshot === true, lost, extraSnapshots, breaks });
    }
    return reports;
  }
}
