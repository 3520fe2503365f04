export { CANDLE_BUCKET_NS, DEFAULT_MAX_CANDLES_PER_SYMBOL } from './snapshot-store';
export type { CandleEntry, Closable, InstrumentEntry, ManagedSnapshotStore, Pingable, PutResult, SnapshotEntry, SnapshotStore, StoredSnapshot, StoreLimits } from './snapshot-store';
export { STORE_ERRORS, StoreError, type StoreErrorCode } from './errors';
export { MAX_SYMBOL_LENGTH, symbolProblem } from './store-arguments';
export { MemorySnapshotStore, type MemoryStoreOptions } from './memory/memory-store';
export {
  createRedisStore,
  parseRedisStoreOptions,
  RedisSnapshotStore,
  type RedisStoreOptions,
  type ResolvedRedisStoreOptions,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEY_PREFIX,
  DEFAULT_RECONNECT_BASE_DELAY_MS,
  DEFAULT_RECONNECT_MAX_DELAY_MS,
} from './redis/redis-store';
export type { RedisServerAddress } from './redis/redis-connection';
