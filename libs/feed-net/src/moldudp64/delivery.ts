/**
 * The bridge between a `MoldUdp64Sequencer` and a `FeedHandler`, shared by the live UDP source and the
 * pcap replay: maps the sequencer's callbacks (in-order messages, unrecoverable gaps, bad packets, end of
 * session) to the feed contract, reports packets from another session, and keeps `FeedCounters` in step
 * with the sequencer's stats. The transport says where each packet came from through a `PacketLocator`,
 * asked only when something must be reported (no string is built per packet).
 */
import { decodeMoldUdp64Session, ITCH_ERRORS, MoldUdp64Sequencer } from '@tickwire/itch';
import type { ItchErrorCode, MoldUdp64Channel, MoldUdp64SequencerHandler, MoldUdp64SequencerOptions } from '@tickwire/itch';
import type { FeedCounters, FeedHandler } from '../feed-source';
import { FEED_ERRORS } from '../errors';

/** Describes the packet being processed (channel, peer or capture frame) and an offset in it. */
export interface PacketLocator {
  locate(channel: MoldUdp64Channel, offsetInPacket: number): string;
}

export interface MoldUdp64DeliveryEvents {
  /** A request packet to send to the re-request server (never called without one). */
  sendRequest(packet: Uint8Array): void;
  /** The sequencer reached End of Session (everything before it delivered or declared lost). */
  onSessionEnded(): void;
}

export class MoldUdp64Delivery implements MoldUdp64SequencerHandler {
  readonly sequencer: MoldUdp64Sequencer;
  private packetOffset = 0;
  private packetLength = 0;

  constructor(
    private readonly handler: FeedHandler,
    private readonly counters: FeedCounters,
    private readonly locator: PacketLocator,
    private readonly events: MoldUdp64DeliveryEvents,
    options: MoldUdp64SequencerOptions,
  ) {
    this.sequencer = new MoldUdp64Sequencer(this, options);
  }

  /** Feeds one UDP payload; returns after the sequencer delivered what it could. */
  packet(channel: MoldUdp64Channel, bytes: Uint8Array, offset: number, length: number, nowMs: number): void {
    const stats = this.sequencer.stats;
    const otherSession = stats.otherSession;
    this.packetLength = length;
    this.packetOffset = offset;
    this.sequencer.onPacket(channel, bytes, offset, length, nowMs);
    if (stats.otherSession !== otherSession) {
      this.counters.errors++;
      this.handler.onError(
        'FEED_ERR_WRONG_SESSION',
        this.locator.locate(channel, 0),
        `${FEED_ERRORS.FEED_ERR_WRONG_SESSION}: ${JSON.stringify(decodeMoldUdp64Session(bytes, offset))}, expected ${JSON.stringify(this.sequencer.session)}`,
      );
    }
    this.syncCounters();
  }

  timer(nowMs: number): void {
    this.sequencer.onTimer(nowMs);
    this.syncCounters();
  }

  /** Copies the sequencer's recovery stats into the feed counters. */
  syncCounters(): void {
    const s = this.sequencer.stats;
    const c = this.counters;
    c.gapsDetected = s.gapsDetected;
    c.messagesRecovered = s.recovered;
    c.unrecoverableGaps = s.unrecoverableGaps;
    c.retransmitRequests = s.requestsSent;
    c.duplicates = s.duplicates;
  }

  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    this.counters.messages++;
    this.counters.bytes += length;
    this.handler.onMessage(sequence, bytes, offset, length);
  }

  sendRequest(packet: Uint8Array): void {
    this.events.sendRequest(packet);
  }

  onUnrecoverableGap(fromSequence: number, toSequence: number): void {
    this.handler.onGap(fromSequence, toSequence);
  }

  onEndOfSession(): void {
    this.events.onSessionEnded();
  }

  onBadPacket(code: ItchErrorCode, channel: MoldUdp64Channel, errorOffset: number): void {
    this.counters.errors++;
    const at = errorOffset - this.packetOffset;
    this.handler.onError(code, this.locator.locate(channel, at), `${ITCH_ERRORS[code].message} (packet of ${this.packetLength} bytes)`);
  }
}
