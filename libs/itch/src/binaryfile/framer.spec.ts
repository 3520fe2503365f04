import fc from 'fast-check';
import type { ItchErrorCode } from '../errors';
import { anyMessage } from '../../test/message-arbitraries';
import { BinaryFileFramer, BinaryFileState } from './framer';
import { BinaryFileWriter } from './writer';

interface Trace {
  records: [streamOffset: number, hex: string][];
  errors: [ItchErrorCode, number][];
  endOfSession: number[];
  counters: [bytesConsumed: number, messages: number, errors: number];
}

function toHex(bytes: Uint8Array, offset: number, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString('hex');
}

/** Feeds `input` cut at `cuts` (sorted offsets), then end(); returns everything the framer reported. */
function run(input: Uint8Array, cuts: readonly number[], end = true): Trace {
  const trace: Trace = { records: [], errors: [], endOfSession: [], counters: [0, 0, 0] };
  const framer = new BinaryFileFramer(
    (bytes, offset, length, streamOffset) => trace.records.push([streamOffset, toHex(bytes, offset, length)]),
    (code, streamOffset) => trace.errors.push([code, streamOffset]),
    (streamOffset) => trace.endOfSession.push(streamOffset),
  );
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    framer.push(input.subarray(from, cut));
    from = cut;
  }
  if (end) framer.end();
  trace.counters = [framer.bytesConsumed, framer.messages, framer.errors];
  return trace;
}

