import { TickwireClientError } from './errors';
import type { WebSocketFactory } from './websocket-like';

export type Mode = 'ltp' | 'quote' | 'full';
export type Encoding = 'json' | 'proto';

/** A token, or a function asked before every connection attempt (so a 4102 close gets a fresh one). */
export type TokenSource = string | (() => string | Promise<string>);

export interface ReconnectOptions {
  /** Backoff base: the first retry waits `random() * initialDelayMs`. */
  initialDelayMs?: number;
  /** Backoff cap: no retry waits longer. */
  maxDelayMs?: number;
}

export interface TickwireClientOptions {
  /** `ws(s)://host:port/v1/stream`. */
  url: string;
  /** Sent as `?token=`; a function is asked before every connection attempt. */
  token?: TokenSource;
  /** Default `'json'`. */
  encoding?: Encoding;
  /** Default: `globalThis.WebSocket` (browsers). Node 20 has none: pass `(url, protocols) => new WebSocket(url, protocols)` from `ws`. */
  createSocket?: WebSocketFactory;
  /** `false`: never reconnect. Defaults: 250 ms, 30 s. */
  reconnect?: false | ReconnectOptions;
  /** Nothing received for this long: the connection is dead, reconnect. Default 2 x `welcome.heartbeatMs`. */
  heartbeatTimeoutMs?: number;
  /** An attempt without `welcome` within this long is abandoned and retried. Default 10 s. */
  connectTimeoutMs?: number;
  /** Jitter source in [0, 1) (tests). Default `Math.random`. */
  random?: () => number;
  /** Millisecond clock (tests). Default `Date.now`. */
  now?: () => number;
}

/** First retry after a working connection waits up to this (times `random()`). */
export const DEFAULT_INITIAL_DELAY_MS = 250;
/** No retry waits longer than this. */
export const DEFAULT_MAX_DELAY_MS = 30_000;
/** Before `welcome` tells the heartbeat interval: how long an attempt may take. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Heartbeat timeout when the server announces no heartbeat interval (`heartbeatMs` 0). */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 30_000;
/** `heartbeatTimeoutMs` defaults to this many server heartbeat intervals (docs/protocol.md, Heartbeats). */
export const HEARTBEAT_INTERVALS_BEFORE_TIMEOUT = 2;
/** The edge's default `MAX_SYMBOLS_PER_REQUEST`: subscribe requests are split to at most this many symbols. */
export const MAX_SYMBOLS_PER_REQUEST = 500;

export interface ResolvedClientOptions {
  readonly url: string;
  readonly token: TokenSource | undefined;
  readonly encoding: Encoding;
  readonly createSocket: WebSocketFactory;
  readonly reconnect: false | { readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly heartbeatTimeoutMs: number | undefined;
  readonly connectTimeoutMs: number;
  readonly random: () => number;
  readonly now: () => number;
}

function invalid(field: string, expected: string, value: unknown): TickwireClientError {
  let shown: string;
  try {
    shown = typeof value === 'function' ? 'a function' : JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return new TickwireClientError('CLIENT_ERR_INVALID_OPTION', `${field} must be ${expected}, got ${shown}`);
}

function positiveMs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalid(field, 'a positive number of milliseconds', value);
  return value;
}

function optionalFunction<T>(value: T | undefined, field: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw invalid(field, 'a function', value);
  return value;
}

interface WebSocketConstructorLike {
  new (url: string, protocols: string[]): ReturnType<WebSocketFactory>;
}

function defaultSocketFactory(): WebSocketFactory {
  const Constructor = (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (typeof Constructor !== 'function') {
    throw new TickwireClientError('CLIENT_ERR_NO_WEBSOCKET', 'this runtime has no global WebSocket (Node 20): pass createSocket, e.g. (url, protocols) => new WebSocket(url, protocols) with WebSocket from the ws package');
  }
  return (url, protocols) => new Constructor(url, protocols);
}

/** Validates the options once (errors name the field) and fills in the defaults. The result is frozen. */
export function parseClientOptions(options: TickwireClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'an object', options);
  const url = options.url;
  if (typeof url !== 'string' || !/^wss?:\/\/[^/?#\s]+/i.test(url)) throw invalid('url', 'a ws:// or wss:// URL', url);
  try {
    new URL(url);
  } catch {
    throw invalid('url', 'a ws:// or wss:// URL', url);
  }
  const token = options.token;
  if (token !== undefined && typeof token !== 'string' && typeof token !== 'function') throw invalid('token', 'a string or a function returning one', token);
  const encoding = options.encoding ?? 'json';
  if (encoding !== 'json' && encoding !== 'proto') throw invalid('encoding', "'json' or 'proto'", encoding);
  let reconnect: ResolvedClientOptions['reconnect'];
  if (options.reconnect === false) {
    reconnect = false;
  } else if (options.reconnect === undefined || (typeof options.reconnect === 'object' && options.reconnect !== null)) {
    const initialDelayMs = options.reconnect?.initialDelayMs === undefined ? DEFAULT_INITIAL_DELAY_MS : positiveMs(options.reconnect.initialDelayMs, 'reconnect.initialDelayMs');
    const maxDelayMs = options.reconnect?.maxDelayMs === undefined ? Math.max(DEFAULT_MAX_DELAY_MS, initialDelayMs) : positiveMs(options.reconnect.maxDelayMs, 'reconnect.maxDelayMs');
    if (maxDelayMs < initialDelayMs) throw invalid('reconnect.maxDelayMs', `at least reconnect.initialDelayMs (${initialDelayMs})`, maxDelayMs);
    reconnect = Object.freeze({ initialDelayMs, maxDelayMs });
  } else {
    throw invalid('reconnect', 'false or { initialDelayMs?, maxDelayMs? }', options.reconnect);
  }
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs === undefined ? undefined : positiveMs(options.heartbeatTimeoutMs, 'heartbeatTimeoutMs');
  const connectTimeoutMs = options.connectTimeoutMs === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : positiveMs(options.connectTimeoutMs, 'connectTimeoutMs');
  const createSocket = optionalFunction(options.createSocket, 'createSocket') ?? defaultSocketFactory();
  return Object.freeze({
    url,
    token,
    encoding,
    createSocket,
    reconnect,
    heartbeatTimeoutMs,
    connectTimeoutMs,
    random: optionalFunction(options.random, 'random') ?? Math.random,
    now: optionalFunction(options.now, 'now') ?? Date.now,
  });
}

/** The token of one connection attempt (undefined: connect without one). */
export async function resolveToken(token: TokenSource | undefined): Promise<string | undefined> {
  if (token === undefined) return undefined;
  const value = typeof token === 'function' ? await token() : token;
  if (typeof value !== 'string') throw new TickwireClientError('CLIENT_ERR_TOKEN_FAILED', `the token function returned ${typeof value}, not a string`);
  return value;
}
