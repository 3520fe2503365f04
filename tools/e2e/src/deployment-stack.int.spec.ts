import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { TickwireClient, TickwireHttp } from '@tickwire/client';
import { edgeConnections, exposedSeriesNames, findFreePort, HaproxyBalancer, NatsCluster, startRedis, type EdgeAddress, type TestServer, REPO, ServiceProcess } from '@tickwire/testing';
import { parse, parseAllDocuments } from 'yaml';
import { realtimeToken } from './edge-token';
import { NginxBalancer } from './nginx-balancer';
import { metricNamesInPromQL } from './prometheus-text';
import { until } from './until';

/**
 * The deployment of infra/compose, on this machine as processes: a 3-node NATS cluster started from
 * infra/nats/nats-cluster.conf, Redis, the simulator, ingest, an active and a standby normalizer, the
 * snapshot service (a writer, and the reads-only replica the edges read from), two edges behind real
 * HAProxy with infra/haproxy/haproxy.cfg. SDK clients connect
 * through HAProxy; each edge in turn is drained (SIGTERM) and restarted, as a rolling deploy does, and
 * every client must stay served. The same running system answers for the metric names the Grafana
 * dashboard, the alert rules and the edge HPA use.
 */

const SECRET = 'e2e-deployment-secret-0123456789-0123456789-ab';
const SHARD_COUNT = '4';
// About two minutes of a 20-symbol market at 2,000 messages a second: it trades for the whole test.
const DAY = { SEED: '5', SYMBOLS: '20', MESSAGES: '240000', RATE: '2000', OPEN_BURST_MULTIPLIER: '1', SPEED: '1' };
const CLIENTS = 120;
const LATE_CLIENTS = 30;
const SYMBOLS_PER_CLIENT = 3;
const DRAIN_WINDOW = '1s';

/** One SDK client through the balancer, and what it went through. */
interface ServedClient {
  readonly client: TickwireClient;
  readonly symbols: string[];
  /** Arrival time of the newest update (snapshot or delta) per symbol. */
  readonly lastUpdate: Map<string, number>;
  welcomes: number;
  drains: number;
  closedForGood: boolean;
}

