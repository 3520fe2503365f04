/**
 * A source of sequenced ITCH messages: SoupBinTCP session, MoldUDP64 channel(s), BinaryFILE or pcap.
 * Ingest consumes every source through this one interface.
 *
 * Delivery contract: `onMessage` is called in strictly increasing sequence order, each sequence at
 * most once; the bytes are a view into a buffer the source reuses, valid only during the call (copy
 * what you keep). A range the source could not recover is reported once through `onGap` before the
 * first message after it, so consumers can mark affected state stale and resync.
 */
export interface FeedHandler {
  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void;
  /** Messages `fromSequence..toSequence` (inclusive) are lost for good. */
  onGap(fromSequence: number, toSequence: number): void;
  /** The exchange ended the session (SoupBinTCP `Z`, MoldUDP64 0xFFFF, BinaryFILE end / end of file). */
  onEndOfSession(): void;
  /**
   * Bad input that was skipped (never fatal): a stable error code from `@tickwire/itch` (or this lib),
   * what it concerns (byte offset, sequence number or peer), and a human-readable detail.
   */
  onError(code: string, where: string, detail: string): void;
  /** Connection state for readiness: `connected` once data can flow, `disconnected` while retrying. */
  onStatus?(status: FeedStatus, detail: string): void;
}

export type FeedStatus = 'connecting' | 'connected' | 'disconnected' | 'ended';

export interface FeedSource {
  /** A short description for logs, e.g. `soupbintcp://127.0.0.1:9000 session 000000001`. */
  readonly description: string;
  start(handler: FeedHandler): Promise<void>;
  /** Stops reading and releases sockets/files; idempotent. */
  stop(): Promise<void>;
  /** Counters for metrics. */
  readonly counters: FeedCounters;
}

export interface FeedCounters {
  messages: number;
  bytes: number;
  gapsDetected: number;
  messagesRecovered: number;
  unrecoverableGaps: number;
  retransmitRequests: number;
  duplicates: number;
  errors: number;
  reconnects: number;
}

export function newFeedCounters(): FeedCounters {
  return { messages: 0, bytes: 0, gapsDetected: 0, messagesRecovered: 0, unrecoverableGaps: 0, retransmitRequests: 0, duplicates: 0, errors: 0, reconnects: 0 };
}
