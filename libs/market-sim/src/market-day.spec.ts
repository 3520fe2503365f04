import { CHECK_OK, checkMessage, decodeMessage, encodeMessage } from '@tickwire/itch';
import type { ItchMessage } from '@tickwire/itch';
import { ReferenceBook } from '../test/reference-book';
import { splitRecords } from '../test/records';
import { writeBinaryFile } from './binary-file';
import { MarketSimError } from './errors';
import { MarketDayGenerator, MAX_GENERATED_MESSAGE_LENGTH } from './market-day';
import { MARKET_CLOSE_NS, MARKET_OPEN_NS } from './options';
import type { MarketDayOptions } from './options';

/** Generates a whole day and decodes it with `@tickwire/itch` (checking every message on the way). */
function day(options: MarketDayOptions): { messages: ItchMessage[]; generator: MarketDayGenerator; bad: string[] } {
  const generator = new MarketDayGenerator(options);
  const { messages: records } = splitRecords(writeBinaryFile(generator));
  const bad: string[] = [];
  const messages: ItchMessage[] = [];
  for (const [i, bytes] of records.entries()) {
    const check = checkMessage(bytes, 0, bytes.length);
    const m = decodeMessage(bytes, 0, bytes.length);
    if (check !== CHECK_OK || !m) {
      bad.push(`#${i}: check ${check}`);
      continue;
    }
    if (bytes.length > MAX_GENERATED_MESSAGE_LENGTH) bad.push(`#${i}: ${bytes.length} bytes`);
    // Re-encoding with the codec's validating encoder gives the same bytes: every field is in range.
    if (Buffer.compare(Buffer.from(encodeMessage(m)), Buffer.from(bytes)) !== 0) bad.push(`#${i}: ${m.type} does not round-trip`);
    messages.push(m);
  }
  return { messages, generator, bad };
}

function replay(messages: readonly ItchMessage[]): ReferenceBook {
  const book = new ReferenceBook();
  for (const m of messages) book.apply(m);
  return book;
}

const label = (m: ItchMessage): string => (m.type === 'S' ? `S${m.eventCode}` : m.type === 'H' ? `H${m.tradingState}` : m.type === 'Q' ? `Q${m.crossType}` : m.type);

describe('MarketDayGenerator determinism', () => {
  const options: MarketDayOptions = { seed: 42, symbols: 200, messages: 30_000, haltProbability: 1e-3, haltDurationNs: 20e6 };

  it('produces the same bytes for the same seed', () => {
    const a = writeBinaryFile(new MarketDayGenerator(options));
    const b = writeBinaryFile(new MarketDayGenerator(options));
    expect(a.length).toBeGreaterThan(30_000 * 20);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
  });

  it('produces a different day for a different seed', () => {
    const a = writeBinaryFile(new MarketDayGenerator(options));
    const b = writeBinaryFile(new MarketDayGenerator({ ...options, seed: 43 }));
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).not.toBe(0);
  });

  it('gives the same messages through next() and nextInto()', () => {
    const a = new MarketDayGenerator({ ...options, messages: 2000 });
    const b = new MarketDayGenerator({ ...options, messages: 2000 });
    const buf = new Uint8Array(MAX_GENERATED_MESSAGE_LENGTH);
    for (;;) {
      const n = b.nextInto(buf, 0);
      const m = a.next();
      if (n === 0) {
        expect(m).toBeUndefined();
        break;
      }
      expect(m).toEqual(decodeMessage(buf, 0, n));
    }
  });
});