function byteByByte(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A stream of records of assorted lengths (1, 2, 3 .. 300 bytes), including some that are not ITCH. */
function sampleStream(): Uint8Array {
  const w = new BinaryFileWriter(16);
  for (const len of [1, 2, 3, 36, 19, 255, 256, 300, 50]) w.appendRecord(Uint8Array.from({ length: len }, (_, i) => (i * 7 + len) & 0xff));
  return w.toUint8Array();
}

describe('BinaryFileFramer', () => {
  it('emits every record with its stream offset', () => {
    const input = sampleStream();
    const t = run(input, []);
    expect(t.records.map((r) => r[1].length / 2)).toEqual([1, 2, 3, 36, 19, 255, 256, 300, 50]);
    expect(t.records[1]![0]).toBe(3);
    expect(t.errors).toEqual([]);
    expect(t.counters).toEqual([input.length, 9, 0]);
  });

  it('gives identical results split at every offset and byte by byte', () => {
    const input = sampleStream();
    const whole = run(input, []);
    for (let cut = 0; cut <= input.length; cut++) expect(run(input, [cut])).toEqual(whole);
    expect(run(input, byteByByte(input.length))).toEqual(whole);
  });

  it('hands out records inside a chunk as views of that chunk, without copying', () => {
    const input = sampleStream();
    const seen: Uint8Array[] = [];
    const framer = new BinaryFileFramer((bytes) => seen.push(bytes));
    framer.push(input);
    expect(seen.every((b) => b === input)).toBe(true);
  });

  it('reassembles records of up to 65535 bytes across chunks', () => {
    const w = new BinaryFileWriter();
    w.appendRecord(new Uint8Array(65535).fill(9)).appendRecord(Uint8Array.of(1));
    const input = w.toUint8Array();
    const whole = run(input, []);
    expect(whole.records.map((r) => r[1].length / 2)).toEqual([65535, 1]);
    expect(run(input, [1, 2, 3, 40000, 65537, 65538])).toEqual(whole);
  });

  it('reports a truncated trailing record at its offset, never emitting half of it', () => {
    const input = sampleStream();
    const whole = run(input, []);
    const lastStart = whole.records[8]![0];
    for (let cut = lastStart + 1; cut < input.length; cut++) {
      const partial = input.subarray(0, cut);
      const expected: Trace = {
        records: whole.records.slice(0, 8),
        errors: [['BINARYFILE_ERR_TRUNCATED_RECORD', lastStart]],
        endOfSession: [],
        counters: [cut, 8, 1],
      };
      expect(run(partial, [])).toEqual(expected);
      expect(run(partial, byteByByte(cut))).toEqual(expected);
    }
    expect(run(input.subarray(0, lastStart), []).errors).toEqual([]);
  });

  it('treats a zero-length record as End-of-Session and reports data after it once', () => {
    const w = new BinaryFileWriter();
    w.appendRecord(Uint8Array.of(1, 2)).appendEndOfSession().appendRecord(Uint8Array.of(3)).appendRecord(Uint8Array.of(4));
    const input = w.toUint8Array();
    const expected: Trace = {
      records: [[0, '0102']],
      errors: [['BINARYFILE_ERR_DATA_AFTER_END', 6]],
      endOfSession: [4],
      counters: [input.length, 1, 1],
    };
    for (let cut = 0; cut <= input.length; cut++) expect(run(input, [cut])).toEqual(expected);
    expect(run(input, byteByByte(input.length))).toEqual(expected);
    const clean = input.subarray(0, 6);
    expect(run(clean, byteByByte(6))).toEqual({ records: [[0, '0102']], errors: [], endOfSession: [4], counters: [6, 1, 0] });
  });

  it('tracks state, reports pushes after end(), and resets', () => {
    const framer = new BinaryFileFramer(() => undefined);
    const errors: ItchErrorCode[] = [];
    const f2 = new BinaryFileFramer(
      () => undefined,
      (code) => errors.push(code),
    );
    expect(framer.state).toBe(BinaryFileState.Prefix);
    framer.push(Uint8Array.of(0, 3, 1));
    expect(framer.state).toBe(BinaryFileState.Body);
    framer.push(Uint8Array.of(2, 3, 0, 0));
    expect([framer.state, framer.endOfSession, framer.messages]).toEqual([BinaryFileState.EndOfSession, true, 1]);
    framer.end();
    expect(framer.state).toBe(BinaryFileState.Closed);
    f2.end();
    f2.push(Uint8Array.of(0, 1, 7));
    f2.push(Uint8Array.of(0, 1, 7));
    expect([errors, f2.errors, f2.messages]).toEqual([['BINARYFILE_ERR_PUSH_AFTER_CLOSE'], 1, 0]);
    f2.reset();
    f2.push(Uint8Array.of(0, 1, 7));
    expect([f2.state, f2.errors, f2.messages, f2.bytesConsumed]).toEqual([BinaryFileState.Prefix, 0, 1, 3]);
  });

  it('frames encoded ITCH messages identically under random chunking', () => {
    fc.assert(
      fc.property(fc.array(anyMessage, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (messages, rawCuts) => {
        const w = new BinaryFileWriter(8);
        for (const m of messages) w.appendMessage(m);
        const input = w.toUint8Array();
        const cuts = [...new Set(rawCuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
        const t = run(input, cuts);
        expect(t).toEqual(run(input, []));
        expect(t.records).toHaveLength(messages.length);
        expect(t.errors).toEqual([]);
      }),
    );
  });

  it('fuzz: random and mutated bytes never throw and every record matches its prefix', () => {
    const valid = sampleStream();
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.tuple(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(valid.length)).map(([flips, cut]) => {
        const copy = valid.slice(0, cut);
        for (const [at, value] of flips) if (at < copy.length) copy[at] = value;
        return copy;
      }),
    );
    fc.assert(
      fc.property(inputs, fc.array(fc.nat(), { maxLength: 8 }), (input, rawCuts) => {
        const cuts = [...new Set(rawCuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
        const t = run(input, cuts);
        expect(t).toEqual(run(input, byteByByte(input.length)));
        // Records tile the input from offset 0: each length equals its own prefix.
        let at = 0;
        for (const [streamOffset, body] of t.records) {
          expect(streamOffset).toBe(at);
          const length = (input[at]! << 8) | input[at + 1]!;
          expect(body.length / 2).toBe(length);
          expect(body).toBe(toHex(input, at + 2, length));
          at += 2 + length;
        }
        expect(t.counters[0]).toBe(input.length);
        expect(t.counters[2]).toBe(t.errors.length);
        expect(t.errors.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
