/**
 * The exchange side of a MoldUDP64 feed (for the exchange simulator and tests): publishes the messages
 * of a `FeedLog` as MoldUDP64 packets (at most `maxPayloadBytes`, flushed at the end of each appended
 * batch) to channel A and, optionally, the same packets to channel B; sends a heartbeat when idle for
 * `heartbeatIntervalMs`; `endSession()` sends End of Session packets a few times, spaced, in place of
 * heartbeats. A re-request server on its own UDP port answers request packets straight from the log
 * (it holds the whole day), unicast back to the requester; malformed requests are counted and ignored.
 *
 * Loss injection for tests: `dropPacket` decides which data packets are not sent on a channel;
 * `dropRetransmit` which requests are not answered.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import {
  buildMoldUdp64EndOfSession,
  DEFAULT_MOLDUDP64_MAX_PAYLOAD_BYTES,
  encodeMoldUdp64Session,
  ItchError,
  MOLDUDP64_HEADER_LENGTH,
  MOLDUDP64_SESSION_LENGTH,
  MoldUdp64PacketBuilder,
  parseMoldUdp64Request,
  writeMoldUdp64Header,
} from '@tickwire/itch';
import type { MoldUdp64PacketSink, MoldUdp64Request } from '@tickwire/itch';
import { FeedLog } from '../feed-log';
import { checkEndpoint, formatEndpoint, isLoopbackHost, isMulticastIpv4 } from './endpoint';
import type { MoldUdp64Endpoint } from './endpoint';

/** Heartbeat when nothing was sent for this long (ms); the spec says about one a second. */
export const DEFAULT_MOLDUDP64_HEARTBEAT_INTERVAL_MS = 1000;
/** End of Session packets sent by `endSession()`. */
export const DEFAULT_MOLDUDP64_END_OF_SESSION_PACKETS = 5;
/** Spacing of those packets (ms). */
export const DEFAULT_MOLDUDP64_END_OF_SESSION_INTERVAL_MS = 200;
/** Multicast TTL: 1 = the local subnet (0 = this host only). */
export const DEFAULT_MOLDUDP64_MULTICAST_TTL = 1;

export type MoldUdp64Line = 'A' | 'B';

export interface MoldUdp64FeedPublisherOptions {
  /** Session name (<= 10 printable ASCII characters). */
  readonly session: string;
  /** Channel A destination: unicast host:port or multicast group:port. */
  readonly channelA: MoldUdp64Endpoint;
  /** Optional channel B destination; gets the same packets. */
  readonly channelB?: MoldUdp64Endpoint;
  /** Messages to publish (numbered from 1). Default: a new empty log; `append()` fills it. */
  readonly log?: FeedLog;
  /** Local address the sending socket binds (default 127.0.0.1 when every destination is loopback, else 0.0.0.0). */
  readonly bindHost?: string;
  /** Multicast: local interface address to send on (`setMulticastInterface`). */
  readonly multicastInterface?: string;
  /** Multicast TTL, 0..255. Default `DEFAULT_MOLDUDP64_MULTICAST_TTL`. */
  readonly multicastTtl?: number;
  /** Multicast loopback (receivers on this host get the packets). Default true. */
  readonly multicastLoopback?: boolean;
  readonly maxPayloadBytes?: number;
  /** 0 disables heartbeats. Default `DEFAULT_MOLDUDP64_HEARTBEAT_INTERVAL_MS`. */
  readonly heartbeatIntervalMs?: number;
  readonly endOfSessionPackets?: number;
  readonly endOfSessionIntervalMs?: number;
  /** Re-request server address (port 0 = ephemeral), or false for none. Default { host: '0.0.0.0', port: 0 }. */
  readonly requestServer?: { readonly host?: string; readonly port?: number } | false;
  /** Loss injection: return true to not send this data packet on `line`. */
  readonly dropPacket?: (firstSequence: number, count: number, line: MoldUdp64Line) => boolean;
  /** Loss injection: return true to not answer this request. */
  readonly dropRetransmit?: (firstSequence: number, count: number) => boolean;
}

