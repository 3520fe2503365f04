import { StockDirectory } from '@tickwire/itch';
import { shardOf } from '@tickwire/protocol';

/** Returned for messages every shard must see. */
export const ALL_SHARDS = -1;

const STOCK_DIRECTORY = 0x52; // 'R'
const MAX_LOCATE = 65_536;

/**
 * Decides which `md.raw.<shard>` a message goes to: by its symbol's shard, learned from the `R`
 * directory (Stock Locate -> symbol -> fnv1a32 shard). A lookup is one typed-array read.
 *
 * Market-wide messages (Stock Locate 0: system events, MWCB) go to every shard, because every
 * normalizer needs them. So do stock messages whose locate has no `R` yet (a feed joined mid-day or a
 * broken feed): they are counted as unroutable, and delivering them everywhere loses nothing.
 */
export class ShardRouter {
  readonly directory = new StockDirectory();
  /** Shard by Stock Locate; -1 while unknown. */
  private readonly shardByLocate = new Int16Array(MAX_LOCATE).fill(-1);
  unroutable = 0;

  constructor(readonly shardCount: number) {}

  /** The shard for a well-formed message, or `ALL_SHARDS`. Learns from `R` messages. */
  route(bytes: Uint8Array, offset: number, length: number): number {
    const locate = (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
    if (bytes[offset] === STOCK_DIRECTORY && this.directory.apply(bytes, offset, length)) {
      this.shardByLocate[locate] = shardOf(this.directory.symbolOf(locate)!, this.shardCount);
    }
    if (locate === 0) return ALL_SHARDS;
    const shard = this.shardByLocate[locate]!;
    if (shard < 0) {
      this.unroutable++;
      return ALL_SHARDS;
    }
    return shard;
  }
}
