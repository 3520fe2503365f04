import { createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { forEachRawMessage, RawBatch, rawWildcard } from '@tickwire/protocol';
import { startNats, type TestServer, ServiceProcess } from '@tickwire/testing';
import { PrometheusSamples } from '@tickwire/testing';
import { until } from './until';

/**
 * The ingest process against a hostile SoupBinTCP server (written here, byte by byte, so nothing in it
 * shares code with ingest's own decoder). libs/feed-net already proves the SoupBinTCP source survives
 * garbage, cuts and silent peers (docs/reliability.md); what only a process-level test shows is the rest of
 * the path: bad ITCH messages inside valid packets, oversized and truncated packets, garbage instead of a
 * login answer and a server that replays old sequence numbers, all while ingest publishes to real NATS.
 * Ingest must stay up, count every bad input by code, and put on md.raw exactly the good messages, each
 * once, in order, and nothing else.
 */

const SHARD_COUNT = 2;
const SESSION = 'HOSTILE';
const DAY_LENGTH = 300;

type Kind = 'good' | 'unknown type' | 'length mismatch' | 'empty' | 'oversized';

interface DayMessage {
  readonly seq: number;
  readonly kind: Kind;
  readonly bytes: Uint8Array;
}

/** ITCH 5.0 System Event ('S', 12 bytes): locate 0, tracking = seq, timestamp = seq ns, event 'Q'. Market-wide: every shard gets it. */
function systemEvent(seq: number): Uint8Array {
  const out = Buffer.alloc(12);
  out[0] = 0x53;
  out.writeUInt16BE(0, 1);
  out.writeUInt16BE(seq & 0xffff, 3);
  out.writeUIntBE(seq, 5, 6);
  out[11] = 0x51;
  return out;
}

/** The day: every 10th message is bad in one of four ways; the rest are good System Events. */
const DAY: readonly DayMessage[] = Array.from({ length: DAY_LENGTH }, (_, i) => {
  const seq = i + 1;
  const good = systemEvent(seq);
  if (seq % 10 !== 0) return { seq, kind: 'good', bytes: good };
  switch ((seq / 10) % 4) {
    case 0:
      return { seq, kind: 'unknown type', bytes: Uint8Array.of(0x7a, ...good.subarray(1)) };
    case 1:
      return { seq, kind: 'length mismatch', bytes: good.subarray(0, 11) };
    case 2:
      return { seq, kind: 'empty', bytes: new Uint8Array(0) };
    default:
      // The largest SoupBinTCP packet there is (length 0xFFFF), carrying a System Event type byte.
      return { seq, kind: 'oversized', bytes: Buffer.concat([good, Buffer.alloc(65_534 - 12, 0x41)]) };
  }
});
const GOOD = DAY.filter((m) => m.kind === 'good');

// --- SoupBinTCP, written by hand --------------------------------------------------------------------

function packet(type: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const out = Buffer.alloc(3 + payload.length);
  out.writeUInt16BE(payload.length + 1, 0);
  out[2] = type;
  out.set(payload, 3);
  return out;
}

const loginAccepted = (nextSeq: number): Buffer => packet(0x41, Buffer.from(SESSION.padEnd(10) + String(nextSeq).padStart(20), 'latin1'));
const sequenced = (from: number, to: number): Buffer => Buffer.concat(DAY.slice(from - 1, to).map((m) => packet(0x53, m.bytes)));
const END_OF_SESSION = packet(0x5a);

/** What the server does on its n-th connection, once the Login Request (asking for `requested`) is in. */
type Script = (socket: Socket, requested: number) => void;

const SCRIPTS: readonly Script[] = [
  // 1..100, then a packet of a type SoupBinTCP does not have.
  (socket, requested) => socket.write(Buffer.concat([loginAccepted(requested), sequenced(requested, 100), packet(0x51, Buffer.from('??'))])),
  // 101..150, then a header announcing 65,535 bytes, 100 of them, and the connection ends (a truncated session).
  (socket, requested) => socket.end(Buffer.concat([loginAccepted(requested), sequenced(requested, 150), Buffer.from([0xff, 0xff, 0x53]), Buffer.alloc(100, 0x53)])),
  // Seeded garbage instead of a Login Accepted.
  (socket) => socket.write(Buffer.from(fc.sample(fc.uint8Array({ minLength: 4_096, maxLength: 4_096 }), { seed: 7, numRuns: 1 })[0]!)),
  // A packet of length 0 (no type byte).
  (socket, requested) => socket.write(Buffer.concat([loginAccepted(requested), Buffer.from([0x00, 0x00])])),
  // Accepts from 11 messages before what was asked (a replay), sends the rest of the day, ends the session.
  (socket, requested) => socket.write(Buffer.concat([loginAccepted(requested - 11), sequenced(requested - 11, DAY_LENGTH), END_OF_SESSION])),
];

class HostileSoupBinTcpServer {
  readonly requested: number[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port)));
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const index = this.requested.length;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let loggedIn = false;
    socket.on('data', (chunk: Buffer) => {
      if (loggedIn) return; // heartbeats and the logout: ignored
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 49) return;
      loggedIn = true;
      // Login Request: length(2) 'L' username(6) password(10) session(10) sequence(20).
      const requested = Number(buffered.subarray(29, 49).toString('latin1').trim());
      this.requested.push(requested);
      (SCRIPTS[index] ?? (() => undefined))(socket, requested);
    });
  }
}

