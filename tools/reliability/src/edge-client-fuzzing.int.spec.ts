import WebSocket from 'ws';
import { CLOSE_CODES, decodeServerJson, decodeServerMessage, encodeClientJson, encodeClientMessage, JSON_SUBPROTOCOL, PROTO_SUBPROTOCOL, type ClientMessage, type ServerMessage } from '@tickwire/protocol';
import type { EdgeTestClient, EdgeWire } from '@tickwire/testing';
import { answerProblem, expectedAnswer } from './client-frame-oracle';
import { jsonFrames, protoFrames, type FuzzFrame } from './client-frames';
import { EdgeStack, type EdgeProcess, type HealthyClient } from './edge-stack';
import { PrometheusSamples } from '@tickwire/testing';
import { Opcode, RawWebSocket } from './raw-websocket';
import { hs256Token } from './test-tokens';
import { until } from './until';

/**
 * Hostile client frames against a real edge process (real NATS, the snapshot service over Redis): seeded
 * random and mutated frames in both encodings, oversized, invalid UTF-8, wrong frame types, fragmented and
 * malformed WebSocket framing. Every frame must get its documented answer, every rejection must be counted
 * in /metrics, the process must stay up, and clients connected throughout must lose nothing.
 */

const LIVE = ['FUZZ.A', 'FUZZB'];
const FRAMES_PER_WIRE = 2_500;
const SEEDS: Record<EdgeWire, number> = { json: 20_251_124, proto: 20_251_125 };
/** The edge's defaults (docs/protocol.md, Limits). */
const MAX_MESSAGE_BYTES = 16 * 1024;
const MAX_INVALID_MESSAGES = 10;
const MAX_SYMBOLS_PER_REQUEST = 500;
/** ws refuses frames above 4x MAX_MESSAGE_BYTES itself, with 1009 (edge-server.ts). */
const WS_MAX_PAYLOAD = 4 * MAX_MESSAGE_BYTES;
/** Sentinel pings carry ts values no generated frame uses by accident (above 2^53: JSON carries them as decimal strings). */
const SENTINEL_BASE = 7_000_000_000_000_000n;
/** A fresh connection every this many frames: fuzzed subscribes then stay far below the tier's 500. */
const FRAMES_PER_CONNECTION = 25;

const isControl = (m: ServerMessage): boolean => m.body?.$case !== 'update' && m.body?.$case !== 'ping';

interface Tally {
  frames: number;
  invalid: number;
  invalidCloses: number;
  connections: number;
  byRecipe: Record<string, number>;
}

