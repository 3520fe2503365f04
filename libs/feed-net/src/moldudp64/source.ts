/**
 * The ingest side of a MoldUDP64 feed: binds channel A (and optionally B) — unicast `host:port`, or a
 * multicast group joined on `multicastInterface` — feeds every datagram to one `MoldUdp64Sequencer`, drives
 * its timers, sends its re-requests from a separate socket to the re-request server and feeds the replies
 * back. Messages reach the `FeedHandler` in order, each once; lost ranges are reported with `onGap`.
 *
 * `start()` resolves once the session ended (End of Session seen and everything before it delivered or
 * declared lost) or on `stop()`; it rejects only when a socket cannot be bound or joined.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { encodeMoldUdp64Session, MoldUdp64Channel } from '@tickwire/itch';
import type { MoldUdp64SequencerOptions, MoldUdp64SequencerStats } from '@tickwire/itch';
import { newFeedCounters } from '../feed-source';
import type { FeedHandler, FeedSource } from '../feed-source';
import { MoldUdp64Delivery } from './delivery';
import type { MoldUdp64DeliveryEvents, PacketLocator } from './delivery';
import { checkEndpoint, formatEndpoint, isLoopbackHost, isMulticastIpv4 } from './endpoint';
import type { MoldUdp64Endpoint } from './endpoint';
import { FEED_ERRORS } from '../errors';

/** Without a re-request server, a gap not filled by the other line within this time is lost (ms). */
export const DEFAULT_MOLDUDP64_GAP_TIMEOUT_MS = 100;
/**
 * With an A/B pair and a re-request server, wait this long before re-requesting (ms): the other line
 * usually fills the gap first. A single line re-requests at once, as the spec's loop does.
 */
export const DEFAULT_MOLDUDP64_AB_REQUEST_DELAY_MS = 10;
/** Socket receive buffer asked of the kernel (capped by `net.core.rmem_max`). */
export const DEFAULT_MOLDUDP64_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export interface MoldUdp64FeedSourceOptions {
  /** Channel A: unicast `host:port` to bind, or a multicast group and its port. Port 0 = ephemeral. */
  readonly channelA: MoldUdp64Endpoint;
  /** Optional channel B (same packets, arbitrated with A). */
  readonly channelB?: MoldUdp64Endpoint;
  /** Re-request server; absent = gaps not filled by the other line are lost after `gapTimeoutMs`. */
  readonly requestServer?: MoldUdp64Endpoint;
  /** Local address of the interface to join multicast groups on (default: the kernel's choice). */
  readonly multicastInterface?: string;
  /** Local address the re-request socket binds (default 127.0.0.1 for a loopback server, else 0.0.0.0). */
  readonly requestBindHost?: string;
  /** Session to accept (default: learned from the first valid packet). */
  readonly session?: string;
  /** First sequence to deliver: 1 (default, the whole session, re-requested if need be) or 'first-packet'. */
  readonly startSequence?: number | 'first-packet';
  /** Re-request tuning, passed to the sequencer (see `@tickwire/itch` defaults). */
  readonly requestTimeoutMs?: number;
  readonly maxRequestAttempts?: number;
  /** Default 0 on one line, `DEFAULT_MOLDUDP64_AB_REQUEST_DELAY_MS` with channel B. */
  readonly requestDelayMs?: number;
  readonly maxMessagesPerRequest?: number;
  readonly maxBufferedMessages?: number;
  /** No re-request server: how long a gap may wait for the other line. Default `DEFAULT_MOLDUDP64_GAP_TIMEOUT_MS`. */
  readonly gapTimeoutMs?: number;
  readonly receiveBufferBytes?: number;
}

export interface MoldUdp64BoundPorts {
  readonly channelA: number;
  readonly channelB: number | undefined;
  /** Local port requests are sent from (replies come back to it); undefined without a server. */
  readonly request: number | undefined;
}

interface ResolvedOptions {
  readonly channelA: MoldUdp64Endpoint;
  readonly channelB: MoldUdp64Endpoint | undefined;
  readonly requestServer: MoldUdp64Endpoint | undefined;
  readonly multicastInterface: string | undefined;
  readonly requestBindHost: string;
  readonly receiveBufferBytes: number;
  readonly sequencer: MoldUdp64SequencerOptions;
}

