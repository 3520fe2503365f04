import { createHash } from 'node:crypto';

export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function lua(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * Compare-and-set of several symbols' latest state, in order. KEYS[i] = a symbol's `latest` string,
 * ARGV[1] = the version's length, ARGV[i + 1] = KEYS[i]'s new value (version, then bytes). Each is
 * written unless its stored version is equal or newer (versions compare as fixed-width digit strings);
 * a key named twice compares against the first write. Returns how many were written. The keys of one
 * call must share a cluster slot: on a cluster the store calls it with one key.
 */
export const PUT_LATEST = lua(`
local length = tonumber(ARGV[1])
local written = 0
for i = 1, #KEYS do
  local value = ARGV[i + 1]
  local current = redis.call('GETRANGE', KEYS[i], 0, length - 1)
  if current == '' or current < string.sub(value, 1, length) then
    redis.call('SET', KEYS[i], value)
    written = written + 1
  end
end
return written
`);

/**
 * Upsert candles by minute, then trim to the newest N. KEYS[1] = candle sorted set, ARGV[1] = N, then
 * pairs (minute, member). Returns the number of candles kept.
 */
export const APPEND_CANDLES = lua(`
for i = 2, #ARGV, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[i], ARGV[i])
  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1))
return redis.call('ZCARD', KEYS[1])
`);
