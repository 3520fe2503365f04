import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { WorkerCommand, WorkerReply } from './worker-protocol';

/** How long a worker may take to answer one command before the pool gives up on the run. */
const DEFAULT_REPLY_TIMEOUT_MS = 180_000;

/**
 * The load generator's worker processes: each holds its share of the sockets (one process stays far below the
 * 20,000 open-file limit) and answers commands over IPC. `close()` kills them all; workers also exit when
 * the coordinator goes away.
 */
export class LoadWorkerPool {
  private constructor(private readonly workers: readonly ChildProcess[]) {}

  /** Forks `count` workers; each one's stdout goes to our stderr (stdout carries the benchmark's result). */
  static start(count: number, script = join(__dirname, 'load-worker.js')): LoadWorkerPool {
    const workers: ChildProcess[] = [];
    for (let i = 0; i < count; i++) workers.push(fork(script, [], { stdio: ['ignore', 2, 2, 'ipc'] }));
    return new LoadWorkerPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid!);
  }

  /** Sends one command to worker `i` and waits for its reply. */
  request<R extends WorkerReply['type']>(i: number, command: WorkerCommand, expect: R, timeoutMs = DEFAULT_REPLY_TIMEOUT_MS): Promise<Extract<WorkerReply, { type: R }>> {
    const worker = this.workers[i]!;
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: WorkerReply): void => {
        cleanup();
        if (reply.type === expect) resolve(reply as Extract<WorkerReply, { type: R }>);
        else reject(new Error(`worker ${i}: expected ${expect}, got ${reply.type}${reply.type === 'failed' ? `: ${reply.error}` : ''}`));
      };
      const onExit = (code: number | null, signal: string | null): void => {
        cleanup();
        reject(new Error(`worker ${i} exited (${code ?? signal}) while handling ${command.type}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`worker ${i} did not answer ${command.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.send(command);
    });
  }

  /** The same command to every worker (`commandFor(i)` may tailor it), replies in worker order. */
  all<R extends WorkerReply['type']>(commandFor: (i: number) => WorkerCommand, expect: R, timeoutMs?: number): Promise<Extract<WorkerReply, { type: R }>[]> {
    return Promise.all(this.workers.map((_, i) => this.request(i, commandFor(i), expect, timeoutMs)));
  }

  /** Kills every worker (their sockets close with them). Safe to call more than once. */
  close(): void {
    for (const worker of this.workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  }
}
