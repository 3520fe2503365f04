import fc from 'fast-check';
import { ProtocolError } from './errors';
import { MAX_SHARD_COUNT, assertShardCount, fnv1a32, shardOf } from './shard';

const utf8 = new TextEncoder();

describe('fnv1a32', () => {
  // Published FNV-1a 32-bit test vectors (Fowler/Noll/Vo, "FNV test vectors", fnv_test_str).
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['b', 0xe70c2de5],
    ['foo', 0xa9f37ed7],
    ['foobar', 0xbf9cf968],
  ])('hashes %j to the published value', (input, expected) => {
    expect(fnv1a32(input)).toBe(expected);
    expect(fnv1a32(utf8.encode(input))).toBe(expected);
  });

  it('hashes a string exactly as its UTF-8 bytes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => fnv1a32(s) === fnv1a32(utf8.encode(s))));
  });

  it('hashes lone surrogates as U+FFFD, like TextEncoder', () => {
    for (const s of ['\ud800', 'a\udc00b', '\ud83d', '\ud83d\ud83d\ude00']) {
      expect(fnv1a32(s)).toBe(fnv1a32(utf8.encode(s)));
    }
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), (s) => fnv1a32(s) === fnv1a32(utf8.encode(s))));
  });

  it('returns an unsigned 32-bit integer', () => {
    fc.assert(fc.property(fc.uint8Array(), (bytes) => {
      const h = fnv1a32(bytes);
      return Number.isInteger(h) && h >= 0 && h <= 0xffffffff;
    }));
  });
});

describe('shardOf', () => {
  it('is fnv1a32 of the symbol modulo the shard count', () => {
    expect(shardOf('foobar', 16)).toBe(0xbf9cf968 % 16);
    expect(shardOf('AAPL', 1)).toBe(0);
    fc.assert(fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: MAX_SHARD_COUNT }), (symbol, n) => {
      const shard = shardOf(symbol, n);
      return shard === fnv1a32(symbol) % n && shard >= 0 && shard < n;
    }));
  });

  it.each([0, -1, 1.5, MAX_SHARD_COUNT + 1, Number.NaN, Number.POSITIVE_INFINITY])('rejects shard count %p, naming the argument', (n) => {
    expect(() => shardOf('AAPL', n)).toThrow(ProtocolError);
    expect(() => shardOf('AAPL', n)).toThrow(/shardCount must be an integer in 1\.\.1024/);
  });

  it('rejects an empty symbol', () => {
    expect(() => shardOf('', 16)).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_SYMBOL' }));
  });
});

describe('assertShardCount', () => {
  it('names the setting it was given', () => {
    expect(() => assertShardCount(0, 'SHARDS')).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_SHARD_COUNT', message: 'invalid shard count: SHARDS must be an integer in 1..1024, got 0' }));
    expect(() => assertShardCount(MAX_SHARD_COUNT)).not.toThrow();
    expect(() => assertShardCount(1)).not.toThrow();
  });
});
