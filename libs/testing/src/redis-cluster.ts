import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { findFreePort } from './free-port';
import { REDIS_SERVER } from './server-kinds';
import { startTestServer, TEST_HOST, type TestServer } from './test-server';

/** Hash slots of a Redis Cluster. */
const SLOTS = 16_384;
const FORM_LIMIT_MS = 30_000;
const ADMIN_TIMEOUT_MS = 5_000;
/**
 * How long a master may be silent before its peers count it failed (then every node answers
 * CLUSTERDOWN, as nothing serves its slots). Redis's default is 15 s; a test that kills a master should
 * not wait that long, and a busy CI machine should not fail a healthy node either.
 */
const DEFAULT_NODE_TIMEOUT_MS = 3_000;

export interface RedisClusterOptions {
  /** Masters, each serving an equal range of slots (no replicas). Default 3. */
  readonly masters?: number;
  readonly nodeTimeoutMs?: number;
}

/** One master: its client port, its cluster bus port and the slots it serves. */
export interface RedisClusterNode {
  readonly server: TestServer;
  readonly busPort: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly firstSlot: number;
  readonly lastSlot: number;
}

/**
 * A Redis Cluster of real `redis-server`s on loopback ports, each started like `startRedis` (a
 * testcontainer or a local process: `TICKWIRE_TEST_SERVERS`) with cluster mode on, and joined with
 * plain commands (`CLUSTER SET-CONFIG-EPOCH`, `ADDSLOTSRANGE`, `MEET`) rather than `redis-cli --cluster
 * create`, which the scratch test image does not hold. No persistence: a master stopped and started
 * again comes back empty, as a new node that takes over its old slots (`restartNode`), like a replaced
 * machine.
 */
export class RedisCluster {
  /** Each node's cluster id while it runs (a restarted node gets a new one). */
  private readonly ids: string[] = [];
  private readonly stopped = new Set<number>();
  /** Stopped nodes whose ids the others have already forgotten. */
  private readonly forgotten = new Set<number>();

  private constructor(
    readonly nodes: readonly RedisClusterNode[],
    private readonly nodeTimeoutMs: number,
  ) {}

