import { SubscriptionMode } from '@tickwire/protocol';
import { symbolProblem } from '@tickwire/store';
import { SnapshotGrpcError } from './errors';

const UINT32_MAX = 0xffff_ffff;

// The store's symbol rule, checked here as well so that an error names the request field (`symbols[3]`)
// rather than a key. Re-exported for the services that feed or query the store (snapshot app, edge).
export { symbolProblem };

export function assertSymbolField(value: string, field: string): void {
  const problem = symbolProblem(value, false);
  if (problem) throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', `${field} ${JSON.stringify(value.slice(0, 80))}: ${problem}`);
}

export function assertSymbolList(symbols: readonly string[], max: number): void {
  if (symbols.length === 0) throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', 'symbols: at least one symbol is required');
  if (symbols.length > max) throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_TOO_MANY_SYMBOLS', `symbols: ${symbols.length} given, at most ${max} per request`);
  for (let i = 0; i < symbols.length; i += 1) assertSymbolField(symbols[i]!, `symbols[${i}]`);
}

export function assertSymbolPrefix(prefix: string): void {
  const problem = symbolProblem(prefix, true);
  if (problem) throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', `prefix ${JSON.stringify(prefix.slice(0, 80))}: ${problem}`);
}

/** The mode to serve: UNSPECIFIED means FULL; anything not a known mode is refused. */
export function resolveMode(mode: SubscriptionMode): SubscriptionMode.LTP | SubscriptionMode.QUOTE | SubscriptionMode.FULL {
  switch (mode) {
    case SubscriptionMode.UNSPECIFIED:
    case SubscriptionMode.FULL:
      return SubscriptionMode.FULL;
    case SubscriptionMode.LTP:
    case SubscriptionMode.QUOTE:
      return mode;
    default:
      throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', `mode: ${String(mode)} is not a SubscriptionMode (0-3)`);
  }
}

/** `limit` 0 means the default; above the maximum it is cut to the maximum (as list APIs usually do). */
export function resolveListLimit(limit: number, defaultLimit: number, maxLimit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > UINT32_MAX) throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', `limit: expected a uint32, got ${String(limit)}`);
  if (limit === 0) return defaultLimit;
  return Math.min(limit, maxLimit);
}

export function assertCandleRange(fromNs: bigint, toNs: bigint): void {
  if (toNs <= fromNs) throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', `to_ts_ns (${toNs}) must be greater than from_ts_ns (${fromNs})`);
}
