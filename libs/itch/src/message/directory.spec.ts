import { ItchError } from '../errors';
import { GOLDEN } from '../../test/golden-vectors';
import { hex } from '../../test/message-arbitraries';
import { StockDirectory } from './directory';
import { encodeMessage } from './encode';
import type { StockDirectoryMessage } from './types';
import { ItchMessageView } from './view';

const R = GOLDEN.find((g) => g.message.type === 'R')!.message as StockDirectoryMessage;

describe('StockDirectory', () => {
  it('maps locates to symbols and attributes from R messages', () => {
    const dir = new StockDirectory();
    const view = new ItchMessageView();
    const bytes = hex(GOLDEN.find((g) => g.message.type === 'R')!.hex);
    view.wrap(bytes, 0, bytes.length);
    expect(dir.applyView(view)).toBe(true);
    expect(dir.symbolOf(1)).toBe('ALC');
    expect(dir.entryOf(1)).toEqual(R);
    expect(dir.locateOf('ALC')).toBe(1);
    expect(dir.locateOf('BOB')).toBe(-1);
    expect(dir.symbolOf(2)).toBeUndefined();
    expect(dir.size).toBe(1);
    expect(view.stockEquals(dir.rawSymbols, 1 * 8)).toBe(true);
  });

  it('ignores non-R and malformed messages', () => {
    const dir = new StockDirectory();
    const view = new ItchMessageView();
    const a = hex(GOLDEN[0]!.hex);
    view.wrap(a, 0, a.length);
    expect(dir.applyView(view)).toBe(false);
    expect(dir.apply(a, 0, a.length)).toBe(false);
    const r = encodeMessage(R);
    expect(dir.apply(r, 0, r.length - 1)).toBe(false);
    expect(dir.apply(r, 0, r.length)).toBe(true);
    expect(dir.size).toBe(1);
  });

  it('replaces an entry when a locate is reassigned, and clears', () => {
    const dir = new StockDirectory();
    dir.add({ ...R, stockLocate: 5, stock: 'OLD' });
    dir.add({ ...R, stockLocate: 5, stock: 'NEW' });
    expect([dir.symbolOf(5), dir.locateOf('NEW'), dir.locateOf('OLD'), dir.size]).toEqual(['NEW', 5, -1, 1]);
    dir.add({ ...R, stockLocate: 65535, stock: 'LAST' });
    expect(dir.symbolOf(65535)).toBe('LAST');
    dir.clear();
    expect([dir.symbolOf(5), dir.locateOf('NEW'), dir.size]).toEqual([undefined, -1, 0]);
  });

  it('rejects entries that cannot be on the wire', () => {
    const dir = new StockDirectory();
    expect(() => dir.add({ ...R, stockLocate: 65536 })).toThrow(ItchError);
    expect(() => dir.add({ ...R, stock: 'TOOLONGSYM' })).toThrow(ItchError);
  });
});
