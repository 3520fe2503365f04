/**
 * MoldUDP64 receiver (the spec's loop: learn the session from the first packet, on a sequence gap send a
 * request, process, handle End of Session), with A/B line arbitration. A pure state machine: the caller
 * feeds packets from each channel (`onPacket`), calls `onTimer` at `nextTimerMs()`, sends the request
 * packets it is handed to the re-request server and feeds the replies back on `MoldUdp64Channel.RETRANSMIT`.
 *
 * Guarantees: messages are delivered strictly in sequence order, each exactly once; the first copy of a
 * sequence number wins, later copies (other channel, retransmission, replays) are counted as duplicates.
 * Packets ahead of a gap are buffered (a copy, bounded by `maxBufferedMessages`). A gap is re-requested in
 * chunks (the reply holds what fits; the rest is asked for at once), each request retried after
 * `requestTimeoutMs`, up to `maxRequestAttempts` times without progress; then, or when the buffer
 * overflows, the gap is declared unrecoverable (`onUnrecoverableGap(from, to)`, inclusive), skipped, and
 * delivery goes on. In-order packets are delivered straight from the caller's bytes (zero copy).
 *
 * Sequence numbers are JS numbers (exact below 2^53; larger ones are rejected as bad packets).
 * Handlers must not call back into the sequencer.
 */
import { ItchError } from '../errors';
import type { ItchErrorCode } from '../errors';
import { buildMoldUdp64Request, encodeMoldUdp64Session, MOLDUDP64_MAX_MESSAGE_COUNT, MOLDUDP64_SESSION_LENGTH, MoldUdp64Packet } from './packet';
import { SequenceRanges } from './sequence-ranges';

/** Where a packet came from. */
export const MoldUdp64Channel = {
  A: 0,
  B: 1,
  /** Replies from the re-request server. */
  RETRANSMIT: 2,
} as const;
export type MoldUdp64Channel = (typeof MoldUdp64Channel)[keyof typeof MoldUdp64Channel];

export interface MoldUdp64SequencerHandler {
  /** Next message in order. Bytes are valid only during the call. */
  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void;
  /** A request packet (fresh array) to send to the re-request server. */
  sendRequest(packet: Uint8Array): void;
  /** Messages `fromSequence..toSequence` (inclusive) will never be delivered; delivery resumes after them. */
  onUnrecoverableGap(fromSequence: number, toSequence: number): void;
  /** Session learned from the first valid packet. */
  onSession?(session: string): void;
  /** End of Session seen and every message before it delivered or declared lost (called once). */
  onEndOfSession?(nextSequence: number): void;
  /** A packet failed validation (counted in `stats.badPackets`). */
  onBadPacket?(code: ItchErrorCode, channel: MoldUdp64Channel, errorOffset: number): void;
}

/** Wait for a re-request reply this long before asking again (ms). */
export const DEFAULT_MOLDUDP64_REQUEST_TIMEOUT_MS = 250;
/** Requests sent for a gap without progress before it is declared unrecoverable. */
export const DEFAULT_MOLDUDP64_MAX_REQUEST_ATTEMPTS = 5;
/**
 * Wait this long after a gap appears before the first request (ms). 0 = at once, as the spec's loop does;
 * with A/B feeds a few ms lets the other line fill the gap first and saves requests.
 */
export const DEFAULT_MOLDUDP64_REQUEST_DELAY_MS = 0;
/** Messages held ahead of a gap before the gap is declared unrecoverable. */
export const DEFAULT_MOLDUDP64_MAX_BUFFERED_MESSAGES = 100_000;

export interface MoldUdp64SequencerOptions {
  /** Session to accept; when absent it is learned from the first valid packet. */
  readonly session?: string;
  /** First sequence to deliver (1 = the whole session); when absent, the first packet's sequence. */
  readonly startSequence?: number;
  readonly requestTimeoutMs?: number;
  readonly maxRequestAttempts?: number;
  readonly requestDelayMs?: number;
  readonly maxBufferedMessages?: number;
  /** Largest count asked for in one request (1..65534, default 65534). */
  readonly maxMessagesPerRequest?: number;
}

export interface MoldUdp64ChannelStats {
  packets: number;
  /** Messages whose first copy came on this channel. */
  firstCopies: number;
  duplicates: number;
}

export interface MoldUdp64SequencerStats {
  delivered: number;
  duplicates: number;
  gapsDetected: number;
  /** Messages whose first copy came from the re-request server. */
  recovered: number;
  unrecoverableGaps: number;
  unrecoverableMessages: number;
  requestsSent: number;
  badPackets: number;
  otherSession: number;
  heartbeats: number;
  /** Indexed by `MoldUdp64Channel`. */
  channels: [MoldUdp64ChannelStats, MoldUdp64ChannelStats, MoldUdp64ChannelStats];
}

function positiveInt(value: number, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `${field} must be an integer in ${min}..${max}: ${value}`);
  return value;
}

