import fc from 'fast-check';
import { GOLDEN } from '../../test/golden-vectors';
import { anyMessage, hex } from '../../test/message-arbitraries';
import { checkMessage, CHECK_OK } from './check';
import { decodeMessage } from './decode';
import { StockDirectory } from './directory';
import { encodeMessage } from './encode';
import type { AddOrderMessage, StockDirectoryMessage } from './types';

describe('decodeMessage', () => {
  it('decodes hand-computed golden bytes', () => {
    for (const g of GOLDEN) {
      const bytes = hex(g.hex);
      expect(decodeMessage(bytes, 0, bytes.length)).toEqual(g.message);
    }
  });

  it('decodes in place at an offset, reading only the given range', () => {
    const g = GOLDEN[0]!;
    const inner = hex(g.hex);
    const buf = new Uint8Array(inner.length + 20).fill(0xee);
    buf.set(inner, 9);
    expect(decodeMessage(buf, 9, inner.length)).toEqual(g.message);
  });

  it('trims trailing spaces of alpha fields but keeps leading ones', () => {
    const bytes = hex('41 0001 0002 000000000000 0000000000000001 42 00000064 2041202020202020 00000001');
    expect((decodeMessage(bytes, 0, bytes.length) as AddOrderMessage).stock).toBe(' A');
  });

  it('returns undefined for anything checkMessage rejects, and never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.nat(60), fc.nat(60), (bytes, offset, length) => {
        const m = decodeMessage(bytes, offset, length);
        expect(m === undefined).toBe(checkMessage(bytes, offset, length) !== CHECK_OK);
      }),
    );
    fc.assert(
      fc.property(anyMessage, (msg) => {
        const bytes = encodeMessage(msg);
        expect(decodeMessage(bytes, 0, bytes.length - 1)).toBeUndefined();
      }),
    );
  });

  it('reuses directory symbols when the raw stock bytes match', () => {
    const dir = new StockDirectory();
    const r = GOLDEN.find((g) => g.message.type === 'R')!.message as StockDirectoryMessage;
    dir.add({ ...r, stockLocate: 1, stock: 'AAPL' });
    const a = hex(GOLDEN[0]!.hex); // locate 1, stock AAPL
    const m = decodeMessage(a, 0, a.length, dir) as AddOrderMessage;
    expect(m.stock).toBe('AAPL');
    expect(Object.is(m.stock, dir.symbolOf(1))).toBe(true);
    dir.add({ ...r, stockLocate: 1, stock: 'MSFT' });
    expect((decodeMessage(a, 0, a.length, dir) as AddOrderMessage).stock).toBe('AAPL');
  });
});
