import { EXIT_CODES, RUNTIME_ERRORS } from './errors';
import type { Logger } from './logger';
import { RUNTIME_EVENTS } from './logger';
import type { Readiness } from './readiness';

/**
 * Shutdown stages, run in this order (house rule 8). Hooks in one stage run concurrently; the next stage starts
 * when every hook of the previous one has settled.
 * - `stop-accepting`: stop taking new work (close listeners, unsubscribe). `/readyz` is already 503 by then.
 * - `drain`: let in-flight work and connected clients finish (bounded by the service's own drain timeout).
 * - `close-servers`: close what is left of the servers and their connections.
 * - `close-adapters`: flush and close NATS, Redis, gRPC channels; the ops server closes here too, so `/metrics`
 *   and `/healthz` answer throughout the drain.
 */
export const SHUTDOWN_STAGES = ['stop-accepting', 'drain', 'close-servers', 'close-adapters'] as const;
export type ShutdownStage = (typeof SHUTDOWN_STAGES)[number];

/** A shutdown hook; may return a promise. A throw or rejection is logged and does not stop later stages. */
export type ShutdownHook = () => unknown;

export type ShutdownSignal = 'SIGTERM' | 'SIGINT';

/** Where signals come from. `process` is one; tests pass an `EventEmitter`. */
export interface SignalSource {
  on(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
  off(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
}

export interface GracefulShutdownOptions {
  readonly logger: Logger;
  /** Overall deadline from trigger to exit, in milliseconds. */
  readonly timeoutMs: number;
  /** Marked draining first thing, so `/readyz` turns 503 before any hook runs. */
  readonly readiness?: Readiness;
  /** Default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Default `process`. Listeners are added by {@link GracefulShutdown.install}. */
  readonly signals?: SignalSource;
  /** Default `['SIGTERM', 'SIGINT']`. */
  readonly signalNames?: readonly ShutdownSignal[];
}

interface RegisteredHook {
  readonly name: string;
  readonly fn: ShutdownHook;
}

/**
 * Graceful shutdown, in the order of house rule 8:
 * 1. `closing` becomes true (a field read, cheap enough for hot paths to check before taking new work);
 * 2. readiness is marked draining (`/readyz` 503, the balancer stops sending);
 * 3. hooks run stage by stage ({@link SHUTDOWN_STAGES}), all under one deadline;
 * 4. exit 0 when done (or the code `trigger` asked for, e.g. 1 after a failed start); exit 1 with
 *    `RUNTIME_ERR_SHUTDOWN_TIMEOUT` logged if the deadline passes first.
 *
 * A second signal while shutting down exits 1 at once (`RUNTIME_ERR_SHUTDOWN_FORCED`): the operator's Ctrl-C twice. A
 * shutdown started otherwise (an uncaught error, a group's primary asking) is forced by the second signal too, not the first.
 */
export class GracefulShutdown {
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #readiness: Readiness | undefined;
  readonly #exitFn: (code: number) => void;
  readonly #signals: SignalSource;
  readonly #signalNames: readonly ShutdownSignal[];
  readonly #hooks = new Map<ShutdownStage, RegisteredHook[]>(SHUTDOWN_STAGES.map((s) => [s, []]));
  readonly #running = new Set<string>();
  readonly #onSignal = (signal: ShutdownSignal): void => this.#signal(signal);
  #closing = false;
  /** Shutdown signals received so far: the second one forces the exit, whatever started the shutdown. */
  #signalsSeen = 0;
  #installed = false;
  #exited = false;
  #exitCode: number = EXIT_CODES.OK;
  #timer: NodeJS.Timeout | undefined;
  #done: Promise<void> | undefined;
  #resolveDone: () => void = () => undefined;

  constructor(options: GracefulShutdownOptions) {
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) throw new RangeError(`timeoutMs must be > 0, got ${options.timeoutMs}`);
    this.#log = options.logger;
    this.#timeoutMs = options.timeoutMs;
    this.#readiness = options.readiness;
    this.#exitFn = options.exit ?? ((code) => process.exit(code));
    this.#signals = options.signals ?? process;
    this.#signalNames = options.signalNames ?? ['SIGTERM', 'SIGINT'];
  }

  /** True from the moment shutdown starts. Check it before accepting new work. */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Registers a hook for a stage. `name` appears in logs (default: the function's name). Hooks of a stage that has
   * already started when they are registered do not run.
   */
  onShutdown(stage: ShutdownStage, fn: ShutdownHook, name: string = fn.name || 'anonymous'): void {
    const hooks = this.#hooks.get(stage);
    if (!hooks) throw new TypeError(`unknown shutdown stage ${JSON.stringify(stage)}; expected one of ${SHUTDOWN_STAGES.join(', ')}`);
    hooks.push({ name, fn });
  }

  /** Starts listening for the shutdown signals. Idempotent. */
  install(): this {
    if (!this.#installed) {
      for (const s of this.#signalNames) this.#signals.on(s, this.#onSignal);
      this.#installed = true;
    }
    return this;
  }

  /** Stops listening for signals (done automatically on exit). */
  uninstall(): void {
    if (!this.#installed) return;
    for (const s of this.#signalNames) this.#signals.off(s, this.#onSignal);
    this.#installed = false;
  }

  /**
   * Starts shutdown (once; later calls return the same promise, raising the exit code if theirs is higher).
   * The promise resolves after the exit function was called: on completion or at the deadline.
   */
  trigger(reason: string, exitCode: number = EXIT_CODES.OK): Promise<void> {
    this.#exitCode = Math.max(this.#exitCode, exitCode);
    if (this.#done) return this.#done;
    this.#closing = true;
    this.#readiness?.setDraining();
    this.#done = new Promise<void>((resolve) => (this.#resolveDone = resolve));
    this.#log.info({ event: RUNTIME_EVENTS.SHUTDOWN_BEGIN, reason, timeoutMs: this.#timeoutMs }, 'shutting down');
    const started = performance.now();
    this.#timer = setTimeout(() => this.#deadline(), this.#timeoutMs);
    void this.#runStages().then(() => {
      if (this.#exited) return;
      const durationMs = Math.round(performance.now() - started);
      this.#log.info({ event: RUNTIME_EVENTS.SHUTDOWN_COMPLETE, exitCode: this.#exitCode, durationMs }, 'shutdown complete');
      this.#exit(this.#exitCode);
    });
    return this.#done;
  }

  #signal(signal: ShutdownSignal): void {
    this.#signalsSeen += 1;
    if (!this.#closing) {
      void this.trigger(`signal ${signal}`);
      return;
    }
    // Already closing for another reason (an error, a supervisor's request): the first signal asks for
    // nothing more than is under way.
    if (this.#exited || this.#signalsSeen < 2) return;
    this.#log.fatal(
      { event: RUNTIME_EVENTS.SHUTDOWN_FORCED, code: 'RUNTIME_ERR_SHUTDOWN_FORCED', signal, pending: [...this.#running] },
      RUNTIME_ERRORS.RUNTIME_ERR_SHUTDOWN_FORCED,
    );
    this.#exit(EXIT_CODES.FAILURE);
  }

  #deadline(): void {
    if (this.#exited) return;
    this.#log.error(
      { event: RUNTIME_EVENTS.SHUTDOWN_TIMEOUT, code: 'RUNTIME_ERR_SHUTDOWN_TIMEOUT', timeoutMs: this.#timeoutMs, pending: [...this.#running] },
      RUNTIME_ERRORS.RUNTIME_ERR_SHUTDOWN_TIMEOUT,
    );
    this.#exit(EXIT_CODES.FAILURE);
  }

  async #runStages(): Promise<void> {
    for (const stage of SHUTDOWN_STAGES) {
      if (this.#exited) return;
      const hooks = [...this.#hooks.get(stage)!];
      this.#log.debug({ event: RUNTIME_EVENTS.SHUTDOWN_STAGE, stage, hooks: hooks.map((h) => h.name) }, `shutdown stage ${stage}`);
      await Promise.all(hooks.map((hook) => this.#runHook(stage, hook)));
    }
  }

  async #runHook(stage: ShutdownStage, hook: RegisteredHook): Promise<void> {
    const key = `${stage}/${hook.name}`;
    this.#running.add(key);
    try {
      await hook.fn();
    } catch (err) {
      this.#log.error(
        { event: RUNTIME_EVENTS.SHUTDOWN_HOOK_FAILED, code: 'RUNTIME_ERR_SHUTDOWN_HOOK_FAILED', stage, hook: hook.name, err },
        `${RUNTIME_ERRORS.RUNTIME_ERR_SHUTDOWN_HOOK_FAILED}: ${key}`,
      );
    } finally {
      this.#running.delete(key);
    }
  }

  #exit(code: number): void {
    if (this.#exited) return;
    this.#exited = true;
    clearTimeout(this.#timer);
    this.uninstall();
    try {
      this.#exitFn(code);
    } finally {
      this.#resolveDone();
    }
  }
}