export interface MoldUdp64PublisherCounters {
  /** Datagrams handed to the socket (all channels, data + heartbeat + end of session). */
  packetsSent: number;
  /** Messages published (each counted once, whatever the number of channels). */
  messagesSent: number;
  /** Data packets not sent because `dropPacket` said so (per channel). */
  packetsDropped: number;
  heartbeats: number;
  endOfSessionPackets: number;
  requestsServed: number;
  retransmittedMessages: number;
  /** Requests for messages not published yet, or dropped by `dropRetransmit`. */
  requestsUnanswered: number;
  /** Malformed request packets, or requests for another session. */
  badRequests: number;
  sendErrors: number;
}

interface Destination {
  readonly endpoint: MoldUdp64Endpoint;
  readonly line: MoldUdp64Line;
}

export class MoldUdp64FeedPublisher implements MoldUdp64PacketSink {
  readonly log: FeedLog;
  readonly counters: MoldUdp64PublisherCounters = {
    packetsSent: 0,
    messagesSent: 0,
    packetsDropped: 0,
    heartbeats: 0,
    endOfSessionPackets: 0,
    requestsServed: 0,
    retransmittedMessages: 0,
    requestsUnanswered: 0,
    badRequests: 0,
    sendErrors: 0,
  };
  readonly description: string;
  private readonly session: string;
  private readonly sessionBytes: Uint8Array;
  private readonly builder: MoldUdp64PacketBuilder;
  private readonly destinations: readonly Destination[];
  private readonly maxPayloadBytes: number;
  private readonly heartbeatIntervalMs: number;
  private readonly endOfSessionPackets: number;
  private readonly endOfSessionIntervalMs: number;
  private readonly bindHost: string;
  private readonly multicastInterface: string | undefined;
  private readonly multicastTtl: number;
  private readonly multicastLoopback: boolean;
  private readonly requestServer: { readonly host: string; readonly port: number } | undefined;
  private readonly dropPacket: MoldUdp64FeedPublisherOptions['dropPacket'];
  private readonly dropRetransmit: MoldUdp64FeedPublisherOptions['dropRetransmit'];
  private readonly request: MoldUdp64Request = { sessionOffset: 0, sequence: 0, count: 0 };
  private socket: Socket | undefined;
  private requestSocket: Socket | undefined;
  /** Highest sequence handed to the builder. */
  private published = 0;
  private lastSendMs = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private pendingSends = 0;
  private sentWaiters: (() => void)[] = [];
  private ending = false;
  private closed = false;
  private readonly onSent = (error: Error | null): void => {
    if (error) this.counters.sendErrors++;
    if (--this.pendingSends === 0 && this.sentWaiters.length > 0) {
      const waiters = this.sentWaiters;
      this.sentWaiters = [];
      for (const w of waiters) w();
    }
  };

  constructor(options: MoldUdp64FeedPublisherOptions) {
    this.session = options.session;
    this.sessionBytes = encodeMoldUdp64Session(options.session);
    const a = checkEndpoint(options.channelA, 'channelA', false);
    const b = options.channelB === undefined ? undefined : checkEndpoint(options.channelB, 'channelB', false);
    this.destinations = Object.freeze(b === undefined ? [{ endpoint: a, line: 'A' as const }] : [{ endpoint: a, line: 'A' as const }, { endpoint: b, line: 'B' as const }]);
    this.log = options.log ?? new FeedLog();
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MOLDUDP64_MAX_PAYLOAD_BYTES;
    this.builder = new MoldUdp64PacketBuilder(options.session, this, { maxPayloadBytes: this.maxPayloadBytes, firstSequence: 1 });
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_MOLDUDP64_HEARTBEAT_INTERVAL_MS;
    if (!Number.isInteger(this.heartbeatIntervalMs) || this.heartbeatIntervalMs < 0) throw new RangeError(`heartbeatIntervalMs must be an integer >= 0: ${this.heartbeatIntervalMs}`);
    this.endOfSessionPackets = options.endOfSessionPackets ?? DEFAULT_MOLDUDP64_END_OF_SESSION_PACKETS;
    if (!Number.isInteger(this.endOfSessionPackets) || this.endOfSessionPackets < 1) throw new RangeError(`endOfSessionPackets must be an integer >= 1: ${this.endOfSessionPackets}`);
    this.endOfSessionIntervalMs = options.endOfSessionIntervalMs ?? DEFAULT_MOLDUDP64_END_OF_SESSION_INTERVAL_MS;
    if (!Number.isInteger(this.endOfSessionIntervalMs) || this.endOfSessionIntervalMs < 0) throw new RangeError(`endOfSessionIntervalMs must be an integer >= 0: ${this.endOfSessionIntervalMs}`);
    this.multicastTtl = options.multicastTtl ?? DEFAULT_MOLDUDP64_MULTICAST_TTL;
    if (!Number.isInteger(this.multicastTtl) || this.multicastTtl < 0 || this.multicastTtl > 255) throw new RangeError(`multicastTtl must be an integer in 0..255: ${this.multicastTtl}`);
    this.multicastLoopback = options.multicastLoopback ?? true;
    this.multicastInterface = options.multicastInterface;
    this.bindHost = options.bindHost ?? (this.destinations.every((d) => isLoopbackHost(d.endpoint.host)) ? '127.0.0.1' : '0.0.0.0');
    this.requestServer =
      options.requestServer === false ? undefined : { ...checkEndpoint({ host: options.requestServer?.host ?? '0.0.0.0', port: options.requestServer?.port ?? 0 }, 'requestServer', true) };
    this.dropPacket = options.dropPacket;
    this.dropRetransmit = options.dropRetransmit;
    this.description = `moldudp64 publisher session ${options.session} -> ${this.destinations.map((d) => `${d.line} ${formatEndpoint(d.endpoint)}`).join(', ')}`;
  }

