import fc from 'fast-check';
import { shardOf } from './shard';
import {
  allInstrumentsWildcard,
  instrumentSubject,
  RAW_SUBJECT_PREFIX,
  TICK_SUBJECT_PREFIX,
  allTicksWildcard,
  parseRawSubject,
  parseTickSubject,
  rawSubject,
  republishSubject,
  rawWildcard,
  tickShardWildcard,
  tickSubject,
  tickSubjectForSymbol,
} from './subjects';

describe('subjects', () => {
  it('name the raw and tick subjects as documented', () => {
    expect(RAW_SUBJECT_PREFIX).toBe('md.raw');
    expect(TICK_SUBJECT_PREFIX).toBe('md.tick');
    expect(rawSubject(3)).toBe('md.raw.3');
    expect(rawWildcard).toBe('md.raw.*');
    expect(tickSubject(7, 'AAPL')).toBe('md.tick.7.AAPL');
    expect(tickSubject(0, 'BRK.B')).toBe('md.tick.0.BRK~2EB');
    expect(tickShardWildcard(15)).toBe('md.tick.15.*');
    expect(allTicksWildcard).toBe('md.tick.>');
  });

  it('put a symbol on the subject of its shard', () => {
    expect(tickSubjectForSymbol('BRK.B', 16)).toBe(`md.tick.${shardOf('BRK.B', 16)}.BRK~2EB`);
  });

  it.each([-1, 1024, 1.5, Number.NaN])('reject shard %p', (shard) => {
    expect(() => rawSubject(shard)).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_SHARD' }));
    expect(() => tickSubject(shard, 'AAPL')).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_SHARD' }));
    expect(() => tickShardWildcard(shard)).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_SHARD' }));
  });

  it('reject an empty symbol and an invalid shard count', () => {
    expect(() => tickSubject(1, '')).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_SYMBOL' }));
    expect(() => tickSubjectForSymbol('AAPL', 0)).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_SHARD_COUNT' }));
  });
});

describe('parseTickSubject', () => {
  it('reads back what tickSubject wrote', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1023 }), fc.string({ unit: 'binary', minLength: 1 }), (shard, symbol) => {
        expect(parseTickSubject(tickSubject(shard, symbol))).toEqual({ shard, symbol });
      }),
    );
  });

  it.each([
    'md.tick',
    'md.tick.',
    'md.tick.1',
    'md.tick.1.',
    'md.tick.01.AAPL',
    'md.tick.-1.AAPL',
    'md.tick.1024.AAPL',
    'md.tick.x.AAPL',
    'md.tick.1.BRK.B',
    'md.tick.1.*',
    'md.tick.>',
    'md.raw.1',
    'xmd.tick.1.AAPL',
    'md.tick.1.~2e',
  ])('returns undefined for %j', (subject) => {
    expect(parseTickSubject(subject)).toBeUndefined();
  });
});

describe('parseRawSubject', () => {
  it('reads back what rawSubject wrote, and nothing else', () => {
    expect(parseRawSubject(rawSubject(0))).toBe(0);
    expect(parseRawSubject(rawSubject(1023))).toBe(1023);
    for (const subject of ['md.raw', 'md.raw.', 'md.raw.*', 'md.raw.007', 'md.raw.1024', 'md.raw.1.2', 'md.tick.1']) {
      expect(parseRawSubject(subject)).toBeUndefined();
    }
  });
});

describe('instrument subjects', () => {
  it('names md.instrument.<shard> and rejects a bad shard', () => {
    expect(instrumentSubject(3)).toBe('md.instrument.3');
    expect(allInstrumentsWildcard).toBe('md.instrument.*');
    expect(() => instrumentSubject(-1)).toThrow(/shard/);
  });
});

describe('republish subjects', () => {
  it('names md.republish.<shard> and rejects a bad shard', () => {
    expect(republishSubject(0)).toBe('md.republish.0');
    expect(republishSubject(15)).toBe('md.republish.15');
    expect(() => republishSubject(1.5)).toThrow(/shard/);
  });
});
