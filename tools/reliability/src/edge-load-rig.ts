import { PrometheusSamples } from '@tickwire/testing';
import { LATENCY_FLOOR_MS, latencyLimitMs, LatencyProbe, type LatencySummary } from './delivery-latency';
import { EdgeStack, type EdgeProcess, type HealthyClient, type StreamReport } from './edge-stack';
import { hs256Token } from './test-tokens';

/** Healthy clients and what they watch: every one subscribed (full mode, protobuf) to every healthy symbol. */
export const HEALTHY_CLIENTS = 10;
export const HEALTHY_SYMBOLS = ['LOAD.H0', 'LOAD.H1', 'LOAD.H2', 'LOAD.H3', 'LOAD.H4'];
/** The healthy symbols are published every this often: 500 updates/s, 5,000 deliveries/s to the healthy clients. */
export const HEALTHY_PUMP_MS = 10;
/** The calm baseline window. */
export const BASELINE_MS = 5_000;
const LIST_BATCH = 250;
/** How often the edge's RSS is sampled during a window (the peak is what is bounded). */
const RSS_SAMPLE_MS = 100;

/** How many healthy clients, and how often their symbols are published (the soak uses fewer and slower: it keeps every message). */
export interface HealthyLoad {
  readonly clients: number;
  readonly pumpMs: number;
}

/**
 * Symbols besides the healthy ones, published every `intervalMs` from the start (0 = listed, never published
 * again), spread over the interval: the fault under test, not a burst of the extras' own fan-out every
 * interval, is what the healthy clients' latency should show.
 */
export interface ExtraSymbols {
  readonly symbols: readonly string[];
  readonly intervalMs: number;
}

export interface LoadWindow<T> {
  readonly name: string;
  readonly result: T;
  readonly latency: LatencySummary;
  /** The p99 this window may reach (latencyLimitMs of the baseline's). */
  readonly limitMs: number;
  /**
   * The edge's own view over the window, for every client's frames (1 in 8 sampled): publish -> written to
   * the socket, p99 at most this (its histogram bucket). Against the healthy clients' p99 it says how much of
   * their latency is the edge's event loop and how much the rest of a shared machine (the load generator,
   * NATS, the test process reading its sockets).
   */
  readonly edgeWriteP99AtMostMs: number | null;
  readonly rssMiB: { readonly before: number; readonly peak: number; readonly after: number };
  readonly seconds: number;
}

