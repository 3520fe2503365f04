import WebSocket from 'ws';
import { CLOSE_CODES, ErrorCode, SubscriptionMode, SubscriptionResultCode, TradingStatus, type ClientMessage, type MarketUpdate } from '@tickwire/protocol';
import type { Encoding, TickwireClientOptions } from './client-options';
import { TickwireClientError } from './errors';
import type { SymbolState } from './symbol-states';
import { ScriptedPeer, type PeerConnection } from './testing/scripted-peer';
import { TickwireClient, type ConnectionStatus, type DrainNotice, type ResyncReason, type StatusDetail, type SubscriptionResult, type TickwireErrorEvent } from './tickwire-client';

/**
 * The client against a real `ws` server on 127.0.0.1 that each test scripts (src/testing/scripted-peer.ts):
 * real sockets, real frames in both encodings. Delays are asserted as the client computes and reports them,
 * never as wall-clock measurements, except the lower bound of a drain notice's wait.
 */

const createSocket = (url: string, protocols: string[]): WebSocket => new WebSocket(url, protocols);

interface Log {
  statuses: [ConnectionStatus, StatusDetail][];
  updates: { state: Readonly<SymbolState>; update: MarketUpdate }[];
  resyncs: [string, ResyncReason][];
  errors: TickwireErrorEvent[];
  subscriptions: SubscriptionResult[];
  drains: DrainNotice[];
}

let peers: ScriptedPeer[] = [];
let clients: TickwireClient[] = [];

async function startPeer(): Promise<ScriptedPeer> {
  const peer = await ScriptedPeer.start();
  peers.push(peer);
  return peer;
}

