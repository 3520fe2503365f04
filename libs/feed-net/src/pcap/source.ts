/**
 * Replays a capture (pcap or pcapng, plain or gzip, detected by magic bytes) of a MoldUDP64 feed: streams
 * the file through `PcapReader`, keeps the UDP datagrams that pass the destination port/address filter and
 * feeds their payloads to a `MoldUdp64Sequencer` (no re-request server), which delivers to the handler in
 * MoldUDP64 sequence order.
 *
 * Gaps: a file has no one to re-request from, and wall-clock time means nothing while reading it, so the
 * sequencer runs on a virtual clock that ticks once per datagram fed. A gap waits `reorderWindowPackets`
 * more datagrams (a merged A/B capture may hold the other line's copy a little later), then is declared
 * unrecoverable and reported once with `onGap`; 0 = at once. At the end of the file any gap still open is
 * closed, and `onEndOfSession` is called once (End of Session packet, or end of file).
 */
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ITCH_ERRORS, MoldUdp64Channel, parseIpv4, PcapReader } from '@tickwire/itch';
import type { ItchErrorCode, MoldUdp64SequencerStats, PcapReaderStats, PcapUdpDatagram } from '@tickwire/itch';
import { isGzipFile } from '../file/binary-file-source';
import { newFeedCounters } from '../feed-source';
import type { FeedHandler, FeedSource } from '../feed-source';
import { MoldUdp64Delivery } from '../moldudp64/delivery';
import type { MoldUdp64DeliveryEvents, PacketLocator } from '../moldudp64/delivery';

/** Datagrams a gap may wait for the other line's copy before it is declared lost. */
export const DEFAULT_PCAP_REORDER_WINDOW_PACKETS = 16;
/** Read chunk size (bytes). */
export const DEFAULT_PCAP_CHUNK_BYTES = 1 << 20;

export interface PcapFeedSourceOptions {
  /** Keep only UDP datagrams to these destination ports (default: all). */
  readonly dstPort?: number | readonly number[];
  /** Keep only UDP datagrams to these IPv4 destination addresses (default: all). */
  readonly dstAddress?: string | readonly string[];
  /** Session to accept (default: learned from the first valid packet). */
  readonly session?: string;
  /** First sequence to deliver: a number, or 'first-packet' (default: a capture starts where it starts). */
  readonly startSequence?: number | 'first-packet';
  readonly reorderWindowPackets?: number;
  readonly maxBufferedMessages?: number;
  readonly chunkBytes?: number;
}

export interface PcapFeedStats {
  reader: PcapReaderStats;
  /** UDP datagrams dropped by the port/address filter. */
  filtered: number;
  /** UDP datagrams fed to the sequencer. */
  fed: number;
}

function list<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

export class PcapFeedSource implements FeedSource, PacketLocator, MoldUdp64DeliveryEvents {
  readonly counters = newFeedCounters();
  readonly description: string;
  private readonly ports: ReadonlySet<number>;
  private readonly addresses: ReadonlySet<number>;
  private readonly window: number;
  private readonly chunkBytes: number;
  private readonly sequencerOptions: { session?: string; startSequence?: number; maxBufferedMessages?: number };
  private delivery: MoldUdp64Delivery | undefined;
  private handler: FeedHandler | undefined;
  private reader: PcapReader | undefined;
  private filtered = 0;
  private fed = 0;
  private frameIndex = 0;
  private ended = false;
  private stopped = false;
  private abort: AbortController | undefined;

  constructor(
    private readonly path: string,
    options: PcapFeedSourceOptions = {},
  ) {
    const ports = list(options.dstPort);
    for (const p of ports) if (!Number.isInteger(p) || p < 0 || p > 65535) throw new RangeError(`dstPort must be an integer in 0..65535: ${p}`);
    this.ports = new Set(ports);
    this.addresses = new Set(list(options.dstAddress).map((a) => parseIpv4(a)));
    this.window = options.reorderWindowPackets ?? DEFAULT_PCAP_REORDER_WINDOW_PACKETS;
    if (!Number.isInteger(this.window) || this.window < 0) throw new RangeError(`reorderWindowPackets must be an integer >= 0: ${this.window}`);
    this.chunkBytes = options.chunkBytes ?? DEFAULT_PCAP_CHUNK_BYTES;
    if (!Number.isInteger(this.chunkBytes) || this.chunkBytes < 1) throw new RangeError(`chunkBytes must be a positive integer: ${this.chunkBytes}`);
    const start = options.startSequence ?? 'first-packet';
    if (start !== 'first-packet' && (!Number.isSafeInteger(start) || start < 1)) throw new RangeError(`startSequence must be a positive integer or 'first-packet': ${start}`);
    this.sequencerOptions = {
      ...(options.session === undefined ? {} : { session: options.session }),
      ...(start === 'first-packet' ? {} : { startSequence: start }),
      ...(options.maxBufferedMessages === undefined ? {} : { maxBufferedMessages: options.maxBufferedMessages }),
    };
    const filter = [...(ports.length ? [`port ${ports.join(',')}`] : []), ...(this.addresses.size ? [`dst ${list(options.dstAddress).join(',')}`] : [])];
    this.description = `pcap file://${path}${filter.length ? ` (${filter.join(' ')})` : ''}`;
  }

