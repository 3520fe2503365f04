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

export interface NatsClusterNode {
  readonly name: string;
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  /** `nats://127.0.0.1:<clientPort>` */
  readonly url: string;
  /** `http://127.0.0.1:<monitorPort>`: /healthz, /varz, /routez, /jsz */
  readonly monitorUrl: string;
}

/**
 * A NATS cluster of real `nats-server` processes on loopback ports, every node started from
 * infra/nats/nats-cluster.conf with the environment compose gives it (JetStream on, full-mesh routes).
 */
export class NatsCluster {
  private readonly children: ChildProcess[] = [];

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
      await Promise.all(nodes.map((node) => cluster.startNode(node)));
      await cluster.waitUntilFormed();
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

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(this.storeRoot, { recursive: true, force: true });
  }

  private startNode(node: NatsClusterNode): Promise<void> {
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
    this.children.push(child);
    // nats-server comes from Debian: apt-get install nats-server (tools/ci/install-system-packages.sh).
    return waitForReadyLine(child, READY_LINE, START_LIMIT_MS, `nats-server ${node.name}`);
  }

  private async waitUntilFormed(): Promise<void> {
    const deadline = Date.now() + START_LIMIT_MS;
    for (;;) {
      const states = await Promise.all(this.nodes.map((node) => nodeState(node)));
      if (states.every((s) => s.routes === this.nodes.length - 1 && s.metaLeader !== '')) return;
      if (Date.now() > deadline) throw new Error(`NATS cluster did not form within ${START_LIMIT_MS} ms: ${JSON.stringify(states)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function nodeState(node: NatsClusterNode): Promise<{ routes: number; metaLeader: string }> {
  try {
    const routez = (await (await fetch(`${node.monitorUrl}/routez`)).json()) as { num_routes?: number };
    const jsz = (await (await fetch(`${node.monitorUrl}/jsz`)).json()) as { meta_cluster?: { leader?: string } };
    return { routes: routez.num_routes ?? 0, metaLeader: jsz.meta_cluster?.leader ?? '' };
  } catch {
    return { routes: 0, metaLeader: '' };
  }
}