export class MoldUdp64Sequencer {
  readonly stats: MoldUdp64SequencerStats = {
    delivered: 0,
    duplicates: 0,
    gapsDetected: 0,
    recovered: 0,
    unrecoverableGaps: 0,
    unrecoverableMessages: 0,
    requestsSent: 0,
    badPackets: 0,
    otherSession: 0,
    heartbeats: 0,
    channels: [
      { packets: 0, firstCopies: 0, duplicates: 0 },
      { packets: 0, firstCopies: 0, duplicates: 0 },
      { packets: 0, firstCopies: 0, duplicates: 0 },
    ],
  };

  private readonly view = new MoldUdp64Packet();
  private sessionBytes: Uint8Array | null;
  private _session = '';
  private readonly requestTimeoutMs: number;
  private readonly maxRequestAttempts: number;
  private readonly requestDelayMs: number;
  private readonly maxBuffered: number;
  private readonly maxPerRequest: number;
  private readonly startSequence: number;

  /** Next sequence to deliver; 0 until the first packet (or `startSequence`). */
  private expected: number;
  /** One past the highest sequence known to exist (from data, heartbeats, end of session). */
  private known = 0;
  private readonly buffer = new Map<number, Uint8Array>();
  private readonly held = new SequenceRanges();

  private inGap = false;
  private gapFrom = 0;
  private gapSinceMs = 0;
  private attempts = 0;
  private lastRequestMs = 0;

  private endSequence = -1;
  private endReported = false;

  constructor(
    private readonly handler: MoldUdp64SequencerHandler,
    options: MoldUdp64SequencerOptions = {},
  ) {
    this.sessionBytes = options.session === undefined ? null : encodeMoldUdp64Session(options.session);
    if (options.session !== undefined) this._session = options.session.replace(/ +$/, '');
    this.requestTimeoutMs = positiveInt(options.requestTimeoutMs ?? DEFAULT_MOLDUDP64_REQUEST_TIMEOUT_MS, 'requestTimeoutMs', 1);
    this.maxRequestAttempts = positiveInt(options.maxRequestAttempts ?? DEFAULT_MOLDUDP64_MAX_REQUEST_ATTEMPTS, 'maxRequestAttempts', 0);
    this.requestDelayMs = positiveInt(options.requestDelayMs ?? DEFAULT_MOLDUDP64_REQUEST_DELAY_MS, 'requestDelayMs', 0);
    this.maxBuffered = positiveInt(options.maxBufferedMessages ?? DEFAULT_MOLDUDP64_MAX_BUFFERED_MESSAGES, 'maxBufferedMessages', 1);
    this.maxPerRequest = positiveInt(options.maxMessagesPerRequest ?? MOLDUDP64_MAX_MESSAGE_COUNT, 'maxMessagesPerRequest', 1, MOLDUDP64_MAX_MESSAGE_COUNT);
    this.startSequence = options.startSequence === undefined ? 0 : positiveInt(options.startSequence, 'startSequence', 1);
    this.expected = this.startSequence;
  }

  /** Session name ('' until learned). */
  get session(): string {
    return this._session;
  }
  /** Next sequence number to deliver (0 before the first packet when no `startSequence` was given). */
  get nextSequence(): number {
    return this.expected;
  }
  /** Messages held ahead of a gap. */
  get bufferedMessages(): number {
    return this.buffer.size;
  }
  /** True when End of Session was reached (all messages before it delivered or declared lost). */
  get ended(): boolean {
    return this.endReported;
  }

  /** One UDP payload received on `channel`. */
  onPacket(channel: MoldUdp64Channel, bytes: Uint8Array, offset: number, length: number, nowMs: number): void {
    const ch = this.stats.channels[channel];
    ch.packets++;
    const v = this.view;
    const err = v.wrap(bytes, offset, length);
    if (err !== null) {
      this.stats.badPackets++;
      this.handler.onBadPacket?.(err, channel, v.errorOffset);
      return;
    }
    if (this.sessionBytes === null) {
      this.sessionBytes = bytes.slice(offset, offset + MOLDUDP64_SESSION_LENGTH);
      this._session = v.session();
      this.handler.onSession?.(this._session);
    } else if (!v.sessionEquals(this.sessionBytes)) {
      this.stats.otherSession++;
      return;
    }
    const seq = v.sequence;
    if (this.expected === 0) this.expected = seq > 0 ? seq : 1;
    if (v.messageCount === 0) {
      if (v.kind === 'end-of-session') {
        if (seq > this.endSequence) this.endSequence = seq;
      } else this.stats.heartbeats++;
      if (seq > this.known) this.known = seq;
    } else {
      this.onData(channel, ch, bytes, seq, v.messageCount, v.blocksOffset);
    }
    this.service(nowMs);
  }

  /** Drives re-requests and gap give-up; call at or after `nextTimerMs()`. */
  onTimer(nowMs: number): void {
    this.service(nowMs);
  }

  /** When `onTimer` next has work to do (`Infinity` when no gap is open). */
  nextTimerMs(): number {
    if (!this.inGap) return Infinity;
    if (this.attempts === 0) {
      return this.maxRequestAttempts === 0 ? this.gapSinceMs + this.requestDelayMs + this.requestTimeoutMs : this.gapSinceMs + this.requestDelayMs;
    }
    return this.lastRequestMs + this.requestTimeoutMs;
  }

