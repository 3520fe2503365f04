/**
 * Client session tests. The main scenario wires a client session to a server session through in-memory byte
 * pipes with a fake clock: bytes are delivered in pseudo-random chunk sizes so packets straddle chunks.
 */
import type { ItchErrorCode } from '../errors';
import { SoupBinTcpClientSession } from './client-session';
import type { SoupBinTcpClientOptions } from './client-session';
import {
  buildSoupBinTcpDebug,
  buildSoupBinTcpLoginAccepted,
  buildSoupBinTcpSequencedData,
  buildSoupBinTcpServerHeartbeat,
  SoupBinTcpPacketType,
} from './packet';
import { SoupBinTcpServerSession } from './server-session';
import type { SoupBinTcpMessageStore, SoupBinTcpServerOptions } from './server-session';
import type { SoupBinTcpCloseReason } from './session-options';

class ArrayStore implements SoupBinTcpMessageStore {
  readonly messages: Uint8Array[] = [];
  nextSequence(): number {
    return this.messages.length + 1;
  }
  message(sequence: number): Uint8Array | undefined {
    return this.messages[sequence - 1];
  }
}

/** Message `seq`: its length varies with seq and its bytes encode seq, so mix-ups are caught. */
function messageFor(seq: number): Uint8Array {
  const m = new Uint8Array(1 + (seq % 47));
  for (let i = 0; i < m.length; i++) m[i] = (seq * 7 + i) & 0xff;
  return m;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Counts packets of `type` in a packet stream. */
function countType(bytes: Uint8Array, type: number): number {
  let n = 0;
  for (let i = 0; i + 3 <= bytes.length; i += 2 + ((bytes[i]! << 8) | bytes[i + 1]!)) if (bytes[i + 2] === type) n++;
  return n;
}

class Link {
  now = 1_000_000;
  toServer: Uint8Array[] = [];
  toClient: Uint8Array[] = [];
  sentToServer: Uint8Array[] = [];
  sentToClient: Uint8Array[] = [];
  received: { seq: number; bytes: number[] }[] = [];
  clientEvents: string[] = [];
  serverEvents: string[] = [];
  clientClose: [SoupBinTcpCloseReason, ItchErrorCode | null] | null = null;
  serverClose: [SoupBinTcpCloseReason, ItchErrorCode | null] | null = null;
  server: SoupBinTcpServerSession | null = null;
  readonly client: SoupBinTcpClientSession;
  private rand = 12345;

  constructor(
    readonly store: ArrayStore,
    clientOptions: SoupBinTcpClientOptions,
    private readonly serverOptions: Omit<SoupBinTcpServerOptions, 'store'>,
    private readonly password = 'secret',
  ) {
    this.client = new SoupBinTcpClientSession(
      {
        send: (b) => {
          this.toServer.push(b);
          this.sentToServer.push(b);
        },
        onLoginAccepted: (s, n) => this.clientEvents.push(`accepted ${s} ${n}`),
        onLoginRejected: (r) => this.clientEvents.push(`rejected ${String.fromCharCode(r)}`),
        onMessage: (seq, bytes, off, len) => this.received.push({ seq, bytes: [...bytes.subarray(off, off + len)] }),
        onEndOfSession: () => this.clientEvents.push('end-of-session'),
        onClose: (reason, code) => {
          this.clientClose = [reason, code];
        },
        onDebug: (b, o, l) => this.clientEvents.push(`debug ${String.fromCharCode(...b.subarray(o, o + l))}`),
      },
      clientOptions,
    );
  }

  /** New TCP connection: a fresh server session, then the client logs in. */
  connect(): void {
    this.toServer = [];
    this.toClient = [];
    this.clientClose = null;
    this.serverClose = null;
    this.server = new SoupBinTcpServerSession(
      {
        send: (b) => {
          this.toClient.push(b);
          this.sentToClient.push(b);
        },
        authenticate: (u, p) => u === 'user' && p === this.password,
        onLogin: (u, n) => this.serverEvents.push(`login ${u} ${n}`),
        onUnsequenced: (b, o, l) => this.serverEvents.push(`unsequenced ${[...b.subarray(o, o + l)].join(',')}`),
        onClose: (reason, code) => {
          this.serverClose = [reason, code];
        },
      },
      { ...this.serverOptions, store: this.store },
      this.now,
    );
    this.client.connect(this.now);
  }

  private nextRand(n: number): number {
    this.rand = (this.rand * 1103515245 + 12345) & 0x7fffffff;
    return this.rand % n;
  }

  /** Delivers `bytes` in 1..4 pseudo-random chunks. */
  private deliver(bytes: Uint8Array, sink: (c: Uint8Array) => void): void {
    let at = 0;
    while (at < bytes.length) {
      const n = 1 + this.nextRand(Math.max(1, Math.ceil(bytes.length / 2)));
      sink(bytes.subarray(at, at + n));
      at += n;
    }
  }

  /** Moves bytes both ways until both pipes are empty. */
  flush(): void {
    while (this.toServer.length > 0 || this.toClient.length > 0) {
      const up = concat(this.toServer.splice(0));
      this.deliver(up, (c) => this.server!.onBytes(c, this.now));
      const down = concat(this.toClient.splice(0));
      this.deliver(down, (c) => this.client.onBytes(c, this.now));
    }
  }

  /** Streams everything in the store to the client. */
  pumpAll(): void {
    while (this.server!.pump(this.now) > 0) this.flush();
    this.flush();
  }

  tick(ms: number): void {
    this.now += ms;
    this.client.onTimer(this.now);
    this.server?.onTimer(this.now);
  }
}

const clientOptions: SoupBinTcpClientOptions = { username: 'user', password: 'secret' };
const serverOptions = { session: 'SESSION001' };

describe('SoupBinTcpClientSession wired to SoupBinTcpServerSession', () => {
  it('logs in, streams 10,000 messages, survives a disconnect mid-frame and resumes without gap or duplicate, then ends', () => {
    const store = new ArrayStore();
    for (let s = 1; s <= 4000; s++) store.messages.push(messageFor(s));
    const link = new Link(store, clientOptions, serverOptions);
    link.connect();
    link.flush();
    expect(link.clientEvents).toEqual(['accepted SESSION001 1']);
    expect(link.serverEvents).toEqual(['login user 1']);
    expect(link.client.state).toBe('active');
    link.pumpAll();
    expect(link.received).toHaveLength(4000);

    for (let s = 4001; s <= 7000; s++) store.messages.push(messageFor(s));
    // Cut the connection in the middle of a packet of the next batch.
    expect(link.server!.pump(link.now)).toBeGreaterThan(0);
    const batch = concat(link.toClient.splice(0));
    const cut = 3 + 2 + 500 * 3 + 7; // inside a packet (packets are >= 4 bytes)
    link.client.onBytes(batch.subarray(0, cut), link.now);
    link.client.onDisconnect();
    link.server!.onDisconnect();
    const got = link.received.length;
    expect(got).toBeGreaterThan(4000);
    expect(got).toBeLessThan(7000);
    expect(link.client.nextSequence).toBe(got + 1);
    expect(link.client.state).toBe('closed');

    link.now += 5_000;
    link.connect();
    // The re-login asks for the session named in Login Accepted and the next undelivered sequence.
    const login = link.toServer[0]!;
    expect(String.fromCharCode(...login.subarray(19, 49))).toBe('SESSION001' + String(got + 1).padStart(20, ' '));
    link.flush();
    expect(link.clientEvents.at(-1)).toBe(`accepted SESSION001 ${got + 1}`);
    link.pumpAll();
    for (let s = 7001; s <= 10_000; s++) store.messages.push(messageFor(s));
    link.pumpAll();

    expect(link.received).toHaveLength(10_000);
    link.received.forEach((r, i) => {
      expect(r.seq).toBe(i + 1);
    });
    expect(link.received.every((r) => r.bytes.length === messageFor(r.seq).length && r.bytes.every((b, i) => b === messageFor(r.seq)[i]))).toBe(true);
    expect(link.client.logins).toBe(2);

    link.server!.endSession(link.now);
    link.flush();
    expect(link.clientEvents.at(-1)).toBe('end-of-session');
    expect(link.clientClose).toEqual(['end-of-session', null]);
    expect(link.serverClose).toEqual(['end-of-session', null]);
  });

  it('end of session flushes pending messages before Z', () => {
    const store = new ArrayStore();
    const link = new Link(store, clientOptions, serverOptions);
    link.connect();
    link.flush();
    for (let s = 1; s <= 5; s++) store.messages.push(messageFor(s));
    link.server!.endSession(link.now);
    link.flush();
    expect(link.received.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(link.clientEvents.at(-1)).toBe('end-of-session');
  });

  it('exchanges heartbeats both ways when idle and nobody is declared dead', () => {
    const link = new Link(new ArrayStore(), clientOptions, serverOptions);
    link.connect();
    link.flush();
    for (let i = 0; i < 300; i++) {
      link.tick(100);
      link.flush();
    }
    // 30 s idle: one heartbeat per second each way (first at 1 s after login).
    expect(countType(concat(link.sentToServer), SoupBinTcpPacketType.CLIENT_HEARTBEAT)).toBe(30);
    expect(countType(concat(link.sentToClient), SoupBinTcpPacketType.SERVER_HEARTBEAT)).toBe(30);
    expect(link.clientClose).toBeNull();
    expect(link.serverClose).toBeNull();
    expect(link.client.state).toBe('active');
  });

  it('nextTimerMs tells when to call onTimer', () => {
    const link = new Link(new ArrayStore(), { ...clientOptions, heartbeatIntervalMs: 250, peerTimeoutMs: 2_000 }, serverOptions);
    link.connect();
    link.flush();
    expect(link.client.nextTimerMs()).toBe(link.now + 250);
    link.now = link.client.nextTimerMs();
    link.client.onTimer(link.now);
    expect(countType(concat(link.toServer), SoupBinTcpPacketType.CLIENT_HEARTBEAT)).toBe(1);
    expect(link.client.nextTimerMs()).toBe(link.now + 250);
  });

  it('client declares the server dead after 15 s of silence (default)', () => {
    const link = new Link(new ArrayStore(), clientOptions, serverOptions);
    link.connect();
    link.flush();
    const start = link.now;
    // The server goes silent: its bytes are dropped; the client keeps sending heartbeats.
    while (link.clientClose === null && link.now - start < 60_000) {
      link.now += 100;
      link.client.onTimer(link.now);
      link.toClient = [];
      link.toServer = [];
    }
    expect(link.clientClose).toEqual(['peer-dead', null]);
    expect(link.now - start).toBe(15_000);
  });

  it('server declares a silent client dead (configurable timeout)', () => {
    const link = new Link(new ArrayStore(), clientOptions, { ...serverOptions, peerTimeoutMs: 3_000 });
    link.connect();
    link.flush();
    const start = link.now;
    while (link.serverClose === null && link.now - start < 60_000) {
      link.now += 100;
      link.server!.onTimer(link.now);
      link.toClient = [];
    }
    expect(link.serverClose).toEqual(['peer-dead', null]);
    expect(link.now - start).toBe(3_000);
  });

  it('bad credentials: J with reason A, both sides close', () => {
    const link = new Link(new ArrayStore(), { ...clientOptions, password: 'wrong' }, serverOptions);
    link.connect();
    link.flush();
    expect(link.clientEvents).toEqual(['rejected A']);
    expect(link.clientClose).toEqual(['login-rejected', null]);
    expect(link.serverClose).toEqual(['login-rejected', null]);
  });

  it('unknown session: J with reason S', () => {
    const link = new Link(new ArrayStore(), { ...clientOptions, session: 'OTHER' }, serverOptions);
    link.connect();
    link.flush();
    expect(link.clientEvents).toEqual(['rejected S']);
  });

  it('requested sequence 0 starts at the current end', () => {
    const store = new ArrayStore();
    for (let s = 1; s <= 10; s++) store.messages.push(messageFor(s));
    const link = new Link(store, { ...clientOptions, sequence: 0 }, serverOptions);
    link.connect();
    link.flush();
    expect(link.clientEvents).toEqual(['accepted SESSION001 11']);
    store.messages.push(messageFor(11));
    link.pumpAll();
    expect(link.received.map((r) => r.seq)).toEqual([11]);
  });

  it('logout: O reaches the server, both close', () => {
    const link = new Link(new ArrayStore(), clientOptions, serverOptions);
    link.connect();
    link.flush();
    expect(link.client.sendUnsequenced(Uint8Array.of(9, 8, 7), 0, 3, link.now)).toBe(true);
    link.client.logout(link.now);
    link.flush();
    expect(link.serverEvents).toEqual(['login user 1', 'unsequenced 9,8,7']);
    expect(link.clientClose).toEqual(['logout', null]);
    expect(link.serverClose).toEqual(['logout', null]);
  });
});

describe('SoupBinTcpClientSession against raw server bytes', () => {
  function setup() {
    const sent: Uint8Array[] = [];
    const events: string[] = [];
    let close: unknown = null;
    const client = new SoupBinTcpClientSession(
      {
        send: (b) => sent.push(b),
        onLoginAccepted: (s, n) => events.push(`A ${s} ${n}`),
        onLoginRejected: (r) => events.push(`J ${r}`),
        onMessage: (seq, b, o, l) => events.push(`S ${seq} ${l} ${b[o]}`),
        onEndOfSession: () => events.push('Z'),
        onClose: (r, c) => {
          close = [r, c];
        },
        onDebug: (b, o, l) => events.push(`+ ${String.fromCharCode(...b.subarray(o, o + l))}`),
      },
      { username: 'u', password: 'p', session: 'S1', sequence: 5 },
    );
    return { client, sent, events, close: () => close };
  }

  it('sends the configured session and sequence; numbers S packets from Login Accepted', () => {
    const t = setup();
    t.client.connect(0);
    expect(String.fromCharCode(...t.sent[0]!.subarray(2))).toBe('Lu     p         S1        ' + '5'.padStart(20, ' '));
    t.client.onBytes(
      concat([
        buildSoupBinTcpLoginAccepted('S1', 7),
        buildSoupBinTcpDebug('hello'),
        buildSoupBinTcpSequencedData(Uint8Array.of(42)),
        buildSoupBinTcpServerHeartbeat(),
        buildSoupBinTcpSequencedData(Uint8Array.of(43, 0)),
      ]),
      1,
    );
    expect(t.events).toEqual(['A S1 7', '+ hello', 'S 7 1 42', 'S 8 2 43']);
    expect(t.client.nextSequence).toBe(9);
  });

  it('S before Login Accepted is a protocol error', () => {
    const t = setup();
    t.client.connect(0);
    t.client.onBytes(buildSoupBinTcpSequencedData(Uint8Array.of(1)), 1);
    expect(t.close()).toEqual(['protocol-error', 'SOUPBINTCP_ERR_UNEXPECTED_PACKET']);
    expect(t.events).toEqual([]);
  });

  it('a second Login Accepted is a protocol error', () => {
    const t = setup();
    t.client.connect(0);
    t.client.onBytes(concat([buildSoupBinTcpLoginAccepted('S1', 1), buildSoupBinTcpLoginAccepted('S1', 1)]), 1);
    expect(t.close()).toEqual(['protocol-error', 'SOUPBINTCP_ERR_UNEXPECTED_PACKET']);
  });

  it('framing errors close with their code; later bytes are ignored', () => {
    const t = setup();
    t.client.connect(0);
    t.client.onBytes(concat([buildSoupBinTcpLoginAccepted('S1', 1), Uint8Array.of(0, 1, 0x52), buildSoupBinTcpSequencedData(Uint8Array.of(1))]), 1);
    expect(t.close()).toEqual(['protocol-error', 'SOUPBINTCP_ERR_UNEXPECTED_TYPE']);
    expect(t.events).toEqual(['A S1 1']);
    t.client.onBytes(buildSoupBinTcpSequencedData(Uint8Array.of(1)), 2);
    expect(t.events).toEqual(['A S1 1']);
  });

  it('a non-numeric sequence in Login Accepted is a protocol error', () => {
    const t = setup();
    t.client.connect(0);
    const a = buildSoupBinTcpLoginAccepted('S1', 1);
    a[30] = 0x58;
    t.client.onBytes(a, 1);
    expect(t.close()).toEqual(['protocol-error', 'SOUPBINTCP_ERR_BAD_NUMERIC']);
  });

  it('does nothing before connect and refuses to send U before login', () => {
    const t = setup();
    t.client.onBytes(buildSoupBinTcpLoginAccepted('S1', 1), 0);
    t.client.onTimer(100_000);
    expect(t.client.nextTimerMs()).toBe(Infinity);
    expect(t.events).toEqual([]);
    t.client.connect(0);
    expect(t.client.sendUnsequenced(Uint8Array.of(1), 0, 1, 0)).toBe(false);
  });

  it('rejects invalid options at construction', () => {
    expect(() => new SoupBinTcpClientSession(setupHandler(), { username: 'much-too-long', password: '' })).toThrow('username');
    expect(() => new SoupBinTcpClientSession(setupHandler(), { username: 'u', password: '', peerTimeoutMs: 0 })).toThrow('peerTimeoutMs');
  });
});

function setupHandler() {
  return { send() {}, onLoginAccepted() {}, onLoginRejected() {}, onMessage() {}, onEndOfSession() {}, onClose() {} };
}