  /** Port of the re-request server once started (undefined without one). */
  get requestPort(): number | undefined {
    return this.requestSocket?.address().port;
  }

  /** Seq of the next message to be published. */
  get nextSequence(): number {
    return this.published + 1;
  }

  /** Binds the sockets, starts heartbeats and publishes every batch the log announces from now on. */
  async start(): Promise<{ requestPort: number | undefined }> {
    if (this.socket) throw new Error('MoldUdp64FeedPublisher.start() called twice');
    const socket = createSocket({ type: 'udp4' });
    this.socket = socket;
    socket.on('error', () => this.counters.sendErrors++);
    await bind(socket, this.bindHost, 0);
    if (this.destinations.some((d) => isMulticastIpv4(d.endpoint.host))) {
      if (this.multicastInterface !== undefined) socket.setMulticastInterface(this.multicastInterface);
      socket.setMulticastTTL(this.multicastTtl);
      socket.setMulticastLoopback(this.multicastLoopback);
    }
    if (this.requestServer !== undefined) {
      const server = createSocket({ type: 'udp4' });
      this.requestSocket = server;
      server.on('message', (message: Buffer, peer: RemoteInfo) => this.onRequest(message, peer));
      server.on('error', () => this.counters.sendErrors++);
      await bind(server, this.requestServer.host, this.requestServer.port);
    }
    this.unsubscribe = this.log.onAppended(() => this.publish());
    this.lastSendMs = Date.now();
    if (this.heartbeatIntervalMs > 0) {
      this.heartbeatTimer = setInterval(() => this.onHeartbeatTick(), Math.max(1, this.heartbeatIntervalMs / 4));
    }
    return { requestPort: this.requestPort };
  }

  /** Appends one message to the log (copied; not sent until `publish()` or `log.notifyAppended()`). */
  append(bytes: Uint8Array, offset = 0, length = bytes.length - offset): number {
    if (MOLDUDP64_HEADER_LENGTH + 2 + length > this.maxPayloadBytes) {
      throw new ItchError('MOLDUDP64_ERR_MESSAGE_TOO_LARGE', `${length} bytes, max payload ${this.maxPayloadBytes}`);
    }
    return this.log.append(bytes, offset, length);
  }

  /** Sends every message appended to the log since the last call, then flushes the last packet. */
  publish(): void {
    if (this.closed || this.ending || this.socket === undefined) return;
    const log = this.log;
    const end = log.size;
    for (let s = this.published + 1; s <= end; s++) {
      this.builder.append(log.message(s)!);
      this.published = s;
      this.counters.messagesSent++;
    }
    this.builder.flush();
  }

