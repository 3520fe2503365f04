import { ownedCopies } from './owned-copies';

describe('ownedCopies', () => {
  it('copies each part into one new buffer, in order, undefined kept, views never overlapping', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = Buffer.from([4, 5]);
    const copies = ownedCopies([a, undefined, b, new Uint8Array(0), a]);
    expect(copies.map((c) => c && Array.from(c))).toEqual([[1, 2, 3], undefined, [4, 5], [], [1, 2, 3]]);
    expect(copies.map((c) => c && c.byteLength)).toEqual([3, undefined, 2, 0, 3]);
    expect(new Set(copies.filter((c) => c !== undefined).map((c) => c!.buffer)).size).toBe(1);
    copies[0]!.fill(9);
    expect([Array.from(a), Array.from(copies[4]!), Array.from(copies[2]!)]).toEqual([[1, 2, 3], [1, 2, 3], [4, 5]]);
    expect(copies[2]).not.toBeInstanceOf(Buffer);
  });
});