  /** Starts the masters and resolves once every one of them says `cluster_state:ok`. */
  static async start(options: RedisClusterOptions = {}): Promise<RedisCluster> {
    const masters = options.masters ?? 3;
    const nodeTimeoutMs = options.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS;
    const nodes: RedisClusterNode[] = [];
    try {
      for (let i = 0; i < masters; i++) {
        const [port, busPort] = [await findFreePort(TEST_HOST), await findFreePort(TEST_HOST)];
        removeClusterConfig(port);
        const server = await startTestServer(REDIS_SERVER, { port, extraArgs: clusterArgs(port, busPort, nodeTimeoutMs) });
        nodes.push({ server, busPort, url: server.url, firstSlot: Math.floor((i * SLOTS) / masters), lastSlot: Math.floor(((i + 1) * SLOTS) / masters) - 1 });
      }
    } catch (error) {
      await Promise.all(nodes.map((node) => node.server.stop()));
      throw error;
    }
    const cluster = new RedisCluster(nodes, nodeTimeoutMs);
    try {
      for (let i = 0; i < masters; i++) await cluster.claimSlots(i, i + 1);
      for (let i = 1; i < masters; i++) await cluster.meet(i, 0);
      await cluster.waitUntilOk();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get backend(): TestServer['backend'] {
    return this.nodes[0]!.server.backend;
  }

  /** Every master's URL: what `createRedisStore({ clusterNodes })` takes as seeds. */
  get seeds(): string[] {
    return this.nodes.map((node) => node.url);
  }

  /** The index of the master serving `key` (by its hash slot, `{tag}` rules included). */
  async nodeIndexOfKey(key: string): Promise<number> {
    const slot = Number(await this.admin(this.running()[0]!, ['CLUSTER', 'KEYSLOT', key]));
    return this.nodes.findIndex((node) => slot >= node.firstSlot && slot <= node.lastSlot);
  }

  /** `cluster_state` as master `i` sees it: `ok`, or `fail` while some slot has no live master. */
  async clusterState(i: number): Promise<string> {
    const info = String(await this.admin(i, ['CLUSTER', 'INFO']));
    return /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
  }

  /** Stops master `i` (its slots go unserved: the cluster fails once its peers notice). */
  async stopNode(i: number): Promise<void> {
    this.stopped.add(i);
    await this.nodes[i]!.server.stop();
    removeClusterConfig(this.nodes[i]!.server.port);
  }

  /**
   * The running masters forget stopped master `i` (`CLUSTER FORGET`), as an operator removing a dead
   * node does: its slots are then served by nobody, not even nominally.
   */
  async forgetNode(i: number): Promise<void> {
    if (!this.stopped.has(i)) throw new Error(`redis cluster node ${i} is running`);
    if (this.forgotten.has(i)) return;
    for (const j of this.running()) await this.admin(j, ['CLUSTER', 'FORGET', this.ids[i]!]);
    this.forgotten.add(i);
  }

  /**
   * Starts master `i` again, empty, on the same ports: the survivors forget its old id (if not yet),
   * it claims its old slots under a new config epoch and meets them. Resolves once every master says
   * `ok` again.
   */
  async restartNode(i: number): Promise<void> {
    const others = this.running();
    await this.forgetNode(i);
    await this.nodes[i]!.server.start();
    this.stopped.delete(i);
    this.forgotten.delete(i);
    const epochs = await Promise.all(others.map(async (j) => Number(/cluster_current_epoch:(\d+)/.exec(String(await this.admin(j, ['CLUSTER', 'INFO'])))?.[1] ?? 0)));
    await this.claimSlots(i, Math.max(...epochs) + 1);
    await this.meet(i, others[0]!);
    await this.waitUntilOk();
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        await node.server.stop();
        removeClusterConfig(node.server.port);
      }),
    );
  }

  /** A fresh node takes its slot range under `configEpoch` (unique per node, as `redis-cli --cluster create` does). */
  private async claimSlots(i: number, configEpoch: number): Promise<void> {
    const node = this.nodes[i]!;
    this.ids[i] = String(await this.admin(i, ['CLUSTER', 'MYID']));
    await this.admin(i, ['CLUSTER', 'SET-CONFIG-EPOCH', String(configEpoch)]);
    await this.admin(i, ['CLUSTER', 'ADDSLOTSRANGE', String(node.firstSlot), String(node.lastSlot)]);
  }

  private async meet(i: number, peer: number): Promise<void> {
    const other = this.nodes[peer]!;
    await this.admin(i, ['CLUSTER', 'MEET', TEST_HOST, String(other.server.port), String(other.busPort)]);
  }

  private async waitUntilOk(): Promise<void> {
    const deadline = Date.now() + FORM_LIMIT_MS;
    for (;;) {
      const states = await Promise.all(this.running().map((i) => this.clusterState(i).catch((error: unknown) => String(error))));
      if (states.every((state) => state === 'ok')) return;
      if (Date.now() > deadline) throw new Error(`Redis cluster not ok within ${FORM_LIMIT_MS} ms (node timeout ${this.nodeTimeoutMs} ms): ${states.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private running(): number[] {
    return this.nodes.map((_, i) => i).filter((i) => !this.stopped.has(i));
  }

  private admin(i: number, command: readonly string[]): Promise<string | number> {
    return adminCommand(this.nodes[i]!.server.port, command);
  }
}

/** A starting node with no config file is a fresh node; a stale one (an earlier run on this port) would not be. */
function clusterConfigFile(port: number): string {
  return `/tmp/tickwire-redis-cluster-${port}.conf`;
}

/** Local processes write the file on this machine; containers write it inside (and lose it with) the container. */
function removeClusterConfig(port: number): void {
  rmSync(clusterConfigFile(port), { force: true });
}

function clusterArgs(port: number, busPort: number, nodeTimeoutMs: number): string[] {
  return ['--cluster-enabled', 'yes', '--cluster-config-file', clusterConfigFile(port), '--cluster-port', String(busPort), '--cluster-node-timeout', String(nodeTimeoutMs)];
}

/**
 * One admin command over a fresh connection, in RESP; the reply is a simple string, a bulk string or
 * an integer (all the cluster set-up needs). An error reply rejects with its text.
 */
function adminCommand(port: number, command: readonly string[]): Promise<string | number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: TEST_HOST, port });
    let received = Buffer.alloc(0);
    const done = (error: Error | undefined, value?: string | number): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve(value!);
    };
    socket.setTimeout(ADMIN_TIMEOUT_MS, () => done(new Error(`redis :${port} did not answer ${command.join(' ')} within ${ADMIN_TIMEOUT_MS} ms`)));
    socket.once('error', (error) => done(new Error(`redis :${port} ${command.join(' ')}: ${error.message}`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const lineEnd = received.indexOf('\r\n');
      if (lineEnd < 0) return;
      const head = received.toString('utf8', 1, lineEnd);
      switch (received[0]) {
        case 0x2b: // '+'
          return done(undefined, head);
        case 0x2d: // '-'
          return done(new Error(`redis :${port} ${command.join(' ')}: ${head}`));
        case 0x3a: // ':'
          return done(undefined, Number(head));
        case 0x24: {
          // '$': a bulk string of `head` bytes after the line
          const length = Number(head);
          if (received.length < lineEnd + 2 + length) return;
          return done(undefined, received.toString('utf8', lineEnd + 2, lineEnd + 2 + length));
        }
        default:
          return done(new Error(`redis :${port} ${command.join(' ')}: unexpected reply ${JSON.stringify(received.toString('utf8', 0, 40))}`));
      }
    });
    socket.once('connect', () => socket.write(`*${command.length}\r\n${command.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`));
  });
}
