import { setPriority } from 'node:os';
import { join } from 'node:path';
import { WorkerProcesses } from '@tickwire/testing';
import type { StormCommand, StormReply } from './storm-protocol';

/** The hook that lets Node run the suite's TypeScript (ts-register.cjs). */
export const TS_REGISTER = join(__dirname, '..', 'ts-register.cjs');
const REPLY_TIMEOUT_MS = 120_000;
/** The lowest priority: the crowd uses only what the system under test leaves. */
const LOAD_GENERATOR_NICE = 19;

/**
 * The storm workers (`storm-worker.ts`) as child processes, so a crowd of thousands of clients neither
 * shares the test process's event loop with the healthy clients whose latency it measures nor its 20,000
 * open files. The suite has no build step: the worker runs from its TypeScript through `TS_REGISTER`.
 *
 * They run at the lowest CPU priority (nice 19). A deployment's clients are on other machines; here the
 * crowd shares two cores with the edge, NATS and the test process that reads the healthy clients' sockets,
 * and its own CPU (3,000 handshakes at once) made the healthy p99 it was meant to test: in the reconnect
 * storm 150-173 ms at normal priority against 18-42 ms niced, while the edge's own publish-to-write p99
 * stayed within its 20 ms bucket either way. Niced, the crowd still gets every idle cycle.
 */
export type StormWorkers = WorkerProcesses<StormCommand, StormReply>;

export const StormWorkers = {
  start(count: number): StormWorkers {
    const workers = WorkerProcesses.start<StormCommand, StormReply>(count, join(__dirname, 'storm-worker.ts'), { execArgv: ['--require', TS_REGISTER], replyTimeoutMs: REPLY_TIMEOUT_MS, name: 'storm worker' });
    for (const pid of workers.pids) setPriority(pid, LOAD_GENERATOR_NICE);
    return workers;
  },
};
