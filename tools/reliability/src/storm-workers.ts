import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { StormCommand, StormReply } from './storm-protocol';

/** The hook that lets Node run the suite's TypeScript (ts-register.cjs). */
export const TS_REGISTER = join(__dirname, '..', 'ts-register.cjs');
const REPLY_TIMEOUT_MS = 120_000;

/**
 * The storm workers (`storm-worker.ts`) as child processes, so a crowd of thousands of clients neither
 * shares the test process's event loop with the healthy clients whose latency it measures nor its 20,000
 * open files. The suite has no build step: the worker runs from its TypeScript through `TS_REGISTER`.
 */
export class StormWorkers {
  private constructor(private readonly workers: readonly ChildProcess[]) {}

  static start(count: number): StormWorkers {
    const script = join(__dirname, 'storm-worker.ts');
    return new StormWorkers(Array.from({ length: count }, () => fork(script, [], { execArgv: ['--require', TS_REGISTER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })));
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid!);
  }

  /** Sends `commandFor(i)` to every worker; replies in worker order. */
  all<T extends StormReply['type']>(commandFor: (i: number) => StormCommand, expect: T): Promise<Extract<StormReply, { type: T }>[]> {
    return Promise.all(this.workers.map((worker, i) => request(worker, commandFor(i), expect)));
  }

  close(): void {
    for (const worker of this.workers) worker.kill('SIGKILL');
  }
}

function request<T extends StormReply['type']>(worker: ChildProcess, command: StormCommand, expect: T): Promise<Extract<StormReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: StormReply): void => {
      done();
      if (reply.type === expect) resolve(reply as Extract<StormReply, { type: T }>);
      else reject(new Error(`storm worker: expected ${expect}, got ${reply.type === 'failed' ? `a failure: ${reply.error}` : reply.type}`));
    };
    const onExit = (code: number | null): void => {
      done();
      reject(new Error(`storm worker exited (${code}) during ${command.type}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`storm worker did not answer ${command.type} within ${REPLY_TIMEOUT_MS} ms`));
    }, REPLY_TIMEOUT_MS);
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    worker.send(command);
  });
}
