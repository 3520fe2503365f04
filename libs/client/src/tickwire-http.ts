import { decodeServerJson, type MarketUpdate } from '@tickwire/protocol';
import { resolveToken, type Mode, type TokenSource } from './client-options';
import { TickwireClientError, TickwireHttpError } from './errors';

/** The `fetch` the HTTP client needs (the global one of browsers and Node 20 fits). */
export type FetchLike = (input: string, init?: { method?: string; headers?: Record<string, string> }) => Promise<FetchResponseLike>;

export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}

export interface TickwireHttpOptions {
  /** The edge's base URL, `http(s)://host:port`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer`; a function is asked before every request. */
  token?: TokenSource;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch | FetchLike;
}

/** One instrument of `GET /v1/instruments`. */
export interface InstrumentInfo {
  symbol: string;
  /** ITCH market category, e.g. `"Q"`. */
  marketCategory: string;
  roundLotSize: number;
  /** Exchange traded product. */
  etp: boolean;
}

/** One one-minute bar of `GET /v1/candles` (the wire's `{t, o, h, l, c, v, n}`), prices in currency units. */
export interface CandleBar {
  /** Start of the minute, Unix ns (the wire's `t`, exact). */
  startNs: bigint;
  /** Start of the minute, Unix ms. */
  startMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
}

/** `GET /v1/snapshot`: snapshots decoded with the client codec (prices in 1/10000 units, 64-bit fields bigint). */
export interface SnapshotsResult {
  snapshots: MarketUpdate[];
  /** Symbols the snapshot service does not know. */
  unknownSymbols: string[];
  /** Symbols the token is not entitled to. */
  notEntitled: string[];
}

/** The wire shapes, as `apps/edge/src/edge-server.ts` writes them. */
interface InstrumentsBody {
  instruments: InstrumentInfo[];
}
interface CandlesBody {
  symbol: string;
  candles: { t: string; o: number; h: number; l: number; c: number; v: number; n: number }[];
}
interface SnapshotBody {
  snapshots: unknown[];
  unknownSymbols: string[];
  notEntitled: string[];
}

const NS_PER_MS = 1_000_000n;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bodyError(url: string, what: string): TickwireClientError {
  return new TickwireClientError('CLIENT_ERR_HTTP_RESPONSE', `${url}: ${what}`);
}

/**
 * The edge's HTTP reads, for dashboards: the instrument directory, one-minute candles and snapshots. A non-2xx
 * answer rejects with `TickwireHttpError` (its `status` and the server's message).
 */
export class TickwireHttp {
  private readonly baseUrl: string;
  private readonly token: TokenSource | undefined;
  private readonly fetch: FetchLike;

  constructor(options: TickwireHttpOptions) {
    if (typeof options?.baseUrl !== 'string' || !/^https?:\/\/[^/?#\s]+/i.test(options.baseUrl)) {
      throw new TickwireClientError('CLIENT_ERR_INVALID_OPTION', `baseUrl must be an http:// or https:// URL, got ${JSON.stringify(options?.baseUrl)}`);
    }
    if (options.token !== undefined && typeof options.token !== 'string' && typeof options.token !== 'function') {
      throw new TickwireClientError('CLIENT_ERR_INVALID_OPTION', 'token must be a string or a function returning one');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    const given = options.fetch;
    if (given !== undefined && typeof given !== 'function') throw new TickwireClientError('CLIENT_ERR_INVALID_OPTION', 'fetch must be a function');
    const global = (globalThis as { fetch?: typeof fetch }).fetch;
    if (given === undefined && typeof global !== 'function') throw new TickwireClientError('CLIENT_ERR_NO_FETCH', 'this runtime has no global fetch: pass options.fetch');
    // Browsers require the global fetch to be called on globalThis.
    this.fetch = (given as FetchLike | undefined) ?? (global!.bind(globalThis) as unknown as FetchLike);
  }

  /** Instruments whose symbol starts with `prefix` (default all), at most `limit` (server default 100, at most 10,000). */
  async instruments(prefix?: string, limit?: number): Promise<InstrumentInfo[]> {
    const query = new URLSearchParams();
    if (prefix !== undefined && prefix !== '') query.set('prefix', prefix);
    if (limit !== undefined) query.set('limit', String(limit));
    const { url, body } = await this.get('/v1/instruments', query);
    if (!isObject(body) || !Array.isArray(body.instruments)) throw bodyError(url, 'no "instruments" array');
    return (body as unknown as InstrumentsBody).instruments;
  }

  /** One-minute bars of `symbol` starting in [`fromNs`, `toNs`) (Unix ns; default: everything). */
  async candles(symbol: string, fromNs?: bigint, toNs?: bigint): Promise<CandleBar[]> {
    const query = new URLSearchParams({ symbol });
    if (fromNs !== undefined) query.set('from', String(fromNs));
    if (toNs !== undefined) query.set('to', String(toNs));
    const { url, body } = await this.get('/v1/candles', query);
    if (!isObject(body) || !Array.isArray(body.candles)) throw bodyError(url, 'no "candles" array');
    return (body as unknown as CandlesBody).candles.map((c) => {
      if (typeof c?.t !== 'string' || !/^\d+$/.test(c.t)) throw bodyError(url, 'a candle without a decimal "t"');
      const startNs = BigInt(c.t);
      return { startNs, startMs: Number(startNs / NS_PER_MS), open: c.o, high: c.h, low: c.l, close: c.c, volume: c.v, trades: c.n };
    });
  }

  /** The latest state of `symbols` in `mode` (default: the server's), one request (the server allows 500 symbols). */
  async snapshots(symbols: readonly string[], mode?: Mode): Promise<SnapshotsResult> {
    const query = new URLSearchParams({ symbols: symbols.join(',') });
    if (mode !== undefined) query.set('mode', mode);
    const { url, body } = await this.get('/v1/snapshot', query);
    if (!isObject(body) || !Array.isArray(body.snapshots)) throw bodyError(url, 'no "snapshots" array');
    const wire = body as unknown as SnapshotBody;
    // Each snapshot is a JSON `update` of the client protocol: decoded by the protocol's codec, as one batch.
    const decoded = decodeServerJson(JSON.stringify({ type: 'batch', messages: wire.snapshots }));
    if (!decoded.ok || decoded.message.body?.$case !== 'batch') throw bodyError(url, `undecodable snapshots: ${decoded.ok ? 'not a batch' : decoded.reason}`);
    const snapshots: MarketUpdate[] = [];
    for (const message of decoded.message.body.value.messages) if (message.body?.$case === 'update') snapshots.push(message.body.value);
    return { snapshots, unknownSymbols: wire.unknownSymbols ?? [], notEntitled: wire.notEntitled ?? [] };
  }

  private async get(path: string, query: URLSearchParams): Promise<{ url: string; body: unknown }> {
    const search = query.toString();
    const url = `${this.baseUrl}${path}${search === '' ? '' : `?${search}`}`;
    const token = await resolveToken(this.token);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await this.fetch(url, { method: 'GET', headers });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const message = isObject(body) && typeof body.error === 'string' ? body.error : text.slice(0, 200);
      throw new TickwireHttpError(response.status, message, url);
    }
    return { url, body };
  }
}
