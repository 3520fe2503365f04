import { BinaryFileSource } from './file/binary-file-source';
import type { FeedSource } from './feed-source';
import { MOLDUDP64_URL_FORMS, openMoldUdp64Source } from './moldudp64';
import { detectCaptureFormatSync, openPcapSource, PCAP_URL_FORM } from './pcap';
import { openSoupBinTcpSource, SOUPBINTCP_URL_FORMS } from './soupbintcp';

/** Thrown for a feed URL that cannot be used; the message says what form is expected. */
export class FeedUrlError extends Error {
  readonly code = 'FEED_ERR_BAD_URL';
  constructor(url: string, problem: string) {
    super(`invalid feed URL ${JSON.stringify(url)}: ${problem}`);
    this.name = 'FeedUrlError';
  }
}

/** The URL forms `openFeedSource` accepts, for config docs and error messages. */
export const FEED_URL_FORMS: readonly string[] = ['file:///path/to/day.itch50[.gz] (BinaryFILE)', `${PCAP_URL_FORM} (MoldUDP64 capture)`, ...SOUPBINTCP_URL_FORMS, ...MOLDUDP64_URL_FORMS];

/**
 * Opens the feed a URL names: a BinaryFILE or a pcap/pcapng capture (`file://`, told apart by content,
 * gzip or not), a SoupBinTCP session, or a live MoldUDP64 channel. Throws `FeedUrlError` naming what is wrong.
 */
export function openFeedSource(url: string): FeedSource {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FeedUrlError(url, `expected one of ${FEED_URL_FORMS.join(' | ')}`);
  }
  try {
    switch (parsed.protocol) {
      case 'file:': {
        const path = decodeURIComponent(parsed.pathname);
        if (path.length <= 1) throw new FeedUrlError(url, 'no file path');
        return detectCaptureFormatSync(path) === 'binaryfile' ? new BinaryFileSource(path) : openPcapSource(parsed);
      }
      case 'soupbintcp:':
        return openSoupBinTcpSource(parsed);
      case 'moldudp64:':
        return openMoldUdp64Source(parsed);
      default:
        throw new FeedUrlError(url, `unsupported scheme ${parsed.protocol}; expected one of ${FEED_URL_FORMS.join(' | ')}`);
    }
  } catch (error) {
    if (error instanceof FeedUrlError) throw error;
    throw new FeedUrlError(url, error instanceof Error ? error.message : String(error));
  }
}
