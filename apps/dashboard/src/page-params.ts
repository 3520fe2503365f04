import { DEFAULT_EXCHANGE_TIME_ZONE, isTimeZone } from './exchange-time';

/** Symbols the watchlist takes from `/v1/instruments` when the page names none. */
export const DEFAULT_WATCHLIST_SIZE = 20;
/** At most this many symbols from `?symbols=` (well inside every tier's subscription limit). */
export const MAX_WATCHLIST_SIZE = 100;

/** What the page is told by its own URL. */
export interface PageParams {
  /** `ws(s)://<host>/v1/stream`: the edge that served the page. */
  readonly streamUrl: string;
  /** `http(s)://<host>`: the same edge's HTTP reads. */
  readonly httpBaseUrl: string;
  /** `?token=`; absent means anonymous. */
  readonly token: string | undefined;
  /** `?symbols=A,B`; absent means the first instruments of the directory. */
  readonly symbols: readonly string[] | undefined;
  /** `?tz=`: the exchange's time zone (the snapshot service's `EXCHANGE_TZ`), for candle times. */
  readonly timeZone: string;
}

/** Reads the page's URL (`location` in the browser). */
export function pageParams(location: { readonly protocol: string; readonly host: string; readonly search: string }): PageParams {
  const query = new URLSearchParams(location.search);
  const secure = location.protocol === 'https:';
  const token = query.get('token') ?? '';
  const tz = query.get('tz') ?? '';
  return {
    streamUrl: `${secure ? 'wss' : 'ws'}://${location.host}/v1/stream`,
    httpBaseUrl: `${secure ? 'https' : 'http'}://${location.host}`,
    token: token === '' ? undefined : token,
    symbols: parseSymbolList(query.get('symbols')),
    timeZone: tz !== '' && isTimeZone(tz) ? tz : DEFAULT_EXCHANGE_TIME_ZONE,
  };
}

/** `A, B,,A` -> `['A', 'B']`: trimmed, no empties, no repeats, at most {@link MAX_WATCHLIST_SIZE}; undefined if none. */
export function parseSymbolList(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  const symbols = [...new Set(value.split(',').map((s) => s.trim()).filter((s) => s !== ''))].slice(0, MAX_WATCHLIST_SIZE);
  return symbols.length === 0 ? undefined : symbols;
}
