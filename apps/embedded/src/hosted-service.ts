import { EventEmitter } from 'node:events';
import type { DestinationStream } from 'pino';
import { runService, type ConfigSpec, type OpsAddress, type ServiceDefinition } from '@tickwire/runtime';

/** One service running inside this process, started and stopped by its host rather than by signals. */
export interface HostedService<R> {
  readonly name: string;
  readonly ops: OpsAddress;
  /** What the service's `start` resolved with (its ports, addresses). */
  readonly started: R;
  /** Resolves with the exit code once the service has shut down, for whatever reason. */
  readonly exited: Promise<number>;
  /** Runs the service's graceful shutdown, as SIGTERM would; resolves with its exit code. */
  stop(): Promise<number>;
}

export class HostedStartError extends Error {
  constructor(readonly service: string, readonly exitCode: number) {
    super(`${service} did not start (exit ${exitCode}); its log says why`);
    this.name = 'HostedStartError';
  }
}

/**
 * Runs a service definition with `runService`, exactly as its own `main.ts` would, except that its
 * environment is `env` (not the process's), its signals come from the host, and its exit ends only
 * itself. Process-wide failures are the host's to handle.
 */
export async function hostService<S extends ConfigSpec, R>(
  definition: ServiceDefinition<S, R>,
  env: Readonly<Record<string, string>>,
  logDestination?: DestinationStream,
): Promise<HostedService<R>> {
  const signals = new EventEmitter();
  let exitWith!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exitWith = resolve));
  const running = await runService({
    ...definition,
    // Node options tune a service's own process; this one is shared, so none of them applies.
    nodeOptions: [],
    host: {
      env,
      argv: [],
      signals,
      events: new EventEmitter(),
      exit: (code) => exitWith(code),
      ...(logDestination === undefined ? {} : { logDestination }),
    },
  });
  if (running === undefined) throw new HostedStartError(definition.name, await exited);
  return {
    name: definition.name,
    ops: running.ops,
    started: running.started,
    exited,
    stop() {
      signals.emit('SIGTERM', 'SIGTERM');
      return exited;
    },
  };
}
