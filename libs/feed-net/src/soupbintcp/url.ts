/**
 * `soupbintcp://` feed URLs -> `SoupBinTcpFeedSource` options, for `openFeedSource`:
 *
 *   soupbintcp://<user>:<password>@<host>:<port>[?session=<name>][&start=<seq>]
 *
 * User (<= 6), password (<= 10) and session (<= 10; absent = the current session) are printable ASCII;
 * the credentials are percent-decoded. `start` is the first message wanted: 1 (default) = the whole day,
 * 0 = from the current end. Tuning: `heartbeat-ms`, `peer-timeout-ms`, `connect-timeout-ms`,
 * `reconnect-base-ms`, `reconnect-max-ms`. Problems throw a RangeError whose message names the parameter
 * (wrap it in `FeedUrlError`). The password never appears in the source's `description`.
 */
import { SoupBinTcpFeedSource } from './feed-source';
import type { SoupBinTcpFeedSourceOptions } from './feed-source';

export const SOUPBINTCP_URL_FORMS = ['soupbintcp://<user>:<password>@<host>:<port>[?session=<name>][&start=<seq>]'] as const;

/** Query parameter -> option, for the numeric ones. */
const NUMERIC = {
  start: 'sequence',
  'heartbeat-ms': 'heartbeatIntervalMs',
  'peer-timeout-ms': 'peerTimeoutMs',
  'connect-timeout-ms': 'connectTimeoutMs',
  'reconnect-base-ms': 'reconnectBaseMs',
  'reconnect-max-ms': 'reconnectMaxMs',
} as const;
const KNOWN = new Set(['session', ...Object.keys(NUMERIC)]);

function decode(part: string, name: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RangeError(`${name} is not valid percent-encoding`);
  }
}

/** Parses a `soupbintcp:` URL into source options; throws a RangeError naming the bad part. */
export function parseSoupBinTcpUrl(url: URL): SoupBinTcpFeedSourceOptions {
  if (url.protocol !== 'soupbintcp:') throw new RangeError(`scheme must be soupbintcp:, got ${url.protocol}`);
  if (url.pathname !== '' && url.pathname !== '/') throw new RangeError(`unexpected path ${JSON.stringify(url.pathname)} (the session is ?session=<name>)`);
  if (url.hash) throw new RangeError('unexpected #fragment');
  for (const name of url.searchParams.keys()) if (!KNOWN.has(name)) throw new RangeError(`unknown parameter ${JSON.stringify(name)}; known: ${[...KNOWN].join(', ')}`);
  if (url.hostname === '' || url.port === '') throw new RangeError('the exchange must be given as host:port');
  if (url.username === '') throw new RangeError('user is missing (soupbintcp://<user>:<password>@<host>:<port>)');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const options: Record<string, unknown> = {
    host,
    port: Number(url.port),
    username: decode(url.username, 'user'),
    password: decode(url.password, 'password'),
  };
  const session = url.searchParams.get('session');
  if (session !== null) options['session'] = session;
  for (const [name, option] of Object.entries(NUMERIC)) {
    const text = url.searchParams.get(name);
    if (text === null) continue;
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new RangeError(`${name} must be a non-negative integer: ${JSON.stringify(text)}`);
    options[option] = Number(text);
  }
  return options as unknown as SoupBinTcpFeedSourceOptions;
}

/** `openFeedSource` entry: a source for a `soupbintcp:` URL (throws RangeError on a bad URL or option). */
export function openSoupBinTcpSource(url: URL): SoupBinTcpFeedSource {
  return new SoupBinTcpFeedSource(parseSoupBinTcpUrl(url));
}
