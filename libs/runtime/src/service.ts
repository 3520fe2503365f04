import type { DestinationStream } from 'pino';
import type { Config, ConfigSpec, ConfigValue, EnvVar } from './config';
import { ConfigError, formatConfigHelp, loadConfig } from './config';
import { EXIT_CODES, RUNTIME_ERRORS } from './errors';
import type { Logger } from './logger';
import { createLogger, RUNTIME_EVENTS } from './logger';
import type { NodeOption } from './node-options';
import { formatNodeOptionsHelp, missingNodeOptions } from './node-options';
import type { Registry } from './metrics';
import { createMetrics } from './metrics';
import type { OpsAddress } from './ops-server';
import { createOpsServer } from './ops-server';
import { Readiness } from './readiness';
import type { RuntimeConfigSpec } from './runtime-config';
import { RUNTIME_CONFIG } from './runtime-config';
import type { ShutdownHook, ShutdownStage, SignalSource } from './shutdown';
import { GracefulShutdown } from './shutdown';

/** A service spec may redeclare a runtime variable (new default or doc) only with the same value type. */
export type RuntimeOverrides = { readonly [K in keyof RuntimeConfigSpec]?: EnvVar<ConfigValue<RuntimeConfigSpec[K]>, false> };

/** The full spec of a service: the runtime variables, then the service's own (which win on a clash). */
export type ServiceSpec<S extends ConfigSpec> = Omit<RuntimeConfigSpec, keyof S> & S;

export type ServiceConfig<S extends ConfigSpec> = Config<ServiceSpec<S>>;

export interface ServiceContext<S extends ConfigSpec> {
  readonly name: string;
  readonly config: ServiceConfig<S>;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly shutdown: GracefulShutdown;
  /** Same as `shutdown.onShutdown`. */
  onShutdown(stage: ShutdownStage, fn: ShutdownHook, name?: string): void;
}

/** Process-level events `runService` handles; `process` is one. */
export interface ProcessEventSource {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
}

/** The process surface `runService` touches, injectable so it can run inside a test. Defaults: `process`. */
export interface ServiceHost {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Arguments after the script (`process.argv.slice(2)`). `--help`/`-h` prints the config docs and exits 0. */
  readonly argv: readonly string[];
  /** Node's own flags (`process.execArgv`); with `env.NODE_OPTIONS`, where the service's node options are looked for. */
  readonly execArgv: readonly string[];
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  exit(code: number): void;
  readonly signals: SignalSource;
  readonly events: ProcessEventSource;
  /** Log destination; default stdout via pino. */
  readonly logDestination?: DestinationStream;
}

export interface RunServiceOptions<S extends ConfigSpec, R = void> {
  /** Short name: `ingest`, `edge`. Logs carry it as `service`; errors are prefixed `tickwire-<name>:`. */
  readonly name: string;
  readonly config: S & RuntimeOverrides;
  /**
   * Wires the service. Resolve when it is serving, with what a caller hosting it needs to know (e.g. the
   * port it bound); throw to abort (hooks registered so far still run).
   */
  start(ctx: ServiceContext<S>): R | Promise<R>;
  /** Node flags the service is tuned for (see `NodeOption`): listed by `--help`, their absence logged at start. */
  readonly nodeOptions?: readonly NodeOption[];
  readonly host?: Partial<ServiceHost>;
}

/** A service definition: everything `runService` needs but the host, so one process can host several. */
export type ServiceDefinition<S extends ConfigSpec, R = void> = Omit<RunServiceOptions<S, R>, 'host'>;

export interface RunningService<S extends ConfigSpec, R = void> {
  readonly context: ServiceContext<S>;
  readonly ops: OpsAddress;
  /** What `start` resolved with. */
  readonly started: R;
}

export function defaultHost(): ServiceHost {
  return {
    env: process.env,
    argv: process.argv.slice(2),
    execArgv: process.execArgv,
    stdout: process.stdout,
    stderr: process.stderr,
    exit: (code) => process.exit(code),
    signals: process,
    events: process,
  };
}

