import { MarketSimError } from './errors';
import {
  DEFAULT_EVENT_MIX,
  DEFAULT_MESSAGES,
  DEFAULT_OPEN_BURST,
  DEFAULT_SYMBOLS,
  defaultMarketDayOptions,
  MAX_DURATION_NS,
  parseMarketDayOptions,
} from './options';
import type { MarketDayOptions } from './options';

function errorOf(options: MarketDayOptions): MarketSimError {
  try {
    parseMarketDayOptions(options);
  } catch (e) {
    return e as MarketSimError;
  }
  throw new Error('expected a MarketSimError');
}

describe('parseMarketDayOptions', () => {
  it('fills in the defaults and freezes the result', () => {
    const o = defaultMarketDayOptions();
    expect(o.symbols).toBe(DEFAULT_SYMBOLS);
    expect(o.messages).toBe(DEFAULT_MESSAGES);
    expect(o.openBurst).toEqual(DEFAULT_OPEN_BURST);
    expect(o.eventMix).toEqual(DEFAULT_EVENT_MIX);
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.eventMix)).toBe(true);
    expect(Object.isFrozen(o.symbolNames)).toBe(true);
  });

  it('merges partial nested options', () => {
    const o = parseMarketDayOptions({ openBurst: { multiplier: 5 }, eventMix: { trade: 0 }, startPrice: { min: 20 } });
    expect(o.openBurst).toEqual({ multiplier: 5, durationNs: DEFAULT_OPEN_BURST.durationNs });
    expect(o.eventMix.trade).toBe(0);
    expect(o.eventMix.add).toBe(DEFAULT_EVENT_MIX.add);
    expect(o.startPrice).toEqual({ min: 20, max: 500 });
  });

  it('grows the default universe to hold the given tickers', () => {
    const names = Array.from({ length: 1500 }, (_, i) => `S${i}`);
    expect(parseMarketDayOptions({ symbolNames: names }).symbols).toBe(1500);
    expect(parseMarketDayOptions({ symbolNames: ['AAPL'] }).symbols).toBe(DEFAULT_SYMBOLS);
  });

  it('accepts an unlimited budget', () => {
    expect(parseMarketDayOptions({ messages: Infinity }).messages).toBe(Infinity);
  });

  it.each<[MarketDayOptions, string]>([
    [{ seed: -1 }, 'seed:'],
    [{ seed: 1.5 }, 'seed:'],
    [{ symbols: 0 }, 'symbols: expected an integer in 1..65535, got 0'],
    [{ symbols: 65_536 }, 'symbols:'],
    [{ symbols: 1, symbolNames: ['A', 'B'] }, 'symbols: expected an integer in 2..65535, got 1'],
    [{ symbolNames: ['AAPL', 'AAPL'] }, 'symbolNames[1]: expected a ticker not listed before, got "AAPL"'],
    [{ symbolNames: ['TOOLONGXX'] }, 'symbolNames[0]:'],
    [{ symbolNames: ['A B'] }, 'symbolNames[0]:'],
    [{ messages: -1 }, 'messages:'],
    [{ messages: Number.NaN }, 'messages:'],
    [{ durationNs: 0 }, 'durationNs:'],
    [{ durationNs: MAX_DURATION_NS + 1 }, 'durationNs:'],
    [{ messagesPerSecond: 0 }, 'messagesPerSecond:'],
    [{ openBurst: { multiplier: 0.5 } }, 'openBurst.multiplier:'],
    [{ messagesPerSecond: 1e8, openBurst: { multiplier: 20 } }, 'openBurst.multiplier:'],
    [{ openBurst: { durationNs: -1 } }, 'openBurst.durationNs:'],
    [{ zipfExponent: -0.1 }, 'zipfExponent:'],
    [{ haltProbability: 2 }, 'haltProbability:'],
    [{ haltDurationNs: 1.5 }, 'haltDurationNs:'],
    [{ startPrice: { min: 0.5 } }, 'startPrice.min:'],
    [{ startPrice: { min: 10, max: 5 } }, 'startPrice.max:'],
    [{ maxOrdersPerSide: 0 }, 'maxOrdersPerSide:'],
    [{ eventMix: { add: -1 } }, 'eventMix.add:'],
    [{ eventMix: { bogus: 1 } as never }, 'eventMix.bogus:'],
    [{ eventMix: { add: 0, addMpid: 0, execute: 0, executeWithPrice: 0, cancel: 0, delete: 0, replace: 0, trade: 0 } }, 'eventMix:'],
  ])('rejects %j naming the field', (options, message) => {
    const error = errorOf(options);
    expect(error).toBeInstanceOf(MarketSimError);
    expect(error.code).toBe('MARKET_SIM_ERR_INVALID_OPTION');
    expect(error.message).toContain(`invalid market-sim option: ${message}`);
  });
});
