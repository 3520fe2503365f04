import { join } from 'node:path';
import { WorkerProcesses } from '@tickwire/testing';
import type { StormCommand, StormReply } from './storm-protocol';

/** The hook that lets Node run the suite's TypeScript (ts-register.cjs). */
export const TS_REGISTER = join(__dirname, '..', 'ts-register.cjs');
const REPLY_TIMEOUT_MS = 120_000;

/**
 * The storm workers (`storm-worker.ts`) as child processes, so a crowd of thousands of clients neither
 * shares the test process's event loop with the healthy clients whose latency it measures nor its 20,000
 * open files. The suite has no build step: the worker runs from its TypeScript through `TS_REGISTER`.
 */
export type StormWorkers = WorkerProcesses<StormCommand, StormReply>;

export const StormWorkers = {
  start(count: number): StormWorkers {
    return WorkerProcesses.start<StormCommand, StormReply>(count, join(__dirname, 'storm-worker.ts'), { execArgv: ['--require', TS_REGISTER], replyTimeoutMs: REPLY_TIMEOUT_MS, name: 'storm worker' });
  },
};
