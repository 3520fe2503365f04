import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * Every error the snapshot gRPC server sends and the client reports, declared once with a stable code,
 * the gRPC status it travels as, and whether the same call can succeed later. The server puts the code
 * in the `tickwire-error-code` trailer so the client can tell apart errors that share a status (a store
 * outage and a connection failure are both UNAVAILABLE). Codes are never reused; a retired code stays
 * listed. `libs/snapshot-grpc/README.md` lists the same table; a test checks it.
 */
export const SNAPSHOT_GRPC_ERRORS = Object.freeze({
  SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT: { message: 'invalid argument', grpcStatus: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  SNAPSHOT_GRPC_ERR_TOO_MANY_SYMBOLS: { message: 'too many symbols in one request', grpcStatus: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  SNAPSHOT_GRPC_ERR_STORE_UNAVAILABLE: { message: 'the snapshot store is unavailable', grpcStatus: GrpcStatus.UNAVAILABLE, retryable: true },
  SNAPSHOT_GRPC_ERR_UNAVAILABLE: { message: 'the snapshot service is unreachable', grpcStatus: GrpcStatus.UNAVAILABLE, retryable: true },
  SNAPSHOT_GRPC_ERR_DEADLINE_EXCEEDED: { message: 'the deadline passed before an answer', grpcStatus: GrpcStatus.DEADLINE_EXCEEDED, retryable: true },
  SNAPSHOT_GRPC_ERR_CANCELLED: { message: 'the call was cancelled', grpcStatus: GrpcStatus.CANCELLED, retryable: true },
  SNAPSHOT_GRPC_ERR_INTERNAL: { message: 'internal error in the snapshot service', grpcStatus: GrpcStatus.INTERNAL, retryable: false },
  SNAPSHOT_GRPC_ERR_UNEXPECTED_STATUS: { message: 'unexpected gRPC status', grpcStatus: GrpcStatus.UNKNOWN, retryable: false },
  SNAPSHOT_GRPC_ERR_CLIENT_CLOSED: { message: 'the client is closed', grpcStatus: GrpcStatus.CANCELLED, retryable: false },
  SNAPSHOT_GRPC_ERR_INVALID_OPTION: { message: 'invalid option', grpcStatus: GrpcStatus.INVALID_ARGUMENT, retryable: false },
} as const);

export type SnapshotGrpcErrorCode = keyof typeof SNAPSHOT_GRPC_ERRORS;

/** Trailer (metadata key) carrying the stable code next to the gRPC status. */
export const ERROR_CODE_METADATA_KEY = 'tickwire-error-code';

export function isSnapshotGrpcErrorCode(value: unknown): value is SnapshotGrpcErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SNAPSHOT_GRPC_ERRORS, value);
}

/** An error with its stable code, the gRPC status it maps to and whether a retry can help. */
export class SnapshotGrpcError extends Error {
  readonly grpcStatus: number;
  readonly retryable: boolean;

  constructor(
    readonly code: SnapshotGrpcErrorCode,
    detail?: string,
    options?: { cause?: unknown; grpcStatus?: number },
  ) {
    const known = SNAPSHOT_GRPC_ERRORS[code];
    super(detail ? `${known.message}: ${detail}` : known.message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SnapshotGrpcError';
    // The status actually received, when it differs from the code's usual one (SNAPSHOT_GRPC_ERR_UNEXPECTED_STATUS).
    this.grpcStatus = options?.grpcStatus ?? known.grpcStatus;
    this.retryable = known.retryable;
  }
}

/** What `SnapshotClient` rejects with. */
export class SnapshotClientError extends SnapshotGrpcError {
  constructor(code: SnapshotGrpcErrorCode, detail?: string, options?: { cause?: unknown; grpcStatus?: number }) {
    super(code, detail, options);
    this.name = 'SnapshotClientError';
  }
}
