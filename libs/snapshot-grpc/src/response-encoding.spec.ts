import { GetSnapshotsResponse, MarketUpdate } from '@tickwire/protocol';
import { encodeRepeatedMessages } from './response-encoding';

describe('encodeRepeatedMessages', () => {
  it('produces exactly what the generated encoder produces for GetSnapshotsResponse', () => {
    const big = MarketUpdate.fromPartial({ symbol: 'AAPL', seq: 300n, epoch: 2n, depth: { bids: Array.from({ length: 40 }, (_, i) => ({ price: i + 1, size: BigInt(i), orders: 1 })), asks: [] }, snapshot: true });
    const small = MarketUpdate.fromPartial({ symbol: 'B', seq: 1n, snapshot: true });
    for (const [snapshots, unknownSymbols] of [
      [[big, small], ['NOPE', 'ÄÖ']],
      [[], []],
      [[small], []],
      [[], ['X']],
    ] as [MarketUpdate[], string[]][]) {
      const expected = GetSnapshotsResponse.encode({ snapshots, unknownSymbols }).finish();
      const ours = encodeRepeatedMessages(snapshots.map((s) => MarketUpdate.encode(s).finish()), unknownSymbols);
      expect(Buffer.from(ours).equals(Buffer.from(expected))).toBe(true);
    }
  });
});