describe('ingest process fed by a hostile SoupBinTCP server', () => {
  let nats: TestServer;
  let exchange: HostileSoupBinTcpServer;
  let ingest: ServiceProcess;
  let subscriber: NatsBus;
  const published = new Map<number, { seq: number; bytes: Buffer }[]>();
  let undecodableBatches = 0;
  let batches = 0;

  beforeAll(async () => {
    nats = await startNats();
    subscriber = await connectNatsBus({ servers: nats.url, name: 'reliability-md-raw' });
    subscriber.subscribe(rawWildcard, (data, subject) => {
      batches++;
      const shard = Number(subject.split('.').at(-1));
      const list = published.get(shard) ?? [];
      published.set(shard, list);
      const visited = forEachRawMessage(RawBatch.decode(data), (seq, bytes, offset, length) => list.push({ seq, bytes: Buffer.from(bytes.subarray(offset, offset + length)) }));
      if (visited < 0) undecodableBatches++;
    });
    await subscriber.flush();
    exchange = new HostileSoupBinTcpServer();
    const port = await exchange.listen();
    ingest = new ServiceProcess('ingest', {
      SOURCE: `soupbintcp://tw:secret@127.0.0.1:${port}?session=${SESSION}&reconnect-base-ms=20&reconnect-max-ms=100&peer-timeout-ms=3000`,
      NATS_URL: nats.url,
      SHARD_COUNT: String(SHARD_COUNT),
    });
  });

  afterAll(async () => {
    await ingest?.stop();
    await exchange?.close();
    await subscriber?.close();
    await nats?.stop();
  });

  it('stays up through garbage, oversized and truncated packets and a replay; counts each by code; md.raw holds exactly the good messages, once, in order', async () => {
    await ingest.waitFor('feed.end_of_session', 30_000);
    await until(() => [...published.values()].reduce((n, list) => n + list.length, 0) >= GOOD.length * SHARD_COUNT, 'every good message on every shard', 10_000);
    expect(ingest.running).toBe(true);
    expect(exchange.requested).toEqual([1, 101, 151, 151, 151]);

    // md.raw: on every shard (System Events are market-wide) exactly the good messages, byte for byte, in order.
    expect(undecodableBatches).toBe(0);
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      const list = published.get(shard) ?? [];
      expect(list.map((m) => m.seq)).toEqual(GOOD.map((m) => m.seq));
      for (const [i, m] of list.entries()) expect(m.bytes.equals(Buffer.from(GOOD[i]!.bytes))).toBe(true);
    }

    const metrics = new PrometheusSamples(await ingest.metrics());
    const errors = (code: string): number => metrics.value('tickwire_ingest_input_errors_total', { code });
    const count = (kind: Kind): number => DAY.filter((m) => m.kind === kind).length;
    expect(errors('ITCH_ERR_UNKNOWN_TYPE')).toBe(count('unknown type'));
    expect(errors('ITCH_ERR_LENGTH_MISMATCH')).toBe(count('length mismatch') + count('oversized'));
    expect(errors('ITCH_ERR_EMPTY_MESSAGE')).toBe(count('empty'));
    // Connection 0's unknown packet type and connection 2's garbage (seeded: its first packet has an unknown type too).
    expect(errors('SOUPBINTCP_ERR_UNKNOWN_TYPE')).toBe(2);
    expect(errors('SOUPBINTCP_ERR_ZERO_LENGTH')).toBe(1);
    expect(errors('FEED_ERR_DISCONNECTED')).toBe(1);
    expect(metrics.value('tickwire_ingest_reconnects_total')).toBe(4);
    expect(metrics.value('tickwire_ingest_duplicates_total')).toBe(11);
    expect(metrics.value('tickwire_ingest_messages_total', { type: 'S' })).toBe(GOOD.length);
    expect(metrics.value('tickwire_ingest_gaps_unrecoverable_total')).toBe(0);
    const lost = GOOD.filter((m) => !(published.get(0) ?? []).some((p) => p.seq === m.seq)).length;
    const inputErrors = (await ingest.metrics()).split('\n').filter((l) => l.startsWith('tickwire_ingest_input_errors_total'));
    console.log(
      JSON.stringify({
        figures: 'ingest hostile SoupBinTCP',
        connections: exchange.requested.length,
        dayMessages: DAY.length,
        good: GOOD.length,
        bad: Object.fromEntries((['unknown type', 'length mismatch', 'empty', 'oversized'] as const).map((k) => [k, count(k)])),
        inputErrors: inputErrors.map((l) => l.replace(/^tickwire_ingest_input_errors_total/, '')),
        publishedPerShard: GOOD.length,
        batches,
        lost,
      }),
    );
  });
});
