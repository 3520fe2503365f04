/**
 * SoupBinTcpFeedServer + SoupBinTcpFeedSource over real sockets on 127.0.0.1 (ephemeral ports), plus raw
 * TCP peers that misbehave. Every wait is bounded; nothing asserts on elapsed time.
 */
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { buildSoupBinTcpClientHeartbeat, buildSoupBinTcpLoginAccepted, buildSoupBinTcpLoginRequest } from '@tickwire/itch';
import { FeedLog } from '../feed-log';
import type { FeedHandler, FeedStatus } from '../feed-source';
import { SoupBinTcpFeedServer } from './feed-server';
import type { SoupBinTcpFeedServerOptions } from './feed-server';
import { SoupBinTcpFeedSource } from './feed-source';
import type { SoupBinTcpFeedSourceOptions } from './feed-source';

const HOST = '127.0.0.1';
/** Per-test bound (the preset allows 120 s); each test normally takes well under a few seconds. */
const TEST_TIMEOUT_MS = 30_000;

// ---- deterministic content --------------------------------------------------------------------------

/** Length 1..64 derived from the sequence number (a cheap integer hash). */
function lengthFor(sequence: number): number {
  return 1 + (Math.imul(sequence, 0x9e3779b1) >>> 26);
}

function byteAt(sequence: number, i: number): number {
  return (sequence * 31 + i * 7 + (sequence >>> 8)) & 0xff;
}

const scratch = new Uint8Array(65_535);
function appendUpTo(log: FeedLog, last: number, length: (sequence: number) => number = lengthFor): void {
  for (let seq = log.nextSequence(); seq <= last; seq++) {
    const n = length(seq);
    for (let i = 0; i < n; i++) scratch[i] = byteAt(seq, i);
    log.append(scratch, 0, n);
  }
  log.notifyAppended();
}

/** Seeded PRNG (mulberry32) for garbage and jitter. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function garbage(random: () => number, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
  return out;
}

// ---- a checking FeedHandler ---------------------------------------------------------------------------

class Recorder implements FeedHandler {
  count = 0;
  next: number;
  readonly violations: string[] = [];
  readonly errors: { code: string; where: string; detail: string }[] = [];
  readonly gaps: [number, number][] = [];
  readonly statuses: FeedStatus[] = [];
  ends = 0;

  constructor(
    first = 1,
    private readonly length: (sequence: number) => number = lengthFor,
  ) {
    this.next = first;
  }

  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    if (sequence !== this.next && this.violations.length < 10) this.violations.push(`got ${sequence}, expected ${this.next}`);
    this.next = sequence + 1;
    this.count++;
    if (length !== this.length(sequence)) {
      if (this.violations.length < 10) this.violations.push(`seq ${sequence}: length ${length}`);
      return;
    }
    for (let i = 0; i < length; i++) {
      if (bytes[offset + i] !== byteAt(sequence, i)) {
        if (this.violations.length < 10) this.violations.push(`seq ${sequence}: byte ${i}`);
        return;
      }
    }
  }
  onGap(from: number, to: number): void {
    this.gaps.push([from, to]);
  }
  onEndOfSession(): void {
    this.ends++;
  }
  onError(code: string, where: string, detail: string): void {
    if (this.errors.length < 1_000) this.errors.push({ code, where, detail });
  }
  onStatus(status: FeedStatus): void {
    if (this.statuses.length < 1_000) this.statuses.push(status);
  }
  codes(): string[] {
    return this.errors.map((e) => e.code);
  }
}

// ---- helpers ----------------------------------------------------------------------------------------

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms; fails with `what` after `timeoutMs` (a bound, not an assertion on speed). */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited >= timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function startServer(options: Partial<SoupBinTcpFeedServerOptions> & { store: FeedLog }): Promise<SoupBinTcpFeedServer> {
  const server = new SoupBinTcpFeedServer({ session: 'TEST01', authenticate: () => true, host: HOST, port: 0, ...options });
  await server.listen();
  cleanups.push(() => server.close());
  return server;
}

function newSource(port: number, options: Partial<SoupBinTcpFeedSourceOptions> = {}): SoupBinTcpFeedSource {
  const source = new SoupBinTcpFeedSource({
    host: HOST,
    port,
    username: 'ingest',
    password: 'secret',
    reconnectBaseMs: 10,
    reconnectMaxMs: 50,
    random: prng(7),
    ...options,
  });
  cleanups.push(() => source.stop());
  return source;
}

