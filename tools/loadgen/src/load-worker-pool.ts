import { join } from 'node:path';
import { WorkerProcesses } from '@tickwire/testing';
import type { WorkerCommand, WorkerReply } from './worker-protocol';

/** How long a worker may take to answer one command before the pool gives up on the run. */
const DEFAULT_REPLY_TIMEOUT_MS = 180_000;

/**
 * The load generator's worker processes (`load-worker.ts`): each holds its share of the sockets (one process
 * stays far below the 20,000 open-file limit). Their stdout goes to our stderr: stdout carries the
 * benchmark's result.
 */
export type LoadWorkerPool = WorkerProcesses<WorkerCommand, WorkerReply>;

export const LoadWorkerPool = {
  start(count: number, script = join(__dirname, 'load-worker.js')): LoadWorkerPool {
    return WorkerProcesses.start<WorkerCommand, WorkerReply>(count, script, { stdio: ['ignore', 2, 2], replyTimeoutMs: DEFAULT_REPLY_TIMEOUT_MS, name: 'worker' });
  },
};
