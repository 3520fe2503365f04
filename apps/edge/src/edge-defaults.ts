import { SubscriptionMode } from '@tickwire/protocol';
import type { SessionLimits } from './client-session';
import { DEFAULT_LINGER_MS, DEFAULT_MAX_SYMBOLS_PER_FETCH } from './market-interest';
import { DEFAULT_BEHIND_CHECK_MS, DEFAULT_TICK_MS } from './outbound-scheduler';

/** Defaults of the edge's limits and timings (`main.ts` exposes each as an environment variable). */
export const DEFAULT_EDGE_LIMITS = Object.freeze({
  maxConnections: 18_000,
  maxConnectionsPerIp: 18_000,
  maxMessageBytes: 16 * 1024,
  maxSymbolsPerRequest: 500,
  maxInvalidMessages: 10,
  maxLimitHits: 10,
  messagesPerSec: 20,
  messageBurst: 50,
  maxRateLimitHits: 20,
  softBufferBytes: 256 * 1024,
  hardBufferBytes: 4 * 1024 * 1024,
  slowConsumerMs: 10_000,
  heartbeatMs: 15_000,
  idleTimeoutMs: 45_000,
  authTimeoutMs: 5_000,
  defaultMode: SubscriptionMode.QUOTE,
  lingerMs: DEFAULT_LINGER_MS,
  maxSymbolsPerFetch: DEFAULT_MAX_SYMBOLS_PER_FETCH,
  behindCheckMs: DEFAULT_BEHIND_CHECK_MS,
  tickMs: DEFAULT_TICK_MS,
  drainWindowMs: 10_000,
  // Connections the kernel completes while the event loop is busy elsewhere (Node's default is 511). A
  // reconnect storm brings thousands within a second; past the queue the kernel drops the handshake and the
  // client's TCP waits 1 s, 3 s, 7 s... to retry, which is what a storm's stragglers were made of. The kernel
  // caps it at net.core.somaxconn (docs/operations.md).
  listenBacklog: 4_096,
  // Admission pacing: what one process admits per second without delaying its connected clients' updates
  // (docs/operations.md, "Admission pacing", has the measurement); a storm past it waits its turn.
  admissionRatePerSec: 500,
  admissionBurst: 100,
  admissionMaxQueued: 20_000,
  // Under the client SDK's 10 s connect timeout: the 503 comes before the client gives up on its own.
  admissionMaxWaitMs: 8_000,
} satisfies Partial<SessionLimits> & Record<string, unknown>);

/** The admission pacing of `DEFAULT_EDGE_LIMITS`, in the shape `AdmissionPacer` takes. */
export const DEFAULT_ADMISSION = Object.freeze({
  ratePerSec: DEFAULT_EDGE_LIMITS.admissionRatePerSec,
  burst: DEFAULT_EDGE_LIMITS.admissionBurst,
  maxQueued: DEFAULT_EDGE_LIMITS.admissionMaxQueued,
  maxWaitMs: DEFAULT_EDGE_LIMITS.admissionMaxWaitMs,
});
