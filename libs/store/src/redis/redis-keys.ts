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

/**
 * The version at the head of a stored `latest` value (its first `VERSION_LENGTH` bytes), or undefined
 * when they are not one. Read from the bytes, ten digits at a time (exact in a double): a GetSnapshots of
 * 100 symbols decodes 100 of them, and a string, a regular expression match and a BigInt parse per
 * value were a tenth of the read's CPU and much of its garbage.
 */
export function decodeVersion(value: Uint8Array): { epoch: bigint; seq: bigint } | undefined {
  if (value.length < VERSION_LENGTH || value[VERSION_DIGITS] !== COLON) return undefined;
  const epoch = decimal20(value, 0);
  const seq = decimal20(value, VERSION_DIGITS + 1);
  return epoch === undefined || seq === undefined ? undefined : { epoch, seq };
}

const COLON = 0x3a;
const ZERO = 0x30;
const TEN_DIGITS = 10_000_000_000n;

/** The 20 decimal digits at `at`, or undefined if one is not a digit. */
function decimal20(bytes: Uint8Array, at: number): bigint | undefined {
  const high = decimal10(bytes, at);
  const low = decimal10(bytes, at + 10);
  if (high < 0 || low < 0) return undefined;
  return high === 0 ? BigInt(low) : BigInt(high) * TEN_DIGITS + BigInt(low);
}

/** The 10 decimal digits at `at` (below 10^10, exact), or -1 if one is not a digit. */
function decimal10(bytes: Uint8Array, at: number): number {
  let value = 0;
  for (let i = at; i < at + 10; i++) {
    const digit = bytes[i]! - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