async function listenRaw(onConnection: (socket: Socket, index: number) => void): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onConnection(socket, sockets.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

/** Calls `onLogin` once the 49-byte Login Request has arrived (extra bytes are ignored). */
function afterLogin(socket: Socket, onLogin: () => void): void {
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    const before = received;
    received += chunk.length;
    if (before < 49 && received >= 49) onLogin();
  });
}

/** A raw client. `read: false` never reads (the socket stays paused); otherwise incoming bytes are dropped. */
async function connectRaw(port: number, read = true): Promise<Socket> {
  const socket = createConnection({ host: HOST, port });
  socket.on('error', () => {});
  // Reading is also what lets the socket see the server's FIN and close.
  if (read) socket.resume();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  cleanups.push(() => socket.destroy());
  return socket;
}

function closed(socket: Socket): Promise<void> {
  return socket.destroyed && socket.readyState === 'closed' ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

/**
 * A TCP proxy that cuts connection i (server to client direction) after `cuts[i]` bytes: forwards exactly
 * that many, then ends the client side and destroys the server side. Later connections pass through.
 */
async function cuttingProxy(targetPort: number, cuts: readonly number[]): Promise<{ port: number; connections: () => number }> {
  let index = 0;
  const { port } = await listenRaw((client) => {
    const limit = cuts[index++] ?? Infinity;
    let forwarded = 0;
    const upstream = createConnection({ host: HOST, port: targetPort });
    upstream.on('error', () => {});
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.on('data', (chunk: Buffer) => {
      if (forwarded + chunk.length < limit) {
        forwarded += chunk.length;
        if (!client.write(chunk)) {
          upstream.pause();
          client.once('drain', () => upstream.resume());
        }
        return;
      }
      const rest = limit - forwarded;
      forwarded = limit;
      upstream.destroy();
      client.end(chunk.subarray(0, rest));
    });
  });
  return { port, connections: () => index };
}

// ---- tests ------------------------------------------------------------------------------------------

describe('SoupBinTCP server + source over TCP', () => {
  it('delivers 100,000 logged messages plus live appends (while streaming and while idle) exactly once, in order, then End of Session', async () => {
    const log = new FeedLog();
    appendUpTo(log, 100_000);
    const server = await startServer({ store: log });
    const source = newSource(server.port);
    const recorder = new Recorder();
    const done = source.start(recorder);

    await waitFor(() => recorder.count > 0, 'the first message');
    for (let last = 101_000; last <= 120_000; last += 1_000) {
      appendUpTo(log, last);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Caught up and idle: an append must wake the session.
    await waitFor(() => recorder.count === 120_000, 'the client to catch up');
    appendUpTo(log, 120_005);
    await waitFor(() => recorder.count === 120_005, 'the appended messages');
    server.endSession();
    await done;

    expect(recorder.violations).toEqual([]);
    expect(recorder.count).toBe(120_005);
    expect(recorder.next).toBe(120_006);
    expect(recorder.ends).toBe(1);
    expect(recorder.errors).toEqual([]);
    expect(recorder.gaps).toEqual([]);
    expect(recorder.statuses).toEqual(['connecting', 'connected', 'ended']);
    expect(source.counters).toMatchObject({ messages: 120_005, duplicates: 0, reconnects: 0, errors: 0 });
    expect(server.counters).toMatchObject({ connections: 1, logins: 1, messagesSent: 120_005, endOfSessionSent: 1, protocolErrors: 0 });
  }, TEST_TIMEOUT_MS);

  it('resumes from the next sequence after the connection is cut mid-stream, mid-frame included', async () => {
    const log = new FeedLog();
    appendUpTo(log, 100_000);
    const server = await startServer({ store: log });
    server.endSession(); // every client gets everything, then Z
    // Byte offsets into each connection's server-to-client stream: inside Login Accepted (33 bytes), inside
    // the first S header, and at arbitrary points deep in the stream.
    const cuts = [17, 35, 100_003, 777_777, 1_500_001];
    const proxy = await cuttingProxy(server.port, cuts);
    const source = newSource(proxy.port);
    const recorder = new Recorder();
    await source.start(recorder);

    expect(recorder.violations).toEqual([]);
    expect(recorder.count).toBe(100_000);
    expect(recorder.ends).toBe(1);
    expect(recorder.gaps).toEqual([]);
    expect(proxy.connections()).toBe(cuts.length + 1);
    expect(source.counters.reconnects).toBe(cuts.length);
    expect(source.counters.duplicates).toBe(0);
    expect(new Set(recorder.codes())).toEqual(new Set(['FEED_ERR_DISCONNECTED']));
    expect(recorder.statuses.filter((s) => s === 'disconnected')).toHaveLength(cuts.length);
  }, TEST_TIMEOUT_MS);

  it('reports a rejected login, keeps retrying, and streams once the credentials are accepted', async () => {
    const log = new FeedLog();
    appendUpTo(log, 1_000);
    let expectedPassword = 'other';
    const server = await startServer({ store: log, authenticate: (u, p) => u === 'ingest' && p === expectedPassword });
    server.endSession();
    const source = newSource(server.port);
    const recorder = new Recorder();
    const done = source.start(recorder);

    await waitFor(() => recorder.codes().filter((c) => c === 'FEED_ERR_LOGIN_REJECTED').length >= 3, 'three rejected logins');
    expect(recorder.count).toBe(0);
    expect(recorder.errors[0]!.detail).toMatch(/not authorized/);
    expectedPassword = 'secret';
    await done;

    expect(recorder.violations).toEqual([]);
    expect(recorder.count).toBe(1_000);
    expect(recorder.ends).toBe(1);
    expect(server.counters.rejects).toBeGreaterThanOrEqual(3);
    expect(source.counters.reconnects).toBeGreaterThanOrEqual(3);
  }, TEST_TIMEOUT_MS);

  it('keeps an idle session up with heartbeats both ways', async () => {
    const log = new FeedLog();
    appendUpTo(log, 10);
    const timing = { heartbeatIntervalMs: 50, peerTimeoutMs: 600 };
    const server = await startServer({ store: log, ...timing });
    const source = newSource(server.port, timing);
    const recorder = new Recorder();
    const done = source.start(recorder);
    await waitFor(() => recorder.count === 10, 'the 10 messages');
    const bytesAfterData = server.counters.bytesSent;

    await sleep(2_500); // about four peer timeouts of silence but for heartbeats

    expect(source.counters.reconnects).toBe(0);
    expect(recorder.errors).toEqual([]);
    expect(server.counters).toMatchObject({ connections: 1, openConnections: 1, peerDead: 0 });
    // Server heartbeats are 3 bytes each; with a 50 ms interval there are dozens, 5 is a safe floor.
    expect(server.counters.bytesSent - bytesAfterData).toBeGreaterThanOrEqual(5 * 3);
    await source.stop();
    await done;
    await waitFor(() => server.counters.openConnections === 0, 'the server to see the logout');
  }, TEST_TIMEOUT_MS);

  it('detects a server that accepts the login and then goes silent, and reconnects', async () => {
    const raw = await listenRaw((socket) => afterLogin(socket, () => socket.write(buildSoupBinTcpLoginAccepted('SILENT', 1))));
    const source = newSource(raw.port, { heartbeatIntervalMs: 50, peerTimeoutMs: 300 });
    const recorder = new Recorder();
    const done = source.start(recorder);

    await waitFor(() => raw.sockets.length >= 3 && recorder.codes().filter((c) => c === 'FEED_ERR_PEER_DEAD').length >= 2, 'two dead-peer reconnects');
    expect(recorder.statuses).toContain('connected');
    expect(source.counters.reconnects).toBeGreaterThanOrEqual(2);
    await source.stop();
    await done;
  }, TEST_TIMEOUT_MS);

  it('disconnects and counts a client sending garbage while a real client keeps receiving', async () => {
    const log = new FeedLog();
    appendUpTo(log, 20_000);
    const server = await startServer({ store: log });
    const source = newSource(server.port);
    const recorder = new Recorder();
    const done = source.start(recorder);
    await waitFor(() => recorder.count > 0, 'the first message');

    // 1: random bytes until the server hangs up (bounded).
    const random = prng(42);
    const noisy = await connectRaw(server.port);
    const noisyClosed = closed(noisy);
    for (let i = 0; i < 1_000 && !noisy.destroyed && noisy.readyState === 'open'; i++) {
      noisy.write(garbage(random, 1_024));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await noisyClosed;
    // 2: a valid login followed by a packet of a server-only type.
    const wrongWay = await connectRaw(server.port);
    const wrongWayClosed = closed(wrongWay);
    wrongWay.write(buildSoupBinTcpLoginRequest({ username: 'x', password: 'y', session: '', sequence: 0 }));
    wrongWay.write(Uint8Array.of(0, 1, 0x53 /* 'S' */));
    await wrongWayClosed;
    // 3: half a Login Request, then gone.
    const cut = await connectRaw(server.port);
    cut.end(buildSoupBinTcpLoginRequest({ username: 'x', password: 'y', session: '', sequence: 1 }).subarray(0, 20));
    await closed(cut);

    appendUpTo(log, 30_000);
    server.endSession();
    await done;

    expect(server.counters.protocolErrors).toBe(2);
    expect(recorder.violations).toEqual([]);
    expect(recorder.count).toBe(30_000);
    expect(recorder.ends).toBe(1);
    expect(source.counters.reconnects).toBe(0);
    await waitFor(() => server.counters.openConnections === 0, 'all connections to close');
    expect(server.counters.connections).toBe(4);
  }, TEST_TIMEOUT_MS);

  it('reports SOUPBINTCP_ERR_* from a server sending garbage, reconnects, and never crashes', async () => {
    const random = prng(1);
    const raw = await listenRaw((socket, index) => {
      if (index === 0) {
        // Garbage instead of Login Accepted.
        socket.write(garbage(random, 4_096));
        return;
      }
      afterLogin(socket, () => {
        socket.write(buildSoupBinTcpLoginAccepted('JUNK', 1));
        // A valid S packet, then a client-only packet type, then random bytes.
        socket.write(Uint8Array.of(0, 2, 0x53, byteAt(1, 0), 0, 1, 0x4c));
        socket.write(garbage(random, 4_096));
      });
    });
    const source = newSource(raw.port, { peerTimeoutMs: 2_000 });
    const recorder = new Recorder(1, () => 1);
    const done = source.start(recorder);

    await waitFor(
      () => source.counters.duplicates >= 2 && recorder.codes().filter((c) => c.startsWith('SOUPBINTCP_ERR_')).length >= 3,
      'three protocol errors and two repeated messages',
    );
    await source.stop();
    await done;

    const protocolErrors = recorder.errors.filter((e) => e.code.startsWith('SOUPBINTCP_ERR_'));
    expect(protocolErrors.length).toBeGreaterThanOrEqual(3);
    expect(protocolErrors.map((e) => e.code)).toContain('SOUPBINTCP_ERR_UNEXPECTED_TYPE');
    for (const e of protocolErrors) expect(e.where).toMatch(/^peer 127\.0\.0\.1:\d+ stream offset \d+$/);
    // The one S packet on each connection after the first is the same message 1: delivered once.
    expect(recorder.count).toBe(1);
    expect(source.counters.duplicates).toBeGreaterThanOrEqual(2);
    expect(source.counters.reconnects).toBeGreaterThanOrEqual(3);
  }, TEST_TIMEOUT_MS);

  it('bounds what it queues for a client that never reads, while another client receives everything', async () => {
    const log = new FeedLog();
    const big = () => 4_000;
    appendUpTo(log, 10_000, big); // 40 MB: far more than the kernel socket buffers hold
    const maxBatchBytes = 64 * 1024;
    const server = await startServer({ store: log, maxBatchBytes });

    const stalled = await connectRaw(server.port, false); // never read
    stalled.write(buildSoupBinTcpLoginRequest({ username: 'stall', password: 'x', session: '', sequence: 1 }));
    const keepAlive = setInterval(() => stalled.write(buildSoupBinTcpClientHeartbeat()), 200);
    cleanups.push(() => clearInterval(keepAlive));
    await waitFor(() => server.counters.logins === 1, 'the stalled client to log in');

    let maxQueued = 0;
    const sample = setInterval(() => {
      for (const info of server.connectionInfo()) maxQueued = Math.max(maxQueued, info.queuedBytes);
    }, 2);
    cleanups.push(() => clearInterval(sample));

    const source = newSource(server.port);
    const recorder = new Recorder(1, big);
    server.endSession();
    await source.start(recorder);
    clearInterval(sample);
    for (const info of server.connectionInfo()) maxQueued = Math.max(maxQueued, info.queuedBytes);

    expect(recorder.violations).toEqual([]);
    expect(recorder.count).toBe(10_000);
    expect(recorder.ends).toBe(1);
    const stalledInfo = server.connectionInfo().find((info) => info.username === 'stall');
    expect(stalledInfo).toBeDefined();
    expect(stalledInfo!.blocked).toBe(true);
    expect(stalledInfo!.backlog).toBeGreaterThan(0); // held back, not buffered
    const highWaterMark = stalled.writableHighWaterMark; // same default as the server's sockets
    expect(maxQueued).toBeLessThanOrEqual(maxBatchBytes + highWaterMark + 1_024);
    expect(server.queuedBytes()).toBeLessThanOrEqual(maxBatchBytes + highWaterMark + 1_024);
  }, TEST_TIMEOUT_MS);
});
