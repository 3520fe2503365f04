import { MAX_CONTROL_LINE, NatsProtocolParser, type NatsServerEvents } from './nats-protocol-parser';

const enc = new TextEncoder();

function bytes(...parts: (string | Uint8Array)[]): Uint8Array {
  const pieces = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(pieces.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class Recorder implements NatsServerEvents {
  readonly events: string[] = [];
  msg(sid: number, b: Uint8Array, start: number, end: number): void {
    this.events.push(`msg ${sid} [${Array.from(b.subarray(start, end)).join(',')}]`);
  }
  ping(): void {
    this.events.push('ping');
  }
  pong(): void {
    this.events.push('pong');
  }
  info(json: string): void {
    this.events.push(`info ${json}`);
  }
  err(message: string): void {
    this.events.push(`err ${message}`);
  }
}

// A payload holding CR LF and the bytes of "MSG": only the size says where it ends.
const binary = Uint8Array.of(0x0a, 0x0d, 0x0a, 0x4d, 0x53, 0x47, 0x20, 0x00, 0xff);
const stream = bytes(
  'INFO {"server_id":"X","max_payload":1048576}\r\n',
  '+OK\r\n',
  'MSG md.tick.3.SYM0001 7 9\r\n',
  binary,
  '\r\nPING\r\n',
  'MSG md.tick.4.SYM0002 12 inbox.1 3\r\nabc\r\n',
  'msg md.tick.4.SYM0002 12 0\r\n\r\n',
  'PONG\r\n',
  "-ERR 'Slow Consumer'\r\n",
);
const expected = [
  'info {"server_id":"X","max_payload":1048576}',
  `msg 7 [${Array.from(binary).join(',')}]`,
  'ping',
  'msg 12 [97,98,99]',
  'msg 12 []',
  'pong',
  "err 'Slow Consumer'",
];

function run(chunks: Uint8Array[]): { ok: boolean; events: string[] } {
  const recorder = new Recorder();
  const parser = new NatsProtocolParser(recorder);
  let ok = true;
  for (const chunk of chunks) ok = parser.feed(chunk) && ok;
  return { ok, events: recorder.events };
}

describe('NatsProtocolParser', () => {
  it('parses INFO, MSG (with and without reply-to, empty), PING, PONG, +OK and -ERR in one chunk', () => {
    expect(run([stream])).toEqual({ ok: true, events: expected });
  });

  it('gives the same events however the stream is split: at every offset, and byte by byte', () => {
    for (let cut = 0; cut <= stream.length; cut++) expect(run([stream.subarray(0, cut), stream.subarray(cut)])).toEqual({ ok: true, events: expected });
    for (let a = 1; a < stream.length; a += 7) {
      for (let b = a; b <= stream.length; b += 5) expect(run([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]).events).toEqual(expected);
    }
    expect(run(Array.from(stream, (byte) => Uint8Array.of(byte)))).toEqual({ ok: true, events: expected });
  });

  it('hands out payloads as views of the chunk when a message is whole in it', () => {
    const chunk = bytes('MSG a 1 3\r\nxyz\r\n');
    let seen: Uint8Array | undefined;
    new NatsProtocolParser({ ...new Recorder(), msg: (_sid, b) => (seen = b), ping() {}, pong() {}, info() {}, err() {} }).feed(chunk);
    expect(seen).toBe(chunk);
  });

  it('rejects malformed input, and stays failed', () => {
    expect(run([bytes('HELLO\r\n')]).ok).toBe(false);
    expect(run([bytes('PING\n')]).ok).toBe(false);
    expect(run([bytes('MSG a 1\r\n')]).ok).toBe(false);
    expect(run([bytes('MSG a x 3\r\nabc\r\n')]).ok).toBe(false);
    expect(run([bytes('MSG a 1 3\r\nabcd\r\n')]).ok).toBe(false);
    expect(run([bytes('P'.repeat(MAX_CONTROL_LINE + 10))]).ok).toBe(false);
    const { ok, events } = run([bytes('PING\r\nBAD\r\n'), bytes('PING\r\n')]);
    expect(ok).toBe(false);
    expect(events).toEqual(['ping']);
  });
});
