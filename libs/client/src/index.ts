/**
 * @tickwire/client: the TypeScript SDK of the Tickwire client protocol (docs/protocol.md), for browsers and
 * Node 20. Pure: no Node APIs; in Node pass `createSocket` with the `ws` package. Decoding is the protocol
 * lib's; this lib adds the connection policy (reconnect, heartbeat, drain), subscriptions that survive
 * reconnects, per-symbol state merging and stats.
 */
export {
  TickwireClient,
  type ClientStats,
  type ConnectionStatus,
  type DrainNotice,
  type ResyncReason,
  type StatusDetail,
  type SubscriptionResult,
  type SubscriptionResultCodeName,
  type TickwireClientEvents,
  type TickwireErrorEvent,
  type WelcomeInfo,
} from './tickwire-client';
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
  DEFAULT_INITIAL_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
  MAX_SYMBOLS_PER_REQUEST,
  type Encoding,
  type Mode,
  type ReconnectOptions,
  type TickwireClientOptions,
  type TokenSource,
} from './client-options';
export { symbolStateFromUpdate, type Level, type SymbolState, type TradingStatusName } from './symbol-states';
export { backoffDelay } from './reconnect-policy';
export type { LatencySummary } from './stats-recorder';
export type { SocketCloseEvent, SocketMessageEvent, WebSocketFactory, WebSocketLike } from './websocket-like';
export { TickwireHttp, type CandleBar, type FetchLike, type FetchResponseLike, type InstrumentInfo, type SnapshotsResult, type TickwireHttpOptions } from './tickwire-http';
export { CLIENT_ERRORS, TickwireClientError, TickwireHttpError, type ClientErrorCode } from './errors';
export type { MarketUpdate } from '@tickwire/protocol';
