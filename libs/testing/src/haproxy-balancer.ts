import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { findFreePort } from './free-port';
import { exposedSeriesNames, PrometheusSamples } from './prometheus-samples';
import { REPO, type ServiceProcess } from './service-process';

/** The balancer config deployments use; compose mounts the same file. */
export const HAPROXY_CONFIG = join(REPO, 'infra', 'haproxy', 'haproxy.cfg');
/** `server` lines in haproxy.cfg (EDGE1..EDGE3). */
const CONFIG_SERVERS = 3;

/** Where an edge process listens: its client port (`PORT`) and its ops port (`OPS_PORT`, /readyz). */
export interface EdgeAddress {
  readonly port: number;
  readonly opsPort: number;
}

/**
 * Debian's `haproxy` running infra/haproxy/haproxy.cfg in front of edge processes on loopback. The config
 * lists three servers; servers beyond the edges given point at closed ports and stay down.
 */
export class HaproxyBalancer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly output: string[],
  ) {}

  static async start(edges: readonly EdgeAddress[]): Promise<HaproxyBalancer> {
    if (edges.length > CONFIG_SERVERS) throw new Error(`haproxy.cfg has ${CONFIG_SERVERS} server lines; got ${edges.length} edges`);
    const port = await findFreePort();
    const env: Record<string, string> = { PATH: `${process.env.PATH ?? ''}:/usr/sbin`, LISTEN_ADDR: `127.0.0.1:${port}` };
    for (let i = 0; i < CONFIG_SERVERS; i++) {
      const edge = edges[i] ?? { port: await findFreePort(), opsPort: await findFreePort() };
      env[`EDGE${i + 1}`] = `127.0.0.1:${edge.port}`;
      env[`EDGE${i + 1}_OPS_PORT`] = String(edge.opsPort);
    }
    const output: string[] = [];
    const child = spawn('haproxy', ['-db', '-f', HAPROXY_CONFIG], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) => reject(new Error(`cannot run haproxy (apt-get install haproxy): ${error.message}`)));
    });
    return new HaproxyBalancer(child, port, output);
  }

  /** `ws://127.0.0.1:<port><path>` */
  wsUrl(path: string): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /** HAProxy's own log lines (one per request with `option httplog`), for a failure message. */
  log(): string {
    return this.output.join('').split('\n').slice(-20).join('\n');
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

/** `tickwire_edge_connections` of an edge process, read from its /metrics. */
export async function edgeConnections(edge: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${await edge.opsUrl()}/metrics`)).text();
  if (!exposedSeriesNames(text).has('tickwire_edge_connections')) throw new Error(`${edge.app} exports no tickwire_edge_connections`);
  return new PrometheusSamples(text).value('tickwire_edge_connections');
}
