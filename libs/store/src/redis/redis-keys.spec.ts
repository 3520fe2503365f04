import fc from 'fast-check';
import { decodeVersion, encodeVersion, VERSION_LENGTH } from './redis-keys';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const stored = (version: string, payload: Uint8Array = Uint8Array.of(0x0a, 0x01, 0x41)): Uint8Array => Buffer.concat([Buffer.from(version, 'latin1'), payload]);

describe('the version at the head of a stored latest value', () => {
  it('reads back every (epoch, seq) pair encodeVersion writes, whatever follows it', () => {
    for (const [epoch, seq] of [[0n, 0n], [1n, 1n], [9_999_999_999n, 10_000_000_000n], [2n ** 53n + 1n, 2n ** 63n], [(1n << 64n) - 1n, (1n << 64n) - 1n]] as const) {
      expect(decodeVersion(stored(encodeVersion(epoch, seq)))).toEqual({ epoch, seq });
    }
    fc.assert(fc.property(u64, u64, fc.uint8Array({ maxLength: 64 }), (epoch, seq, payload) => expect(decodeVersion(stored(encodeVersion(epoch, seq), payload))).toEqual({ epoch, seq })));
    expect(encodeVersion(1n, 2n)).toHaveLength(VERSION_LENGTH);
  });

  it('is undefined for bytes that are not a version: a non-digit anywhere, another separator, too short', () => {
    const good = encodeVersion(7n, 12_345n);
    for (let at = 0; at < VERSION_LENGTH; at++) {
      for (const bad of at === 20 ? ['0', '-', ' '] : ['/', ':', 'a', ' ', '\u00b9']) {
        expect({ at, bad, decoded: decodeVersion(stored(good.slice(0, at) + bad + good.slice(at + 1))) }).toEqual({ at, bad, decoded: undefined });
      }
    }
    expect(decodeVersion(Buffer.from(good.slice(0, VERSION_LENGTH - 1), 'latin1'))).toBeUndefined();
    expect(decodeVersion(new Uint8Array(0))).toBeUndefined();
  });
});
