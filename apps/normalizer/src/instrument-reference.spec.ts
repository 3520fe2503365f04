import { BookSet } from '@tickwire/book';
import { encodeMessage, ItchMessageView } from '@tickwire/itch';
import { Instrument as InstrumentReference } from '@tickwire/protocol';
import { instrumentReference } from './instrument-reference';

function listed(fields: { etpFlag: string; inverseIndicator: string; roundLotsOnly: string; issueSubType: string; marketCategory: string }) {
  const books = new BookSet();
  const view = new ItchMessageView();
  const bytes = encodeMessage({
    type: 'R', stockLocate: 42, trackingNumber: 0, timestampNs: 1, stock: 'QQQ', financialStatusIndicator: 'D', roundLotSize: 100, issueClassification: 'Q',
    authenticity: 'P', shortSaleThresholdIndicator: 'N', ipoFlag: ' ', luldReferencePriceTier: '1', etpLeverageFactor: 3, ...fields,
  });
  view.wrap(bytes, 0, bytes.length);
  books.apply(view);
  return books.instrument(42)!;
}

describe('instrumentReference', () => {
  it("carries every Stock Directory field, the locate and the shard, and survives an encode/decode round trip", () => {
    const reference = instrumentReference(listed({ marketCategory: 'G', roundLotsOnly: 'Y', issueSubType: 'X', etpFlag: 'Y', inverseIndicator: '1' }), 5);
    expect(InstrumentReference.decode(InstrumentReference.encode(reference).finish())).toEqual({
      symbol: 'QQQ',
      locate: 42,
      marketCategory: 'G',
      financialStatus: 'D',
      roundLotSize: 100,
      roundLotsOnly: true,
      issueClassification: 'Q',
      issueSubType: 'X',
      etp: true,
      etpLeverageFactor: 3,
      inverse: true,
      shard: 5,
    });
  });

  it('maps ITCH flags other than Y / 1 to false, keeps two-character sub-types and drops the padding space', () => {
    const reference = instrumentReference(listed({ marketCategory: ' ', roundLotsOnly: 'N', issueSubType: 'AI', etpFlag: 'N', inverseIndicator: '0' }), 0);
    expect([reference.marketCategory, reference.roundLotsOnly, reference.issueSubType, reference.etp, reference.inverse]).toEqual(['', false, 'AI', false, false]);
  });
});
