import { createHash } from 'node:crypto';

export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function lua(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * Compare-and-set of one symbol's latest state. KEYS[1] = the symbol's `latest` string, ARGV[1] = the new
 * value (version, then bytes), ARGV[2] = the version's length. Returns 1 if written, 0 if the stored
 * version is equal or newer (versions compare as fixed-width digit strings).
 */
export const PUT_LATEST = lua(`
local length = tonumber(ARGV[2])
local current = redis.call('GETRANGE', KEYS[1], 0, length - 1)
if current ~= '' and current >= string.sub(ARGV[1], 1, length) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
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
