/**
 * @tickwire/protocol: the one definition of what travels between Tickwire services and to clients.
 * Pure: no Node APIs, nothing of ours. The gRPC service stubs (which need @grpc/grpc-js, a Node-only
 * package) are in the separate entry `@tickwire/protocol/grpc`.
 *
 * Generated message types and codecs (ts-proto) are re-exported as they are, except the in-band `Error`
 * message, exported as `ErrorMessage` so it never shadows the global `Error`. Their `fromJSON`/`toJSON` are
 * the canonical protobuf JSON mapping, not the client JSON protocol: that is `json-codec`.
 */

// Generated from proto/tickwire/v1 (npm run generate).
export { Instrument } from './gen/tickwire/v1/instrument';
export { Depth, MarketUpdate, Ohlc, PriceLevel, Quote, TradeKind, TradePrint, TradingStatus } from './gen/tickwire/v1/market';
export { RawBatch, SequenceGap } from './gen/tickwire/v1/raw';
export { forEachRawMessage, type RawMessageVisitor } from './raw-batch';
export {
  Candle,
  GetCandlesRequest,
  GetCandlesResponse,
  GetSnapshotsRequest,
  GetSnapshotsResponse,
  ListInstrumentsRequest,
  ListInstrumentsResponse,
  SubscriptionMode,
} from './gen/tickwire/v1/snapshot';
export {
  Auth,
  Batch,
  ClientMessage,
  Error as ErrorMessage,
  Ping,
  Pong,
  Reconnect,
  Resync,
  ServerMessage,
  Subscribe,
  SubscribeAck,
  SubscriptionRequest,
  SubscriptionResult,
  SubscriptionResultCode,
  Unsubscribe,
  UnsubscribeAck,
  Welcome,
} from './gen/tickwire/v1/client';

// Hand-written.
export * from './errors';
export * from './shard';
export * from './subject-token';
export * from './subjects';
export * from './close-codes';
export type * from './decode-result';
export * from './json-codec';
export * from './binary-codec';
export { UpdateField, UPDATE_FIELDS_ALL, type UpdateFieldBit } from './update-field';
export { MODE_FIELDS, modeFields, projectUpdate } from './update-projection';
