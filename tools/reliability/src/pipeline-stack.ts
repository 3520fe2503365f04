import { SnapshotClient } from '@tickwire/snapshot-grpc';
import { findFreePort, NatsCluster, ServiceProcess, startRedis, type TestServer } from '@tickwire/testing';
import { EDGE_SECRET } from './test-tokens';

export const PIPELINE_SHARD_COUNT = 4;
/** The stream ingest keeps md.raw in, and the lease bucket's stream (`KV_<LEASE_BUCKET>`, the normalizer's default bucket). */
export const PIPELINE_RAW_STREAM = 'MD_RAW';
export const PIPELINE_LEASE_STREAM = 'KV_tickwire_normalizer_leases';
/** What compose and k8s set: every JetStream asset on all three nodes. */
const REPLICAS = '3';

/** The simulated day: how many symbols trade and for how long (it trades all through, no open burst). */
export interface PipelineDay {
  readonly symbols: number;
  readonly messagesPerSecond: number;
  readonly seconds: number;
}

/**
 * The whole pipeline as processes on a 3-node NATS cluster, in the start order of
 * docs/operations.md#start-order (and tools/e2e/src/deployment-stack.int.spec.ts): the simulator
 * (SoupBinTCP), ingest keeping md.raw in RAW_STREAM, the snapshot service on Redis, an active and a
 * standby normalizer sharing a lease, and one edge. Every service gets every node in `NATS_URL`;
 * RAW_STREAM and the lease bucket have 3 replicas.
 */
export class PipelineStack {
  private readonly all: ServiceProcess[] = [];
  private snapshots: SnapshotClient | undefined;

  private constructor(
    readonly cluster: NatsCluster,
    readonly redis: TestServer,
  ) {}

  sim!: ServiceProcess;
  ingest!: ServiceProcess;
  snapshot!: ServiceProcess;
  snapshotAddress!: string;
  /** [the one that took the lease first, the standby]. */
  normalizers!: [ServiceProcess, ServiceProcess];
  edge!: ServiceProcess;
  /** `ws://127.0.0.1:<port>/v1/stream` */
  edgeUrl!: string;
  /** Every symbol of the day, from the snapshot service's instrument directory. */
  symbols: string[] = [];

  static async start(day: PipelineDay): Promise<PipelineStack> {
    const cluster = await NatsCluster.start(3);
    const stack = new PipelineStack(cluster, await startRedis().catch(async (error: unknown) => {
      await cluster.stop();
      throw error;
    }));
    try {
      await stack.startServices(day);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** The services that must stay up through every fault (the simulator included until `closeMarket`). */
  get services(): readonly ServiceProcess[] {
    return this.all;
  }

  /** The snapshot service's gRPC client (one, closed by `stop`). */
  get snapshotClient(): SnapshotClient {
    this.snapshots ??= new SnapshotClient(this.snapshotAddress);
    return this.snapshots;
  }

  /** Ends the day early: the simulator stops, so nothing trades any more and the pipeline goes quiet. */
  async closeMarket(): Promise<void> {
    await this.sim.stop();
    this.all.splice(this.all.indexOf(this.sim), 1);
  }

  async stop(): Promise<void> {
    this.snapshots?.close();
    for (const service of [...this.all].reverse()) await service.stop();
    await this.redis.stop();
    await this.cluster.stop();
  }

  private spawn(app: string, env: Record<string, string>): ServiceProcess {
    const service = new ServiceProcess(app, { NATS_URL: this.cluster.url, SHARD_COUNT: String(PIPELINE_SHARD_COUNT), ...env });
    this.all.push(service);
    return service;
  }

  private async startServices(day: PipelineDay): Promise<void> {
    const feedPort = await findFreePort();
    const messages = String(day.messagesPerSecond * day.seconds);
    this.sim = this.spawn('exchange-sim', { SEED: '10', SYMBOLS: String(day.symbols), MESSAGES: messages, RATE: String(day.messagesPerSecond), OPEN_BURST_MULTIPLIER: '1', SPEED: '1', MODE: 'soupbintcp', HOST: '127.0.0.1', PORT: String(feedPort) });
    await this.sim.waitFor('sim.soupbintcp_listening');
    // Ingest creates RAW_STREAM before a normalizer replays it...
    this.ingest = this.spawn('ingest', { SOURCE: `soupbintcp://tw:tickwire@127.0.0.1:${feedPort}?session=TICKWIRE01`, RAW_STREAM: PIPELINE_RAW_STREAM, RAW_STREAM_REPLICAS: REPLICAS });
    await this.ingest.waitFor('raw_stream.ready');
    // ...and the snapshot service subscribes before the active normalizer sends the instrument directory.
    this.snapshot = this.spawn('snapshot', { REDIS_URL: this.redis.url, SHARDS: `0-${PIPELINE_SHARD_COUNT - 1}`, GRPC_HOST: '127.0.0.1', GRPC_PORT: '0', FLUSH_INTERVAL: '20ms' });
    this.snapshotAddress = String((await this.snapshot.waitFor('grpc.listening'))['address']);
    await this.snapshot.waitFor('service.started');
    const normalizer = { SHARDS: `0-${PIPELINE_SHARD_COUNT - 1}`, MAX_UPDATES_PER_SEC: '5', LEASE_KEY: 'shards-all', LEASE_TTL: '2s', LEASE_REPLICAS: REPLICAS, RAW_STREAM: PIPELINE_RAW_STREAM };
    const active = this.spawn('normalizer', normalizer);
    await active.waitFor('lease.acquired');
    const standby = this.spawn('normalizer', normalizer);
    await standby.waitFor('normalizer.caught_up');
    this.normalizers = [active, standby];
    this.edge = this.spawn('edge', { SNAPSHOT_ADDRESS: this.snapshotAddress, HOST: '127.0.0.1', PORT: '0', JWT_HS256_SECRET: EDGE_SECRET, DRAIN_WINDOW: '100ms' });
    this.edgeUrl = `ws://127.0.0.1:${String((await this.edge.waitFor('edge.listening'))['port'])}/v1/stream`;
    await this.edge.opsUrl();
    // The pipeline runs end to end once the snapshot service lists every instrument of the day.
    const deadline = Date.now() + 30_000;
    while (this.symbols.length < day.symbols) {
      if (Date.now() > deadline) throw new Error(`the snapshot service listed ${this.symbols.length} of ${day.symbols} instruments`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      this.symbols = (await this.snapshotClient.listInstruments('', 0).catch(() => [])).map((instrument) => instrument.symbol);
    }
  }
}
