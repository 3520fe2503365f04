/**
 * Redis key layout, all under `keyPrefix` (default `tw:`). Writes touch one key, except the instrument
 * index and data, which share the `{instruments}` hash tag; reads of many symbols' latest state are one
 * `MGET` (one round trip; on a Redis Cluster the client splits it by slot). Per-symbol keys carry the
 * symbol as hash tag, spreading symbols over the cluster.
 *
 * | Key | Type | Content |
 * | --- | --- | --- |
 * | `tw:latest:{SYM}` | string | the version `EEEEEEEEEEEEEEEEEEEE:SSSSSSSSSSSSSSSSSSSS` (epoch, seq, 20 zero-padded digits each: `VERSION_LENGTH` bytes), then the snapshot bytes |
 * | `tw:candles:{SYM}` | sorted set | score = minute (`startNs / 60e9`), member = 8-byte big-endian `startNs` + bytes |
 * | `tw:{instruments}:index` | sorted set | score 0, member = symbol (listed with `ZRANGE BYLEX`) |
 * | `tw:{instruments}:data` | hash | field = symbol, value = bytes |
 */
export class RedisKeys {
  readonly instrumentIndex: string;
  readonly instrumentData: string;

  constructor(private readonly prefix: string) {
    this.instrumentIndex = `${prefix}{instruments}:index`;
    this.instrumentData = `${prefix}{instruments}:data`;
  }

  snapshot(symbol: string): string {
    return `${this.prefix}latest:{${symbol}}`;
  }

  candles(symbol: string): string {
    return `${this.prefix}candles:{${symbol}}`;
  }
}

const VERSION_DIGITS = 20;
/** Bytes of an encoded version: the head of every `latest` value. */
export const VERSION_LENGTH = 2 * VERSION_DIGITS + 1;

/**
 * `(epoch, seq)` as a fixed-width decimal string: comparing two versions as strings (in Lua) orders them
 * like the pair of uint64s, with no loss (Lua numbers are doubles and could not hold a uint64).
 */
export function encodeVersion(epoch: bigint, seq: bigint): string {
  return `${epoch.toString().padStart(VERSION_DIGITS, '0')}:${seq.toString().padStart(VERSION_DIGITS, '0')}`;
}

export function decodeVersion(version: string): { epoch: bigint; seq: bigint } | undefined {
  const match = /^(\d{20}):(\d{20})$/.exec(version);
  return match ? { epoch: BigInt(match[1]!), seq: BigInt(match[2]!) } : undefined;
}
