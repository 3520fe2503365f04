import { encodeMessage } from '@tickwire/itch';
import { FeedDump } from './feed-dump';

describe('FeedDump', () => {
  it('prints one JSON line per message, naming the symbol from the directory, and one per problem', () => {
    const out: string[] = [];
    const dump = new FeedDump((text) => out.push(text));
    const directory = encodeMessage({
      type: 'R', stockLocate: 3, trackingNumber: 0, timestampNs: 1, stock: 'ALC', marketCategory: 'Q', financialStatusIndicator: 'N',
      roundLotSize: 100, roundLotsOnly: 'N', issueClassification: 'C', issueSubType: 'Z', authenticity: 'P', shortSaleThresholdIndicator: 'N',
      ipoFlag: 'N', luldReferencePriceTier: '1', etpFlag: 'N', etpLeverageFactor: 0, inverseIndicator: 'N',
    });
    const deleted = encodeMessage({ type: 'D', stockLocate: 3, trackingNumber: 0, timestampNs: 2, orderRef: 9 });
    dump.onMessage(1, directory, 0, directory.length);
    dump.onMessage(2, deleted, 0, deleted.length);
    dump.onMessage(3, deleted, 0, 5);
    dump.onError('BINARYFILE_ERR_TRUNCATED_RECORD', 'f byte 9', 'truncated');
    dump.flush();
    const lines = out.join('').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ sequence: 1, type: 'R', stock: 'ALC' });
    expect(lines[1]).toEqual({ sequence: 2, type: 'D', stockLocate: 3, trackingNumber: 0, timestampNs: 2, orderRef: 9, symbol: 'ALC' });
    expect(lines[2]).toEqual({ sequence: 3, error: 'malformed message', bytes: Buffer.from(deleted.subarray(0, 5)).toString('hex') });
    expect(lines[3]).toEqual({ error: 'BINARYFILE_ERR_TRUNCATED_RECORD', where: 'f byte 9', detail: 'truncated' });
  });
});
