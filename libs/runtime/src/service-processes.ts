import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { AggregatorRegistry, Counter, Gauge, type PrometheusContentType } from 'prom-client';
import type { Config, ConfigSpec } from './config';
import { EXIT_CODES } from './errors';
import { createLogger, RUNTIME_EVENTS } from './logger';
import { METRIC_PREFIX } from './metrics';
import type { Registry } from './metrics';
import { Readiness } from './readiness';
import type { RuntimeConfigSpec } from './runtime-config';
import type { RunServiceOptions, ServiceConfig, ServiceHost } from './service';
import { defaultHost, installFatalHandlers, loadServiceConfig, startOpsServer, startService } from './service';
import { GracefulShutdown } from './shutdown';

/** What a process of a group tells its primary whenever its readiness changes. */
interface ReadinessMessage {
  readonly type: typeof READINESS_MESSAGE;
  readonly ready: boolean;
  readonly failing: readonly string[];
}

const READINESS_MESSAGE = 'tickwire:readiness';
/** Which process of the group this is (0..N-1), set by the primary for each process it starts. */
const PROCESS_INDEX_VAR = 'TICKWIRE_PROCESS_INDEX';
/**
 * The primary asks a process to shut down with this message, not a signal: a process that already has the
 * signal (Ctrl-C reaches the whole process group) would take a second one as "force exit now".
 */
const SHUTDOWN_MESSAGE = 'tickwire:shutdown';

/** A process that exits sooner than this after it was started is failing to start: its restarts back off. */
const QUICK_EXIT_MS = 10_000;
const FIRST_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;
/** The primary's shutdown deadline is its processes' plus this, so that a slow but timely process is not cut off. */
const PRIMARY_SHUTDOWN_MARGIN_MS = 2_000;

