import { NO_VALUE } from './display-format';
import { changeVsOpen, directionOf, priceMove, watchRowView, type WatchFields } from './watch-row';

const base: WatchFields = { symbol: 'AAPL', ltp: 101.5, open: 100, bid: 101.49, ask: 101.51, volume: 1_234_567, status: 'trading', stale: false };

describe('changeVsOpen', () => {
  it('is the difference to the open, absolute and in percent', () => {
    expect(changeVsOpen(101.5, 100)).toEqual({ change: 1.5, percent: 1.5 });
    expect(changeVsOpen(99, 100)).toEqual({ change: -1, percent: -1 });
  });

  it('is undefined without a last price or a usable open', () => {
    expect(changeVsOpen(undefined, 100)).toBeUndefined();
    expect(changeVsOpen(100, undefined)).toBeUndefined();
    expect(changeVsOpen(100, 0)).toBeUndefined();
  });
});

describe('directionOf and priceMove', () => {
  it('colours by the sign of the change; rounding noise is flat', () => {
    expect(directionOf(0.01)).toBe('up');
    expect(directionOf(-0.0001)).toBe('down');
    expect(directionOf(101.5 - 101.5)).toBe('flat');
    expect(directionOf(1e-12)).toBe('flat');
    expect(directionOf(undefined)).toBe('flat');
  });

  it('flashes only on a real change between two known prices', () => {
    expect(priceMove(100, 100.01)).toBe('up');
    expect(priceMove(100, 99.99)).toBe('down');
    expect(priceMove(100, 100)).toBeUndefined();
    expect(priceMove(undefined, 100)).toBeUndefined();
    expect(priceMove(100, undefined)).toBeUndefined();
  });
});

describe('watchRowView', () => {
  it('formats a trading symbol', () => {
    expect(watchRowView(base)).toEqual({ symbol: 'AAPL', price: '101.50', change: '+1.50 (+1.50%)', direction: 'up', bid: '101.49', ask: '101.51', volume: '1.23M', flag: '' });
  });

  it('shows dashes before the first trade and for an empty book side (price 0)', () => {
    const view = watchRowView({ symbol: 'NEW', bid: 0, ask: 12.5, stale: false });
    expect(view).toMatchObject({ price: NO_VALUE, change: NO_VALUE, direction: 'flat', bid: NO_VALUE, ask: '12.50', volume: NO_VALUE });
  });

  it('flags halted, quotation-only and stale symbols', () => {
    expect(watchRowView({ ...base, status: 'halted' }).flag).toBe('halted');
    expect(watchRowView({ ...base, status: 'quotation_only' }).flag).toBe('quotation only');
    expect(watchRowView({ ...base, status: 'halted', stale: true }).flag).toBe('stale');
  });
});
