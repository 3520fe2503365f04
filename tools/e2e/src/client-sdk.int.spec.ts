import type { IncomingMessage } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { TickwireClient, TickwireHttp, symbolStateFromUpdate, type ConnectionStatus, type Mode, type StatusDetail, type SymbolState } from '@tickwire/client';
import { decodeClientJson, decodeServerJson, MarketUpdate, MODE_FIELDS, projectUpdate, SubscriptionMode, tickSubjectForSymbol, type ServerMessage } from '@tickwire/protocol';
import { findFreePort, startNats, startRedis, type TestServer, ServiceProcess, syntheticTick } from '@tickwire/testing';
import { realtimeToken } from './edge-token';

/**
 * @tickwire/client against real edge processes (real NATS, the real snapshot service over Redis): the test
 * publishes full-state MarketUpdates on md.tick as the normalizer would, so it knows every seq and the state
 * each client must end with. Edges are killed, drained and restarted on the same port underneath the client.
 */

const SHARD_COUNT = 4;
const SECRET = 'e2e-client-sdk-secret-0123456789-0123456789-ab';
const MODE_WIRE: Record<Mode, SubscriptionMode> = { ltp: SubscriptionMode.LTP, quote: SubscriptionMode.QUOTE, full: SubscriptionMode.FULL };

/** What a client's state must equal once it has caught up with `update`, in `mode` (VWAP to 12 digits: JSON divides it). */
function visible(state: Readonly<SymbolState> | undefined): unknown {
  if (state === undefined) return undefined;
  const { updatedAtMs: _updatedAtMs, vwap, ...rest } = state;
  return { ...rest, vwap: vwap === undefined ? undefined : Number(vwap.toPrecision(12)) };
}

function expected(update: MarketUpdate, mode: Mode): unknown {
  return visible(symbolStateFromUpdate({ ...projectUpdate(update, MODE_FIELDS[MODE_WIRE[mode]]), snapshot: true }, mode, 0));
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Observed {
  statuses: { status: ConnectionStatus; detail: StatusDetail; atMs: number }[];
  resyncs: [string, string][];
  drains: { afterMs: number; atMs: number }[];
  welcomes: number;
}

/** A Tickwire client as a Node program makes one, recording what it reports. */
function sdkClient(url: string, encoding: 'json' | 'proto'): { client: TickwireClient; seen: Observed } {
  const client = new TickwireClient({
    url,
    encoding,
    token: () => realtimeToken(SECRET),
    createSocket: (socketUrl, protocols) => new WebSocket(socketUrl, protocols),
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  const seen: Observed = { statuses: [], resyncs: [], drains: [], welcomes: 0 };
  client.on('status', (status, detail) => seen.statuses.push({ status, detail, atMs: Date.now() }));
  client.on('resync', (symbol, reason) => seen.resyncs.push([symbol, reason]));
  client.on('drain', ({ afterMs }) => seen.drains.push({ afterMs, atMs: Date.now() }));
  client.on('welcome', () => seen.welcomes++);
  return { client, seen };
}

/**
 * A WebSocket proxy between a client and the edge that can drop one server frame: the way to put a seq gap
 * into a real edge's stream. Records the client's messages (JSON encoding).
 */
class GapProxy {
  readonly fromClient: ReturnType<typeof decodeClientJson>[] = [];
  dropped = 0;
  private dropWhen: ((message: ServerMessage) => boolean) | undefined;
  private readonly server: WebSocketServer;

  constructor(private readonly upstreamPort: number) {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (offered) => [...offered][0] ?? false });
    this.server.on('connection', (downstream: WebSocket, request: IncomingMessage) => this.bridge(downstream, request));
  }

  async listening(): Promise<string> {
    if (this.server.address() === null) await new Promise((resolve) => this.server.once('listening', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no address');
    return `ws://127.0.0.1:${address.port}/v1/stream`;
  }

  /** Drops the first edge frame holding a message that matches. */
  dropOnce(match: (message: ServerMessage) => boolean): void {
    this.dropWhen = match;
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private bridge(downstream: WebSocket, request: IncomingMessage): void {
    const upstream = new WebSocket(`ws://127.0.0.1:${this.upstreamPort}${request.url ?? '/'}`, downstream.protocol);
    const pending: string[] = [];
    upstream.on('open', () => {
      for (const text of pending.splice(0)) upstream.send(text);
    });
    downstream.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      this.fromClient.push(decodeClientJson(text));
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else pending.push(text);
    });
    upstream.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      const match = this.dropWhen;
      if (match !== undefined) {
        const decoded = decodeServerJson(text);
        const messages = !decoded.ok ? [] : decoded.message.body?.$case === 'batch' ? decoded.message.body.value.messages : [decoded.message];
        if (messages.some(match)) {
          this.dropWhen = undefined;
          this.dropped++;
          return;
        }
      }
      downstream.send(text);
    });
    const end = (): void => {
      upstream.terminate();
      downstream.terminate();
    };
    upstream.on('close', end);
    downstream.on('close', end);
    upstream.on('error', end);
    downstream.on('error', end);
  }
}

