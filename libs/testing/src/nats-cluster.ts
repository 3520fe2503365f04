import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './free-port';
import { REPO } from './service-process';
import { waitForReadyLine } from './test-server';

/** The cluster node config compose runs too: one file, each node set up through environment variables. */
export const NATS_CLUSTER_CONFIG = join(REPO, 'infra', 'nats', 'nats-cluster.conf');

const READY_LINE = /Server is ready/;
const START_LIMIT_MS = 20_000;
const MONITOR_TIMEOUT_MS = 1_000;

export interface NatsClusterNode {
  readonly name: string;
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  /** `nats://127.0.0.1:<clientPort>` */
  readonly url: string;
  /** `http://127.0.0.1:<monitorPort>`: /healthz, /varz, /routez, /jsz, /connz */
  readonly monitorUrl: string;
}

/** What a node's monitor port says about it (all zero / empty when it does not answer). */
export interface NatsNodeState {
  readonly routes: number;
  /** The JetStream meta leader as this node sees it (a server name), '' if none. */
  readonly metaLeader: string;
}

/**
 * A NATS cluster of real `nats-server` processes on loopback ports, every node started from
 * infra/nats/nats-cluster.conf with the environment compose gives it (JetStream on, full-mesh routes).
 * Nodes can be faulted one at a time (`kill`, `pause`/`resume`, `restart`) and asked, through their
 * monitor ports, who leads JetStream and a stream, and who is connected where.
 */
export class NatsCluster {
  /** The running process of each node (by index), undefined while killed. */
  private readonly children: (ChildProcess | undefined)[] = [];
  private readonly paused = new Set<number>();

  private constructor(
    readonly nodes: readonly NatsClusterNode[],
    private readonly storeRoot: string,
  ) {}

