import fc from 'fast-check';
import { GOLDEN } from '../../test/golden-vectors';
import { hex, messageArbitrary } from '../../test/message-arbitraries';
import { CHECK_LENGTH_MISMATCH, CHECK_OK, CHECK_UNKNOWN_TYPE } from './check';
import { encodeMessageInto } from './encode';
import { MESSAGE_LAYOUTS } from './layout';
import type { ItchMessage } from './types';
import { ItchMessageView, packAlpha } from './view';

const code = (c: string): number => c.charCodeAt(0);

/** Generic getters shared by several types: what each type should return (0 / -1 when absent). */
function generic(m: ItchMessage): Record<string, number> {
  const none = { orderRef: 0, newOrderRef: 0, matchNumber: 0, side: 0, shares: 0, price: 0, crossType: 0, executedShares: 0, canceledShares: 0 };
  switch (m.type) {
    case 'A':
    case 'F':
      return { ...none, orderRef: m.orderRef, side: code(m.side), shares: m.shares, price: m.price, stockRel: 24 };
    case 'P':
      return { ...none, orderRef: m.orderRef, side: code(m.side), shares: m.shares, price: m.price, matchNumber: m.matchNumber, stockRel: 24 };
    case 'E':
      return { ...none, orderRef: m.orderRef, shares: m.executedShares, executedShares: m.executedShares, matchNumber: m.matchNumber, stockRel: -1 };
    case 'C':
      return { ...none, orderRef: m.orderRef, shares: m.executedShares, executedShares: m.executedShares, matchNumber: m.matchNumber, price: m.executionPrice, stockRel: -1 };
    case 'X':
      return { ...none, orderRef: m.orderRef, shares: m.canceledShares, canceledShares: m.canceledShares, stockRel: -1 };
    case 'D':
      return { ...none, orderRef: m.orderRef, stockRel: -1 };
    case 'U':
      return { ...none, orderRef: m.originalOrderRef, newOrderRef: m.newOrderRef, shares: m.shares, price: m.price, stockRel: -1 };
    case 'Q':
      return { ...none, shares: m.shares, price: m.crossPrice, matchNumber: m.matchNumber, crossType: code(m.crossType), stockRel: 19 };
    case 'B':
      return { ...none, matchNumber: m.matchNumber, stockRel: -1 };
    case 'I':
      return { ...none, crossType: code(m.crossType), stockRel: 28 };
    case 'L':
      return { ...none, stockRel: 15 };
    case 'S':
    case 'V':
    case 'W':
      return { ...none, stockRel: -1 };
    default:
      return { ...none, stockRel: 11 };
  }
}

const ALL_FIELD_NAMES = [...new Set(MESSAGE_LAYOUTS.flatMap((l) => l.fields.map((f) => f.name)))].filter((n) => n !== 'stock');