function startClient(peer: ScriptedPeer, options: Partial<TickwireClientOptions> = {}): { client: TickwireClient; log: Log } {
  const client = new TickwireClient({ url: peer.url, createSocket, reconnect: { initialDelayMs: 10, maxDelayMs: 40 }, ...options });
  clients.push(client);
  const log: Log = { statuses: [], updates: [], resyncs: [], errors: [], subscriptions: [], drains: [] };
  client.on('status', (status, detail) => log.statuses.push([status, detail]));
  client.on('update', (state, update) => log.updates.push({ state, update }));
  client.on('resync', (symbol, reason) => log.resyncs.push([symbol, reason]));
  client.on('error', (error) => log.errors.push(error));
  client.on('subscription', (result) => log.subscriptions.push(result));
  client.on('drain', (notice) => log.drains.push(notice));
  return { client, log };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects, welcomes, subscribes and acks: the connection and the client, ready for updates. */
async function subscribed(peer: ScriptedPeer, symbols: string[], mode: 'ltp' | 'quote' | 'full', options: Partial<TickwireClientOptions> = {}): Promise<{ client: TickwireClient; log: Log; conn: PeerConnection }> {
  const { client, log } = startClient(peer, options);
  client.connect();
  const conn = await peer.connection(0);
  conn.welcome();
  const results = client.subscribe(symbols, mode);
  await peer.until(() => conn.messages('subscribe').length > 0, 'the subscribe');
  conn.ack(conn.messages('subscribe')[0]!);
  await results;
  return { client, log, conn };
}

function statusNames(log: Log): ConnectionStatus[] {
  return log.statuses.map(([status]) => status);
}

function reconnectDetails(log: Log): StatusDetail[] {
  return log.statuses.filter(([status]) => status === 'reconnecting').map(([, detail]) => detail);
}

afterEach(async () => {
  for (const client of clients) client.close();
  for (const peer of peers) await peer.close();
  clients = [];
  peers = [];
});

describe.each<Encoding>(['json', 'proto'])('TickwireClient merging (%s)', (encoding) => {
  const PUBLISH_NS = 1_732_400_000_123_999_000n;

  it('applies snapshots and deltas: absent fields unchanged, depth replaced, duplicates and older snapshots dropped, prevSeq honoured, batches as if alone', async () => {
    const peer = await startPeer();
    const { client, log, conn } = await subscribed(peer, ['AAPL'], 'full', { encoding });
    expect(conn.protocol).toBe(encoding === 'json' ? 'tickwire.v1.json' : 'tickwire.v1.proto');

    conn.update({
      symbol: 'AAPL',
      seq: 10n,
      snapshot: true,
      exchangeTsNs: 34_200_000_000_123n,
      publishTsNs: PUBLISH_NS,
      ltp: 1_234_500,
      lastSize: 100n,
      quote: { bidPrice: 1_234_400, bidSize: 300n, askPrice: 1_234_600, askSize: 200n },
      ohlc: { open: 1_200_000, high: 1_250_001, low: 1_190_000, close: 1_234_500 },
      volume: 1_000_000n,
      vwap: 1_225_000.5,
      depth: { bids: [{ price: 1_234_400, size: 300n, orders: 2 }, { price: 1_234_300, size: 50n, orders: 1 }], asks: [{ price: 1_234_600, size: 200n, orders: 1 }] },
      status: TradingStatus.TRADING,
    });
    await eventually(() => client.state('AAPL') !== undefined, 'the snapshot');
    expect(client.state('AAPL')).toEqual({
      symbol: 'AAPL',
      mode: 'full',
      seq: 10,
      epoch: 1,
      ltp: 123.45,
      lastSize: 100,
      bid: 123.44,
      bidSize: 300,
      ask: 123.46,
      askSize: 200,
      open: 120,
      high: 125.0001,
      low: 119,
      close: 123.45,
      volume: 1_000_000,
      vwap: expect.closeTo(122.50005, 9),
      bids: [{ price: 123.44, size: 300, orders: 2 }, { price: 123.43, size: 50, orders: 1 }],
      asks: [{ price: 123.46, size: 200, orders: 1 }],
      status: 'trading',
      stale: false,
      exchangeTsNs: 34_200_000_000_123,
      publishTsMs: 1_732_400_000_123.999,
      updatedAtMs: expect.any(Number),
    });

    // A delta: only ltp and volume change; everything else stays.
    conn.update({ symbol: 'AAPL', seq: 11n, ltp: 1_234_600, volume: 1_000_100n });
    await eventually(() => client.state('AAPL')?.seq === 11, 'seq 11');
    expect(client.state('AAPL')).toMatchObject({ ltp: 123.46, volume: 1_000_100, bid: 123.44, open: 120, bids: [{ price: 123.44 }, { price: 123.43 }] });

    // A duplicate (seq <= held) is dropped, whatever it carries.
    conn.update({ symbol: 'AAPL', seq: 11n, ltp: 9_990_000 });
    // prevSeq 11 <= held 11 < 13: applies (the subscription was not sent 12). Depth replaced, one side emptied.
    conn.update({ symbol: 'AAPL', seq: 13n, prevSeq: 11n, depth: { bids: [{ price: 1_234_500, size: 10n, orders: 1 }], asks: [] }, quote: { bidPrice: 1_234_500, bidSize: 10n, askPrice: 0, askSize: 0n } });
    await eventually(() => client.state('AAPL')?.seq === 13, 'seq 13');
    const at13 = client.state('AAPL')!;
    expect(at13).toMatchObject({ ltp: 123.46, bids: [{ price: 123.45, size: 10, orders: 1 }], asks: [], bid: 123.45, bidSize: 10 });
    expect(at13.ask).toBeUndefined();
    expect(at13.askSize).toBeUndefined();
    // An old delta and an older snapshot of the same epoch are dropped too.
    conn.update({ symbol: 'AAPL', seq: 12n, ltp: 1_111_100 });
    conn.update({ symbol: 'AAPL', seq: 12n, snapshot: true, ltp: 1_111_100 });
    // A snapshot at the same seq replaces: what it does not carry is gone.
    conn.update({ symbol: 'AAPL', seq: 13n, snapshot: true, ltp: 1_300_000, status: TradingStatus.HALTED });
    await eventually(() => client.state('AAPL')?.ltp === 130, 'the seq-13 snapshot');
    expect(client.state('AAPL')).toMatchObject({ seq: 13, ltp: 130, status: 'halted', bids: [], asks: [] });
    expect(client.state('AAPL')!.bid).toBeUndefined();
    expect(client.state('AAPL')).not.toBe(at13);

    // One frame, three messages: each handled as if alone (the ping answered with the same ts).
    conn.sendBatch([
      { body: { $case: 'update', value: { ...emptyUpdate('AAPL', 14n), ltp: 1_300_100 } } },
      { body: { $case: 'update', value: { ...emptyUpdate('AAPL', 15n), ltp: 1_300_200 } } },
      { body: { $case: 'ping', value: { ts: 1_732_400_000_000n } } },
    ]);
    await eventually(() => client.state('AAPL')?.seq === 15 && conn.messages('pong').length === 1, 'the batch and the pong');
    expect(conn.messages('pong')[0]!.body.value.ts).toBe(1_732_400_000_000n);
    expect(client.state('AAPL')!.ltp).toBe(130.02);

    expect(log.updates.map(({ update }) => `${update.seq}${update.snapshot ? 's' : ''}`)).toEqual(['10s', '11', '13', '13s', '14', '15']);
    expect(log.updates.at(-1)!.state).toBe(client.state('AAPL'));
    expect(client.stats()).toMatchObject({ duplicates: 2, gaps: 0, resyncs: 0 });
    expect(log.resyncs).toEqual([]);
  });

  it('a seq gap discards the state, sends one resync, ignores deltas until the snapshot, which replaces it', async () => {
    const peer = await startPeer();
    const { client, log, conn } = await subscribed(peer, ['AAPL', 'MSFT'], 'quote', { encoding });
    conn.update({ symbol: 'AAPL', seq: 1n, snapshot: true, ltp: 1_000_000 });
    conn.update({ symbol: 'MSFT', seq: 7n, snapshot: true, ltp: 3_000_000 });
    conn.update({ symbol: 'AAPL', seq: 2n, ltp: 1_000_100 });
    await eventually(() => client.state('AAPL')?.seq === 2 && client.state('MSFT') !== undefined, 'seq 2');

    // seq 5 without prevSeq means prevSeq 4 > held 2: a gap.
    conn.update({ symbol: 'AAPL', seq: 5n, ltp: 1_000_500 });
    await peer.until(() => conn.messages('resync').length === 1, 'the resync');
    expect(conn.messages('resync')[0]!.body.value.symbols).toEqual(['AAPL']);
    expect(client.state('AAPL')).toBeUndefined();
    expect(log.resyncs).toEqual([['AAPL', 'gap']]);
    // Until the snapshot: deltas are ignored, no second resync; other symbols are untouched.
    conn.update({ symbol: 'AAPL', seq: 6n, ltp: 1_000_600 });
    conn.update({ symbol: 'MSFT', seq: 8n, ltp: 3_000_100 });
    await eventually(() => client.state('MSFT')?.seq === 8, 'MSFT 8');
    expect(client.state('AAPL')).toBeUndefined();

    conn.update({ symbol: 'AAPL', seq: 6n, snapshot: true, ltp: 1_000_600, volume: 600n });
    await eventually(() => client.state('AAPL')?.seq === 6, 'the resync snapshot');
    expect(client.state('AAPL')).toMatchObject({ ltp: 100.06, volume: 600, mode: 'quote' });

    // An explicit prevSeq above the state held is a gap too.
    conn.update({ symbol: 'AAPL', seq: 9n, prevSeq: 7n, ltp: 1_000_900 });
    await peer.until(() => conn.messages('resync').length === 2, 'the second resync');
    expect(client.stats()).toMatchObject({ gaps: 2, resyncs: 2 });
    expect(conn.messages('resync')).toHaveLength(2);
  });

  it('a delta of another epoch discards the state and resyncs; a snapshot of a new epoch replaces even at a lower seq', async () => {
    const peer = await startPeer();
    const { client, log, conn } = await subscribed(peer, ['AAPL'], 'ltp', { encoding });
    conn.update({ symbol: 'AAPL', seq: 100n, epoch: 1n, snapshot: true, ltp: 1_000_000 });
    await eventually(() => client.state('AAPL')?.seq === 100, 'the snapshot');
    conn.update({ symbol: 'AAPL', seq: 1n, epoch: 2n, ltp: 2_000_000 });
    await peer.until(() => conn.messages('resync').length === 1, 'the resync');
    expect(log.resyncs).toEqual([['AAPL', 'epoch']]);
    expect(client.state('AAPL')).toBeUndefined();
    conn.update({ symbol: 'AAPL', seq: 2n, epoch: 2n, snapshot: true, ltp: 2_000_000 });
    await eventually(() => client.state('AAPL')?.epoch === 2, 'the new epoch');
    // Straight to a third epoch by snapshot: replaced, no resync needed.
    conn.update({ symbol: 'AAPL', seq: 1n, epoch: 3n, snapshot: true, ltp: 3_000_000 });
    await eventually(() => client.state('AAPL')?.epoch === 3, 'the third epoch');
    expect(client.state('AAPL')).toMatchObject({ seq: 1, ltp: 300 });
    expect(client.stats()).toMatchObject({ resyncs: 1, gaps: 0 });
  });

  it('ignores message types, fields and frames it does not know', async () => {
    const peer = await startPeer();
    const { client, conn } = await subscribed(peer, ['AAPL'], 'ltp', { encoding });
    conn.update({ symbol: 'AAPL', seq: 1n, snapshot: true, ltp: 1_000_000 });
    if (encoding === 'json') {
      conn.socket.send('{"type":"future_message","x":1}');
      conn.socket.send(`{"type":"batch","messages":[{"type":"future_message"},{"type":"update","symbol":"AAPL","seq":2,"epoch":1,"ltp":100.01,"newField":[1,2]}]}`);
      conn.socket.send(Uint8Array.of(1, 2, 3)); // a binary frame on JSON
    } else {
      conn.socket.send(Uint8Array.of(0x98, 0x06, 0x01)); // field 99 (varint 1): a body this version does not know
      conn.socket.send('{"type":"ping"}'); // a text frame on protobuf
      conn.update({ symbol: 'AAPL', seq: 2n, ltp: 1_000_100 });
    }
    await eventually(() => client.state('AAPL')?.seq === 2, 'seq 2');
    expect(client.state('AAPL')!.ltp).toBe(100.01);
    expect(client.status).toBe('open');
  });
});

function emptyUpdate(symbol: string, seq: bigint): MarketUpdate {
  return { symbol, seq, epoch: 1n, exchangeTsNs: 0n, ingestTsNs: 0n, publishTsNs: 0n, trades: [], stale: false, snapshot: false, changed: 0 };
}

describe('TickwireClient connection policy', () => {
  it('reconnects after an abrupt termination with full-jitter backoff (random * min(max, initial * 2^n)); welcome resets n', async () => {
    const peer = await startPeer();
    const randoms = [0.5, 0.25, 1, 0.75, 0.5];
    let r = 0;
    const { client, log } = startClient(peer, { reconnect: { initialDelayMs: 40, maxDelayMs: 200 }, random: () => randoms[r++ % randoms.length]! });
    client.connect();
    (await peer.connection(0)).welcome();
    await eventually(() => client.status === 'open', 'open');
    peer.refuseNext(503, 3);
    peer.connections[0]!.terminate();
    const conn1 = await peer.connection(1, 3_000);
    conn1.welcome();
    await eventually(() => client.status === 'open', 'open again');
    conn1.terminate();
    await peer.connection(2);

    expect(reconnectDetails(log)).toEqual([
      { code: 1006, reason: '', retryInMs: 0.5 * 40, attempt: 1 },
      { code: 1006, reason: '', retryInMs: 0.25 * 80, attempt: 2 }, // HTTP 503 on the upgrade: 1006 on the client
      { code: 1006, reason: '', retryInMs: 1 * 160, attempt: 3 },
      { code: 1006, reason: '', retryInMs: 0.75 * 200, attempt: 4 }, // capped: 320 > 200
      { code: 1006, reason: '', retryInMs: 0.5 * 40, attempt: 1 }, // welcome reset the exponent
    ]);
    expect(statusNames(log)).toEqual(['connecting', 'open', 'reconnecting', 'connecting', 'reconnecting', 'connecting', 'reconnecting', 'connecting', 'reconnecting', 'connecting', 'open', 'reconnecting', 'connecting']);
    expect(log.statuses.filter(([status]) => status === 'connecting').map(([, detail]) => detail.attempt)).toEqual([0, 1, 2, 3, 4, 1]);
    expect(peer.attempts).toHaveLength(6);
    expect(client.stats().reconnects).toBe(5);
    expect(log.errors).toEqual([]);
  });

  it('drain: reconnect{afterMs: 300} then close 4300 reconnects afterMs after the notice (no backoff), the rest of the wait reported as retryInMs', async () => {
    const peer = await startPeer();
    const random = jest.fn(() => 0.5);
    const { client, log } = startClient(peer, { random, reconnect: { initialDelayMs: 10, maxDelayMs: 20 } });
    client.connect();
    const conn = await peer.connection(0);
    conn.welcome();
    await eventually(() => client.status === 'open', 'open');
    const noticeAt = Date.now();
    conn.send({ body: { $case: 'reconnect', value: { afterMs: 300, reason: 'draining' } } });
    await eventually(() => log.drains.length === 1, 'the drain notice');
    conn.close(CLOSE_CODES.SERVER_DRAINING.code, 'server draining: reconnect');
    const next = await peer.connection(1);
    expect(peer.attempts[1]!.atMs - noticeAt).toBeGreaterThanOrEqual(295);
    const [detail] = reconnectDetails(log);
    expect(detail).toMatchObject({ code: 4300, reason: 'server draining: reconnect', attempt: 1 });
    expect(detail!.retryInMs).toBeGreaterThan(0);
    expect(detail!.retryInMs).toBeLessThanOrEqual(300);
    expect(log.drains).toEqual([{ afterMs: 300, reason: 'draining' }]);
    expect(random).not.toHaveBeenCalled();
    // The notice applies to that one close: the next one backs off again.
    next.welcome();
    await eventually(() => client.status === 'open', 'open again');
    next.close(CLOSE_CODES.SERVER_DRAINING.code);
    await eventually(() => reconnectDetails(log).length === 2, 'the second reconnect');
    expect(reconnectDetails(log)[1]).toMatchObject({ code: 4300, retryInMs: 0.5 * 10 });
  });

  const finalCodes = Object.values(CLOSE_CODES).filter((c) => !c.retryable);
  it('the final close codes are exactly 4000, 4001, 4002, 4004, 4100, 4101, 4103, 4104, 4201', () => {
    expect(finalCodes.map((c) => c.code)).toEqual([4000, 4001, 4002, 4004, 4100, 4101, 4103, 4104, 4201]);
  });

  it.each(finalCodes.map((c) => [c.code, c.name] as const))('close %i (%s) is final: status closed, an error, no reconnect, pending subscribes reject', async (code, name) => {
    const peer = await startPeer();
    const { client, log } = startClient(peer);
    const pending = client.subscribe('AAPL');
    client.connect();
    const conn = await peer.connection(0);
    conn.close(code, 'test');
    await eventually(() => client.status === 'closed', 'closed');
    await expect(pending).rejects.toMatchObject({ code: 'CLIENT_ERR_CLOSED' });
    expect(log.statuses.at(-1)).toEqual(['closed', { code, reason: 'test' }]);
    expect(log.errors).toEqual([{ code, name, message: 'test', retryable: false }]);
    await sleep(60); // several backoff periods (10-40 ms)
    expect(peer.attempts).toHaveLength(1);
    // Starting over is the caller's decision (e.g. after a new login).
    client.connect();
    await peer.connection(1);
  });

  it.each([1000, 1001, 1011, 4003, 4200, 4202, 4300, 4301, 4302, 4303, 4999])('close %i is retried with backoff', async (code) => {
    const peer = await startPeer();
    const { client, log } = startClient(peer, { random: () => 1 });
    client.connect();
    const conn = await peer.connection(0);
    conn.welcome();
    conn.close(code);
    await peer.connection(1);
    expect(reconnectDetails(log)).toEqual([{ code, reason: '', retryInMs: 10, attempt: 1 }]);
    expect(log.errors).toEqual([]);
  });

  it('reconnect: false makes every close final', async () => {
    const peer = await startPeer();
    const { client, log } = startClient(peer, { reconnect: false });
    client.connect();
    (await peer.connection(0)).terminate();
    await eventually(() => client.status === 'closed', 'closed');
    expect(log.errors).toEqual([{ code: 1006, name: 'ABNORMAL_CLOSURE', message: 'closed with code 1006', retryable: true }]);
  });

  it('4102 TOKEN_EXPIRED reconnects and asks the token function again', async () => {
    const peer = await startPeer();
    let issued = 0;
    const token = jest.fn(async () => `token-${++issued}`);
    const { client, log } = startClient(peer, { token });
    client.connect();
    const first = await peer.connection(0);
    expect(first.token).toBe('token-1');
    first.welcome();
    first.close(CLOSE_CODES.TOKEN_EXPIRED.code, 'the token expired; reconnect with a new one');
    const second = await peer.connection(1);
    expect(second.token).toBe('token-2');
    expect(token).toHaveBeenCalledTimes(2);
    expect(reconnectDetails(log)[0]).toMatchObject({ code: 4102 });
    expect(log.errors).toEqual([]);
  });

  it('a token function that fails is reported and retried with backoff', async () => {
    const peer = await startPeer();
    let calls = 0;
    const { client, log } = startClient(peer, {
      token: () => {
        if (++calls === 1) throw new Error('auth server down');
        return 'good';
      },
    });
    client.connect();
    const conn = await peer.connection(0);
    expect(conn.token).toBe('good');
    expect(log.errors).toEqual([{ code: 0, name: 'CLIENT_ERR_TOKEN_FAILED', message: 'auth server down', retryable: true }]);
    expect(reconnectDetails(log)).toEqual([{ reason: 'token: auth server down', retryInMs: expect.any(Number), attempt: 1 }]);
    expect(peer.attempts).toHaveLength(1);
  });

  it('heartbeat: pings keep the connection alive and get pongs; silence for 2 x heartbeatMs reconnects', async () => {
    const peer = await startPeer();
    const { client, log } = startClient(peer);
    client.connect();
    const conn = await peer.connection(0);
    conn.welcome(100); // timeout 200 ms
    for (let ts = 1n; ts <= 8n; ts++) {
      conn.send({ body: { $case: 'ping', value: { ts } } });
      await sleep(25);
    }
    expect(client.status).toBe('open');
    expect(conn.messages('pong').map((m) => m.body.value.ts)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    const silentSince = Date.now();
    await eventually(() => reconnectDetails(log).length === 1, 'the heartbeat timeout', 1_000);
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(100);
    expect(reconnectDetails(log)).toEqual([{ reason: 'heartbeat timeout: nothing received for 200 ms', retryInMs: expect.any(Number), attempt: 1 }]);
    await conn.closed; // the client closed the dead socket
    await peer.connection(1);
  });

  it('heartbeatTimeoutMs overrides 2 x heartbeatMs; an attempt without welcome times out too', async () => {
    const peer = await startPeer();
    const { client, log } = startClient(peer, { heartbeatTimeoutMs: 50, connectTimeoutMs: 300 });
    client.connect();
    const first = await peer.connection(0);
    first.welcome(60_000);
    await eventually(() => reconnectDetails(log).length === 1, 'the heartbeat timeout', 1_000);
    expect(reconnectDetails(log)[0]!.reason).toBe('heartbeat timeout: nothing received for 50 ms');
    await peer.connection(1); // never welcomed
    await eventually(() => reconnectDetails(log).length === 2, 'the connect timeout', 1_000);
    expect(reconnectDetails(log)[1]!.reason).toBe('connect timeout: no welcome within 300 ms');
  });

  it('resubscribes after a reconnect with the modes asked, at most 500 symbols per request; held states stay until their snapshots replace them', async () => {
    const peer = await startPeer();
    const { client, log } = startClient(peer);
    const many = Array.from({ length: 1_200 }, (_, i) => `S${i}`);
    // Asked before connecting: sent once the connection is welcomed.
    const asked = [client.subscribe('AAPL', 'quote'), client.subscribe(['MSFT'], 'full'), client.subscribe(many, 'ltp'), client.subscribe('IBM')];
    client.connect();
    const conn0 = await peer.connection(0);
    await sleep(20);
    expect(conn0.messages('subscribe')).toEqual([]); // nothing before welcome
    conn0.welcome();
    await peer.until(() => conn0.messages('subscribe').length === 6, 'six subscribe requests');
    const shape = (requests: ClientMessage[]): [number, number, number][] =>
      requests.map((m) => {
        const items = m.body?.$case === 'subscribe' ? m.body.value.items : [];
        return [items.length, items[0]!.mode, new Set(items.map((i) => i.mode)).size];
      });
    expect(shape(conn0.messages('subscribe'))).toEqual([
      [1, SubscriptionMode.QUOTE, 1],
      [1, SubscriptionMode.FULL, 1],
      [500, SubscriptionMode.LTP, 1],
      [500, SubscriptionMode.LTP, 1],
      [200, SubscriptionMode.LTP, 1],
      [1, SubscriptionMode.UNSPECIFIED, 1],
    ]);
    for (const request of conn0.messages('subscribe')) conn0.ack(request);
    const results = await Promise.all(asked);
    expect(results[0]).toEqual([{ symbol: 'AAPL', code: 'ok', mode: 'quote' }]);
    expect(results[2]!.map((r) => r.symbol)).toEqual(many);
    expect(results[3]).toEqual([{ symbol: 'IBM', code: 'ok', mode: 'quote' }]); // the server's default
    expect(log.subscriptions).toHaveLength(1_203);

    conn0.update({ symbol: 'AAPL', seq: 5n, snapshot: true, ltp: 1_000_000 });
    await eventually(() => client.state('AAPL')?.seq === 5, 'the snapshot');
    client.unsubscribe('MSFT');
    await peer.until(() => conn0.messages('unsubscribe').length === 1, 'the unsubscribe');
    expect(conn0.messages('unsubscribe')[0]!.body.value.symbols).toEqual(['MSFT']);

    conn0.terminate();
    const conn1 = await peer.connection(1);
    expect(client.state('AAPL')?.seq).toBe(5);
    conn1.welcome();
    await peer.until(() => conn1.messages('subscribe').length === 5, 'the resubscription');
    await sleep(20);
    expect(shape(conn1.messages('subscribe'))).toEqual([
      [1, SubscriptionMode.QUOTE, 1],
      [500, SubscriptionMode.LTP, 1],
      [500, SubscriptionMode.LTP, 1],
      [200, SubscriptionMode.LTP, 1],
      [1, SubscriptionMode.UNSPECIFIED, 1],
    ]);
    for (const request of conn1.messages('subscribe')) conn1.ack(request);
    // Until its new snapshot, the state from before stays (deltas against it keep applying).
    conn1.update({ symbol: 'AAPL', seq: 6n, ltp: 1_000_100 });
    await eventually(() => client.state('AAPL')?.seq === 6, 'a delta on the old state');
    conn1.update({ symbol: 'AAPL', seq: 9n, snapshot: true, ltp: 1_000_900 });
    await eventually(() => client.state('AAPL')?.seq === 9, 'the new snapshot');
    expect([...client.subscriptions().keys()]).not.toContain('MSFT');
  });

  it('subscribe() resolves with its ack results; final refusals are forgotten, unavailable ones asked again after a backoff', async () => {
    const peer = await startPeer();
    const { client, log } = startClient(peer, { random: () => 0.5 });
    client.connect();
    const conn = await peer.connection(0);
    conn.welcome();
    await eventually(() => client.status === 'open', 'open');
    const results = client.subscribe(['AAPL', 'NOPE', 'LATER', 'AAPL'], 'full');
    await peer.until(() => conn.messages('subscribe').length === 1, 'the subscribe');
    expect(conn.messages('subscribe')[0]!.body.value.items.map((i) => i.symbol)).toEqual(['AAPL', 'NOPE', 'LATER']);
    conn.ack(conn.messages('subscribe')[0]!, { NOPE: SubscriptionResultCode.UNKNOWN_SYMBOL, LATER: SubscriptionResultCode.UNAVAILABLE });
    expect(await results).toEqual([
      { symbol: 'AAPL', code: 'ok', mode: 'full' },
      { symbol: 'NOPE', code: 'unknown_symbol' },
      { symbol: 'LATER', code: 'unavailable' },
    ]);
    expect(log.subscriptions.map((r) => r.code)).toEqual(['ok', 'unknown_symbol', 'unavailable']);
    expect([...client.subscriptions().keys()]).toEqual(['AAPL', 'LATER']);
    await peer.until(() => conn.messages('subscribe').length === 2, 'the retry');
    expect(conn.messages('subscribe')[1]!.body.value.items).toEqual([{ symbol: 'LATER', mode: SubscriptionMode.FULL }]);
  });

  it('a subscribe not acknowledged before a reconnect resolves from the ack on the next connection', async () => {
    const peer = await startPeer();
    const { client } = startClient(peer);
    client.connect();
    const conn0 = await peer.connection(0);
    conn0.welcome();
    await eventually(() => client.status === 'open', 'open');
    const results = client.subscribe(['AAPL', 'MSFT'], 'ltp');
    await peer.until(() => conn0.messages('subscribe').length === 1, 'the subscribe');
    conn0.terminate();
    const conn1 = await peer.connection(1);
    conn1.welcome();
    await peer.until(() => conn1.messages('subscribe').length === 1, 'the resubscription');
    conn1.ack(conn1.messages('subscribe')[0]!);
    expect(await results).toEqual([
      { symbol: 'AAPL', code: 'ok', mode: 'ltp' },
      { symbol: 'MSFT', code: 'ok', mode: 'ltp' },
    ]);
  });

  it('in-band errors reach the error event; a failed resync is asked again', async () => {
    const peer = await startPeer();
    const { client, log, conn } = await subscribed(peer, ['AAPL'], 'ltp', { random: () => 0.5 });
    conn.update({ symbol: 'AAPL', seq: 1n, snapshot: true, ltp: 1_000_000 });
    conn.update({ symbol: 'AAPL', seq: 3n, ltp: 1_000_000 });
    await peer.until(() => conn.messages('resync').length === 1, 'the resync');
    const resync = conn.messages('resync')[0]!;
    conn.send({ body: { $case: 'error', value: { code: ErrorCode.RESYNC_FAILED, message: 'snapshot pending', requestId: resync.id, retryable: true } } });
    await peer.until(() => conn.messages('resync').length === 2, 'the second resync');
    expect(log.errors).toEqual([{ code: 1300, name: 'RESYNC_FAILED', message: 'snapshot pending', retryable: true }]);
    conn.update({ symbol: 'AAPL', seq: 3n, snapshot: true, ltp: 1_000_300 });
    await eventually(() => client.state('AAPL')?.seq === 3, 'the snapshot');
  });

  it('a request the server refuses rejects its subscribe() and is not asked again', async () => {
    const peer = await startPeer();
    const { client } = startClient(peer);
    client.connect();
    const conn = await peer.connection(0);
    conn.welcome();
    await eventually(() => client.status === 'open', 'open');
    const results = client.subscribe(['A', 'B']);
    await peer.until(() => conn.messages('subscribe').length === 1, 'the subscribe');
    conn.send({ body: { $case: 'error', value: { code: ErrorCode.TOO_MANY_SYMBOLS, message: '2 symbols in one subscribe; at most 1', requestId: conn.messages('subscribe')[0]!.id, retryable: false } } });
    await expect(results).rejects.toThrow(new TickwireClientError('CLIENT_ERR_REQUEST_FAILED', 'TOO_MANY_SYMBOLS: 2 symbols in one subscribe; at most 1'));
    expect(client.subscriptions().size).toBe(0);
  });

  it('stats: counts frames, messages, updates and bytes; latency over live deltas only', async () => {
    const peer = await startPeer();
    const { client, conn } = await subscribed(peer, ['AAPL'], 'ltp');
    const before = client.stats();
    expect(before).toMatchObject({ status: 'open', frames: 2, messages: 2, updates: 0, reconnects: 0 }); // welcome, ack
    expect(before.latencyMs).toBeUndefined();
    const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;
    conn.update({ symbol: 'AAPL', seq: 1n, snapshot: true, ltp: 1_000_000, publishTsNs: nowNs() - 60_000_000_000n });
    conn.sendBatch([
      { body: { $case: 'update', value: { ...emptyUpdate('AAPL', 2n), ltp: 1_000_100, publishTsNs: nowNs() } } },
      { body: { $case: 'update', value: { ...emptyUpdate('AAPL', 3n), ltp: 1_000_200, publishTsNs: nowNs() } } },
    ]);
    await eventually(() => client.state('AAPL')?.seq === 3, 'seq 3');
    const stats = client.stats();
    expect(stats).toMatchObject({ frames: 4, messages: 5, updates: 3, gaps: 0, resyncs: 0, duplicates: 0 });
    expect(stats.bytes).toBeGreaterThan(before.bytes);
    expect(stats.messagesPerSec).toBeGreaterThan(0);
    expect(stats.updatesPerSec).toBeGreaterThan(0);
    expect(stats.bytesPerSec).toBeGreaterThan(0);
    // The snapshot's minute-old publish time is not a latency: only the two deltas are samples.
    expect(stats.latencyMs).toMatchObject({ samples: 2 });
  });

  it('close() is final: no reconnect, no timer left, pending subscribes reject, connect() throws', async () => {
    const peer = await startPeer();
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const baseline = timers();
    const { client, log } = startClient(peer, { reconnect: { initialDelayMs: 5_000, maxDelayMs: 5_000 }, random: () => 1 });
    client.connect();
    const conn0 = await peer.connection(0);
    conn0.welcome(60_000);
    await eventually(() => client.status === 'open', 'open');
    const unanswered = client.subscribe('AAPL');
    conn0.terminate();
    await eventually(() => client.status === 'reconnecting', 'reconnecting'); // a 5-second timer pending
    client.close();
    await expect(unanswered).rejects.toMatchObject({ code: 'CLIENT_ERR_CLOSED' });
    expect(client.status).toBe('closed');
    expect(log.statuses.at(-1)).toEqual(['closed', { code: 1000, reason: 'client closed' }]);
    await eventually(() => timers() <= baseline, 'no timer left', 1_000);
    expect(() => client.connect()).toThrow(TickwireClientError);
    await expect(client.subscribe('MSFT')).rejects.toMatchObject({ code: 'CLIENT_ERR_CLOSED' });
    client.close(); // idempotent
    expect(peer.attempts).toHaveLength(1);

    // Closing an open connection sends a normal close.
    const { client: second } = startClient(peer);
    second.connect();
    const conn1 = await peer.connection(1);
    conn1.welcome();
    await eventually(() => second.status === 'open', 'open');
    second.close();
    expect(await conn1.closed).toEqual({ code: 1000, reason: 'client closed' });
    await eventually(() => timers() <= baseline, 'no timer left', 1_000);
  });

  it('connect() is idempotent; status events follow idle -> connecting -> open', async () => {
    const peer = await startPeer();
    const { client, log } = startClient(peer);
    expect(client.status).toBe('idle');
    client.connect();
    client.connect();
    const conn = await peer.connection(0);
    client.connect();
    conn.welcome(15_000, 'pro');
    const welcomed = new Promise((resolve) => client.on('welcome', resolve));
    expect(await welcomed).toEqual({ sessionId: expect.any(String), tier: 'pro', heartbeatMs: 15_000, maxSubscriptions: 500 });
    expect(statusNames(log)).toEqual(['connecting', 'open']);
    expect(peer.attempts).toHaveLength(1);
  });

  it('unsubscribing a symbol still waiting for its ack leaves it out of the result', async () => {
    const peer = await startPeer();
    const { client } = startClient(peer);
    const results = client.subscribe(['AAPL', 'MSFT']);
    client.unsubscribe('MSFT');
    client.connect();
    const conn = await peer.connection(0);
    conn.welcome();
    await peer.until(() => conn.messages('subscribe').length === 1, 'the subscribe');
    expect(conn.messages('subscribe')[0]!.body.value.items.map((i) => i.symbol)).toEqual(['AAPL']);
    conn.ack(conn.messages('subscribe')[0]!);
    expect(await results).toEqual([{ symbol: 'AAPL', code: 'ok', mode: 'quote' }]);
  });
});