describe('MarketDayGenerator validity', () => {
  const cases: [string, MarketDayOptions][] = [
    ['defaults, 100k messages', { messages: 100_000 }],
    ['few symbols, tiny books (eviction)', { seed: 3, symbols: 3, messages: 50_000, maxOrdersPerSide: 4 }],
    ['one symbol, executions only', { seed: 4, symbols: 1, messages: 20_000, eventMix: { add: 1, addMpid: 0, execute: 1, executeWithPrice: 1, cancel: 0, delete: 0, replace: 0, trade: 0 } }],
    ['cancels and replaces only', { seed: 5, symbols: 5, messages: 20_000, eventMix: { add: 1, addMpid: 1, execute: 0, executeWithPrice: 0, cancel: 2, delete: 0, replace: 3, trade: 0 } }],
    ['cheap stocks near the floor', { seed: 6, symbols: 20, messages: 50_000, startPrice: { min: 1, max: 1.05 } }],
    ['frequent halts', { seed: 7, symbols: 50, messages: 50_000, haltProbability: 0.01, haltDurationNs: 5e6 }],
  ];

  it.each(cases)('%s: replays into consistent books', (_name, options) => {
    const { messages, generator, bad } = day(options);
    expect(bad).toEqual([]);
    const book = replay(messages);
    expect(book.problems).toEqual([]);
    const stats = generator.stats;
    expect(stats.continuousMessages).toBe(options.messages);
    expect(stats.messages).toBe(messages.length);
    expect(stats.liveOrders).toBe(book.orders.size);
    expect(stats.maxLiveOrders).toBeLessThanOrEqual(generator.options.symbols * 2 * generator.options.maxOrdersPerSide);
    const counted = messages.reduce<Record<string, number>>((acc, m) => ((acc[m.type] = (acc[m.type] ?? 0) + 1), acc), {});
    expect(stats.byType).toEqual(counted);
  });

  it('uses the whole realistic mix by default', () => {
    const { generator } = day({ messages: 100_000 });
    const t = generator.stats.byType;
    for (const type of ['A', 'F', 'E', 'C', 'X', 'D', 'U', 'P']) expect(t[type]).toBeGreaterThan(0);
    expect(t.A).toBeGreaterThan(t.E * 4);
    expect(t.D).toBeGreaterThan(t.X);
  });

  it('marks some C executions non-printable', () => {
    const { messages } = day({ seed: 9, symbols: 10, messages: 50_000 });
    const printable = new Set(messages.filter((m) => m.type === 'C').map((m) => (m.type === 'C' ? m.printable : '')));
    expect(printable).toEqual(new Set(['Y', 'N']));
  });

  it('keeps the same trading day structure whatever the budget', () => {
    for (const messages of [0, 1, 5000]) {
      const day1 = day({ seed: 11, symbols: 30, messages });
      const labels = day1.messages.map(label);
      const first = (l: string): number => labels.indexOf(l);
      const last = (l: string): number => labels.lastIndexOf(l);
      expect(labels[0]).toBe('SO');
      expect(labels.slice(1, 31)).toEqual(Array(30).fill('R'));
      expect(labels[31]).toBe('SS');
      expect(labels.slice(32, 62)).toEqual(Array(30).fill('HT'));
      expect(labels[62]).toBe('SQ');
      expect(labels.slice(63, 93)).toEqual(Array(30).fill('QO'));
      expect(labels.slice(-33, -3)).toEqual(Array(30).fill('QC'));
      expect(labels.slice(-3)).toEqual(['SM', 'SE', 'SC']);
      expect(labels.length).toBe(30 * 4 + 6 + messages);
      for (const code of ['SO', 'SS', 'SQ', 'SM', 'SE', 'SC']) expect(first(code)).toBe(last(code));
      // Locates 1..N, in ticker order, in the directory, the trading states and both crosses.
      const dir = day1.messages.filter((m) => m.type === 'R');
      expect(dir.map((m) => m.stockLocate)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const ms = day1.messages;
      expect(ms[62].timestampNs).toBe(MARKET_OPEN_NS);
      expect(ms[ms.length - 33].timestampNs).toBeGreaterThanOrEqual(MARKET_CLOSE_NS);
    }
  });

  it('reports the next timestamp, and nothing after the end', () => {
    const g = new MarketDayGenerator({ symbols: 5, messages: 500 });
    const buf = new Uint8Array(64);
    let count = 0;
    while (!g.isDone) {
      const ts = g.nextTimestampNs;
      const n = g.nextInto(buf, 3);
      expect(n).toBeGreaterThan(0);
      expect(decodeMessage(buf, 3, n)!.timestampNs).toBe(ts);
      count++;
    }
    expect(count).toBe(g.stats.messages);
    expect(g.nextTimestampNs).toBe(-1);
    expect(g.nextInto(buf, 0)).toBe(0);
    expect(g.next()).toBeUndefined();
  });

  it('throws MARKET_SIM_ERR_TARGET_TOO_SMALL without consuming a message', () => {
    const a = new MarketDayGenerator({ symbols: 5, messages: 10 });
    const b = new MarketDayGenerator({ symbols: 5, messages: 10 });
    const small = new Uint8Array(MAX_GENERATED_MESSAGE_LENGTH + 9);
    expect(() => a.nextInto(small, 10)).toThrow(expect.objectContaining({ code: 'MARKET_SIM_ERR_TARGET_TOO_SMALL' }));
    expect(() => a.nextInto(small, -1)).toThrow(MarketSimError);
    expect(a.next()).toEqual(b.next());
    expect(a.stats.messages).toBe(1);
  });

  it('ends continuous trading at durationNs when the budget is unlimited', () => {
    const { messages, generator } = day({ symbols: 10, messages: Infinity, durationNs: 2e9, messagesPerSecond: 2000, openBurst: { multiplier: 1 } });
    const continuous = generator.stats.continuousMessages;
    expect(continuous).toBeGreaterThan(3000);
    expect(continuous).toBeLessThan(5000);
    const close = messages.findIndex((m) => m.type === 'Q' && m.crossType === 'C');
    expect(messages[close - 1].timestampNs).toBeLessThan(MARKET_OPEN_NS + 2e9);
    expect(messages[close].timestampNs).toBe(MARKET_CLOSE_NS);
  });
});

describe('MarketDayGenerator symbols and skew', () => {
  it('lists every symbol in the directory, unique A-Z tickers in locate order', () => {
    const g = new MarketDayGenerator({ symbols: 1000, messages: 0 });
    const dir: ItchMessage[] = [];
    for (let m = g.next(); m; m = g.next()) if (m.type === 'R') dir.push(m);
    const tickers = dir.map((m) => (m.type === 'R' ? m.stock : ''));
    expect(dir.map((m) => m.stockLocate)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(tickers).size).toBe(1000);
    for (const t of tickers) expect(t).toMatch(/^[A-Z]{1,8}$/);
    expect([...tickers].sort()).toEqual(tickers);
    expect(g.symbolList.map((s) => s.symbol)).toEqual(tickers);
    // Mostly 3-4 letters, like a real list.
    expect(tickers.filter((t) => t.length === 3 || t.length === 4).length).toBeGreaterThan(700);
  });

  it('puts caller-given tickers in the universe as the hottest symbols', () => {
    const g = new MarketDayGenerator({ symbols: 50, symbolNames: ['MSFT', 'AAPL', 'BRK.B'], messages: 20_000 });
    const bySymbol = new Map(g.symbolList.map((s) => [s.symbol, s]));
    expect(bySymbol.get('MSFT')!.rank).toBe(1);
    expect(bySymbol.get('AAPL')!.rank).toBe(2);
    expect(bySymbol.get('BRK.B')!.rank).toBe(3);
    const counts = new Map<number, number>();
    for (let m = g.next(); m; m = g.next()) if (m.type !== 'S') counts.set(m.stockLocate, (counts.get(m.stockLocate) ?? 0) + 1);
    const hottest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    expect(hottest).toBe(bySymbol.get('MSFT')!.locate);
  });

  it('concentrates activity: with 1,000 symbols the top 1% make more than 20% of continuous messages', () => {
    const { messages } = day({ seed: 21, symbols: 1000, messages: 200_000 });
    const counts = new Map<number, number>();
    const open = messages.findIndex((m) => m.type === 'Q' && m.crossType === 'O');
    const close = messages.findIndex((m) => m.type === 'Q' && m.crossType === 'C');
    const continuous = messages.slice(open + 1000, close);
    for (const m of continuous) counts.set(m.stockLocate, (counts.get(m.stockLocate) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top10 = sorted.slice(0, 10).reduce((s, v) => s + v, 0);
    expect(top10 / continuous.length).toBeGreaterThan(0.2);
    // ...and a long tail: most symbols still trade.
    expect(counts.size).toBeGreaterThan(500);
  });

  it('is not skewed with exponent 0', () => {
    const { messages } = day({ seed: 21, symbols: 1000, messages: 100_000, zipfExponent: 0 });
    const counts = new Map<number, number>();
    for (const m of messages) if (m.type !== 'S' && m.type !== 'R' && m.type !== 'Q' && m.type !== 'H') counts.set(m.stockLocate, (counts.get(m.stockLocate) ?? 0) + 1);
    const top10 = [...counts.values()].sort((a, b) => b - a).slice(0, 10).reduce((s, v) => s + v, 0);
    expect(top10 / 100_000).toBeLessThan(0.03);
  });
});

describe('MarketDayGenerator timing', () => {
  it('multiplies the message density right after the open', () => {
    const burst = { multiplier: 20, durationNs: 2e9 };
    const { messages, generator } = day({ seed: 5, symbols: 100, messages: 80_000, messagesPerSecond: 1000, openBurst: burst });
    const continuous = messages.filter((m) => m.timestampNs >= MARKET_OPEN_NS && m.timestampNs < MARKET_CLOSE_NS && !(m.type === 'Q' || m.type === 'S'));
    expect(continuous.length).toBe(generator.stats.continuousMessages);
    const inBurst = continuous.filter((m) => m.timestampNs < MARKET_OPEN_NS + burst.durationNs).length;
    const after = continuous.slice(inBurst);
    const afterSpan = after[after.length - 1].timestampNs - (MARKET_OPEN_NS + burst.durationNs);
    const burstRate = inBurst / (burst.durationNs / 1e9);
    const baseRate = after.length / (afterSpan / 1e9);
    expect(baseRate).toBeGreaterThan(900);
    expect(baseRate).toBeLessThan(1100);
    expect(burstRate / baseRate).toBeGreaterThan(16);
    expect(burstRate / baseRate).toBeLessThan(24);
  });

  it('halts symbols, with no adds or executions until they resume', () => {
    const { messages, generator } = day({ seed: 8, symbols: 20, messages: 60_000, haltProbability: 0.002, haltDurationNs: 20e6, messagesPerSecond: 100_000 });
    const stats = generator.stats;
    expect(stats.halts).toBeGreaterThan(20);
    expect(stats.resumes).toBe(stats.halts);
    const book = replay(messages); // flags any A/F/E/C/U/P/Q on a halted symbol
    expect(book.problems).toEqual([]);
    expect(book.halted.size).toBe(0);
    // Halts resume during the session (not only at the close), and cancels still happen while halted.
    const closeAt = messages.findIndex((m) => m.type === 'Q' && m.crossType === 'C');
    const halted = new Set<number>();
    let resumedInSession = 0;
    let canceledWhileHalted = 0;
    for (const m of messages.slice(0, closeAt)) {
      if (m.type === 'H' && m.tradingState === 'H') {
        expect(m.reason).toBe('LUDP');
        halted.add(m.stockLocate);
      } else if (m.type === 'H' && m.tradingState === 'T' && halted.delete(m.stockLocate)) resumedInSession++;
      else if ((m.type === 'D' || m.type === 'X') && halted.has(m.stockLocate)) canceledWhileHalted++;
    }
    expect(resumedInSession).toBeGreaterThan(10);
    expect(canceledWhileHalted).toBeGreaterThan(0);
  });

  it('resumes halts still open at the close just before the closing cross', () => {
    const { messages, generator } = day({ seed: 12, symbols: 20, messages: 5000, haltProbability: 0.005 });
    expect(generator.stats.halts).toBeGreaterThan(0);
    const labels = messages.map(label);
    const firstClose = labels.indexOf('QC');
    const open = new Set<number>();
    for (const m of messages.slice(0, firstClose)) {
      if (m.type === 'H' && m.tradingState === 'H') open.add(m.stockLocate);
      if (m.type === 'H' && m.tradingState === 'T') open.delete(m.stockLocate);
    }
    expect(open.size).toBe(0);
    expect(replay(messages).problems).toEqual([]);
  });
});