  private onData(channel: MoldUdp64Channel, ch: MoldUdp64ChannelStats, bytes: Uint8Array, seq: number, count: number, blocks: number): void {
    const end = seq + count;
    if (end > this.known) this.known = end;
    const stats = this.stats;
    if (end <= this.expected) {
      stats.duplicates += count;
      ch.duplicates += count;
      return;
    }
    const retransmit = channel === MoldUdp64Channel.RETRANSMIT;
    let copy: Uint8Array | null = null;
    let pos = blocks;
    for (let i = 0; i < count; i++) {
      const len = (bytes[pos]! << 8) | bytes[pos + 1]!;
      const s = seq + i;
      const at = pos + 2;
      pos = at + len;
      if (s < this.expected) {
        stats.duplicates++;
        ch.duplicates++;
        continue;
      }
      if (s > this.expected) {
        if (this.buffer.has(s)) {
          stats.duplicates++;
          ch.duplicates++;
          continue;
        }
        if (this.buffer.size >= this.maxBuffered) this.overflow(s);
        if (s > this.expected) {
          ch.firstCopies++;
          if (retransmit) stats.recovered++;
          if (copy === null) copy = bytes.slice(blocks, blocks + (this.view.offset + this.view.length - blocks));
          this.buffer.set(s, copy.subarray(at - blocks, at - blocks + len));
          this.held.add(s, s + 1);
          continue;
        }
      }
      // s === expected
      const held = this.buffer.size > 0 ? this.buffer.get(s) : undefined;
      if (held !== undefined) {
        stats.duplicates++;
        ch.duplicates++;
        this.buffer.delete(s);
        this.held.removeBelow(s + 1);
        this.deliver(s, held, 0, held.length);
      } else {
        ch.firstCopies++;
        if (retransmit) stats.recovered++;
        this.deliver(s, bytes, at, len);
      }
    }
    this.drain();
  }

  private deliver(seq: number, bytes: Uint8Array, offset: number, length: number): void {
    this.expected = seq + 1;
    this.stats.delivered++;
    this.handler.onMessage(seq, bytes, offset, length);
  }

  /** Delivers buffered messages that are now in order. */
  private drain(): void {
    if (this.buffer.size === 0) return;
    let m = this.buffer.get(this.expected);
    if (m === undefined) return;
    while (m !== undefined) {
      const s = this.expected;
      this.buffer.delete(s);
      this.deliver(s, m, 0, m.length);
      m = this.buffer.get(this.expected);
    }
    this.held.removeBelow(this.expected);
  }

  /** The buffer is full while message `s` waits to be held: give up on gaps below it until there is room. */
  private overflow(s: number): void {
    while (this.buffer.size >= this.maxBuffered && s > this.expected) {
      const first = this.held.first;
      this.giveUp(first < s ? first : s);
      this.drain();
    }
  }

  private giveUp(runEnd: number): void {
    const from = this.expected;
    const to = runEnd - 1;
    this.expected = runEnd;
    this.inGap = false;
    this.stats.unrecoverableGaps++;
    this.stats.unrecoverableMessages += to - from + 1;
    this.handler.onUnrecoverableGap(from, to);
  }

  private request(runEnd: number, nowMs: number): void {
    const n = runEnd - this.expected;
    this.attempts++;
    this.lastRequestMs = nowMs;
    this.stats.requestsSent++;
    this.handler.sendRequest(buildMoldUdp64Request(this.sessionBytes!, this.expected, n < this.maxPerRequest ? n : this.maxPerRequest));
  }

  private service(nowMs: number): void {
    for (;;) {
      if (this.expected === 0 || this.expected >= this.known) {
        this.inGap = false;
        break;
      }
      // A gap starts at `expected` (drain() already delivered anything held there).
      const first = this.held.first;
      const runEnd = first < this.known ? first : this.known;
      if (!this.inGap) {
        this.inGap = true;
        this.stats.gapsDetected++;
        this.gapFrom = 0;
      }
      if (this.gapFrom !== this.expected) {
        // New gap, or progress on the current one: the clock and the attempts start again.
        this.gapFrom = this.expected;
        this.gapSinceMs = nowMs;
        this.attempts = 0;
      }
      if (this.attempts === 0) {
        if (this.maxRequestAttempts === 0) {
          if (nowMs - this.gapSinceMs < this.requestDelayMs + this.requestTimeoutMs) break;
          this.giveUp(runEnd);
          this.drain();
          continue;
        }
        if (nowMs - this.gapSinceMs < this.requestDelayMs) break;
        this.request(runEnd, nowMs);
        break;
      }
      if (nowMs - this.lastRequestMs < this.requestTimeoutMs) break;
      if (this.attempts >= this.maxRequestAttempts) {
        this.giveUp(runEnd);
        this.drain();
        continue;
      }
      this.request(runEnd, nowMs);
      break;
    }
    if (!this.endReported && this.endSequence >= 0 && this.expected >= this.endSequence && !this.inGap) {
      this.endReported = true;
      this.handler.onEndOfSession?.(this.endSequence);
    }
  }
}