/** Whether an IPC message is one of ours of this `type` (prom-client's cluster messages share the channel). */
function isMessage(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/**
 * Runs a service as `processes(config)` processes sharing its listening ports (Node's cluster), or in this
 * process when that is 1, exactly as `runService` does.
 *
 * In a group, this process is the primary: it validates the config (a problem exits 78 before anything starts),
 * starts the processes, and serves the group's ops surface on `OPS_HOST:OPS_PORT`: `/metrics` is the sum of the
 * processes' metrics (prom-client's cluster aggregation) plus the group's own, `/readyz` is ready while at least
 * one process is. The processes accept connections themselves (`SCHED_NONE`): the kernel hands each new
 * connection to one that is waiting in accept, so a busy process takes fewer. A process that dies is started
 * again (after 0.5 s, doubling up to 30 s while it keeps dying within 10 s of its start); if one dies before any
 * process of the group was ever ready, starting failed and the primary exits 1. On SIGTERM/SIGINT the primary asks
 * every process to shut down (each drains as on its own) and exits once all have, 1 if any did not exit 0.
 */
export async function runServiceProcesses<S extends ConfigSpec, R = void>(options: RunServiceOptions<S, R>, processes: (config: ServiceConfig<S>) => number): Promise<void> {
  const host: ServiceHost = { ...defaultHost(), ...options.host };
  const config = loadServiceConfig(options, host);
  if (config === undefined) return;
  if (cluster.isWorker) {
    await startService(options, host, config, { kind: 'primary', index: Number(host.env[PROCESS_INDEX_VAR] ?? 0), report: reportToPrimary });
    return;
  }
  const count = processes(config);
  if (count <= 1) {
    await startService(options, host, config, { kind: 'server' });
    return;
  }
  await runPrimary(options.name, config as unknown as Config<RuntimeConfigSpec>, count, host);
}

/**
 * In a process of a group: the primary collects this registry for `/metrics`, follows this readiness, and may
 * start this shutdown.
 */
function reportToPrimary(registry: Registry, readiness: Readiness, shutdown: GracefulShutdown): void {
  // Constructing one installs prom-client's answer to the primary's metric requests in this process.
  new AggregatorRegistry<PrometheusContentType>();
  AggregatorRegistry.setRegistries([registry]);
  const send = (): void => {
    const report = readiness.report();
    const message: ReadinessMessage = { type: READINESS_MESSAGE, ready: report.ready, failing: report.failing.map((c) => (c.reason === undefined ? c.name : `${c.name}: ${c.reason}`)) };
    // Once the primary is gone there is nobody to tell (and this process is about to exit with it).
    if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
  };
  readiness.onChange(send);
  send();
  process.on('message', (message: unknown) => {
    if (isMessage(message, SHUTDOWN_MESSAGE)) void shutdown.trigger('asked by the primary');
  });
}

/** The group's `/metrics`: the primary's own metrics, then the sum of every process's. */
class ProcessGroupRegistry extends AggregatorRegistry<PrometheusContentType> {
  override async metrics(): Promise<string> {
    const [own, processes] = await Promise.all([super.metrics(), this.clusterMetrics()]);
    return own + processes;
  }
}

interface Slot {
  readonly index: number;
  worker: Worker | undefined;
  startedAt: number;
  ready: boolean;
  failing: readonly string[];
  restartDelayMs: number;
  restartTimer: NodeJS.Timeout | undefined;
  lastExitCode: number;
}

async function runPrimary(name: string, runtime: Config<RuntimeConfigSpec>, count: number, host: ServiceHost): Promise<void> {
  const logger = createLogger({ service: name, level: runtime.LOG_LEVEL, destination: host.logDestination }).child({ role: 'primary' });
  const registry = new ProcessGroupRegistry();
  registry.setDefaultLabels({ service: name });
  const readiness = new Readiness().register('processes', 'starting');
  const shutdown = new GracefulShutdown({ logger, readiness, timeoutMs: runtime.SHUTDOWN_TIMEOUT + PRIMARY_SHUTDOWN_MARGIN_MS, exit: host.exit, signals: host.signals }).install();
  installFatalHandlers(host, logger, shutdown);

  const slots: Slot[] = Array.from({ length: count }, (_, index) => ({ index, worker: undefined, startedAt: 0, ready: false, failing: [], restartDelayMs: FIRST_RESTART_DELAY_MS, restartTimer: undefined, lastExitCode: 0 }));
  let everReady = false;
  let allExited: () => void = () => undefined;
  new Gauge({ name: `${METRIC_PREFIX}processes_ready`, help: 'processes of the group that are ready', registers: [registry], collect: readyGauge(slots) });
  const restarts = new Counter({ name: `${METRIC_PREFIX}process_restarts_total`, help: 'processes of the group started again after they died', registers: [registry] });

  const updateReadiness = (): void => {
    const ready = slots.filter((s) => s.ready).length;
    const waiting = slots.filter((s) => !s.ready).map((s) => (s.worker === undefined ? `process ${s.index}: not running` : `process ${s.index}: ${s.failing.join(', ') || 'starting'}`));
    if (ready > 0 && !everReady) {
      everReady = true;
      logger.info({ event: RUNTIME_EVENTS.SERVICE_STARTED, ops: opsUrl, processes: count }, `tickwire-${name} started (${count} processes)`);
    }
    readiness.set('processes', ready > 0, `no process ready (${waiting.join('; ')})`);
  };

  const start = (slot: Slot): void => {
    slot.restartTimer = undefined;
    const worker = cluster.fork({ [PROCESS_INDEX_VAR]: String(slot.index) });
    slot.worker = worker;
    slot.startedAt = Date.now();
    slot.ready = false;
    slot.failing = [];
    logger.info({ event: RUNTIME_EVENTS.PROCESS_STARTED, process: slot.index, pid: worker.process.pid }, `process ${slot.index} started`);
    worker.on('message', (message: unknown) => {
      if (!isMessage(message, READINESS_MESSAGE) || slot.worker !== worker) return;
      const { ready, failing } = message as ReadinessMessage;
      slot.ready = ready;
      slot.failing = failing;
      updateReadiness();
    });
    worker.on('exit', (code, signal) => {
      slot.worker = undefined;
      slot.ready = false;
      slot.lastExitCode = code ?? EXIT_CODES.FAILURE;
      updateReadiness();
      if (shutdown.closing) {
        logger.info({ event: RUNTIME_EVENTS.PROCESS_EXITED, process: slot.index, pid: worker.process.pid, code, signal }, `process ${slot.index} exited`);
        if (slots.every((s) => s.worker === undefined)) allExited();
        return;
      }
      const livedMs = Date.now() - slot.startedAt;
      logger.error({ event: RUNTIME_EVENTS.PROCESS_EXITED, code: 'RUNTIME_ERR_PROCESS_EXITED', process: slot.index, pid: worker.process.pid, exitCode: code, signal, livedMs }, `process ${slot.index} exited unexpectedly`);
      if (!everReady) {
        void shutdown.trigger(`process ${slot.index} exited before the service started`, EXIT_CODES.FAILURE);
        return;
      }
      const delayMs = livedMs < QUICK_EXIT_MS ? slot.restartDelayMs : FIRST_RESTART_DELAY_MS;
      slot.restartDelayMs = Math.min(delayMs * 2, MAX_RESTART_DELAY_MS);
      slot.restartTimer = setTimeout(() => {
        restarts.inc();
        start(slot);
      }, delayMs);
    });
  };

  shutdown.onShutdown(
    'drain',
    async () => {
      for (const slot of slots) if (slot.restartTimer !== undefined) clearTimeout(slot.restartTimer);
      const exited = new Promise<void>((resolve) => (allExited = resolve));
      const running = slots.filter((s) => s.worker !== undefined);
      for (const worker of running.flatMap((s) => (s.worker === undefined ? [] : [s.worker]))) {
        if (worker.isConnected()) worker.send({ type: SHUTDOWN_MESSAGE });
        else worker.process.kill('SIGTERM');
      }
      if (running.length > 0) await exited;
      const failed = running.filter((s) => s.lastExitCode !== 0);
      if (failed.length > 0) throw new Error(`processes ${failed.map((s) => `${s.index} (exit ${s.lastExitCode})`).join(', ')} did not shut down cleanly`);
    },
    'processes',
  );

  const address = await startOpsServer(runtime, { registry, readiness, logger, shutdown });
  if (address === undefined) return;
  const opsUrl = address.url;

  // Each process accepts for itself: round-robin through the primary would make this process a hop (and a
  // bottleneck) for every connection of a reconnect storm.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  for (const slot of slots) start(slot);
}

function readyGauge(slots: readonly Slot[]): (this: Gauge) => void {
  return function collect(this: Gauge) {
    this.set(slots.filter((s) => s.ready).length);
  };
}
