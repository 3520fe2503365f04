export { bucketOf, bucketUpperBound, BUCKET_COUNT, LogHistogram, MAX_TRACKABLE_US } from './log-histogram';
export { scanServerFrame, ServerField, type FrameVisitor } from './server-frame-scanner';
export { DeliveryTally, mergeTallies, type TallySnapshot } from './delivery-tally';
export { DEFAULT_MAX_SOCKETS_PER_WORKER, DEFAULT_SOURCE_ADDRESSES, sourceAddress, splitRange, subscribersPerSymbol, symbolName, symbolsOf, workerCountFor, type IndexRange } from './connection-plan';
export { childPidsNamed, clockTicksPerSecond, CpuWindow, parseStatCpuTicks, parseStatParentPid, parseVmRssBytes, readCpuSeconds, readRssBytes } from './process-sampler';
export { LoadWorkerPool } from './load-worker-pool';
export type { OpenedReply, TallyReply, WorkerCommand, WorkerReply } from './worker-protocol';
export { wallClockNs } from './wall-clock';
