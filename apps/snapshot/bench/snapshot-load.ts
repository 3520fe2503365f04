// What the snapshot bench (snapshot.bench.ts) and its worker processes (snapshot-worker.ts) share: the
// synthetic day (8,000 symbols of full-state updates), the run bounds, and the commands between them.
import { MarketUpdate, type SubscriptionMode, TradeKind, TradePrint } from '@tickwire/protocol';

export const SYMBOLS = 8_000;
export const SHARDS = 16;
export const FLUSH_INTERVAL_MS = 250;
/** Bound on one absorb run: a run that stalls (dropped messages) ends here. */
export const RUN_LIMIT_MS = 60_000;
export const READ_BATCH = 100;

export interface PublisherResult {
  readonly publishedPerSec: number;
  readonly bytesPerUpdate: number;
}

/** A replica's share of an absorb run (times: the machine's monotonic clock, ns, as strings for IPC). */
export interface ReplicaResult {
  readonly received: number;
  readonly firstNs: string;
  readonly lastNs: string;
  readonly cpuUs: number;
  readonly writes: number;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly samples: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sorts `latenciesUs` in place. */
export function summarize(latenciesUs: number[]): LatencySummary {
  latenciesUs.sort((a, b) => a - b);
  return { p50: percentile(latenciesUs, 50), p99: percentile(latenciesUs, 99), p999: percentile(latenciesUs, 99.9), max: latenciesUs[latenciesUs.length - 1]!, samples: latenciesUs.length };
}

/** Commands to a worker (`WorkerProcesses` from @tickwire/testing); one reply each. */
export type WorkerCommand =
  | { readonly type: 'publish'; readonly natsUrl: string; readonly epoch: number; readonly updates: number }
  | { readonly type: 'read'; readonly address: string; readonly mode: SubscriptionMode; readonly decoded: boolean; readonly calls: number; readonly seed: number; readonly batch: number }
  | { readonly type: 'read-http2'; readonly address: string; readonly calls: number; readonly requestBytes: number }
  | { readonly type: 'serve-shards'; readonly natsUrl: string; readonly redisUrl: string; readonly shards: readonly number[] }
  | { readonly type: 'watch'; readonly expected: number }
  | { readonly type: 'arrivals' }
  | { readonly type: 'stop' }
  | { readonly type: 'serve-reads'; readonly redisUrl: string; readonly memory: boolean }
  | { readonly type: 'mark-reads' }
  | { readonly type: 'stop-reads' };

export type WorkerReply =
  | ({ readonly type: 'published' } & PublisherResult)
  | ({ readonly type: 'latencies' } & LatencySummary)
  | { readonly type: 'read-samples'; readonly samplesUs: number[] }
  | { readonly type: 'serving' }
  | { readonly type: 'watching' }
  | ({ readonly type: 'arrivals' } & ReplicaResult)
  | { readonly type: 'stopped' }
  | { readonly type: 'serving-reads'; readonly address: string }
  | { readonly type: 'marked' }
  | ({ readonly type: 'reads-stopped' } & ReadServerResult);

/** A read server's share of the calls since `mark-reads`: its CPU, and where its handler's p99 lies. */
export interface ReadServerResult {
  readonly cpuUs: number;
  /**
   * The upper bound of the server's duration bucket (handler start to answer handed to gRPC: the store read
   * and the encoding) that holds the 99th percentile of its GetSnapshots calls, warm-up included. Against
   * the client's p99 it says whether a tail is in the handler or outside it (HTTP/2, scheduling, GC, the client).
   */
  readonly handlerP99AtMostMs: number;
}

/**
 * A full-state update (quote, OHLC, VWAP, ten levels a side, one print) with `seq` and the print's
 * match number as 5-byte varints, so the publisher patches them in place instead of encoding each
 * update (encoding would make the publisher, not the service, the bottleneck). Padded varints are
 * valid protobuf: every decoder reads them.
 */
export function template(symbol: string, epoch: number): { bytes: Uint8Array; seqAt: number; matchAt: number } {
  const levels = (base: number, step: number) => Array.from({ length: 10 }, (_, i) => ({ price: base + i * step, size: BigInt(100 * (i + 1)), orders: i + 1 }));
  const body = MarketUpdate.encode(
    MarketUpdate.fromPartial({
      symbol,
      epoch: BigInt(epoch),
      exchangeTsNs: 36_000_000_000_000n,
      ingestTsNs: 1_784_124_000_000_000_000n,
      publishTsNs: 1_784_124_000_000_100_000n,
      ltp: 1_234_500,
      lastSize: 100n,
      quote: { bidPrice: 1_234_400, bidSize: 500n, askPrice: 1_234_600, askSize: 300n },
      ohlc: { open: 1_200_000, high: 1_250_000, low: 1_190_000, close: 1_234_500 },
      volume: 1_000_000n,
      vwap: 1_221_234.5,
      depth: { bids: levels(1_234_400, -100), asks: levels(1_234_600, 100) },
      status: 1,
      changed: 0x4b,
    }),
  ).finish();
  const trade = TradePrint.encode({ price: 1_234_500, size: 100n, matchNumber: 0n, exchangeTsNs: 36_000_000_000_000n, kind: TradeKind.CONTINUOUS }).finish();
  const tradeField = [0x72, 6 + trade.length, 0x18, 0x80, 0x80, 0x80, 0x80, 0x00, ...trade];
  const bytes = Uint8Array.from([0x10, 0x80, 0x80, 0x80, 0x80, 0x00, ...body, ...tradeField]);
  return { bytes, seqAt: 1, matchAt: 1 + 5 + body.length + 3 };
}

export function patchVarint5(bytes: Uint8Array, at: number, value: number): void {
  for (let i = 0; i < 4; i += 1) bytes[at + i] = (Math.floor(value / 2 ** (7 * i)) & 0x7f) | 0x80;
  bytes[at + 4] = Math.floor(value / 2 ** 28) & 0x7f;
}

export function symbolNames(): string[] {
  return Array.from({ length: SYMBOLS }, (_, i) => `S${i.toString(36).toUpperCase().padStart(4, '0')}`);
}


export function cpuUs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

/**
 * Polls `received()` every 5 ms from the first arrival until `expected` arrived, nothing arrived for
 * 2 s, or RUN_LIMIT_MS: the first and last arrival (monotonic ns) and this process's CPU in between.
 */
export async function watchArrivals(received: () => number, expected: number): Promise<{ seen: number; first: bigint; last: bigint; cpuUs: number }> {
  let first = 0n;
  let last = 0n;
  let cpuFrom = process.cpuUsage();
  let cpuToLast = 0;
  let seen = 0;
  const started = Date.now();
  let idleSince = Date.now();
  while (Date.now() - started < RUN_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = received();
    if (now !== seen) {
      if (seen === 0) {
        first = process.hrtime.bigint();
        cpuFrom = process.cpuUsage();
      }
      last = process.hrtime.bigint();
      cpuToLast = cpuUs(cpuFrom);
      seen = now;
      idleSince = Date.now();
    }
    if (seen >= expected || (seen > 0 && Date.now() - idleSince > 2_000)) break;
  }
  return { seen, first, last, cpuUs: cpuToLast };
}
