import { MarketUpdate } from './gen/tickwire/v1/market';
import { SubscriptionMode } from './gen/tickwire/v1/snapshot';
import { UPDATE_FIELDS_ALL, UpdateField } from './update-field';
import { MODE_FIELDS, modeFields, projectUpdate } from './update-projection';

const full: MarketUpdate = {
  ...MarketUpdate.fromPartial({}),
  symbol: 'AAPL',
  seq: 7n,
  epoch: 2n,
  exchangeTsNs: 1n,
  ingestTsNs: 2n,
  publishTsNs: 3n,
  ltp: 1_000_000,
  lastSize: 100n,
  quote: { bidPrice: 999_900, bidSize: 10n, askPrice: 1_000_100, askSize: 20n },
  ohlc: { open: 1, high: 2, low: 1, close: 2 },
  volume: 500n,
  vwap: 1_000_000.5,
  depth: { bids: [{ price: 999_900, size: 10n, orders: 1 }], asks: [] },
  trades: [{ price: 1_000_000, size: 100n, matchNumber: 9n, exchangeTsNs: 1n, kind: 1 }],
  status: 1,
  stale: true,
  changed: UPDATE_FIELDS_ALL,
};

describe('projectUpdate', () => {
  it('keeps only the ltp fields in ltp mode, with the header intact', () => {
    const ltp = projectUpdate(full, MODE_FIELDS[SubscriptionMode.LTP]);
    expect(ltp).toMatchObject({ symbol: 'AAPL', seq: 7n, epoch: 2n, publishTsNs: 3n, ltp: 1_000_000, lastSize: 100n, volume: 500n, status: 1, stale: true });
    expect(ltp.quote).toBeUndefined();
    expect(ltp.ohlc).toBeUndefined();
    expect(ltp.vwap).toBeUndefined();
    expect(ltp.depth).toBeUndefined();
    expect(ltp.trades).toEqual([]);
    expect(ltp.changed).toBe(UpdateField.LTP | UpdateField.VOLUME | UpdateField.STATUS);
  });

  it('adds quote, ohlc and vwap in quote mode; full mode keeps everything', () => {
    const quote = projectUpdate(full, MODE_FIELDS[SubscriptionMode.QUOTE]);
    expect(quote.quote).toBe(full.quote);
    expect(quote.ohlc).toBe(full.ohlc);
    expect(quote.vwap).toBe(full.vwap);
    expect(quote.depth).toBeUndefined();
    expect(projectUpdate(full, MODE_FIELDS[SubscriptionMode.FULL])).toEqual(full);
  });

  it('cuts a delta to the changed bits of a mode', () => {
    const delta = projectUpdate({ ...full, changed: UpdateField.DEPTH | UpdateField.VOLUME }, MODE_FIELDS[SubscriptionMode.QUOTE] & (UpdateField.DEPTH | UpdateField.VOLUME));
    expect(delta.volume).toBe(500n);
    expect(delta.ltp).toBeUndefined();
    expect(delta.depth).toBeUndefined();
    expect(delta.changed).toBe(UpdateField.VOLUME);
  });

  it('modeFields rejects unspecified and unknown modes', () => {
    expect(modeFields(SubscriptionMode.UNSPECIFIED)).toBeUndefined();
    expect(modeFields(42 as SubscriptionMode)).toBeUndefined();
    expect(modeFields(SubscriptionMode.FULL)).toBe(UPDATE_FIELDS_ALL);
  });
});