  /** Resolves when every datagram handed to the socket so far has been sent (pace bulk publishing with it). */
  whenSent(): Promise<void> {
    if (this.pendingSends === 0) return Promise.resolve();
    return new Promise((resolve) => this.sentWaiters.push(resolve));
  }

  /**
   * Publishes what is left, stops heartbeats and sends `endOfSessionPackets` End of Session packets
   * `endOfSessionIntervalMs` apart. The re-request server keeps answering until `close()`.
   */
  async endSession(): Promise<void> {
    this.publish();
    if (this.ending || this.closed) return;
    this.ending = true;
    this.stopHeartbeats();
    const packet = buildMoldUdp64EndOfSession(this.session, this.published + 1);
    for (let i = 0; i < this.endOfSessionPackets && !this.closed; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, this.endOfSessionIntervalMs));
      if (this.closed) break;
      this.sendAll(packet);
      this.counters.endOfSessionPackets++;
    }
    await this.whenSent();
  }

  /** Stops timers and closes both sockets (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopHeartbeats();
    this.unsubscribe?.();
    await this.whenSent();
    for (const socket of [this.socket, this.requestSocket]) {
      if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
  }

  /** @internal MoldUdp64PacketSink: each packet the builder emits. */
  onPacket(packet: Uint8Array, sequence: number, messageCount: number): void {
    if (messageCount === 0) {
      this.counters.heartbeats++;
      this.sendAll(packet);
      return;
    }
    for (const d of this.destinations) {
      if (this.dropPacket?.(sequence, messageCount, d.line)) {
        this.counters.packetsDropped++;
        continue;
      }
      this.send(packet, d.endpoint);
    }
  }

  private sendAll(packet: Uint8Array): void {
    for (const d of this.destinations) this.send(packet, d.endpoint);
  }

  private send(packet: Uint8Array, to: MoldUdp64Endpoint): void {
    this.counters.packetsSent++;
    this.pendingSends++;
    this.lastSendMs = Date.now();
    this.socket!.send(packet, to.port, to.host, this.onSent);
  }

  private onHeartbeatTick(): void {
    if (this.closed || this.ending) return;
    if (Date.now() - this.lastSendMs >= this.heartbeatIntervalMs) this.builder.heartbeat();
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private onRequest(message: Buffer, peer: RemoteInfo): void {
    if (this.closed) return;
    const r = this.request;
    if (parseMoldUdp64Request(message, 0, message.length, r) !== null || !sessionMatches(message, r.sessionOffset, this.sessionBytes)) {
      this.counters.badRequests++;
      return;
    }
    if (r.sequence > this.published || this.dropRetransmit?.(r.sequence, r.count)) {
      this.counters.requestsUnanswered++;
      return;
    }
    const reply = this.buildReply(r.sequence, r.count);
    this.counters.requestsServed++;
    this.counters.packetsSent++;
    this.pendingSends++;
    this.requestSocket!.send(reply, peer.port, peer.address, this.onSent);
  }

  /** One downstream packet: messages from `sequence`, as many of `count` as are published and fit. */
  private buildReply(sequence: number, count: number): Uint8Array {
    const log = this.log;
    const last = Math.min(sequence + count - 1, this.published);
    let size = MOLDUDP64_HEADER_LENGTH;
    let n = 0;
    while (sequence + n <= last) {
      const m = log.message(sequence + n)!;
      if (size + 2 + m.length > this.maxPayloadBytes) break;
      size += 2 + m.length;
      n++;
    }
    const out = new Uint8Array(size);
    writeMoldUdp64Header(out, 0, this.sessionBytes, sequence, n);
    let at = MOLDUDP64_HEADER_LENGTH;
    for (let k = 0; k < n; k++) {
      const m = log.message(sequence + k)!;
      out[at] = m.length >>> 8;
      out[at + 1] = m.length & 0xff;
      out.set(m, at + 2);
      at += 2 + m.length;
    }
    this.counters.retransmittedMessages += n;
    return out;
  }
}

function sessionMatches(bytes: Uint8Array, at: number, session: Uint8Array): boolean {
  for (let i = 0; i < MOLDUDP64_SESSION_LENGTH; i++) if (bytes[at + i] !== session[i]) return false;
  return true;
}

function bind(socket: Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address, port }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}