/**
 * Runs a service: the whole of a `main.ts` apart from the service's own wiring.
 *
 * 1. Loads the config (runtime variables + `config`). On a problem: ONE line on stderr,
 *    `tickwire-<name>: invalid configuration: A: ...; B: ...`, exit 78 (EX_CONFIG), before any other output.
 * 2. Creates the logger, metrics registry and readiness (condition `started`, false until `start` resolves), installs
 *    SIGTERM/SIGINT shutdown and handlers for uncaught exceptions and unhandled rejections (log, shut down, exit 1).
 * 3. Starts the ops server on `OPS_HOST:OPS_PORT` before `start`, so liveness answers during a slow start
 *    (`ops.listening` is logged with its URL; it closes in the last shutdown stage).
 * 4. Calls `start(ctx)`. Success: readiness `started` true, `service.started` logged with the ops address.
 *    Failure: `service.start_failed` logged, shutdown hooks run, exit 1.
 *
 * Resolves with the running service, or `undefined` if it did not start (the exit function has been called then).
 * It never rejects.
 */
export async function runService<S extends ConfigSpec, R = void>(options: RunServiceOptions<S, R>): Promise<RunningService<S, R> | undefined> {
  const host: ServiceHost = { ...defaultHost(), ...options.host };
  const config = loadServiceConfig(options, host);
  if (config === undefined) return undefined;
  const running = await startService(options, host, config, { kind: 'server' });
  // With its own ops server a started service always has an address.
  return running?.ops === undefined ? undefined : { ...running, ops: running.ops };
}

/**
 * Where a service's `/healthz`, `/readyz` and `/metrics` are served: by its own ops server, or, for one
 * process of a group (`runServiceProcesses`), by the group's primary, to which `report` hands the
 * registry and readiness (and the shutdown, which the primary may start).
 */
export type OpsSurface =
  | { readonly kind: 'server' }
  | { readonly kind: 'primary'; readonly index: number; report(registry: Registry, readiness: Readiness, shutdown: GracefulShutdown): void };

/** `--help` (prints the config docs, exits 0) or the validated config (a problem: one stderr line, exit 78). */
export function loadServiceConfig<S extends ConfigSpec>(options: Pick<RunServiceOptions<S, unknown>, 'name' | 'config' | 'nodeOptions'>, host: ServiceHost): ServiceConfig<S> | undefined {
  const { name } = options;
  const spec = { ...RUNTIME_CONFIG, ...options.config } as unknown as ServiceSpec<S>;

  if (host.argv.includes('--help') || host.argv.includes('-h')) {
    host.stdout.write(`tickwire-${name}: configured by environment variables.\n\n${formatConfigHelp(spec)}${formatNodeOptionsHelp(options.nodeOptions ?? [])}`);
    host.exit(EXIT_CODES.OK);
    return undefined;
  }

  try {
    return loadConfig(spec, host.env);
  } catch (err) {
    const line = err instanceof ConfigError ? err.message : `${RUNTIME_ERRORS.RUNTIME_ERR_CONFIG_SPEC}: ${String(err)}`;
    host.stderr.write(`tickwire-${name}: ${line.replace(/\n/g, ' ')}\n`);
    host.exit(err instanceof ConfigError ? EXIT_CODES.CONFIG : EXIT_CODES.FAILURE);
    return undefined;
  }
}