const MiB = 2 ** 20;
const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * What every load-fault test runs on: an EdgeStack with one edge process, healthy clients whose delivery
 * latency is measured in a calm baseline window and then in each fault window (with the edge's peak RSS),
 * and the figures printed at the end.
 */
export class EdgeLoadRig {
  readonly figures: Record<string, unknown> = {};
  baseline: LatencySummary | undefined;
  baselineRss = 0;
  private readonly stops: (() => Promise<void>)[] = [];

  private constructor(
    readonly stack: EdgeStack,
    readonly edge: EdgeProcess,
    readonly healthy: readonly HealthyClient[],
    private readonly probe: LatencyProbe,
  ) {}

  static async start(edgeEnv: Record<string, string>, extras: readonly ExtraSymbols[] = [], load: HealthyLoad = { clients: HEALTHY_CLIENTS, pumpMs: HEALTHY_PUMP_MS }): Promise<EdgeLoadRig> {
    const stack = await EdgeStack.start();
    try {
      const edge = await stack.startEdge(edgeEnv);
      // In batches the snapshot service answers in one GetSnapshots call (at most 500 symbols).
      const symbols = [...HEALTHY_SYMBOLS, ...extras.flatMap((e) => e.symbols)];
      for (let i = 0; i < symbols.length; i += LIST_BATCH) await stack.listSymbols(symbols.slice(i, i + LIST_BATCH));
      const healthy: HealthyClient[] = [];
      // Valid for longer than any soak run.
      const token = await hs256Token({ expiresAt: '48h' });
      for (let i = 0; i < load.clients; i++) healthy.push(await stack.healthyClient(edge, 'proto', HEALTHY_SYMBOLS, token));
      const rig = new EdgeLoadRig(stack, edge, healthy, new LatencyProbe(healthy));
      rig.stops.push(stack.market.pump(HEALTHY_SYMBOLS, load.pumpMs));
      for (const extra of extras) if (extra.intervalMs > 0) rig.stops.push(stack.market.pump(extra.symbols, extra.intervalMs, true));
      return rig;
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  async samples(): Promise<PrometheusSamples> {
    return new PrometheusSamples(await this.edge.process.metrics());
  }

  rssMiB(): number {
    return round(this.edge.process.rssBytes() / MiB);
  }

  /** The calm baseline: the healthy clients' latency and the edge's RSS with nothing else going on. */
  async measureBaseline(): Promise<LatencySummary> {
    const metricsBefore = await this.samples();
    this.baseline = await this.probe.measure(BASELINE_MS);
    this.baselineRss = this.rssMiB();
    const edgeWrite = (await this.samples()).histogramQuantileAtMost(metricsBefore, 'tickwire_edge_delivery_latency_seconds', 0.99);
    this.figures['baseline'] = { latency: this.baseline, limitMs: latencyLimitMs(this.baseline.p99Ms), edgeWriteP99AtMostMs: edgeWrite === undefined ? null : edgeWrite * 1e3, rssMiB: this.baselineRss };
    return this.baseline;
  }

  /** The healthy clients' latency over the next `ms` (outside any window). */
  latencyOver(ms: number): Promise<LatencySummary> {
    return this.probe.measure(ms);
  }

  /**
   * Runs `fault` while measuring the healthy clients' latency and the edge's peak RSS; records the figures under
   * `name`. The window's limit is latencyLimitMs of the baseline p99 with `floorMs`.
   */
  async window<T>(name: string, fault: () => Promise<T>, floorMs = LATENCY_FLOOR_MS): Promise<LoadWindow<T>> {
    if (this.baseline === undefined) throw new Error('measure the baseline first');
    const before = this.rssMiB();
    const metricsBefore = await this.samples();
    let peak = before;
    const sampler = setInterval(() => {
      if (this.edge.process.running) peak = Math.max(peak, this.rssMiB());
    }, RSS_SAMPLE_MS);
    const started = Date.now();
    this.probe.open();
    let result: T;
    try {
      result = await fault();
    } finally {
      clearInterval(sampler);
    }
    const latency = this.probe.close();
    const edgeWrite = (await this.samples()).histogramQuantileAtMost(metricsBefore, 'tickwire_edge_delivery_latency_seconds', 0.99);
    const edgeWriteP99AtMostMs = edgeWrite === undefined ? null : edgeWrite * 1e3;
    const window: LoadWindow<T> = { name, result, latency, limitMs: latencyLimitMs(this.baseline.p99Ms, floorMs), edgeWriteP99AtMostMs, rssMiB: { before, peak, after: this.rssMiB() }, seconds: round((Date.now() - started) / 1e3) };
    this.figures[name] = { latency, limitMs: window.limitMs, edgeWriteP99AtMostMs, rssMiB: window.rssMiB, seconds: window.seconds };
    return window;
  }

  /** Stops publishing and returns each healthy client's seq-continuity report. */
  async healthyReports(): Promise<StreamReport[]> {
    for (const stop of this.stops.splice(0)) await stop();
    const reports: StreamReport[] = [];
    for (const h of this.healthy) reports.push(...(await h.report(this.stack.market)));
    const lost = reports.reduce((a, r) => a + r.lost, 0);
    this.figures['healthy'] = { clients: this.healthy.length, symbols: HEALTHY_SYMBOLS.length, updates: reports.reduce((a, r) => a + r.updates, 0), lost, breaks: reports.reduce((a, r) => a + r.breaks, 0), extraSnapshots: reports.reduce((a, r) => a + r.extraSnapshots, 0) };
    return reports;
  }

  print(title: string): void {
    console.log(JSON.stringify({ figures: title, ...this.figures }));
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) await stop();
    await this.stack.stop();
  }
}