function servedClient(url: string, symbols: string[]): ServedClient {
  const client = new TickwireClient({
    url,
    token: () => realtimeToken(SECRET),
    createSocket: (socketUrl, protocols) => new WebSocket(socketUrl, protocols),
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  const served: ServedClient = { client, symbols, lastUpdate: new Map(), welcomes: 0, drains: 0, closedForGood: false };
  client.on('update', (state) => served.lastUpdate.set(state.symbol, Date.now()));
  client.on('welcome', () => served.welcomes++);
  client.on('drain', () => served.drains++);
  client.on('status', (status) => {
    if (status === 'closed') served.closedForGood = true;
  });
  return served;
}

/**
 * Subscribes each client to its symbols in quote mode. A symbol the edge could not fetch a snapshot for
 * (a loaded machine) answers `unavailable`, which a client may ask again; anything else is final.
 */
async function subscribeEach(batch: readonly ServedClient[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const asks = batch.map((c) => {
      const wanted = c.symbols.filter((symbol) => c.client.state(symbol) === undefined);
      return wanted.length === 0 ? Promise.resolve([]) : c.client.subscribe(wanted, 'quote');
    });
    const refused = (await Promise.all(asks)).flat().filter((r) => r.code !== 'ok' && r.code !== 'already_subscribed');
    if (refused.length === 0) return;
    if (attempt === 3 || refused.some((r) => r.code !== 'unavailable')) expect(refused).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Every symbol of every client updated after `since` (a snapshot after a resubscribe counts). */
function unserved(clients: readonly ServedClient[], since: number): string[] {
  const late: string[] = [];
  for (const [i, c] of clients.entries()) {
    if (c.closedForGood) late.push(`client ${i}: closed`);
    for (const symbol of c.symbols) if ((c.lastUpdate.get(symbol) ?? 0) <= since) late.push(`client ${i}: ${symbol}`);
  }
  return late;
}

describe('the compose deployment as processes: 3-node NATS cluster, Redis, every service, two edges behind HAProxy', () => {
  let cluster: NatsCluster;
  let redis: TestServer;
  let haproxy: HaproxyBalancer;
  let nginx: NginxBalancer | undefined;
  let snapshotAddress: string;
  let symbols: string[];
  const running: ServiceProcess[] = [];
  const edges: ServiceProcess[] = [];
  const addresses: EdgeAddress[] = [];
  const clients: ServedClient[] = [];

  const startEdge = (i: number): ServiceProcess => {
    const edge = new ServiceProcess('edge', {
      NATS_URL: cluster.url,
      SHARD_COUNT,
      SNAPSHOT_ADDRESS: snapshotAddress,
      HOST: '127.0.0.1',
      PORT: String(addresses[i]!.port),
      OPS_PORT: String(addresses[i]!.opsPort),
      JWT_HS256_SECRET: SECRET,
      DRAIN_WINDOW,
      SHUTDOWN_TIMEOUT: '10s',
    });
    edges[i] = edge;
    running.push(edge);
    return edge;
  };

  beforeAll(async () => {
    cluster = await NatsCluster.start(3);
    redis = await startRedis();
    // The order compose enforces: ingest creates RAW_STREAM before a normalizer replays from it...
    const feedPort = await findFreePort();
    const sim = new ServiceProcess('exchange-sim', { ...DAY, MODE: 'soupbintcp', HOST: '127.0.0.1', PORT: String(feedPort) });
    running.push(sim);
    await sim.waitFor('sim.soupbintcp_listening');
    const ingest = new ServiceProcess('ingest', { SOURCE: `soupbintcp://tw:tickwire@127.0.0.1:${feedPort}?session=TICKWIRE01`, NATS_URL: cluster.url, SHARD_COUNT, RAW_STREAM: 'MD_RAW' });
    running.push(ingest);
    await ingest.waitFor('raw_stream.ready');
    // And the snapshot service subscribes before a normalizer sends the instrument directory (once, on
    // becoming active): compose orders them the same way (docs/operations.md#start-order).
    const snapshot = new ServiceProcess('snapshot', { NATS_URL: cluster.url, REDIS_URL: redis.url, SHARD_COUNT, SHARDS: '0-3', GRPC_HOST: '127.0.0.1', GRPC_PORT: '0' });
    running.push(snapshot);
    await snapshot.waitFor('service.started');
    // The edges read from a reads-only replica, as in compose: no NATS, answers from what the writer put in Redis.
    const snapshotReads = new ServiceProcess('snapshot', { REDIS_URL: redis.url, SHARDS: 'none', GRPC_HOST: '127.0.0.1', GRPC_PORT: '0' });
    running.push(snapshotReads);
    snapshotAddress = String((await snapshotReads.waitFor('grpc.listening'))['address']);
    await snapshotReads.waitFor('snapshot.reads_only');
    const normalizer = { NATS_URL: cluster.url, SHARD_COUNT, SHARDS: '0-3', MAX_UPDATES_PER_SEC: '5', LEASE_KEY: 'shards-0-3', LEASE_TTL: '2s', RAW_STREAM: 'MD_RAW' };
    const active = new ServiceProcess('normalizer', normalizer);
    running.push(active);
    await active.waitFor('lease.acquired');
    const standby = new ServiceProcess('normalizer', normalizer);
    running.push(standby);
    // A hot standby: it replays the same stream and keeps the same books, but holds no lease.
    await standby.waitFor('normalizer.caught_up');
    expect(standby.lines.filter((l) => l.event === 'lease.acquired')).toEqual([]);
    for (let i = 0; i < 2; i++) {
      addresses.push({ port: await findFreePort(), opsPort: await findFreePort() });
      await startEdge(i).waitFor('edge.listening');
    }

    haproxy = await HaproxyBalancer.start(addresses);
    // The instrument directory through the balancer: the pipeline runs end to end once all 20 are there.
    const http = new TickwireHttp({ baseUrl: `http://127.0.0.1:${haproxy.port}`, token: () => realtimeToken(SECRET) });
    let last = 'nothing yet';
    await until(
      async () => {
        try {
          symbols = (await http.instruments()).map((i) => i.symbol);
          last = `${symbols.length} instruments`;
          return symbols.length === Number(DAY.SYMBOLS);
        } catch (error) {
          last = String(error);
          return false;
        }
      },
      () => `the instrument directory through HAProxy (last: ${last}; haproxy: ${haproxy.log()})`,
      30_000,
      250,
    );
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) c.client.close();
    await nginx?.stop();
    haproxy?.stop();
    for (const service of running.reverse()) await service.stop();
    await redis?.stop();
    await cluster?.stop();
  });

  it('names only metrics the services export: the Grafana dashboard, the alert rules and the edge HPA', async () => {
    const exported = new Set<string>();
    for (const service of running) for (const name of exposedSeriesNames(await (await fetch(`${await service.opsUrl()}/metrics`)).text())) exported.add(name);
    const varz = (await (await fetch(`${cluster.nodes[0]!.monitorUrl}/varz`)).json()) as Record<string, unknown>;
    // prometheus-nats-exporter -varz exports gnatsd_varz_<field> for every numeric field of /varz.
    const exportedBy = (name: string): boolean => (name.startsWith('gnatsd_varz_') ? typeof varz[name.slice('gnatsd_varz_'.length)] === 'number' : exported.has(name));

    const dashboard = JSON.parse(readFileSync(join(REPO, 'infra', 'grafana', 'dashboards', 'tickwire.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const used = new Map<string, string>();
    for (const panel of dashboard.panels) for (const target of panel.targets ?? []) for (const name of metricNamesInPromQL(target.expr)) used.set(name, `dashboard panel "${panel.title}"`);
    const alerts = parse(readFileSync(join(REPO, 'infra', 'prometheus', 'alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    for (const group of alerts.groups) for (const rule of group.rules) for (const name of metricNamesInPromQL(rule.expr)) used.set(name, `alert ${rule.alert}`);
    used.set('tickwire_edge_connections', 'the edge HPA (infra/k8s/base/edge.yaml)');
    expect(readFileSync(join(REPO, 'infra', 'k8s', 'base', 'edge.yaml'), 'utf8')).toContain('metric: { name: tickwire_edge_connections }');

    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter(([name]) => !exportedBy(name)).map(([name, where]) => `${name} (${where})`)).toEqual([]);
  });

  it('the normalizer init container of infra/k8s (wait for ingest and snapshot /readyz) passes once both are ready', async () => {
    const manifest = parseAllDocuments(readFileSync(join(REPO, 'infra', 'k8s', 'base', 'normalizer.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; spec?: { template: { spec: { initContainers: { command: string[] }[] } } } });
    const command = manifest.find((d) => d.kind === 'Deployment')!.spec!.template.spec.initContainers[0]!.command;
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    const ingest = running.find((s) => s.app === 'ingest')!;
    const snapshot = running.find((s) => s.app === 'snapshot')!;
    const script = command[2]!.replace('http://ingest:9100', await ingest.opsUrl()).replace('http://snapshot:9100', await snapshot.opsUrl());
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: '' });
  });

  it('keeps every client served while each edge in turn is drained and restarted (rolling deploy)', async () => {
    const url = haproxy.wsUrl('/v1/stream');
    const subscribeAll = async (count: number): Promise<ServedClient[]> => {
      const batch: ServedClient[] = [];
      for (let i = 0; i < count; i++) {
        const picked = Array.from({ length: SYMBOLS_PER_CLIENT }, (_, k) => symbols[(clients.length + i + k * 7) % symbols.length]!);
        batch.push(servedClient(url, picked));
      }
      clients.push(...batch);
      for (const c of batch) c.client.connect();
      await subscribeEach(batch);
      return batch;
    };

    await subscribeAll(CLIENTS);
    await until(() => unserved(clients, 0).length === 0, 'every client to get its symbols');
    let counts: number[] = [];
    await until(
      async () => {
        counts = [await edgeConnections(edges[0]!), await edgeConnections(edges[1]!)];
        return counts[0]! + counts[1]! === CLIENTS;
      },
      () => `${CLIENTS} connections over the two edges (counts: ${counts.join(' + ')})`,
    );
    // leastconn spreads them (both edges carry clients, so each drain below moves some).
    expect(Math.min(...counts)).toBeGreaterThan(0);

    for (const i of [0, 1]) {
      const other = edges[1 - i]!;
      const before = clients.map((c) => c.welcomes);
      const drained = edges[i]!;
      const carried = await edgeConnections(drained);
      expect(carried).toBeGreaterThan(0);
      const drainedAt = Date.now();
      // Drain: reconnect notices over DRAIN_WINDOW, then a clean exit; HAProxy stops sending it new
      // connections (503 retried elsewhere, /readyz down) and the clients land on the other edge.
      expect(await drained.stop()).toBe(0);
      await until(async () => (await edgeConnections(other)) === clients.length, `edge ${2 - i} to hold every client`, 20_000);
      const moved = clients.filter((c, k) => c.welcomes > before[k]!);
      expect(moved.length).toBeGreaterThanOrEqual(carried);
      for (const c of moved) expect(c.drains).toBeGreaterThanOrEqual(1);
      // The moved clients resubscribed on the other edge: a fresh snapshot for each of their symbols.
      await until(() => unserved(moved, drainedAt).length === 0, 'the moved clients to be served again', 20_000);

      // Restart on the same ports; HAProxy's checks bring it back and leastconn fills it.
      const restarted = startEdge(i);
      await restarted.waitFor('edge.listening');
      await until(
        async () => {
          await subscribeAll(1);
          return (await edgeConnections(restarted)) > 0;
        },
        `the restarted edge ${i + 1} to take new connections`,
        20_000,
        250,
      );
      await subscribeAll(LATE_CLIENTS / 2);
      expect(await edgeConnections(restarted)).toBeGreaterThanOrEqual(LATE_CLIENTS / 2);
    }

    // Everyone, old and new, is connected once and receives live updates after the rollout.
    const settled = Date.now();
    expect((await edgeConnections(edges[0]!)) + (await edgeConnections(edges[1]!))).toBe(clients.length);
    await until(() => unserved(clients, settled).length === 0, `every client to receive updates after the rollout (missing: ${unserved(clients, settled).slice(0, 5).join(', ')})`, 20_000);
    expect(clients.filter((c) => c.closedForGood)).toEqual([]);
  }, 120_000);

  it('the NGINX config (infra/nginx/nginx.conf) serves the same pool: WebSocket upgrade, subscriptions, updates', async () => {
    nginx = await NginxBalancer.start(addresses);
    const url = nginx.wsUrl('/v1/stream');
    const viaNginx = Array.from({ length: 10 }, (_, i) => servedClient(url, [symbols[i]!, symbols[i + 10]!]));
    clients.push(...viaNginx);
    for (const c of viaNginx) c.client.connect();
    await subscribeEach(viaNginx);
    const since = Date.now();
    await until(() => unserved(viaNginx, since).length === 0, `updates through nginx (${nginx.log()})`, 20_000);
  });
});
