import { checkErrorCode, checkMessage, readU48 } from '@tickwire/itch';
import type { FeedHandler } from '@tickwire/feed-net';

/** What `itch stats` prints: one JSON object. */
export interface FeedStatsReport {
  readonly source: string;
  readonly messages: number;
  readonly byType: Record<string, number>;
  readonly firstSequence: number | null;
  readonly lastSequence: number | null;
  readonly firstTimestampNs: number | null;
  readonly lastTimestampNs: number | null;
  readonly gaps: { from: number; to: number }[];
  readonly errors: number;
  readonly errorsByCode: Record<string, number>;
  readonly endOfSession: boolean;
}

const TIMESTAMP_OFFSET = 5;

/** Counts a feed without decoding whole messages: the type byte, the timestamp, and a validity check. */
export class FeedStats implements FeedHandler {
  private readonly typeCounts = new Float64Array(256);
  private messages = 0;
  private firstSequence: number | null = null;
  private lastSequence: number | null = null;
  private firstTimestampNs: number | null = null;
  private lastTimestampNs: number | null = null;
  private readonly gaps: { from: number; to: number }[] = [];
  private readonly errorsByCode: Record<string, number> = {};
  private errors = 0;
  private endOfSession = false;

  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    const problem = checkMessage(bytes, offset, length);
    if (problem !== 0) {
      this.countError(checkErrorCode(problem) ?? 'ITCH_ERR_UNKNOWN');
      return;
    }
    this.messages++;
    this.typeCounts[bytes[offset]!]!++;
    this.firstSequence ??= sequence;
    this.lastSequence = sequence;
    const timestamp = readU48(bytes, offset + TIMESTAMP_OFFSET);
    this.firstTimestampNs ??= timestamp;
    this.lastTimestampNs = timestamp;
  }

  onGap(fromSequence: number, toSequence: number): void {
    this.gaps.push({ from: fromSequence, to: toSequence });
  }

  onEndOfSession(): void {
    this.endOfSession = true;
  }

  onError(code: string): void {
    this.countError(code);
  }

  report(source: string): FeedStatsReport {
    const byType: Record<string, number> = {};
    const order = [...this.typeCounts.keys()].filter((code) => this.typeCounts[code]! > 0).sort((a, b) => this.typeCounts[b]! - this.typeCounts[a]! || a - b);
    for (const code of order) byType[String.fromCharCode(code)] = this.typeCounts[code]!;
    return {
      source,
      messages: this.messages,
      byType,
      firstSequence: this.firstSequence,
      lastSequence: this.lastSequence,
      firstTimestampNs: this.firstTimestampNs,
      lastTimestampNs: this.lastTimestampNs,
      gaps: this.gaps,
      errors: this.errors,
      errorsByCode: this.errorsByCode,
      endOfSession: this.endOfSession,
    };
  }

  private countError(code: string): void {
    this.errors++;
    this.errorsByCode[code] = (this.errorsByCode[code] ?? 0) + 1;
  }
}
