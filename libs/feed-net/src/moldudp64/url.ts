/**
 * `moldudp64://` feed URLs -> `MoldUdp64FeedSource` options, for `openFeedSource`:
 *
 *   moldudp64://<bind-host>:<port>[?b=<host>:<port>][&request=<host>:<port>][&session=<S>][&start=<N>|first]
 *   moldudp64://<group>:<port>?interface=<local-ip>[&b=<group>:<port>][&request=<host>:<port>]...
 *
 * The authority is channel A: a unicast address to bind, or a multicast group (224.0.0.0/4) joined on
 * `interface`. `b` is channel B, `request` the re-request server (without it, gaps not filled by B are
 * lost after `gap-timeout-ms`). Tuning: `request-timeout-ms`, `request-delay-ms`, `max-request-attempts`,
 * `gap-timeout-ms`. Problems throw a RangeError whose message names the parameter (wrap it in
 * `FeedUrlError`).
 */
import { isIPv4 } from 'node:net';
import { parseEndpoint } from './endpoint';
import type { MoldUdp64Endpoint } from './endpoint';
import { MoldUdp64FeedSource } from './source';
import type { MoldUdp64FeedSourceOptions } from './source';

export const MOLDUDP64_URL_FORMS = [
  'moldudp64://<bind-host>:<port>[?b=<host>:<port>][&request=<host>:<port>][&session=<name>][&start=<seq>|first]',
  'moldudp64://<group>:<port>?interface=<local-ip>[&b=<group>:<port>][&request=<host>:<port>][&session=<name>][&start=<seq>|first]',
] as const;

const KNOWN = new Set(['b', 'request', 'interface', 'session', 'start', 'request-timeout-ms', 'request-delay-ms', 'max-request-attempts', 'gap-timeout-ms']);

function integer(url: URL, name: string, min: number): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) throw new RangeError(`${name} must be an integer >= ${min}: ${JSON.stringify(text)}`);
  return Number(text);
}

/** Parses a `moldudp64:` URL into source options; throws a RangeError naming the bad part. */
export function parseMoldUdp64Url(url: URL): MoldUdp64FeedSourceOptions {
  if (url.protocol !== 'moldudp64:') throw new RangeError(`scheme must be moldudp64:, got ${url.protocol}`);
  if (url.username || url.password) throw new RangeError('credentials are not allowed');
  if (url.pathname !== '' && url.pathname !== '/') throw new RangeError(`unexpected path ${JSON.stringify(url.pathname)}`);
  if (url.hash) throw new RangeError('unexpected #fragment');
  for (const name of url.searchParams.keys()) if (!KNOWN.has(name)) throw new RangeError(`unknown parameter ${JSON.stringify(name)}; known: ${[...KNOWN].join(', ')}`);
  if (url.hostname === '' || url.port === '') throw new RangeError('channel A must be given as host:port');
  const channelA: MoldUdp64Endpoint = parseEndpoint(`${url.hostname}:${url.port}`, 'channel A');
  const b = url.searchParams.get('b');
  const request = url.searchParams.get('request');
  const iface = url.searchParams.get('interface');
  if (iface !== null && !isIPv4(iface)) throw new RangeError(`interface must be an IPv4 address: ${JSON.stringify(iface)}`);
  const start = url.searchParams.get('start');
  let startSequence: number | 'first-packet' | undefined;
  if (start === 'first') startSequence = 'first-packet';
  else if (start !== null) startSequence = integer(url, 'start', 1);
  const session = url.searchParams.get('session');
  const requestTimeoutMs = integer(url, 'request-timeout-ms', 1);
  const requestDelayMs = integer(url, 'request-delay-ms', 0);
  const maxRequestAttempts = integer(url, 'max-request-attempts', 0);
  const gapTimeoutMs = integer(url, 'gap-timeout-ms', 1);
  return {
    channelA,
    ...(b === null ? {} : { channelB: parseEndpoint(b, 'b') }),
    ...(request === null ? {} : { requestServer: parseEndpoint(request, 'request') }),
    ...(iface === null ? {} : { multicastInterface: iface }),
    ...(session === null ? {} : { session }),
    ...(startSequence === undefined ? {} : { startSequence }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    ...(requestDelayMs === undefined ? {} : { requestDelayMs }),
    ...(maxRequestAttempts === undefined ? {} : { maxRequestAttempts }),
    ...(gapTimeoutMs === undefined ? {} : { gapTimeoutMs }),
  };
}

/** `openFeedSource` entry: a source for a `moldudp64:` URL (throws RangeError on a bad URL or option). */
export function openMoldUdp64Source(url: URL): MoldUdp64FeedSource {
  return new MoldUdp64FeedSource(parseMoldUdp64Url(url));
}