describe('edge process under hostile client frames', () => {
  let stack: EdgeStack;
  let edge: EdgeProcess;
  let healthy: HealthyClient[];
  let stopPump: () => Promise<void>;
  let rssBefore = 0;
  const tallies: Record<EdgeWire, Tally> = { json: newTally(), proto: newTally() };
  let sentinel = SENTINEL_BASE;

  const samples = async (): Promise<PrometheusSamples> => new PrometheusSamples(await edge.process.metrics());

  /**
   * The control messages the server sent from index `start` until the pong of a sentinel ping sent now: the
   * answers to whatever was sent before it (pings are answered at once, in order).
   */
  const answersSince = async (client: EdgeTestClient, start: number): Promise<ServerMessage[]> => {
    const ts = ++sentinel;
    client.send({ body: { $case: 'ping', value: { ts } } });
    const pong = await client.waitFor((m) => m.body?.$case === 'pong' && m.body.value.ts === ts, 10_000, start);
    return client.received.slice(start, client.received.indexOf(pong)).filter(isControl);
  };

  /** Sends one frame and returns the control messages that answer it. */
  const exchange = (client: EdgeTestClient, bytes: Uint8Array, wire: EdgeWire): Promise<ServerMessage[]> => {
    const start = client.received.length;
    client.socket.send(bytes, { binary: wire === 'proto' });
    return answersSince(client, start);
  };

  beforeAll(async () => {
    stack = await EdgeStack.start();
    // The limiter would turn a fuzzing run into RATE_LIMITED answers: its own test (ping floods) runs with the defaults.
    edge = await stack.startEdge({ MESSAGES_PER_SEC: '100000', MESSAGE_BURST: '100000' });
    await stack.listSymbols(LIVE);
    healthy = [await stack.healthyClient(edge, 'json', LIVE), await stack.healthyClient(edge, 'proto', LIVE)];
    stopPump = stack.market.pump(LIVE, 10);
    rssBefore = edge.process.rssBytes();
  });

  afterAll(async () => {
    await stopPump?.();
    await stack?.stop();
  });

  it.each<EdgeWire>(['json', 'proto'])('%s: seeded random and mutated frames each get the documented answer, counted; valid ones keep the connection', async (wire) => {
    const frames = wire === 'json' ? jsonFrames(LIVE, SEEDS[wire], FRAMES_PER_WIRE) : protoFrames(LIVE, SEEDS[wire], FRAMES_PER_WIRE);
    const tally = tallies[wire];
    const before = await samples();
    let client = await stack.client(edge, wire);
    tally.connections++;
    let invalidOnConnection = 0;
    let framesOnConnection = 0;
    for (const [index, frame] of frames.entries()) {
      if (framesOnConnection === FRAMES_PER_CONNECTION) {
        client.socket.close();
        client = await stack.client(edge, wire);
        tally.connections++;
        invalidOnConnection = framesOnConnection = 0;
      }
      if (frame.bytes.length > MAX_MESSAGE_BYTES) throw new Error(`generator bug: frame ${index} (${frame.recipe}) has ${frame.bytes.length} bytes`);
      framesOnConnection++;
      tally.frames++;
      tally.byRecipe[frame.recipe] = (tally.byRecipe[frame.recipe] ?? 0) + 1;
      const expected = expectedAnswer(frame.bytes, wire, MAX_SYMBOLS_PER_REQUEST);
      const start = client.received.length;
      client.socket.send(frame.bytes, { binary: wire === 'proto' });
      if (expected.kind === 'invalid') {
        tally.invalid++;
        if (++invalidOnConnection > MAX_INVALID_MESSAGES) {
          // The 11th invalid message closes the connection with 4002, without an error of its own.
          const closed = await client.closed;
          expect({ frame: index, recipe: frame.recipe, code: closed.code }).toEqual({ frame: index, recipe: frame.recipe, code: CLOSE_CODES.INVALID_MESSAGE.code });
          expect(client.received.slice(start).filter(isControl)).toEqual([]);
          tally.invalidCloses++;
          client = await stack.client(edge, wire);
          tally.connections++;
          invalidOnConnection = framesOnConnection = 0;
          continue;
        }
      }
      // A subscribe is answered after its snapshot fetch: wait for its ack before the sentinel.
      if (expected.kind === 'subscribeAck') await client.waitFor((m) => m.body?.$case === 'subscribeAck' && m.body.value.id === expected.id, 10_000, start);
      const answers = await answersSince(client, start).catch((error: unknown) => {
        throw new Error(`frame ${index} (${frame.recipe}) ${describeFrame(frame)}: no answer to the sentinel ping: ${String(error)}`);
      });
      const problem = answerProblem(expected, answers);
      if (problem !== undefined) throw new Error(`frame ${index} (${frame.recipe}) ${describeFrame(frame)}: ${problem}`);
    }
    client.socket.close();

    const after = await samples();
    expect(edge.process.running).toBe(true);
    expect(after.delta(before, 'tickwire_edge_bad_messages_in_total')).toBe(tally.invalid);
    expect(after.delta(before, 'tickwire_edge_rejections_total', { reason: 'invalid_messages' })).toBe(tally.invalidCloses);
    // Every frame and every sentinel ping was received as a message (nothing from the healthy clients meanwhile).
    expect(after.delta(before, 'tickwire_edge_messages_in_total')).toBe(tally.frames * 2 - tally.invalidCloses);
  }, 150_000);

  it('numbers out of range, wrong types, deep nesting, prototype keys: the exact documented error code and request id', async () => {
    const E = { BAD: 1000, UNKNOWN: 1001, MALFORMED: 1002, TOO_MANY: 1202, ALREADY: 1101 };
    const deep = `{"type":"subscribe","id":4,"symbols":${'['.repeat(7_000)}"A"${']'.repeat(7_000)}}`;
    const cases: [string, string, { error: number; requestId: number } | { pong: bigint }][] = [
      ['id 2^32', '{"type":"ping","id":4294967296}', { error: E.BAD, requestId: 0 }],
      ['id -1', '{"type":"ping","id":-1}', { error: E.BAD, requestId: 0 }],
      ['id 1.5', '{"type":"ping","id":1.5}', { error: E.BAD, requestId: 0 }],
      ['id as a string', '{"type":"ping","id":"7"}', { error: E.BAD, requestId: 0 }],
      ['ts 1e400 (Infinity)', '{"type":"ping","id":7,"ts":1e400}', { error: E.BAD, requestId: 7 }],
      ['ts 2^64 as a number', '{"type":"ping","id":7,"ts":18446744073709551616}', { error: E.BAD, requestId: 7 }],
      ['ts 2^53+1 as a number (not exact)', '{"type":"ping","id":7,"ts":9007199254740993}', { error: E.BAD, requestId: 7 }],
      ['ts 2^64-1 as a string', '{"type":"ping","id":7,"ts":"18446744073709551615"}', { pong: 18_446_744_073_709_551_615n }],
      ['ts 2^64 as a string', '{"type":"ping","id":7,"ts":"18446744073709551616"}', { error: E.BAD, requestId: 7 }],
      ['ts negative', '{"type":"ping","id":7,"ts":-5}', { error: E.BAD, requestId: 7 }],
      ['symbols a string', '{"type":"subscribe","id":3,"symbols":"AAPL"}', { error: E.BAD, requestId: 3 }],
      ['symbols empty', '{"type":"subscribe","id":3,"symbols":[]}', { error: E.BAD, requestId: 3 }],
      ['a symbol that is a number', '{"type":"subscribe","id":3,"symbols":[1]}', { error: E.BAD, requestId: 3 }],
      ['an unknown mode name', '{"type":"subscribe","id":3,"symbols":["A"],"mode":"turbo"}', { error: E.BAD, requestId: 3 }],
      ['symbols and items both', '{"type":"subscribe","id":3,"symbols":["A"],"items":[{"symbol":"B"}]}', { error: E.BAD, requestId: 3 }],
      ['unknown type', '{"type":"nope","id":9}', { error: E.UNKNOWN, requestId: 9 }],
      ['type a number', '{"type":5,"id":9}', { error: E.BAD, requestId: 9 }],
      ['an array', '[{"type":"ping"}]', { error: E.BAD, requestId: 0 }],
      ['a string', '"ping"', { error: E.BAD, requestId: 0 }],
      ['null', 'null', { error: E.BAD, requestId: 0 }],
      ['truncated JSON', '{"type":"ping"', { error: E.MALFORMED, requestId: 0 }],
      ['7,000 nested arrays', deep, { error: E.BAD, requestId: 4 }],
      ['601 symbols', `{"type":"subscribe","id":5,"symbols":[${new Array(601).fill('"A"').join(',')}]}`, { error: E.TOO_MANY, requestId: 5 }],
      ['auth again', '{"type":"auth","id":6,"token":"x"}', { error: E.ALREADY, requestId: 6 }],
      ['__proto__ carrying a ts', '{"type":"ping","__proto__":{"ts":5}}', { pong: 0n }],
      ['a duplicated key (the last wins)', '{"type":"ping","ts":1,"ts":2}', { pong: 2n }],
    ];
    const got: Record<string, unknown> = {};
    let client = await stack.client(edge, 'json');
    let invalid = 0;
    for (const [name, text, expected] of cases) {
      if ('error' in expected && ++invalid > MAX_INVALID_MESSAGES) {
        client.socket.close();
        client = await stack.client(edge, 'json');
        invalid = 1;
      }
      const answers = await exchange(client, new TextEncoder().encode(text), 'json');
      const m = answers[0]?.body;
      got[name] = answers.length !== 1 ? answers.map((a) => a.body?.$case) : m?.$case === 'error' ? { error: m.value.code, requestId: m.value.requestId } : m?.$case === 'pong' ? { pong: m.value.ts } : m?.$case;
    }
    client.socket.close();
    // The same in binary: a ClientMessage without a body, an empty list, truncated and overlong fields.
    const protoCases: [string, number[], { error: number; requestId: number } | { pong: bigint }][] = [
      ['an empty frame', [], { error: E.UNKNOWN, requestId: 0 }],
      ['only an id', [0x08, 0x07], { error: E.UNKNOWN, requestId: 7 }],
      ['subscribe with no items', [0x08, 0x07, 0x1a, 0x00], { error: E.BAD, requestId: 7 }],
      ['a length past the end', [0x08, 0x07, 0x1a, 0x05, 0x0a], { error: E.MALFORMED, requestId: 0 }],
      ['an 11-byte varint id', [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], { error: E.MALFORMED, requestId: 0 }],
      ['a ping with ts 2^64-1', [0x08, 0x01, 0x32, 0x0b, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], { pong: 18_446_744_073_709_551_615n }],
    ];
    const proto = await stack.client(edge, 'proto');
    for (const [name, bytes] of protoCases) {
      const answers = await exchange(proto, Uint8Array.from(bytes), 'proto');
      const m = answers[0]?.body;
      got[`proto: ${name}`] = answers.length !== 1 ? answers.map((a) => a.body?.$case) : m?.$case === 'error' ? { error: m.value.code, requestId: m.value.requestId } : m?.$case === 'pong' ? { pong: m.value.ts } : m?.$case;
    }
    proto.socket.close();
    expect(got).toEqual(Object.fromEntries([...cases.map(([name, , expected]) => [name, expected]), ...protoCases.map(([name, , expected]) => [`proto: ${name}`, expected])]));
  });

  it('oversized messages: up to MAX_MESSAGE_BYTES answered, one byte more closed with 4001, past ws limit 1009; all counted as message_too_big', async () => {
    const before = await samples();
    const token = await hs256Token();
    const path = `/v1/stream?token=${token}`;
    // Exactly the limit: a ping padded with spaces is still a ping.
    const ping = '{"type":"ping","ts":5}';
    const atLimit = ping.slice(0, -1) + ' '.repeat(MAX_MESSAGE_BYTES - ping.length) + '}';
    expect(Buffer.byteLength(atLimit)).toBe(MAX_MESSAGE_BYTES);
    const fits = await stack.client(edge, 'json');
    fits.socket.send(atLimit);
    await fits.waitFor((m) => m.body?.$case === 'pong' && m.body.value.ts === 5n);
    fits.socket.send(atLimit + ' ');
    expect((await fits.closed).code).toBe(CLOSE_CODES.MESSAGE_TOO_BIG.code);

    const codes: number[] = [];
    for (const [protocol, opcode] of [[JSON_SUBPROTOCOL, Opcode.TEXT], [PROTO_SUBPROTOCOL, Opcode.BINARY]] as const) {
      for (const size of [MAX_MESSAGE_BYTES + 1, WS_MAX_PAYLOAD, WS_MAX_PAYLOAD + 1, 1 << 20]) {
        const raw = await RawWebSocket.connect(edge.port, path, protocol);
        raw.write({ opcode, payload: Buffer.alloc(size, 0x20) });
        codes.push(await raw.closed());
      }
      // Lengths that announce more than is ever sent: refused on the header, before any payload is buffered.
      for (const declared of [1n << 32n, (1n << 63n) - 1n, 1n << 63n]) {
        const raw = await RawWebSocket.connect(edge.port, path, protocol);
        raw.write({ opcode, payload: Buffer.alloc(10), declaredLength: declared });
        codes.push(await raw.closed());
      }
    }
    // Fragments whose sum is over the limits, each fragment small.
    for (const total of [MAX_MESSAGE_BYTES + 100, WS_MAX_PAYLOAD + 100]) {
      const raw = await RawWebSocket.connect(edge.port, path, JSON_SUBPROTOCOL);
      const piece = 1_000;
      for (let sent = 0; sent < total && raw.isOpen; sent += piece) raw.write({ opcode: sent === 0 ? Opcode.TEXT : Opcode.CONTINUATION, fin: sent + piece >= total, payload: Buffer.alloc(Math.min(piece, total - sent), 0x20) });
      codes.push(await raw.closed());
    }
    expect(codes).toEqual([4001, 4001, 1009, 1009, 1009, 1009, 1009, 4001, 4001, 1009, 1009, 1009, 1009, 1009, 4001, 1009]);
    const after = await samples();
    expect(after.delta(before, 'tickwire_edge_rejections_total', { reason: 'message_too_big' })).toBe(codes.length + 1);
    expect(edge.process.running).toBe(true);
  });

  it('invalid UTF-8 in text frames: closed with 1007 (either subprotocol), counted as invalid_messages', async () => {
    const before = await samples();
    const path = `/v1/stream?token=${await hs256Token()}`;
    const invalid = [
      [0x7b, 0x80, 0x7d], // a lone continuation byte
      [0xc0, 0xaf], // overlong '/'
      [0xe0, 0x80, 0xaf], // overlong, three bytes
      [0xed, 0xa0, 0x80], // a UTF-16 surrogate half
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xf5, 0x80, 0x80, 0x80], // a byte that never appears in UTF-8
      [0xff, 0xfe],
      [...Buffer.from('{"type":"ping","ts":1}'), 0xe2, 0x82], // truncated at the end
    ];
    const codes: number[] = [];
    for (const protocol of [JSON_SUBPROTOCOL, PROTO_SUBPROTOCOL]) {
      for (const bytes of invalid) {
        const raw = await RawWebSocket.connect(edge.port, path, protocol);
        raw.write({ opcode: Opcode.TEXT, payload: Uint8Array.from(bytes) });
        codes.push(await raw.closed());
      }
    }
    // Split across fragments: a multi-byte character cut between two valid-looking pieces.
    const split = await RawWebSocket.connect(edge.port, path, JSON_SUBPROTOCOL);
    split.write({ opcode: Opcode.TEXT, fin: false, payload: Buffer.from('{"type":"ping","x":"\xe2', 'latin1') }, { opcode: Opcode.CONTINUATION, payload: Buffer.from('A"}') });
    codes.push(await split.closed());
    expect(codes).toEqual(new Array(invalid.length * 2 + 1).fill(1007));
    const after = await samples();
    expect(after.delta(before, 'tickwire_edge_rejections_total', { reason: 'invalid_messages' })).toBe(codes.length);
    expect(edge.process.running).toBe(true);
  });

  it('wrong frame type: binary on JSON and text on protobuf closed with 4000, counted', async () => {
    const before = await samples();
    const onJson = await stack.client(edge, 'json');
    onJson.socket.send(encodeClientMessage({ id: 1, body: { $case: 'ping', value: { ts: 1n } } }), { binary: true });
    const onProto = await stack.client(edge, 'proto');
    onProto.socket.send('{"type":"ping"}', { binary: false });
    expect([(await onJson.closed).code, (await onProto.closed).code]).toEqual([CLOSE_CODES.PROTOCOL_ERROR.code, CLOSE_CODES.PROTOCOL_ERROR.code]);
    const after = await samples();
    expect(after.delta(before, 'tickwire_edge_rejections_total', { reason: 'invalid_messages' })).toBe(2);
  });

  it('fragmented frames: a valid message in 1-byte fragments (a ping frame between them) is answered; broken fragmentation is closed with 1002, counted', async () => {
    const token = await hs256Token();
    for (const wire of ['json', 'proto'] as const) {
      const message: ClientMessage = { id: 77, body: { $case: 'subscribe', value: { items: [{ symbol: LIVE[0]!, mode: 3 }] } } };
      const bytes = wire === 'json' ? Buffer.from(encodeClientJson(message)) : Buffer.from(encodeClientMessage(message));
      const socket = new WebSocket(`${edge.url}?token=${token}`, [wire === 'json' ? JSON_SUBPROTOCOL : PROTO_SUBPROTOCOL]);
      const received: ServerMessage[] = [];
      let pongs = 0;
      socket.on('message', (data: Buffer) => received.push(...serverMessages(data, wire)));
      socket.on('pong', () => pongs++);
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      await until(() => received.length > 0, 'welcome');
      for (let i = 0; i < bytes.length; i++) {
        socket.send(bytes.subarray(i, i + 1), { binary: wire === 'proto', fin: i === bytes.length - 1 });
        if (i === 3) socket.ping('mid-message');
      }
      await until(() => received.some((m) => m.body?.$case === 'subscribeAck' && m.body.value.id === 77 && m.body.value.results[0]?.code === 1), 'the ack of the fragmented subscribe');
      await until(() => received.some((m) => m.body?.$case === 'update' && m.body.value.symbol === LIVE[0]), 'its snapshot');
      expect(pongs).toBe(1);
      socket.close();
    }

    const before = await samples();
    const path = `/v1/stream?token=${token}`;
    const violations: { name: string; frames: Parameters<RawWebSocket['write']> }[] = [
      { name: 'continuation without a start', frames: [{ opcode: Opcode.CONTINUATION, payload: Buffer.from('{}') }] },
      { name: 'a new text frame inside a fragmented message', frames: [{ opcode: Opcode.TEXT, fin: false, payload: Buffer.from('{"ty') }, { opcode: Opcode.TEXT, payload: Buffer.from('{}') }] },
      { name: 'a fragmented ping', frames: [{ opcode: Opcode.PING, fin: false, payload: Buffer.from('x') }] },
      { name: 'a ping of 126 bytes', frames: [{ opcode: Opcode.PING, payload: Buffer.alloc(126) }] },
      { name: 'RSV1 without an extension', frames: [{ opcode: Opcode.TEXT, rsv: 4, payload: Buffer.from('{}') }] },
      { name: 'RSV2 and RSV3', frames: [{ opcode: Opcode.TEXT, rsv: 3, payload: Buffer.from('{}') }] },
      { name: 'reserved data opcode 3', frames: [{ opcode: 3, payload: Buffer.from('{}') }] },
      { name: 'reserved control opcode 11', frames: [{ opcode: 11 }] },
      { name: 'an unmasked frame', frames: [{ opcode: Opcode.TEXT, masked: false, payload: Buffer.from('{"type":"ping"}') }] },
      { name: 'a close frame with an invalid code', frames: [{ opcode: Opcode.CLOSE, payload: Uint8Array.of(0x03, 0xe7) }] },
      { name: 'a close frame of 1 byte', frames: [{ opcode: Opcode.CLOSE, payload: Uint8Array.of(0x03) }] },
    ];
    const codes: Record<string, number> = {};
    for (const { name, frames } of violations) {
      const raw = await RawWebSocket.connect(edge.port, path, JSON_SUBPROTOCOL);
      raw.write(...frames);
      codes[name] = await raw.closed();
    }
    expect(codes).toEqual(Object.fromEntries(violations.map(({ name }) => [name, 1002])));
    const after = await samples();
    expect(after.delta(before, 'tickwire_edge_rejections_total', { reason: 'invalid_messages' })).toBe(violations.length);
    expect(edge.process.running).toBe(true);
  });

  it('afterwards: the process is up, clients connected throughout lost nothing, memory stayed bounded', async () => {
    await stopPump();
    const reports = (await Promise.all(healthy.map((h) => h.report(stack.market)))).flat();
    for (const report of reports) expect(report).toMatchObject({ startsWithSnapshot: true, lost: 0, extraSnapshots: 0, breaks: 0 });
    expect(edge.process.running).toBe(true);
    const rssAfter = edge.process.rssBytes();
    const after = await samples();
    // Only the two healthy clients are still connected: every fuzzing connection was released.
    await until(async () => (await samples()).value('tickwire_edge_connections') === healthy.length, 'fuzzing connections to be released');
    expect(rssAfter - rssBefore).toBeLessThan(64 * 1024 * 1024);
    console.log(
      JSON.stringify({
        figures: 'edge client fuzzing',
        frames: { json: tallies.json.frames, proto: tallies.proto.frames },
        invalid: { json: tallies.json.invalid, proto: tallies.proto.invalid },
        closes4002: { json: tallies.json.invalidCloses, proto: tallies.proto.invalidCloses },
        connections: tallies.json.connections + tallies.proto.connections,
        recipes: { json: tallies.json.byRecipe, proto: tallies.proto.byRecipe },
        badMessagesInTotal: after.value('tickwire_edge_bad_messages_in_total'),
        rejections: Object.fromEntries(['invalid_messages', 'message_too_big'].map((reason) => [reason, after.value('tickwire_edge_rejections_total', { reason })])),
        healthy: reports,
        rssMiB: { before: mib(rssBefore), after: mib(rssAfter) },
      }),
    );
  });
});

function newTally(): Tally {
  return { frames: 0, invalid: 0, invalidCloses: 0, connections: 0, byRecipe: {} };
}

function describeFrame(frame: FuzzFrame): string {
  const hex = Buffer.from(frame.bytes.subarray(0, 120)).toString('hex');
  return `[${frame.bytes.length} bytes: ${hex}${frame.bytes.length > 120 ? '...' : ''}]`;
}

function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** The server messages of one frame, batches unpacked. */
function serverMessages(data: Buffer, wire: EdgeWire): ServerMessage[] {
  const decoded = wire === 'json' ? decodeServerJson(data.toString('utf8')) : decodeServerMessage(data);
  if (!decoded.ok) throw new Error(`undecodable server frame: ${decoded.reason}`);
  return decoded.message.body?.$case === 'batch' ? decoded.message.body.value.messages : [decoded.message];
}