describe('ItchMessageView', () => {
  it.each(MESSAGE_LAYOUTS.map((l) => [l.type, l] as const))('agrees with decodeMessage on every field of %s, reading only its own bytes', (_t, layout) => {
    const view = new ItchMessageView();
    const own = new Set(layout.fields.map((f) => f.name));
    fc.assert(
      fc.property(messageArbitrary(layout), fc.nat(5), (msg, at) => {
        // Surround the message with 0xff so a getter reading outside it would show.
        const buf = new Uint8Array(at + layout.length + 60).fill(0xff);
        encodeMessageInto(msg, buf, at);
        expect(view.wrap(buf, at, layout.length)).toBe(CHECK_OK);
        expect([view.type, view.offset, view.length, view.bytes]).toEqual([code(layout.type), at, layout.length, buf]);
        expect([view.stockLocate, view.trackingNumber, view.timestampNs]).toEqual([msg.stockLocate, msg.trackingNumber, msg.timestampNs]);
        const fields = msg as unknown as Record<string, string | number>;
        const v = view as unknown as Record<string, number>;
        for (const f of layout.fields) {
          const value = fields[f.name]!;
          if (f.kind === 'stock') {
            expect(view.readStock()).toBe(value);
            expect(view.stockOffset).toBe(at + f.offset);
          } else if (f.kind === 'char') expect([f.name, v[f.name]]).toEqual([f.name, code(value as string)]);
          else if (f.kind === 'alpha') expect([f.name, v[f.name]]).toEqual([f.name, packAlpha(value as string, f.size)]);
          else expect([f.name, v[f.name]]).toEqual([f.name, value]);
        }
        const g = generic(msg);
        for (const [name, expected] of Object.entries(g)) {
          if (name === 'stockRel') expect(view.stockOffset).toBe(expected < 0 ? -1 : at + expected);
          else expect([name, v[name]]).toEqual([name, expected]);
        }
        for (const name of ALL_FIELD_NAMES) if (!own.has(name) && !(name in g)) expect([name, v[name]]).toEqual([name, 0]);
        if (g.stockRel! < 0) expect(view.readStock()).toBe('');
      }),
      { numRuns: 60 },
    );
  });

  it('gives exact halves of u64 fields', () => {
    const view = new ItchMessageView();
    const buf = new Uint8Array(64);
    const u = { type: 'U', stockLocate: 0, trackingNumber: 0, timestampNs: 0, originalOrderRef: 0x12345 * 2 ** 32 + 0xdeadbeef, newOrderRef: 7 * 2 ** 32 + 9, shares: 1, price: 1 } as const;
    encodeMessageInto(u, buf, 0);
    view.wrap(buf, 0, 35);
    expect([view.orderRefHi, view.orderRefLo, view.newOrderRefHi, view.newOrderRefLo]).toEqual([0x12345, 0xdeadbeef, 7, 9]);
    // Above 2^53 only the halves are exact.
    buf.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], 11);
    expect([view.orderRefHi, view.orderRefLo]).toEqual([0xffffffff, 0xfffffffe]);
    expect(view.u32At(31)).toBe(1);
    expect(view.u32At(32)).toBe(0); // would read past the message
    const e = hex(GOLDEN[1]!.hex);
    view.wrap(e, 0, e.length);
    expect([view.matchNumberHi, view.matchNumberLo, view.matchNumber]).toEqual([0x100, 7, 2 ** 40 + 7]);
  });

  it('compares stock bytes without strings', () => {
    const view = new ItchMessageView();
    const a = hex(GOLDEN[0]!.hex); // AAPL
    view.wrap(a, 0, a.length);
    const symbols = new TextEncoder().encode('xxAAPL    MSFT    ');
    expect(view.stockEquals(symbols, 2)).toBe(true);
    expect(view.stockEquals(symbols, 10)).toBe(false);
    expect(view.stockEquals(symbols, 12)).toBe(false); // fewer than 8 bytes left
    const e = hex(GOLDEN[1]!.hex);
    view.wrap(e, 0, e.length);
    expect(view.stockEquals(symbols, 2)).toBe(false);
  });

  it('exposes packed alpha fields for comparison with constants', () => {
    const view = new ItchMessageView();
    const hmsg = hex(GOLDEN.find((g) => g.message.type === 'H')!.hex);
    view.wrap(hmsg, 0, hmsg.length);
    expect(view.reason).toBe(packAlpha('LUDP', 4));
    expect(packAlpha('AB', 4)).toBe(0x41422020);
  });

  it('goes empty after a failed wrap: type 0 and every getter 0', () => {
    const view = new ItchMessageView();
    const a = hex(GOLDEN[0]!.hex);
    expect(view.wrap(a, 0, a.length - 1)).toBe(CHECK_LENGTH_MISMATCH);
    expect([view.type, view.length, view.stockLocate, view.timestampNs, view.orderRef, view.shares, view.price, view.stockOffset]).toEqual([0, 0, 0, 0, 0, 0, 0, -1]);
    a[0] = 0x5a;
    expect(view.wrap(a, 0, a.length)).toBe(CHECK_UNKNOWN_TYPE);
    expect(view.type).toBe(0);
  });
});
