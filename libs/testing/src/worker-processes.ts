import { fork, type ChildProcess, type StdioOptions } from 'node:child_process';

/** What every command and reply of a worker protocol has: a discriminating `type`. */
export interface Typed {
  readonly type: string;
}

/** The reply a worker sends when handling a command threw (`serveWorkerCommands` builds it). */
export interface FailedReply {
  readonly type: 'failed';
  readonly error: string;
}

export interface WorkerProcessesOptions {
  /** Node flags for each worker, e.g. `['--require', tsRegister]` to run a TypeScript worker. */
  readonly execArgv?: readonly string[];
  /** The workers' stdio; IPC is added. Default: stdout and stderr inherited. */
  readonly stdio?: readonly ('ignore' | 'inherit' | number)[];
  /** How long a worker may take to answer one command. */
  readonly replyTimeoutMs: number;
  /** Names the workers in errors, e.g. 'storm worker'. */
  readonly name: string;
}

/**
 * Load-generating child processes that answer typed commands over IPC, one reply per command: a crowd of
 * thousands of sockets neither shares the coordinator's event loop (whose latency it may be measuring) nor
 * its 20,000 open files. The worker side is `serveWorkerCommands`. Workers exit with their parent.
 */
export class WorkerProcesses<Command extends Typed, Reply extends Typed> {
  private constructor(
    private readonly workers: readonly ChildProcess[],
    private readonly options: WorkerProcessesOptions,
  ) {}

  static start<Command extends Typed, Reply extends Typed>(count: number, script: string, options: WorkerProcessesOptions): WorkerProcesses<Command, Reply> {
    const stdio: StdioOptions = [...(options.stdio ?? ['ignore', 'inherit', 'inherit']), 'ipc'];
    const workers = Array.from({ length: count }, () => fork(script, [], { execArgv: [...(options.execArgv ?? [])], stdio }));
    return new WorkerProcesses<Command, Reply>(workers, options);
  }

  get size(): number {
    return this.workers.length;
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid!);
  }

  /** Sends one command to worker `i` and waits for its reply, which must be of type `expect`. */
  request<T extends Reply['type']>(i: number, command: Command, expect: T, timeoutMs = this.options.replyTimeoutMs): Promise<Extract<Reply, { type: T }>> {
    const worker = this.workers[i]!;
    const name = `${this.options.name} ${i}`;
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: Reply | FailedReply): void => {
        cleanup();
        if (reply.type === expect) resolve(reply as Extract<Reply, { type: T }>);
        else reject(new Error(`${name}: expected ${expect}, got ${reply.type === 'failed' ? `a failure: ${(reply as FailedReply).error}` : reply.type}`));
      };
      const onExit = (code: number | null, signal: string | null): void => {
        cleanup();
        reject(new Error(`${name} exited (${code ?? signal}) while handling ${command.type}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${name} did not answer ${command.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.send(command);
    });
  }

  /** The same command to every worker (`commandFor(i)` may tailor it); replies in worker order. */
  all<T extends Reply['type']>(commandFor: (i: number) => Command, expect: T, timeoutMs?: number): Promise<Extract<Reply, { type: T }>[]> {
    return Promise.all(this.workers.map((_, i) => this.request(i, commandFor(i), expect, timeoutMs)));
  }

  /** Kills every worker (their sockets close with them). Safe to call more than once. */
  close(): void {
    for (const worker of this.workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  }
}

/**
 * The worker side of `WorkerProcesses`: answers each command from the parent with `handle`'s reply, or a
 * `failed` reply carrying the error; exits when the parent goes away.
 */
export function serveWorkerCommands<Command extends Typed, Reply extends Typed>(handle: (command: Command) => Promise<Reply>): void {
  process.on('message', (command: Command) => {
    handle(command).then(
      (reply) => process.send!(reply),
      (error: unknown) => process.send!({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FailedReply),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