describe('@tickwire/client against real edge processes (real NATS, snapshot service over Redis)', () => {
  let nats: TestServer;
  let redis: TestServer;
  let publisher: NatsBus;
  let snapshotAddress: string;
  const running: ServiceProcess[] = [];
  const clients: TickwireClient[] = [];
  const proxies: GapProxy[] = [];
  const seqs = new Map<string, number>();
  const latest = new Map<string, MarketUpdate>();

  const startEdge = async (port: number, env: Record<string, string> = {}): Promise<ServiceProcess> => {
    const edge = new ServiceProcess('edge', {
      NATS_URL: nats.url,
      SHARD_COUNT: String(SHARD_COUNT),
      SNAPSHOT_ADDRESS: snapshotAddress,
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_HS256_SECRET: SECRET,
      INTEREST_LINGER: '100ms',
      ...env,
    });
    running.push(edge);
    await edge.waitFor('edge.listening');
    return edge;
  };

  const publish = async (symbols: readonly string[]): Promise<void> => {
    for (const symbol of symbols) {
      const seq = (seqs.get(symbol) ?? 0) + 1;
      seqs.set(symbol, seq);
      const update = syntheticTick(symbol, seq);
      latest.set(symbol, update);
      publisher.publish(tickSubjectForSymbol(symbol, SHARD_COUNT), MarketUpdate.encode(update).finish());
    }
    await publisher.flush();
  };

  /** Publishes the next seq of every symbol each `intervalMs` until stopped. */
  const pump = (symbols: readonly string[], intervalMs = 20): (() => Promise<void>) => {
    let running = true;
    const loop = (async () => {
      while (running) {
        await publish(symbols);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  };

  /** Until the snapshot service knows `symbols` (an edge answers `unknown_symbol` before that). */
  const known = async (httpBase: string, symbols: string[]): Promise<void> => {
    const http = new TickwireHttp({ baseUrl: httpBase, token: () => realtimeToken(SECRET) });
    await eventually(async () => (await http.snapshots(symbols, 'ltp').catch(() => undefined))?.snapshots.length === symbols.length, `the snapshot service to know ${symbols.join(', ')}`);
  };

  const caughtUp = (client: TickwireClient, symbol: string, mode: Mode): boolean => JSON.stringify(visible(client.state(symbol))) === JSON.stringify(expected(latest.get(symbol)!, mode));

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    publisher = await connectNatsBus({ servers: nats.url, name: 'e2e-client-sdk-publisher' });
    const snapshot = new ServiceProcess('snapshot', { NATS_URL: nats.url, REDIS_URL: redis.url, SHARD_COUNT: String(SHARD_COUNT), SHARDS: `0-${SHARD_COUNT - 1}`, GRPC_HOST: '127.0.0.1', GRPC_PORT: '0', FLUSH_INTERVAL: '50ms' });
    running.push(snapshot);
    snapshotAddress = String((await snapshot.waitFor('grpc.listening'))['address']);
    await snapshot.waitFor('service.started');
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const proxy of proxies) await proxy.close();
    for (const service of running.reverse()) await service.stop();
    await publisher?.close();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  it('the edge is killed (SIGKILL) mid-stream and restarted on the same port: clients reconnect, resubscribe in their modes and end equal to the last published state', async () => {
    const port = await findFreePort();
    const first = await startEdge(port);
    const symbols = ['KILL.A', 'KILLB'];
    await publish(symbols);
    await known(`http://127.0.0.1:${port}`, symbols);

    const url = `ws://127.0.0.1:${port}/v1/stream`;
    const sdks = [sdkClient(url, 'json'), sdkClient(url, 'proto')];
    for (const { client } of sdks) {
      clients.push(client);
      client.connect();
      const results = await Promise.all([client.subscribe('KILL.A', 'full'), client.subscribe(['KILLB'], 'quote')]);
      expect(results).toEqual([[{ symbol: 'KILL.A', code: 'ok', mode: 'full' }], [{ symbol: 'KILLB', code: 'ok', mode: 'quote' }]]);
    }
    const stop = pump(symbols);
    await eventually(() => sdks.every(({ client }) => (client.state('KILL.A')?.seq ?? 0) >= 10), 'the clients to follow the stream');

    first.kill();
    await first.exited;
    await eventually(() => sdks.every(({ client }) => client.status === 'reconnecting' || client.status === 'connecting'), 'the clients to notice');
    const seqAtKill = seqs.get('KILL.A')!;
    await new Promise((resolve) => setTimeout(resolve, 300)); // the stream goes on while no edge runs
    await startEdge(port);
    await eventually(() => sdks.every(({ client }) => client.status === 'open'), 'the clients to reconnect');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stop();

    await eventually(() => sdks.every(({ client }) => caughtUp(client, 'KILL.A', 'full') && caughtUp(client, 'KILLB', 'quote')), 'the clients to end at the last published state');
    for (const { client, seen } of sdks) {
      expect(client.state('KILL.A')!.seq).toBeGreaterThan(seqAtKill + 10);
      expect(client.state('KILL.A')!.bids).toHaveLength(2); // still full
      expect(client.state('KILLB')).toMatchObject({ mode: 'quote', bids: [], asks: [] }); // still quote
      expect(seen.welcomes).toBe(2);
      const lost = seen.statuses.find((s) => s.status === 'reconnecting')!;
      expect(lost.detail).toMatchObject({ code: 1006, attempt: 1 });
      expect(client.stats()).toMatchObject({ status: 'open', gaps: 0 });
      expect(client.stats().reconnects).toBeGreaterThanOrEqual(1);
    }
    // The HTTP read of the restarted edge agrees with what the clients merged.
    const http = new TickwireHttp({ baseUrl: `http://127.0.0.1:${port}`, token: () => realtimeToken(SECRET) });
    await eventually(async () => (await http.snapshots(['KILL.A'], 'full')).snapshots[0]?.seq === latest.get('KILL.A')!.seq, 'the snapshot service to store the last update');
    const [stored] = (await http.snapshots(['KILL.A'], 'full')).snapshots;
    expect(visible(symbolStateFromUpdate(stored!, 'full'))).toEqual(visible(sdks[1]!.client.state('KILL.A')));
  }, 90_000);

  it('drain: SIGTERM with a short DRAIN_WINDOW sends reconnect{afterMs}; the client reconnects no earlier than afterMs after the notice, then is served by a restarted edge', async () => {
    const port = await findFreePort();
    const draining = await startEdge(port, { DRAIN_WINDOW: '800ms' });
    const symbols = ['DRAIN'];
    await publish(symbols);
    await known(`http://127.0.0.1:${port}`, symbols);
    const { client, seen } = sdkClient(`ws://127.0.0.1:${port}/v1/stream`, 'proto');
    clients.push(client);
    client.connect();
    await client.subscribe('DRAIN', 'ltp');
    const stop = pump(symbols);
    await eventually(() => (client.state('DRAIN')?.seq ?? 0) >= 5, 'the stream');

    expect(await draining.stop()).toBe(0);
    expect(seen.drains).toHaveLength(1);
    const { afterMs, atMs: noticeAt } = seen.drains[0]!;
    expect(afterMs).toBeGreaterThanOrEqual(0);
    expect(afterMs).toBeLessThan(800);
    const lost = seen.statuses.findIndex((s) => s.status === 'reconnecting');
    // The edge closes about afterMs after the notice; what is left of afterMs then is the wait.
    expect(seen.statuses[lost]!.detail).toMatchObject({ code: 4300, reason: 'server draining: reconnect', attempt: 1 });
    expect(seen.statuses[lost]!.detail.retryInMs).toBeLessThanOrEqual(afterMs);
    // The next attempt comes no earlier than afterMs after the notice (2 ms for clock granularity).
    await eventually(() => seen.statuses.length > lost + 1, 'the next attempt', 5_000);
    expect(seen.statuses[lost + 1]!.status).toBe('connecting');
    expect(seen.statuses[lost + 1]!.atMs - noticeAt).toBeGreaterThanOrEqual(afterMs - 2);

    await startEdge(port);
    await eventually(() => client.status === 'open' && seen.welcomes === 2, 'the client to be served again');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stop();
    await eventually(() => caughtUp(client, 'DRAIN', 'ltp'), 'the client to end at the last published state');
    expect(client.stats().gaps).toBe(0);
  }, 60_000);

  it('a frame dropped between the edge and the client is a seq gap: the client resyncs and ends with the right state', async () => {
    const port = await findFreePort();
    await startEdge(port);
    const symbols = ['GAP'];
    await publish(symbols);
    await known(`http://127.0.0.1:${port}`, symbols);
    const proxy = new GapProxy(port);
    proxies.push(proxy);
    const { client, seen } = sdkClient(await proxy.listening(), 'json');
    clients.push(client);
    client.connect();
    await client.subscribe('GAP', 'full');
    await eventually(() => client.state('GAP') !== undefined, 'the snapshot');
    const held = seqs.get('GAP')!;

    const dropSeq = BigInt(held + 3);
    proxy.dropOnce((m) => m.body?.$case === 'update' && !m.body.value.snapshot && m.body.value.seq === dropSeq);
    for (let i = 0; i < 8; i++) {
      await publish(symbols);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await eventually(() => caughtUp(client, 'GAP', 'full'), 'the client to end at the last published state');

    expect(proxy.dropped).toBe(1);
    expect(seen.resyncs).toEqual([['GAP', 'gap']]);
    expect(client.stats()).toMatchObject({ gaps: 1, resyncs: 1 });
    const resyncs = proxy.fromClient.filter((m) => m.ok && m.message.body?.$case === 'resync');
    expect(resyncs.map((m) => (m.ok && m.message.body?.$case === 'resync' ? m.message.body.value.symbols : []))).toEqual([['GAP']]);
  }, 60_000);
});
