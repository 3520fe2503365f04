export {
  startSnapshotGrpcServer,
  parseSnapshotGrpcServerOptions,
  DEFAULT_CLOSE_GRACE_MS,
  DEFAULT_GRPC_HOST,
  DEFAULT_LIST_LIMIT,
  DEFAULT_MAX_LIST_LIMIT,
  DEFAULT_MAX_SYMBOLS_PER_REQUEST,
  SNAPSHOT_SERVICE_NAME,
  type SnapshotGrpcServer,
  type SnapshotGrpcServerOptions,
} from './snapshot-grpc-server';
export { SnapshotClient, DEFAULT_CLIENT_DEADLINE_MS, DEFAULT_MAX_RECONNECT_BACKOFF_MS, type SnapshotCallOptions, type SnapshotClientOptions } from './snapshot-client';
export { SNAPSHOT_GRPC_ERRORS, SnapshotClientError, SnapshotGrpcError, ERROR_CODE_METADATA_KEY, type SnapshotGrpcErrorCode } from './errors';
export { HealthServingStatus } from './health-service';
/** What is wrong with a symbol the store would refuse (`undefined` if it is storable). */
export { symbolProblem } from './request-validation';
export { DEFAULT_PROJECTION_CACHE_ENTRIES } from './projection-cache';
