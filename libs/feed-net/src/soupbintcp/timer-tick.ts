/**
 * Period of the one interval that drives SoupBinTCP timers (heartbeats, dead peers, connect timeouts): a
 * quarter of the shortest timing option, so a heartbeat goes out at most 25% late, clamped so that tiny
 * test timeouts do not spin and day-long ones still notice a stop deadline.
 */
export const SOUPBINTCP_TICK_MIN_MS = 5;
export const SOUPBINTCP_TICK_MAX_MS = 250;

export function soupBinTcpTickMs(heartbeatIntervalMs: number, peerTimeoutMs: number): number {
  const quarter = Math.floor(Math.min(heartbeatIntervalMs, peerTimeoutMs) / 4);
  return Math.max(SOUPBINTCP_TICK_MIN_MS, Math.min(SOUPBINTCP_TICK_MAX_MS, quarter));
}
