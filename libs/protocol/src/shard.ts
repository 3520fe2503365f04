import { ProtocolError } from './errors';

/** FNV-1a 32-bit offset basis. */
const FNV_OFFSET_BASIS = 0x811c9dc5;
/** FNV-1a 32-bit prime. */
const FNV_PRIME = 0x01000193;

/**
 * Upper bound for `SHARDS`. Each shard is a NATS subject family and usually a consumer; past this the
 * per-shard overhead outweighs the spread. A bound also keeps shard ids short in subjects.
 */
export const MAX_SHARD_COUNT = 1024;

/**
 * FNV-1a 32-bit hash of `input`: bytes as given, a string over its UTF-8 bytes (lone surrogates encode as
 * U+FFFD, as `TextEncoder` does). Returns an unsigned 32-bit integer.
 *
 * Strings are hashed code point by code point without building a byte array: the normalizer and the edge
 * call this per symbol, and an encoder allocation per call would be waste.
 */
export function fnv1a32(input: string | Uint8Array): number {
  let hash = FNV_OFFSET_BASIS;
  if (typeof input !== 'string') {
    for (let i = 0; i < input.length; i++) hash = Math.imul(hash ^ input[i]!, FNV_PRIME);
    return hash >>> 0;
  }
  for (let i = 0; i < input.length; i++) {
    let cp = input.charCodeAt(i);
    if (cp < 0x80) {
      hash = Math.imul(hash ^ cp, FNV_PRIME);
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < input.length ? input.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    }
    if (cp < 0x800) {
      hash = Math.imul(hash ^ (0xc0 | (cp >> 6)), FNV_PRIME);
    } else if (cp < 0x10000) {
      hash = Math.imul(hash ^ (0xe0 | (cp >> 12)), FNV_PRIME);
      hash = Math.imul(hash ^ (0x80 | ((cp >> 6) & 0x3f)), FNV_PRIME);
    } else {
      hash = Math.imul(hash ^ (0xf0 | (cp >> 18)), FNV_PRIME);
      hash = Math.imul(hash ^ (0x80 | ((cp >> 12) & 0x3f)), FNV_PRIME);
      hash = Math.imul(hash ^ (0x80 | ((cp >> 6) & 0x3f)), FNV_PRIME);
    }
    hash = Math.imul(hash ^ (0x80 | (cp & 0x3f)), FNV_PRIME);
  }
  return hash >>> 0;
}

/**
 * Throws `PROTOCOL_ERR_INVALID_SHARD_COUNT` unless `shardCount` is an integer in 1..MAX_SHARD_COUNT.
 * `name` is the argument or setting to blame in the message (e.g. `'SHARDS'` when validating config).
 */
export function assertShardCount(shardCount: number, name = 'shardCount'): void {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > MAX_SHARD_COUNT) {
    throw new ProtocolError('PROTOCOL_ERR_INVALID_SHARD_COUNT', `${name} must be an integer in 1..${MAX_SHARD_COUNT}, got ${String(shardCount)}`);
  }
}

/** The shard that carries `symbol`: `fnv1a32(utf8(symbol)) mod shardCount`. The one shard function of the system. */
export function shardOf(symbol: string, shardCount: number): number {
  assertShardCount(shardCount);
  if (symbol.length === 0) throw new ProtocolError('PROTOCOL_ERR_INVALID_SYMBOL', 'symbol is empty');
  return fnv1a32(symbol) % shardCount;
}