function positiveInteger(value: number | undefined, field: string, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${field} must be an integer >= ${min}: ${v}`);
  return v;
}

/** Validates the options once (errors name the field); returns them resolved and frozen. */
export function parseMoldUdp64FeedSourceOptions(options: MoldUdp64FeedSourceOptions): ResolvedOptions {
  const channelA = checkEndpoint(options.channelA, 'channelA', true);
  const channelB = options.channelB === undefined ? undefined : checkEndpoint(options.channelB, 'channelB', true);
  const requestServer = options.requestServer === undefined ? undefined : checkEndpoint(options.requestServer, 'requestServer', false);
  const multicast = isMulticastIpv4(channelA.host) || (channelB !== undefined && isMulticastIpv4(channelB.host));
  if (options.multicastInterface !== undefined && !multicast) throw new RangeError('multicastInterface is set but no channel is a multicast group');
  if (options.session !== undefined) encodeMoldUdp64Session(options.session); // throws ItchError naming the problem
  const start = options.startSequence ?? 1;
  if (start !== 'first-packet' && (!Number.isSafeInteger(start) || start < 1)) throw new RangeError(`startSequence must be a positive integer or 'first-packet': ${start}`);
  const sequencer: MoldUdp64SequencerOptions = {
    ...(options.session === undefined ? {} : { session: options.session }),
    ...(start === 'first-packet' ? {} : { startSequence: start }),
    ...(options.maxBufferedMessages === undefined ? {} : { maxBufferedMessages: options.maxBufferedMessages }),
    ...(options.maxMessagesPerRequest === undefined ? {} : { maxMessagesPerRequest: options.maxMessagesPerRequest }),
    ...(requestServer === undefined
      ? { maxRequestAttempts: 0, requestDelayMs: 0, requestTimeoutMs: positiveInteger(options.gapTimeoutMs, 'gapTimeoutMs', DEFAULT_MOLDUDP64_GAP_TIMEOUT_MS) }
      : {
          requestDelayMs: positiveInteger(options.requestDelayMs, 'requestDelayMs', channelB === undefined ? 0 : DEFAULT_MOLDUDP64_AB_REQUEST_DELAY_MS, 0),
          ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
          ...(options.maxRequestAttempts === undefined ? {} : { maxRequestAttempts: options.maxRequestAttempts }),
        }),
  };
  return Object.freeze({
    channelA,
    channelB,
    requestServer,
    multicastInterface: options.multicastInterface,
    requestBindHost: options.requestBindHost ?? (requestServer !== undefined && isLoopbackHost(requestServer.host) ? '127.0.0.1' : '0.0.0.0'),
    receiveBufferBytes: positiveInteger(options.receiveBufferBytes, 'receiveBufferBytes', DEFAULT_MOLDUDP64_RECEIVE_BUFFER_BYTES),
    sequencer: Object.freeze(sequencer),
  });
}

const CHANNEL_NAMES = ['A', 'B', 'retransmit'] as const;

/** A socket error: `start()` rejects with it when binding or joining fails. */
export class MoldUdp64SocketError extends Error {
  readonly code = 'FEED_ERR_SOCKET_FAILED';
  constructor(
    readonly where: string,
    cause: unknown,
  ) {
    super(`${FEED_ERRORS.FEED_ERR_SOCKET_FAILED}: ${where}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MoldUdp64SocketError';
  }
}

function now(): number {
  return performance.now();
}

export class MoldUdp64FeedSource implements FeedSource, PacketLocator, MoldUdp64DeliveryEvents {
  readonly counters = newFeedCounters();
  readonly description: string;
  private readonly options: ResolvedOptions;
  private delivery: MoldUdp64Delivery | undefined;
  private handler: FeedHandler | undefined;
  private sockets: Socket[] = [];
  private requestSocket: Socket | undefined;
  private closing = false;
  private started = false;
  /** Peer of the datagram being processed (for error reports). */
  private peer: RemoteInfo | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private finish: (() => void) | undefined;
  private bound: { resolve: (ports: MoldUdp64BoundPorts) => void; reject: (error: unknown) => void; promise: Promise<MoldUdp64BoundPorts> };
  private readonly onTimerFired = (): void => this.fireTimer();