/** `runService` once the config is loaded: logger, metrics, readiness, shutdown, the ops surface, then `start`. */
export async function startService<S extends ConfigSpec, R>(options: RunServiceOptions<S, R>, host: ServiceHost, config: ServiceConfig<S>, surface: OpsSurface): Promise<(Omit<RunningService<S, R>, 'ops'> & { readonly ops: OpsAddress | undefined }) | undefined> {
  const { name } = options;
  // Safe: RuntimeOverrides keeps every runtime variable's value type.
  const runtime = config as unknown as Config<RuntimeConfigSpec>;

  const serviceLogger = createLogger({ service: name, level: runtime.LOG_LEVEL, destination: host.logDestination });
  // A process of a group says which one it is on every line.
  const logger = surface.kind === 'primary' ? serviceLogger.child({ process: surface.index }) : serviceLogger;
  const registry = createMetrics({ service: name });
  const readiness = new Readiness().register('started', 'starting');
  const shutdown = new GracefulShutdown({
    logger,
    readiness,
    timeoutMs: runtime.SHUTDOWN_TIMEOUT,
    exit: host.exit,
    signals: host.signals,
  }).install();

  installFatalHandlers(host, logger, shutdown);
  const missing = missingNodeOptions(options.nodeOptions ?? [], host.execArgv, host.env['NODE_OPTIONS']);
  if (missing.length > 0) {
    logger.warn({ event: RUNTIME_EVENTS.NODE_OPTIONS_MISSING, missing: missing.map((option) => option.flag), nodeOptions: host.env['NODE_OPTIONS'] ?? null }, `started without the Node options it is tuned for: ${missing.map((option) => `${option.flag} (${option.why})`).join('; ')}`);
  }

  let address: OpsAddress | undefined;
  if (surface.kind === 'primary') {
    surface.report(registry, readiness, shutdown);
  } else {
    address = await startOpsServer(runtime, { registry, readiness, logger, shutdown });
    if (address === undefined) return undefined;
  }

  const context: ServiceContext<S> = Object.freeze({
    name,
    config,
    logger,
    registry,
    readiness,
    shutdown,
    onShutdown: (stage: ShutdownStage, fn: ShutdownHook, hookName?: string) => shutdown.onShutdown(stage, fn, hookName),
  });

  let started: R;
  try {
    started = await options.start(context);
  } catch (err) {
    await failStart(logger, shutdown, err, 'start');
    return undefined;
  }

  if (!shutdown.closing) readiness.set('started', true);
  logger.info({ event: RUNTIME_EVENTS.SERVICE_STARTED, ops: address?.url }, `tickwire-${name} started`);
  return { context, ops: address, started };
}

/** Uncaught exceptions and unhandled rejections: logged, then shutdown with exit 1. */
export function installFatalHandlers(host: Pick<ServiceHost, 'events'>, logger: Logger, shutdown: GracefulShutdown): void {
  const onFatal =
    (kind: 'uncaughtException' | 'unhandledRejection') =>
    (err: unknown): void => {
      logger.fatal({ event: RUNTIME_EVENTS.PROCESS_UNCAUGHT, code: 'RUNTIME_ERR_UNCAUGHT', kind, err }, `${RUNTIME_ERRORS.RUNTIME_ERR_UNCAUGHT} (${kind})`);
      void shutdown.trigger(kind, EXIT_CODES.FAILURE);
    };
  host.events.on('uncaughtException', onFatal('uncaughtException'));
  host.events.on('unhandledRejection', onFatal('unhandledRejection'));
}

/** A failed start: logged (`service.start_failed` with the step), then shutdown with exit 1. */
async function failStart(logger: Logger, shutdown: GracefulShutdown, err: unknown, step: string): Promise<void> {
  logger.error({ event: RUNTIME_EVENTS.SERVICE_START_FAILED, code: 'RUNTIME_ERR_START_FAILED', step, err }, RUNTIME_ERRORS.RUNTIME_ERR_START_FAILED);
  await shutdown.trigger(`start failed (${step})`, EXIT_CODES.FAILURE);
}

/**
 * The ops server on `OPS_HOST:OPS_PORT`, closed in the last shutdown stage. Resolves with its address once it
 * listens (`ops.listening` logged), or undefined when it cannot: the start failed (logged, exit 1).
 */
export async function startOpsServer(
  runtime: Pick<Config<RuntimeConfigSpec>, 'OPS_HOST' | 'OPS_PORT'>,
  parts: { readonly registry: Registry; readonly readiness: Readiness; readonly logger: Logger; readonly shutdown: GracefulShutdown },
): Promise<OpsAddress | undefined> {
  const { registry, readiness, logger, shutdown } = parts;
  const ops = createOpsServer({ host: runtime.OPS_HOST, port: runtime.OPS_PORT, registry, readiness, logger });
  shutdown.onShutdown('close-adapters', () => ops.close(), 'ops-server');
  let address: OpsAddress;
  try {
    address = await ops.listen();
  } catch (err) {
    await failStart(logger, shutdown, err, 'ops-server');
    return undefined;
  }
  logger.info({ event: RUNTIME_EVENTS.OPS_LISTENING, url: address.url }, `ops server listening on ${address.url}`);
  return address;
}
