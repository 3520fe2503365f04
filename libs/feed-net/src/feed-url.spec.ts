import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinaryFileSource } from './file/binary-file-source';
import { FeedUrlError, openFeedSource } from './feed-url';
import { MoldUdp64FeedSource } from './moldudp64';
import { PcapFeedSource } from './pcap';
import { SoupBinTcpFeedSource } from './soupbintcp';

describe('openFeedSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-feed-url-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a BinaryFILE or a capture from file:// by content, and a live MoldUDP64 channel', () => {
    const day = join(dir, 'day.itch50');
    writeFileSync(day, Uint8Array.of(0, 1, 0x53));
    const capture = join(dir, 'capture.bin');
    writeFileSync(capture, Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, ...new Array(16).fill(0), 1, 0, 0, 0));
    expect(openFeedSource(`file://${day}`)).toBeInstanceOf(BinaryFileSource);
    expect(openFeedSource(`file://${capture}`)).toBeInstanceOf(PcapFeedSource);
    expect(openFeedSource('moldudp64://127.0.0.1:31000?request=127.0.0.1:31001')).toBeInstanceOf(MoldUdp64FeedSource);
    expect(openFeedSource('soupbintcp://tw:secret@127.0.0.1:9700?session=S1')).toBeInstanceOf(SoupBinTcpFeedSource);
  });

  it('rejects what it cannot open with FEED_ERR_BAD_URL and says what is expected', () => {
    const problems = ['ftp://x/y', 'not a url', `file://${join(dir, 'missing.itch50')}`, 'moldudp64://127.0.0.1:31000?bogus=1'].map((url) => {
      try {
        openFeedSource(url);
        return 'opened';
      } catch (error) {
        return error instanceof FeedUrlError ? `${error.code}: ${error.message}` : `other: ${String(error)}`;
      }
    });
    expect(problems[0]).toMatch(/^FEED_ERR_BAD_URL: invalid feed URL "ftp:\/\/x\/y": unsupported scheme ftp:; expected one of file:\/\//);
    expect(problems[1]).toMatch(/^FEED_ERR_BAD_URL: invalid feed URL "not a url": expected one of/);
    expect(problems[2]).toMatch(/^FEED_ERR_BAD_URL: .*missing\.itch50.*ENOENT/);
    expect(problems[3]).toMatch(/^FEED_ERR_BAD_URL: .*bogus/);
  });
});
