import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BinaryFileFramer, ITCH_ERRORS, type ItchErrorCode } from '@tickwire/itch';
import { newFeedCounters, type FeedHandler, type FeedSource } from '../feed-source';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** True when the file starts with the gzip magic bytes (the name is not trusted). */
export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  } finally {
    await handle.close();
  }
}

/**
 * Replays a Nasdaq BinaryFILE (`u16 length + message` records, plain or gzip) as a feed. Sequence
 * numbers are record positions, starting at 1, as in the exchange's own files. Streams the file in
 * chunks: memory stays flat whatever its size.
 */
export class BinaryFileSource implements FeedSource {
  readonly counters = newFeedCounters();
  readonly description: string;
  private stopped = false;
  private abort: AbortController | undefined;

  constructor(
    private readonly path: string,
    private readonly chunkBytes = 1 << 20,
  ) {
    this.description = `file://${path}`;
  }

  async start(handler: FeedHandler): Promise<void> {
    const counters = this.counters;
    let sequence = 0;
    const framer = new BinaryFileFramer(
      (bytes, offset, length) => {
        sequence += 1;
        counters.messages += 1;
        counters.bytes += length;
        handler.onMessage(sequence, bytes, offset, length);
      },
      (code: ItchErrorCode, streamOffset: number) => {
        counters.errors += 1;
        handler.onError(code, `${this.path} byte ${streamOffset}`, ITCH_ERRORS[code].message);
      },
    );
    handler.onStatus?.('connected', this.description);
    const gzip = await isGzipFile(this.path);
    this.abort = new AbortController();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        framer.push(chunk);
        callback();
      },
    });
    const input = createReadStream(this.path, { highWaterMark: this.chunkBytes });
    try {
      if (gzip) await pipeline(input, createGunzip({ chunkSize: this.chunkBytes }), sink, { signal: this.abort.signal });
      else await pipeline(input, sink, { signal: this.abort.signal });
    } catch (error) {
      if (this.stopped) return;
      counters.errors += 1;
      handler.onError('FEED_ERR_READ_FAILED', this.path, String(error));
    }
    framer.end();
    handler.onStatus?.('ended', this.description);
    handler.onEndOfSession();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
  }
}
