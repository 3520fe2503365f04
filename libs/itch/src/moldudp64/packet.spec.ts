import fc from 'fast-check';
import type { ItchErrorCode } from '../errors';
import {
  buildMoldUdp64EndOfSession,
  buildMoldUdp64Heartbeat,
  buildMoldUdp64Packet,
  buildMoldUdp64Request,
  decodeMoldUdp64Session,
  encodeMoldUdp64Session,
  MoldUdp64Packet,
  parseMoldUdp64Request,
  readMoldUdp64U64,
  writeMoldUdp64U64,
} from './packet';

const msg = (...b: number[]) => Uint8Array.from(b);

function messagesOf(p: MoldUdp64Packet): { seq: number; bytes: number[]; offset: number }[] {
  const out: { seq: number; bytes: number[]; offset: number }[] = [];
  p.forEachMessage({ onMessage: (seq, bytes, offset, length) => out.push({ seq, bytes: [...bytes.subarray(offset, offset + length)], offset }) });
  return out;
}

describe('MoldUdp64Packet', () => {
  it('reads a data packet laid out as in the spec', () => {
    const bytes = buildMoldUdp64Packet('000010059B', 0x1_0000_0002, [msg(1, 2, 3), msg(), msg(9)]);
    expect(bytes.length).toBe(20 + 5 + 2 + 3);
    expect(String.fromCharCode(...bytes.subarray(0, 10))).toBe('000010059B');
    expect([...bytes.subarray(10, 20)]).toEqual([0, 0, 0, 1, 0, 0, 0, 2, 0, 3]);
    const p = new MoldUdp64Packet();
    expect(p.wrap(bytes)).toBeNull();
    expect([p.kind, p.sequence, p.messageCount, p.session()]).toEqual(['data', 0x1_0000_0002, 3, '000010059B']);
    expect(messagesOf(p).map((m) => [m.seq, m.bytes])).toEqual([
      [0x1_0000_0002, [1, 2, 3]],
      [0x1_0000_0003, []],
      [0x1_0000_0004, [9]],
    ]);
    expect(p.sessionEquals(encodeMoldUdp64Session('000010059B'))).toBe(true);
    expect(p.sessionEquals(encodeMoldUdp64Session('000010059C'))).toBe(false);
  });

  it('reads a packet inside a larger buffer without copying', () => {
    const inner = buildMoldUdp64Packet('S', 5, [msg(7, 7)]);
    const outer = new Uint8Array(inner.length + 10);
    outer.set(inner, 4);
    const p = new MoldUdp64Packet();
    expect(p.wrap(outer, 4, inner.length)).toBeNull();
    expect(messagesOf(p)).toEqual([{ seq: 5, bytes: [7, 7], offset: 4 + 22 }]);
  });

  it('recognises heartbeat and end of session', () => {
    const p = new MoldUdp64Packet();
    expect(p.wrap(buildMoldUdp64Heartbeat('S', 42))).toBeNull();
    expect([p.kind, p.sequence, p.messageCount]).toEqual(['heartbeat', 42, 0]);
    expect(p.wrap(buildMoldUdp64EndOfSession('S', 43))).toBeNull();
    expect([p.kind, p.sequence]).toEqual(['end-of-session', 43]);
  });

  describe('reports (never throws) malformed packets with an offset', () => {
    const good = buildMoldUdp64Packet('S', 1, [msg(1, 2), msg(3)]);
    const cases: [string, Uint8Array, ItchErrorCode, number][] = [
      ['short', good.subarray(0, 19), 'MOLDUDP64_ERR_SHORT_PACKET', 0],
      ['block header cut', good.subarray(0, 21), 'MOLDUDP64_ERR_BLOCK_OVERRUN', 20],
      ['block body cut', good.subarray(0, 26), 'MOLDUDP64_ERR_BLOCK_OVERRUN', 24],
      ['fewer blocks than count', good.subarray(0, 24), 'MOLDUDP64_ERR_COUNT_MISMATCH', 24],
      ['trailing bytes', Uint8Array.from([...good, 0]), 'MOLDUDP64_ERR_COUNT_MISMATCH', 27],
      ['heartbeat with bytes', Uint8Array.from([...buildMoldUdp64Heartbeat('S', 1), 0, 0]), 'MOLDUDP64_ERR_COUNT_MISMATCH', 20],
      ['sequence 0', buildMoldUdp64Packet('S', 0, [msg(1)]), 'MOLDUDP64_ERR_SEQUENCE_RANGE', 10],
      ['sequence >= 2^53', (() => { const b = buildMoldUdp64Packet('S', 1, [msg(1)]); b[11] = 0x20; return b; })(), 'MOLDUDP64_ERR_SEQUENCE_RANGE', 10],
    ];
    it.each(cases)('%s', (_n, bytes, code, at) => {
      const p = new MoldUdp64Packet();
      expect(p.wrap(bytes)).toBe(code);
      expect(p.errorOffset).toBe(at);
      expect(messagesOf(p)).toEqual([]);
    });
  });

  it('u64 helpers round-trip up to 2^53-1 and reject beyond', () => {
    const b = new Uint8Array(8);
    for (const v of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
      writeMoldUdp64U64(b, 0, v);
      expect(readMoldUdp64U64(b, 0)).toBe(v);
    }
    b.fill(0xff);
    expect(readMoldUdp64U64(b, 0)).toBe(-1);
  });

  it('sessions: padded, validated', () => {
    expect(decodeMoldUdp64Session(encodeMoldUdp64Session('AB'), 0)).toBe('AB');
    expect(() => encodeMoldUdp64Session('ELEVENCHARS')).toThrow('session');
    expect(() => encodeMoldUdp64Session('é')).toThrow('ASCII');
  });

  it('fuzz: random bytes never throw; any accepted packet yields exactly its blocks, which tile the packet', () => {
    const p = new MoldUdp64Packet();
    const check = (bytes: Uint8Array) => {
      const err = p.wrap(bytes);
      if (err !== null) {
        expect(messagesOf(p)).toEqual([]);
        return;
      }
      let pos = 20;
      for (const m of messagesOf(p)) {
        const len = (bytes[pos]! << 8) | bytes[pos + 1]!;
        expect(m.offset).toBe(pos + 2);
        expect(m.bytes).toEqual([...bytes.subarray(pos + 2, pos + 2 + len)]);
        pos += 2 + len;
      }
      expect(pos).toBe(bytes.length);
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), check), { numRuns: 1000 });
    const valid = fc
      .tuple(fc.integer({ min: 1, max: 2 ** 40 }), fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 6 }))
      .map(([seq, ms]) => buildMoldUdp64Packet('SESS', seq, ms));
    fc.assert(
      fc.property(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.nat(), (bytes, muts, cut) => {
        for (const [at, v] of muts) bytes[at % bytes.length] = v;
        check(bytes);
        check(bytes.subarray(0, cut % (bytes.length + 1)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('request packets', () => {
  it('build and parse', () => {
    const r = buildMoldUdp64Request('SESS', 1000, 25);
    expect(r.length).toBe(20);
    const out = { sessionOffset: -1, sequence: 0, count: 0 };
    expect(parseMoldUdp64Request(r, 0, 20, out)).toBeNull();
    expect(out).toEqual({ sessionOffset: 0, sequence: 1000, count: 25 });
    expect(decodeMoldUdp64Session(r, out.sessionOffset)).toBe('SESS');
  });

  it('rejects malformed requests without throwing', () => {
    const out = { sessionOffset: 0, sequence: 0, count: 0 };
    const r = buildMoldUdp64Request('S', 1, 1);
    expect(parseMoldUdp64Request(r, 0, 19, out)).toBe('MOLDUDP64_ERR_BAD_REQUEST');
    expect(parseMoldUdp64Request(Uint8Array.from([...r, 0]), 0, 21, out)).toBe('MOLDUDP64_ERR_BAD_REQUEST');
    expect(parseMoldUdp64Request(buildMoldUdp64Heartbeat('S', 1), 0, 20, out)).toBe('MOLDUDP64_ERR_BAD_REQUEST');
    expect(parseMoldUdp64Request(buildMoldUdp64EndOfSession('S', 1), 0, 20, out)).toBe('MOLDUDP64_ERR_BAD_REQUEST');
    const zero = buildMoldUdp64Request('S', 1, 1);
    zero.fill(0, 10, 18);
    expect(parseMoldUdp64Request(zero, 0, 20, out)).toBe('MOLDUDP64_ERR_SEQUENCE_RANGE');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 30 }), (b) => void parseMoldUdp64Request(b, 0, b.length, out)));
  });

  it('builders throw on invalid values', () => {
    expect(() => buildMoldUdp64Request('S', 0, 1)).toThrow('sequence');
    expect(() => buildMoldUdp64Request('S', 1, 0)).toThrow('count');
    expect(() => buildMoldUdp64Request('S', 1, 0xffff)).toThrow('count');
    expect(() => buildMoldUdp64Heartbeat('S', -1)).toThrow('nextSequence');
  });
});
