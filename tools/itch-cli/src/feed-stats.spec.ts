import { join } from 'node:path';
import { BinaryFileSource } from '@tickwire/feed-net';
import { encodeMessage } from '@tickwire/itch';
import { FeedStats } from './feed-stats';

describe('FeedStats', () => {
  it('reports the RITCH sample with exactly the counts its README gives', async () => {
    const stats = new FeedStats();
    await new BinaryFileSource(join(__dirname, '../../../../shared/data/itch/ritch-ex20101224.itch50')).start(stats);
    const report = stats.report('sample');
    expect(report.byType).toEqual({ P: 5000, A: 4997, D: 1745, E: 198, X: 45, U: 12, S: 6, R: 3, H: 3, F: 3 });
    expect(report.messages).toBe(12_012);
    expect([report.firstSequence, report.lastSequence]).toEqual([1, 12_012]);
    expect(report.firstTimestampNs).toBeLessThan(report.lastTimestampNs!);
    expect([report.errors, report.endOfSession]).toEqual([0, true]);
  });

  it('counts malformed messages and feed errors by code instead of counting them as messages', () => {
    const stats = new FeedStats();
    const good = encodeMessage({ type: 'D', stockLocate: 1, trackingNumber: 0, timestampNs: 42, orderRef: 7 });
    stats.onMessage(1, good, 0, good.length);
    stats.onMessage(2, good, 0, good.length - 1);
    stats.onMessage(3, Uint8Array.of(0x3f, 0, 0), 0, 3);
    stats.onError('BINARYFILE_ERR_TRUNCATED_RECORD');
    stats.onGap(4, 9);
    const report = stats.report('test');
    expect(report.messages).toBe(1);
    expect(report.byType).toEqual({ D: 1 });
    expect(report.errorsByCode).toEqual({ ITCH_ERR_LENGTH_MISMATCH: 1, ITCH_ERR_UNKNOWN_TYPE: 1, BINARYFILE_ERR_TRUNCATED_RECORD: 1 });
    expect(report.gaps).toEqual([{ from: 4, to: 9 }]);
    expect([report.firstTimestampNs, report.lastTimestampNs]).toEqual([42, 42]);
  });
});
