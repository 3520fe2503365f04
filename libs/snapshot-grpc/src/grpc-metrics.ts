import { status as GrpcStatus } from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';

const STATUS_NAMES: Readonly<Record<number, string>> = Object.freeze(Object.fromEntries(Object.entries(GrpcStatus).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k])));

export function grpcStatusName(code: number): string {
  return STATUS_NAMES[code] ?? String(code);
}

/** What the server records per call; a no-op when no registry is given. */
export interface GrpcCallRecorder {
  record(method: string, startedNs: bigint, code: number): void;
}

const NOOP_RECORDER: GrpcCallRecorder = { record: () => undefined };

/**
 * `tickwire_snapshot_grpc_request_duration_seconds{method}` (every call, whatever its outcome) and
 * `tickwire_snapshot_grpc_errors_total{method,status}` (calls that did not end OK).
 */
export function createGrpcCallRecorder(registry: Registry | undefined): GrpcCallRecorder {
  if (!registry) return NOOP_RECORDER;
  const duration = new Histogram({
    name: 'tickwire_snapshot_grpc_request_duration_seconds',
    help: 'SnapshotService calls: time from the handler starting to the answer being handed to gRPC, by method',
    labelNames: ['method'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1, 0.5, 2],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'tickwire_snapshot_grpc_errors_total',
    help: 'SnapshotService calls that ended with a status other than OK, by method and gRPC status',
    labelNames: ['method', 'status'],
    registers: [registry],
  });
  return {
    record(method, startedNs, code) {
      duration.observe({ method }, Number(process.hrtime.bigint() - startedNs) / 1e9);
      if (code !== GrpcStatus.OK) errors.inc({ method, status: grpcStatusName(code) });
    },
  };
}
