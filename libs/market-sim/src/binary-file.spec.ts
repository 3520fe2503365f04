import { decodeMessage } from '@tickwire/itch';
import { splitRecords } from '../test/records';
import { estimateBinaryFileLength, fillBinaryFile, MAX_RECORD_LENGTH, writeBinaryFile } from './binary-file';
import { MarketDayGenerator } from './market-day';

const options = { seed: 2, symbols: 40, messages: 5000 };

describe('writeBinaryFile', () => {
  it('frames every message of the day with its u16 big-endian length', () => {
    const file = writeBinaryFile(new MarketDayGenerator(options));
    const { messages, endOfSession, trailing } = splitRecords(file);
    expect(endOfSession).toBe(false);
    expect(trailing).toBe(0);
    const g = new MarketDayGenerator(options);
    for (const bytes of messages) expect(decodeMessage(bytes, 0, bytes.length)).toEqual(g.next());
    expect(g.next()).toBeUndefined();
    expect(messages).toHaveLength(5000 + 40 * 4 + 6);
  });

  it('appends the End-of-Session record on request', () => {
    const file = writeBinaryFile(new MarketDayGenerator(options), { endOfSession: true });
    expect(Array.from(file.subarray(-2))).toEqual([0, 0]);
    const { endOfSession, trailing } = splitRecords(file);
    expect(endOfSession).toBe(true);
    expect(trailing).toBe(0);
  });

  it('writes into a given target, and grows past it when it is too small', () => {
    const whole = writeBinaryFile(new MarketDayGenerator(options));
    const big = new Uint8Array(whole.length + 100);
    const inBig = writeBinaryFile(new MarketDayGenerator(options), { target: big });
    expect(inBig.buffer).toBe(big.buffer);
    expect(Buffer.from(inBig).equals(Buffer.from(whole))).toBe(true);
    const grown = writeBinaryFile(new MarketDayGenerator(options), { target: new Uint8Array(10), endOfSession: true });
    expect(Buffer.from(grown.subarray(0, -2)).equals(Buffer.from(whole))).toBe(true);
  });

  it('sizes its first buffer close to the result', () => {
    const g = new MarketDayGenerator({ ...options, messages: 50_000 });
    const estimate = estimateBinaryFileLength(g);
    const file = writeBinaryFile(g);
    expect(file.length).toBeLessThanOrEqual(estimate);
    expect(file.length).toBeGreaterThan(estimate * 0.7);
  });
});

describe('fillBinaryFile', () => {
  it('streams the same file through a small chunk', () => {
    const whole = writeBinaryFile(new MarketDayGenerator(options));
    const g = new MarketDayGenerator(options);
    const chunk = new Uint8Array(MAX_RECORD_LENGTH + 7);
    const parts: Buffer[] = [];
    let guard = 0;
    while (!g.isDone && guard++ < 1e6) {
      const end = fillBinaryFile(g, chunk, 0);
      expect(end).toBeGreaterThan(0);
      parts.push(Buffer.from(chunk.subarray(0, end)));
    }
    expect(Buffer.concat(parts).equals(Buffer.from(whole))).toBe(true);
    expect(fillBinaryFile(g, chunk, 0)).toBe(0);
  });

  it('writes nothing when the room left is smaller than one record', () => {
    const g = new MarketDayGenerator(options);
    expect(fillBinaryFile(g, new Uint8Array(MAX_RECORD_LENGTH - 1), 0)).toBe(0);
    expect(g.stats.messages).toBe(0);
  });
});
