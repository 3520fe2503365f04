import { decodeMessage, StockDirectory } from '@tickwire/itch';
import type { FeedHandler } from '@tickwire/feed-net';

/** Writes one JSON object per line: every decoded message with its sequence number, and every problem. */
export class FeedDump implements FeedHandler {
  private readonly directory = new StockDirectory();
  private buffered: string[] = [];
  private bufferedLength = 0;

  constructor(private readonly write: (text: string) => void) {}

  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    this.directory.apply(bytes, offset, length);
    const message = decodeMessage(bytes, offset, length, this.directory);
    const symbol = message && message.stockLocate > 0 ? this.directory.symbolOf(message.stockLocate) : undefined;
    this.line(message ? { sequence, ...message, ...(symbol !== undefined && !('stock' in message) ? { symbol } : {}) } : { sequence, error: 'malformed message', bytes: Buffer.from(bytes.subarray(offset, offset + length)).toString('hex') });
  }

  onGap(fromSequence: number, toSequence: number): void {
    this.line({ gap: { from: fromSequence, to: toSequence } });
  }

  onEndOfSession(): void {
    this.line({ endOfSession: true });
  }

  onError(code: string, where: string, detail: string): void {
    this.line({ error: code, where, detail });
  }

  /** Writes what is buffered; call at the end. */
  flush(): void {
    if (this.buffered.length > 0) this.write(this.buffered.join(''));
    this.buffered = [];
    this.bufferedLength = 0;
  }

  private line(value: object): void {
    const text = `${JSON.stringify(value)}\n`;
    this.buffered.push(text);
    this.bufferedLength += text.length;
    if (this.bufferedLength >= 1 << 16) this.flush();
  }
}