  constructor(options: MoldUdp64FeedSourceOptions) {
    this.options = parseMoldUdp64FeedSourceOptions(options);
    const o = this.options;
    this.description =
      `moldudp64://${formatEndpoint(o.channelA)}` +
      (o.channelB ? ` B ${formatEndpoint(o.channelB)}` : '') +
      (o.requestServer ? ` re-request ${formatEndpoint(o.requestServer)}` : ' (no re-request server)') +
      (o.sequencer.session !== undefined ? ` session ${o.sequencer.session}` : '');
    let resolve!: (ports: MoldUdp64BoundPorts) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<MoldUdp64BoundPorts>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined); // observed through start() as well
    this.bound = { resolve, reject, promise };
  }

  /** The sequencer's detailed stats (per channel packets, first copies, duplicates), once started. */
  get stats(): MoldUdp64SequencerStats | undefined {
    return this.delivery?.sequencer.stats;
  }

  /** Resolves with the bound ports once `start()` has bound every socket (rejects if binding failed). */
  whenBound(): Promise<MoldUdp64BoundPorts> {
    return this.bound.promise;
  }

  async start(handler: FeedHandler): Promise<void> {
    if (this.started) throw new Error('MoldUdp64FeedSource.start() called twice');
    this.started = true;
    this.handler = handler;
    this.delivery = new MoldUdp64Delivery(handler, this.counters, this, this, this.options.sequencer);
    const ended = new Promise<void>((resolve) => (this.finish = resolve));
    handler.onStatus?.('connecting', this.description);
    let ports: MoldUdp64BoundPorts;
    try {
      ports = await this.bindAll();
    } catch (error) {
      this.closeSockets();
      this.bound.reject(error);
      throw error;
    }
    if (this.closing) {
      this.closeSockets();
      return;
    }
    this.bound.resolve(ports);
    handler.onStatus?.('connected', this.description);
    await ended;
  }

  async stop(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.closeSockets();
    this.finish?.();
  }

  private async bindAll(): Promise<MoldUdp64BoundPorts> {
    const o = this.options;
    const a = await this.bindChannel(o.channelA, MoldUdp64Channel.A);
    const b = o.channelB === undefined ? undefined : await this.bindChannel(o.channelB, MoldUdp64Channel.B);
    let request: number | undefined;
    if (o.requestServer !== undefined) {
      const socket = createSocket({ type: 'udp4', recvBufferSize: o.receiveBufferBytes });
      this.sockets.push(socket);
      this.listen(socket, MoldUdp64Channel.RETRANSMIT);
      await this.bindSocket(socket, { address: o.requestBindHost, port: 0 }, `re-request socket ${o.requestBindHost}:0`);
      this.requestSocket = socket;
      request = socket.address().port;
    }
    return Object.freeze({ channelA: a, channelB: b, request });
  }

  private async bindChannel(endpoint: MoldUdp64Endpoint, channel: MoldUdp64Channel): Promise<number> {
    const multicast = isMulticastIpv4(endpoint.host);
    const socket = createSocket({ type: 'udp4', reuseAddr: multicast, recvBufferSize: this.options.receiveBufferBytes });
    this.sockets.push(socket);
    this.listen(socket, channel);
    const where = `channel ${CHANNEL_NAMES[channel]} ${formatEndpoint(endpoint)}`;
    // Multicast: bind the group address itself where the OS allows it (Linux, macOS) so that only that
    // group's datagrams arrive on the port; Windows needs the wildcard address.
    const address = multicast && process.platform === 'win32' ? '0.0.0.0' : endpoint.host;
    await this.bindSocket(socket, { address, port: endpoint.port, exclusive: !multicast }, where);
    if (multicast) {
      try {
        socket.addMembership(endpoint.host, this.options.multicastInterface);
      } catch (error) {
        throw new MoldUdp64SocketError(`${where}: join on interface ${this.options.multicastInterface ?? '(default)'}`, error);
      }
    }
    return socket.address().port;
  }

  private bindSocket(socket: Socket, options: { address: string; port: number; exclusive?: boolean }, where: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(new MoldUdp64SocketError(where, error));
      socket.once('error', onError);
      socket.bind(options, () => {
        socket.off('error', onError);
        resolve();
      });
    });
  }

  private listen(socket: Socket, channel: MoldUdp64Channel): void {
    socket.on('message', (message: Buffer, peer: RemoteInfo) => this.onDatagram(channel, message, peer));
    socket.on('error', (error: Error) => this.onSocketError(channel, error));
  }

  private onDatagram(channel: MoldUdp64Channel, message: Buffer, peer: RemoteInfo): void {
    if (this.closing) return;
    this.peer = peer;
    this.delivery!.packet(channel, message, 0, message.length, now());
    this.schedule();
  }

  private onSocketError(channel: MoldUdp64Channel, error: Error): void {
    if (this.closing || !this.handler) return;
    this.counters.errors++;
    this.handler.onError('FEED_ERR_SOCKET_FAILED', `channel ${CHANNEL_NAMES[channel]}`, error.message);
  }

  /** @internal PacketLocator */
  locate(channel: MoldUdp64Channel, offsetInPacket: number): string {
    const peer = this.peer;
    return `channel ${CHANNEL_NAMES[channel]} from ${peer ? `${peer.address}:${peer.port}` : '?'} byte ${offsetInPacket}`;
  }

  /** @internal MoldUdp64DeliveryEvents */
  sendRequest(packet: Uint8Array): void {
    const server = this.options.requestServer;
    if (this.closing || this.requestSocket === undefined || server === undefined) return;
    this.requestSocket.send(packet, server.port, server.host, this.onRequestSent);
  }

  private readonly onRequestSent = (error: Error | null): void => {
    if (error && !this.closing) this.onSocketError(MoldUdp64Channel.RETRANSMIT, error);
  };

  /** @internal MoldUdp64DeliveryEvents */
  onSessionEnded(): void {
    if (this.closing) return;
    this.closing = true;
    const handler = this.handler!;
    handler.onStatus?.('ended', this.description);
    handler.onEndOfSession();
    this.closeSockets();
    this.finish?.();
  }

  /** Keeps one timer armed at the sequencer's next deadline. */
  private schedule(): void {
    if (this.closing) return;
    const at = this.delivery!.sequencer.nextTimerMs();
    if (at === this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === Infinity) return;
    this.timer = setTimeout(this.onTimerFired, Math.max(1, Math.ceil(at - now())));
  }

  private fireTimer(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.closing) return;
    this.delivery!.timer(now());
    this.schedule();
  }

  private closeSockets(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    for (const socket of this.sockets) {
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
    this.sockets = [];
    this.requestSocket = undefined;
  }
}