  /** Starts `size` nodes and resolves once every node routes to every other and JetStream has a meta leader. */
  static async start(size = 3): Promise<NatsCluster> {
    const nodes: NatsClusterNode[] = [];
    for (let i = 1; i <= size; i++) {
      const [clientPort, clusterPort, monitorPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
      nodes.push({ name: `nats-${i}`, clientPort, clusterPort, monitorPort, url: `nats://127.0.0.1:${clientPort}`, monitorUrl: `http://127.0.0.1:${monitorPort}` });
    }
    const cluster = new NatsCluster(nodes, mkdtempSync(join(tmpdir(), 'tickwire-nats-cluster-')));
    try {
      await Promise.all(nodes.map((_, i) => cluster.startNode(i)));
      await cluster.waitUntilFormed(nodes.map((_, i) => i));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Every node's client URL, comma-separated: what the services take as `NATS_URL`. */
  get url(): string {
    return this.nodes.map((node) => node.url).join(',');
  }

  /** The index of the node named `name` (e.g. a leader's name from `metaLeader()`). */
  indexOf(name: string): number {
    const index = this.nodes.findIndex((node) => node.name === name);
    if (index < 0) throw new Error(`no node named ${name} in ${this.nodes.map((node) => node.name).join(', ')}`);
    return index;
  }

  /** Whether node `i` has a process that has not exited (paused counts as running). */
  isRunning(i: number): boolean {
    const child = this.children[i];
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** SIGKILL: the node dies without a word to its peers or clients (a crash, a lost machine). */
  async kill(i: number): Promise<void> {
    const child = this.children[i];
    if (child === undefined || !this.isRunning(i)) throw new Error(`${this.nodes[i]!.name} is not running`);
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.children[i] = undefined;
    this.paused.delete(i);
  }

  /** SIGSTOP: the node keeps its sockets open but answers nothing (a hung process, a partition). */
  pause(i: number): void {
    if (!this.isRunning(i)) throw new Error(`${this.nodes[i]!.name} is not running`);
    this.children[i]!.kill('SIGSTOP');
    this.paused.add(i);
  }

  /** SIGCONT after `pause`. */
  resume(i: number): void {
    if (!this.paused.has(i)) throw new Error(`${this.nodes[i]!.name} is not paused`);
    this.children[i]!.kill('SIGCONT');
    this.paused.delete(i);
  }

  /**
   * Starts a killed node again with the same ports and the same JetStream store, and resolves once it
   * routes to every other running node and knows the meta leader.
   */
  async restart(i: number): Promise<void> {
    if (this.isRunning(i)) throw new Error(`${this.nodes[i]!.name} is still running`);
    await this.startNode(i);
    await this.waitUntilFormed([i]);
  }

  /** What node `i`'s monitor port says (routes, meta leader). */
  nodeState(i: number): Promise<NatsNodeState> {
    return nodeState(this.nodes[i]!);
  }

  /** The JetStream meta leader's node index, as the first answering running node sees it; -1 if none. */
  async metaLeader(): Promise<number> {
    for (const i of this.answering()) {
      const { metaLeader } = await nodeState(this.nodes[i]!);
      if (metaLeader !== '') return this.indexOf(metaLeader);
    }
    return -1;
  }

  /**
   * The node index leading stream `stream` (a KV bucket is stream `KV_<bucket>`): the running node that
   * lists it among the streams it leads (a follower's view of the leader can lag); -1 if none does.
   */
  async streamLeader(stream: string): Promise<number> {
    for (const i of this.answering()) {
      const jsz = await monitor<{ account_details?: { stream_detail?: { name: string }[] }[] }>(this.nodes[i]!, '/jsz?accounts=true&streams=true&leader_only=true');
      if ((jsz?.account_details ?? []).some((account) => (account.stream_detail ?? []).some((detail) => detail.name === stream))) return i;
    }
    return -1;
  }

  /** The indexes of the nodes holding a client connection named `name` (the services name theirs `tickwire-<app>`). */
  async nodesServing(name: string): Promise<number[]> {
    const found: number[] = [];
    for (const i of this.answering()) {
      const connz = await monitor<{ connections?: { name?: string }[] }>(this.nodes[i]!, '/connz?limit=1024');
      if ((connz?.connections ?? []).some((connection) => connection.name === name)) found.push(i);
    }
    return found;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((child, i) =>
        child === undefined
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              if (this.paused.has(i)) child.kill('SIGCONT');
              child.kill('SIGTERM');
            }),
      ),
    );
    rmSync(this.storeRoot, { recursive: true, force: true });
  }

  /** Running, unpaused nodes: the ones whose monitor port answers. */
  private answering(): number[] {
    return this.nodes.map((_, i) => i).filter((i) => this.isRunning(i) && !this.paused.has(i));
  }

  private startNode(i: number): Promise<void> {
    const node = this.nodes[i]!;
    const routes = this.nodes.map((peer) => `nats-route://127.0.0.1:${peer.clusterPort}`).join(', ');
    const child = spawn('nats-server', ['-c', NATS_CLUSTER_CONFIG], {
      env: {
        PATH: `${process.env.PATH ?? ''}:/usr/sbin`,
        NATS_SERVER_NAME: node.name,
        NATS_LISTEN: `127.0.0.1:${node.clientPort}`,
        NATS_MONITOR_LISTEN: `127.0.0.1:${node.monitorPort}`,
        NATS_CLUSTER_LISTEN: `127.0.0.1:${node.clusterPort}`,
        NATS_ROUTES: `[${routes}]`,
        NATS_STORE_DIR: join(this.storeRoot, node.name),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children[i] = child;
    // nats-server comes from Debian: apt-get install nats-server (tools/ci/install-system-packages.sh).
    return waitForReadyLine(child, READY_LINE, START_LIMIT_MS, `nats-server ${node.name}`);
  }

  /** Until each of `indexes` routes to every other running node and knows a meta leader. */
  private async waitUntilFormed(indexes: readonly number[]): Promise<void> {
    const deadline = Date.now() + START_LIMIT_MS;
    for (;;) {
      const peers = this.answering().length - 1;
      const states = await Promise.all(indexes.map((i) => nodeState(this.nodes[i]!)));
      if (states.every((s) => s.routes >= peers && s.metaLeader !== '')) return;
      if (Date.now() > deadline) throw new Error(`NATS cluster did not form within ${START_LIMIT_MS} ms: ${JSON.stringify(states)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** GET a monitor endpoint as JSON; undefined when the node does not answer in time. */
async function monitor<T>(node: NatsClusterNode, path: string): Promise<T | undefined> {
  try {
    return (await (await fetch(`${node.monitorUrl}${path}`, { signal: AbortSignal.timeout(MONITOR_TIMEOUT_MS) })).json()) as T;
  } catch {
    return undefined;
  }
}

async function nodeState(node: NatsClusterNode): Promise<NatsNodeState> {
  const [routez, jsz] = await Promise.all([monitor<{ num_routes?: number }>(node, '/routez'), monitor<{ meta_cluster?: { leader?: string } }>(node, '/jsz')]);
  return { routes: routez?.num_routes ?? 0, metaLeader: jsz?.meta_cluster?.leader ?? '' };
}
