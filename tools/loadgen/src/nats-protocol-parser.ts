/**
 * The server half of the NATS client protocol (https://docs.nats.io/reference/reference-protocols/nats-protocol),
 * as nats-server sends it to a WebSocket client: `INFO`, `MSG`, `PING`, `PONG`, `+OK`, `-ERR`. A byte state
 * machine fed with WebSocket frame payloads (a frame may hold many messages or part of one): payloads are
 * handed out as views of the chunk they arrived in, and bytes are copied only when a control line or a
 * payload spans two chunks. One parser per connection; no Node APIs.
 */

export interface NatsServerEvents {
  /** A `MSG` for subscription `sid`: the payload is bytes[start..end) (valid during the call only). */
  msg(sid: number, bytes: Uint8Array, start: number, end: number): void;
  ping(): void;
  pong(): void;
  /** `INFO` (the JSON text) and `-ERR` (the message): rare, so they are strings. */
  info(json: string): void;
  err(message: string): void;
}

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const ZERO = 0x30;
const NINE = 0x39;
/** A control line longer than this is a protocol error (nats-server's own limit is 4 KiB by default). */
export const MAX_CONTROL_LINE = 4_096;

const State = { LINE: 0, PAYLOAD: 1 } as const;
type State = (typeof State)[keyof typeof State];

const text = new TextDecoder();

function startsWith(bytes: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start < word.length) return false;
  for (let i = 0; i < word.length; i++) {
    // Operation names are case-insensitive: a letter matches in either case.
    const c = bytes[start + i]!;
    const w = word.charCodeAt(i);
    if (c !== w && !(w >= 0x41 && w <= 0x5a && c === (w | 0x20))) return false;
  }
  return end - start === word.length || bytes[start + word.length] === SPACE || bytes[start + word.length] === TAB;
}

export class NatsProtocolParser {
  private state: State = State.LINE;
  /** Bytes of a control line or payload that began in an earlier chunk. */
  private carry: Uint8Array | undefined;
  private carryLength = 0;
  private payloadSize = 0;
  private sid = 0;
  /** Set once the stream is malformed; every later `feed` returns false. */
  private broken = false;

  constructor(private readonly events: NatsServerEvents) {}

  /** Parses the next chunk of the stream. False once the stream is malformed (events before the fault were delivered). */
  feed(chunk: Uint8Array): boolean {
    if (this.broken) return false;
    let i = 0;
    if (this.carryLength > 0) {
      i = this.finishCarry(chunk);
      if (i < 0) return this.fail();
    }
    while (i < chunk.length) {
      if (this.state === State.LINE) {
        const lf = chunk.indexOf(LF, i);
        if (lf < 0) {
          if (chunk.length - i > MAX_CONTROL_LINE) return this.fail();
          this.keep(chunk, i, chunk.length, MAX_CONTROL_LINE + 2);
          return true;
        }
        if (!this.line(chunk, i, lf)) return this.fail();
        i = lf + 1;
      } else {
        const end = i + this.payloadSize;
        if (end + 2 > chunk.length) {
          this.keep(chunk, i, chunk.length, this.payloadSize + 2);
          return true;
        }
        if (chunk[end] !== CR || chunk[end + 1] !== LF) return this.fail();
        this.state = State.LINE;
        this.events.msg(this.sid, chunk, i, end);
        i = end + 2;
      }
    }
    return true;
  }

  /** Completes the carried line or payload from the start of `chunk`; returns where to go on in it, or -1 when malformed. */
  private finishCarry(chunk: Uint8Array): number {
    const carry = this.carry!;
    if (this.state === State.LINE) {
      const lf = chunk.indexOf(LF);
      const take = lf < 0 ? chunk.length : lf + 1;
      if (this.carryLength + take > carry.length) return -1;
      carry.set(chunk.subarray(0, take), this.carryLength);
      this.carryLength += take;
      if (lf < 0) return chunk.length;
      const length = this.carryLength;
      this.carryLength = 0;
      return this.line(carry, 0, length - 1) ? take : -1;
    }
    const need = this.payloadSize + 2 - this.carryLength;
    const take = Math.min(need, chunk.length);
    carry.set(chunk.subarray(0, take), this.carryLength);
    this.carryLength += take;
    if (take < need) return chunk.length;
    this.carryLength = 0;
    if (carry[this.payloadSize] !== CR || carry[this.payloadSize + 1] !== LF) return -1;
    this.state = State.LINE;
    this.events.msg(this.sid, carry, 0, this.payloadSize);
    return take;
  }

  private keep(chunk: Uint8Array, start: number, end: number, capacity: number): void {
    if (this.carry === undefined || this.carry.length < capacity) this.carry = new Uint8Array(Math.max(capacity, 256));
    this.carry.set(chunk.subarray(start, end), 0);
    this.carryLength = end - start;
  }

  /** One control line, bytes[start..lf) (lf = the index of its LF, which must follow a CR). */
  private line(bytes: Uint8Array, start: number, lf: number): boolean {
    if (lf - start < 1 || bytes[lf - 1] !== CR) return false;
    const end = lf - 1;
    if (startsWith(bytes, start, end, 'MSG')) return this.msgLine(bytes, start + 3, end);
    if (startsWith(bytes, start, end, 'PING')) this.events.ping();
    else if (startsWith(bytes, start, end, 'PONG')) this.events.pong();
    else if (startsWith(bytes, start, end, '+OK')) return true;
    else if (startsWith(bytes, start, end, '-ERR')) this.events.err(text.decode(bytes.subarray(start + 4, end)).trim());
    else if (startsWith(bytes, start, end, 'INFO')) this.events.info(text.decode(bytes.subarray(start + 4, end)).trim());
    else return false;
    return true;
  }

  /** `MSG <subject> <sid> [reply-to] <#bytes>`: bytes[start..end) is everything after `MSG`. */
  private msgLine(bytes: Uint8Array, start: number, end: number): boolean {
    // Token boundaries, without making strings: the subject is skipped, the sid and the size read as numbers.
    let tokens = 0;
    let sid = -1;
    let size = -1;
    let i = start;
    while (i < end) {
      while (i < end && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
      if (i >= end) break;
      const tokenStart = i;
      let value = 0;
      let numeric = true;
      while (i < end && bytes[i] !== SPACE && bytes[i] !== TAB) {
        const c = bytes[i]!;
        if (c < ZERO || c > NINE) numeric = false;
        else value = value * 10 + (c - ZERO);
        i++;
      }
      tokens++;
      if (tokens === 2) sid = numeric && i > tokenStart ? value : -1;
      size = numeric && i > tokenStart ? value : -1;
    }
    if ((tokens !== 3 && tokens !== 4) || sid < 0 || size < 0) return false;
    this.sid = sid;
    this.payloadSize = size;
    this.state = State.PAYLOAD;
    return true;
  }

  private fail(): boolean {
    this.broken = true;
    this.carryLength = 0;
    return false;
  }
}
