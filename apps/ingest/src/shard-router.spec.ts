import { encodeMessage } from '@tickwire/itch';
import { shardOf } from '@tickwire/protocol';
import { ALL_SHARDS, ShardRouter } from './shard-router';

const directoryEntry = (locate: number, stock: string): Uint8Array =>
  encodeMessage({
    type: 'R', stockLocate: locate, trackingNumber: 0, timestampNs: 1, stock, marketCategory: 'Q', financialStatusIndicator: 'N', roundLotSize: 100,
    roundLotsOnly: 'N', issueClassification: 'C', issueSubType: 'Z', authenticity: 'P', shortSaleThresholdIndicator: 'N', ipoFlag: 'N',
    luldReferencePriceTier: '1', etpFlag: 'N', etpLeverageFactor: 0, inverseIndicator: 'N',
  });

const route = (router: ShardRouter, bytes: Uint8Array): number => router.route(bytes, 0, bytes.length);

describe('ShardRouter', () => {
  it('routes a stock message to its symbol shard once the directory has named the locate', () => {
    const router = new ShardRouter(16);
    const symbols = ['AAPL', 'MSFT', 'BRK.B', 'ZVZZT'];
    symbols.forEach((symbol, i) => expect(route(router, directoryEntry(i + 1, symbol))).toBe(shardOf(symbol, 16)));
    symbols.forEach((symbol, i) => {
      const deleted = encodeMessage({ type: 'D', stockLocate: i + 1, trackingNumber: 0, timestampNs: 5, orderRef: 1 });
      expect(route(router, deleted)).toBe(shardOf(symbol, 16));
    });
    expect(router.unroutable).toBe(0);
  });

  it('sends market-wide messages (locate 0) to every shard', () => {
    const router = new ShardRouter(4);
    expect(route(router, encodeMessage({ type: 'S', stockLocate: 0, trackingNumber: 0, timestampNs: 1, eventCode: 'O' }))).toBe(ALL_SHARDS);
    expect(router.unroutable).toBe(0);
  });

  it('sends a message whose locate has no directory entry to every shard, and counts it', () => {
    const router = new ShardRouter(4);
    expect(route(router, encodeMessage({ type: 'D', stockLocate: 77, trackingNumber: 0, timestampNs: 1, orderRef: 1 }))).toBe(ALL_SHARDS);
    expect(router.unroutable).toBe(1);
  });
});
