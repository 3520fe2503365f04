/**
 * Options of a pcap replay from a `file://` URL's query, for `openFeedSource` once it has detected a
 * capture (`detectCaptureFormatSync`):
 *
 *   file:///path/to/capture.pcap[ng][.gz][?port=<dst-port>[,<port>...]][&address=<dst-ip>[,...]][&session=<S>][&start=<N>|first][&reorder-window=<packets>]
 *
 * Problems throw a RangeError naming the parameter (wrap it in `FeedUrlError`).
 */
import { isIPv4 } from 'node:net';
import { PcapFeedSource } from './source';
import type { PcapFeedSourceOptions } from './source';

export const PCAP_URL_FORM =
  'file:///path/to/capture.pcap[ng][.gz][?port=<dst-port>[,...]][&address=<dst-ip>[,...]][&session=<name>][&start=<seq>|first][&reorder-window=<packets>]';

const KNOWN = new Set(['port', 'address', 'session', 'start', 'reorder-window']);

/** Parses the query of a `file:` URL naming a capture; throws a RangeError naming the bad parameter. */
export function parsePcapUrlOptions(url: URL): PcapFeedSourceOptions {
  for (const name of url.searchParams.keys()) if (!KNOWN.has(name)) throw new RangeError(`unknown parameter ${JSON.stringify(name)} for a capture; known: ${[...KNOWN].join(', ')}`);
  const q = url.searchParams;
  const ports = q.get('port')?.split(',').map((p) => {
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) throw new RangeError(`port must be a UDP port (or a comma-separated list): ${JSON.stringify(p)}`);
    return Number(p);
  });
  const addresses = q.get('address')?.split(',').map((a) => {
    if (!isIPv4(a)) throw new RangeError(`address must be an IPv4 address (or a comma-separated list): ${JSON.stringify(a)}`);
    return a;
  });
  const start = q.get('start');
  if (start !== null && start !== 'first' && !/^[1-9]\d*$/.test(start)) throw new RangeError(`start must be a positive integer or 'first': ${JSON.stringify(start)}`);
  const window = q.get('reorder-window');
  if (window !== null && !/^\d+$/.test(window)) throw new RangeError(`reorder-window must be an integer >= 0: ${JSON.stringify(window)}`);
  const session = q.get('session');
  return {
    ...(ports ? { dstPort: ports } : {}),
    ...(addresses ? { dstAddress: addresses } : {}),
    ...(session === null ? {} : { session }),
    ...(start === null ? {} : { startSequence: start === 'first' ? ('first-packet' as const) : Number(start) }),
    ...(window === null ? {} : { reorderWindowPackets: Number(window) }),
  };
}

/** `openFeedSource` entry for a `file:` URL whose file is a capture. */
export function openPcapSource(url: URL): PcapFeedSource {
  const path = decodeURIComponent(url.pathname);
  if (path.length <= 1) throw new RangeError('no file path');
  return new PcapFeedSource(path, parsePcapUrlOptions(url));
}
