/**
 * Unix time in nanoseconds with sub-millisecond resolution: the wall clock read once, advanced by the
 * monotonic clock. One BigInt per call: call it per batch, not per message.
 */
export function createUnixNanoClock(): () => bigint {
  const origin = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  return () => origin + process.hrtime.bigint();
}