  /** Reader, filter and sequencer stats (after or during `start()`). */
  get stats(): { capture: PcapFeedStats; sequencer: MoldUdp64SequencerStats | undefined } {
    return {
      capture: { reader: this.reader?.stats ?? { frames: 0, udp: 0, skipped: { 'not-ipv4': 0, 'not-udp': 0, 'ip-fragment': 0, malformed: 0, 'unsupported-link-type': 0 } }, filtered: this.filtered, fed: this.fed },
      sequencer: this.delivery?.sequencer.stats,
    };
  }

  async start(handler: FeedHandler): Promise<void> {
    if (this.delivery) throw new Error('PcapFeedSource.start() called twice');
    // Virtual clock: one tick per datagram; with maxRequestAttempts 0 a gap is given up when the clock has
    // advanced requestTimeoutMs past the tick the gap appeared at (see onDatagram).
    const delivery = new MoldUdp64Delivery(handler, this.counters, this, this, {
      ...this.sequencerOptions,
      maxRequestAttempts: 0,
      requestDelayMs: 0,
      requestTimeoutMs: this.window + 1,
    });
    this.delivery = delivery;
    this.handler = handler;
    const reader = new PcapReader({
      onUdp: (d) => this.onDatagram(d),
      onError: (code: ItchErrorCode, offset: number) => {
        this.counters.errors++;
        handler.onError(code, `${this.path} byte ${offset}`, ITCH_ERRORS[code].message);
      },
    });
    this.reader = reader;
    handler.onStatus?.('connected', this.description);
    this.abort = new AbortController();
    const abort = this.abort;
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        reader.push(chunk);
        // Stop reading once the session ended or the reader gave up on the file.
        if (this.ended || reader.stopped) abort.abort();
        callback();
      },
    });
    try {
      const gzip = await isGzipFile(this.path);
      const input = createReadStream(this.path, { highWaterMark: this.chunkBytes });
      if (gzip) await pipeline(input, createGunzip({ chunkSize: this.chunkBytes }), sink, { signal: this.abort.signal });
      else await pipeline(input, sink, { signal: this.abort.signal });
      reader.end();
    } catch (error) {
      if (!this.stopped && !this.ended && !reader.stopped) {
        this.counters.errors++;
        handler.onError('FEED_ERR_READ_FAILED', this.path, String(error));
      }
    }
    if (this.stopped) return;
    // End of file: whatever is still missing below the highest known sequence will never come. Each
    // step closes at least one gap (a gap opened by the previous give-up needs the clock to move again).
    let clock = this.fed;
    for (let next = delivery.sequencer.nextTimerMs(); !this.ended && next !== Infinity; next = delivery.sequencer.nextTimerMs()) {
      clock = Math.max(clock + 1, next);
      delivery.timer(clock);
    }
    if (!this.ended) this.onSessionEnded();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
  }

  private onDatagram(d: PcapUdpDatagram): void {
    if (this.ended) return;
    if ((this.ports.size > 0 && !this.ports.has(d.dstPort)) || (this.addresses.size > 0 && !this.addresses.has(d.dstIp))) {
      this.filtered++;
      return;
    }
    const tick = ++this.fed;
    this.frameIndex = d.frameIndex;
    const delivery = this.delivery!;
    delivery.packet(MoldUdp64Channel.A, d.bytes, d.offset, d.length, tick);
    // Closes a gap that has waited `window` datagrams (the one that revealed it counts as 0).
    if (!this.ended && delivery.sequencer.nextTimerMs() <= tick + 1) delivery.timer(tick + 1);
  }

  /** @internal PacketLocator */
  locate(_channel: MoldUdp64Channel, offsetInPacket: number): string {
    return `${this.path} frame ${this.frameIndex} payload byte ${offsetInPacket}`;
  }

  /** @internal MoldUdp64DeliveryEvents: never called (no re-request server). */
  sendRequest(): void {}

  /** @internal MoldUdp64DeliveryEvents */
  onSessionEnded(): void {
    if (this.ended) return;
    this.ended = true;
    const handler = this.handler!;
    handler.onStatus?.('ended', this.description);
    handler.onEndOfSession();
  }
}
