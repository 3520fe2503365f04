import { BinaryFileSource } from './file/binary-file-source';
import type { FeedSource } from './feed-source';

/** Thrown for a feed URL that cannot be used; the message says what form is expected. */
export class FeedUrlError extends Error {
  readonly code = 'FEED_ERR_BAD_URL';
  constructor(url: string, problem: string) {
    super(`invalid feed URL ${JSON.stringify(url)}: ${problem}`);
    this.name = 'FeedUrlError';
  }
}

/** The URL forms `openFeedSource` accepts, for config docs and error messages. */
export const FEED_URL_FORMS = ['file:///path/to/file.itch50[.gz]'] as const;

/** Opens the feed a URL names. */
export function openFeedSource(url: string): FeedSource {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FeedUrlError(url, `expected one of ${FEED_URL_FORMS.join(', ')}`);
  }
  switch (parsed.protocol) {
    case 'file:': {
      const path = decodeURIComponent(parsed.pathname);
      if (path.length <= 1) throw new FeedUrlError(url, 'no file path');
      return new BinaryFileSource(path);
    }
    default:
      throw new FeedUrlError(url, `unsupported scheme ${parsed.protocol}; expected one of ${FEED_URL_FORMS.join(', ')}`);
  }
}
