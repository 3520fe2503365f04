import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { SNAPSHOT_GRPC_ERRORS, SnapshotClientError, SnapshotGrpcError } from './errors';

describe('snapshot-grpc error codes', () => {
  it('are listed in libs/snapshot-grpc/README.md with the same status, retryability and message, and nothing else is', () => {
    const doc = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const documented = Object.fromEntries(
      [...doc.matchAll(/^\| `(SNAPSHOT_GRPC_ERR_[A-Z_]+)` \| ([A-Z_]+) \| (yes|no) \| (.+?) \|$/gm)].map((m) => [m[1], { grpcStatus: GrpcStatus[m[2] as keyof typeof GrpcStatus], retryable: m[3] === 'yes', message: m[4] }]),
    );
    expect(documented).toEqual(JSON.parse(JSON.stringify(SNAPSHOT_GRPC_ERRORS)));
  });

  it('carry their code, status and retryability and say what failed', () => {
    const error = new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_STORE_UNAVAILABLE', 'getLatest: connection refused');
    expect(error).toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_STORE_UNAVAILABLE', grpcStatus: GrpcStatus.UNAVAILABLE, retryable: true });
    expect(error.message).toBe('the snapshot store is unavailable: getLatest: connection refused');
  });

  it('client errors are Errors and keep the status actually received', () => {
    const error = new SnapshotClientError('SNAPSHOT_GRPC_ERR_UNEXPECTED_STATUS', 'UNIMPLEMENTED', { grpcStatus: GrpcStatus.UNIMPLEMENTED });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'SnapshotClientError', grpcStatus: GrpcStatus.UNIMPLEMENTED, retryable: false });
  });
});
