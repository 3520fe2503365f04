import type { ClientStats, ConnectionStatus, StatusDetail, SymbolState, TickwireClient } from '@tickwire/client';
import { barsFromCandles, candleChartGeometry, foldLivePrice, mergeLiveBar, type Bar, type CandleFields, type LiveBar } from './candle-chart';
import type { CandleChartView } from './candle-chart-view';
import { connectionLabel } from './connection-label';
import { depthLadder } from './depth-ladder';
import type { DepthLadderView } from './depth-ladder-view';
import { formatLatency, formatPrice, formatRate, NO_VALUE } from './display-format';
import { setText } from './dom-element';
import { minuteOfExchangeDay, type ExchangeDayClock } from './exchange-time';
import { DEFAULT_WATCHLIST_SIZE } from './page-params';
import { watchRowView } from './watch-row';
import type { WatchlistView } from './watchlist-view';

/** Candles of the selected symbol are fetched again this often. */
export const CANDLE_REFRESH_MS = 10_000;
/** The header's rates and latencies are read this often. */
export const STATS_INTERVAL_MS = 1_000;
/** An empty instrument directory (the market has not opened yet) is asked again after this long. */
export const INSTRUMENTS_RETRY_MS = 2_000;
/** The chart is redrawn at most this often while live prices come in. */
const CHART_REDRAW_MS = 250;

/** The HTTP reads the page needs (`TickwireHttp` behind an adapter in main.ts). */
export interface MarketReads {
  /** The first `limit` symbols of the instrument directory. */
  symbols(limit: number): Promise<string[]>;
  /** The symbol's one-minute candles of the day. */
  candles(symbol: string): Promise<readonly CandleFields[]>;
}

/** The client calls the page makes: a `TickwireClient`. */
export type MarketStream = Pick<TickwireClient, 'connect' | 'close' | 'subscribe' | 'state' | 'stats' | 'on'>;

export interface DashboardViews {
  readonly watchlist: WatchlistView;
  readonly ladder: DepthLadderView;
  readonly chart: CandleChartView;
  readonly status: HTMLElement;
  readonly statusText: HTMLElement;
  readonly messageRate: HTMLElement;
  readonly updateRate: HTMLElement;
  readonly latency: HTMLElement;
  readonly notice: HTMLElement;
  readonly detailSymbol: HTMLElement;
  readonly detailPrice: HTMLElement;
  readonly detailChange: HTMLElement;
}

export interface DashboardOptions {
  readonly stream: MarketStream;
  readonly reads: MarketReads;
  readonly views: DashboardViews;
  readonly clock: ExchangeDayClock;
  /** `?symbols=`; otherwise the directory's first {@link DEFAULT_WATCHLIST_SIZE}. */
  readonly symbols: readonly string[] | undefined;
}

/**
 * The page's controller: the watchlist in `quote` mode, the selected symbol in `full` (back to `quote` when
 * another is selected), its candles every {@link CANDLE_REFRESH_MS} with the live trades folded in, and the
 * header's connection status and rates. Updates only mark symbols dirty; one animation frame draws them.
 * Subscription changes run one after another, so a click during the first subscribe cannot be overtaken.
 */
export class Dashboard {
  private readonly dirty = new Set<string>();
  private frameRequested = false;
  private selected: string | undefined;
  private bars: readonly Bar[] = [];
  private barsLoaded = false;
  private live: LiveBar | undefined;
  private liveVolume: number | undefined;
  private chartDirty = false;
  private chartDrawnAt = 0;
  private candleRequest = 0;
  private subscriptions: Promise<unknown> = Promise.resolve();
  private status: ConnectionStatus = 'idle';
  private statusDetail: StatusDetail = {};
  private retryAtMs: number | undefined;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private candleTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: DashboardOptions) {}

  async start(): Promise<void> {
    const { stream } = this.options;
    stream.on('status', (status, detail) => this.onStatus(status, detail));
    stream.on('update', (state) => this.onUpdate(state));
    stream.on('error', (e) => this.notice(`${e.name}: ${e.message}`));
    // Refusals show on their rows; the client itself retries `unavailable` and clears it with the next result.
    stream.on('subscription', (result) => this.options.views.watchlist.showResult(result.symbol, result.code));
    this.options.views.watchlist.onSelect((symbol) => this.select(symbol));
    this.timers.push(setInterval(() => this.showStats(stream.stats()), STATS_INTERVAL_MS));
    this.options.views.chart.onResize(() => this.redrawChart());
    stream.connect();
    const symbols = this.options.symbols ?? (await this.directorySymbols());
    this.options.views.watchlist.setSymbols(symbols);
    await this.queue(() => this.subscribeWatchlist(symbols));
    const first = symbols[0];
    if (first !== undefined && this.selected === undefined) this.select(first);
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    if (this.candleTimer !== undefined) clearInterval(this.candleTimer);
    this.options.stream.close();
  }

  /** Selects `symbol`: full mode for it, quote again for the one selected before, its candles now and every 10 s. */
  select(symbol: string): void {
    const previous = this.selected;
    if (previous === symbol) return;
    const { views, stream } = this.options;
    this.selected = symbol;
    this.bars = [];
    this.barsLoaded = false;
    this.live = undefined;
    this.liveVolume = undefined;
    views.watchlist.select(symbol);
    setText(views.detailSymbol, symbol);
    views.ladder.render(depthLadder([], []));
    this.chartDirty = true;
    void this.queue(async () => {
      if (previous !== undefined) await stream.subscribe(previous, 'quote');
      if (this.selected === symbol) await stream.subscribe(symbol, 'full');
    });
    if (this.candleTimer !== undefined) clearInterval(this.candleTimer);
    this.candleTimer = setInterval(() => void this.loadCandles(symbol), CANDLE_REFRESH_MS);
    void this.loadCandles(symbol);
    this.dirty.add(symbol);
    this.requestFrame();
  }

  private async directorySymbols(): Promise<string[]> {
    for (;;) {
      try {
        const symbols = await this.options.reads.symbols(DEFAULT_WATCHLIST_SIZE);
        if (symbols.length > 0) {
          this.notice('');
          return symbols;
        }
        this.notice('No instruments yet: waiting for the market to open\u2026');
      } catch (err) {
        this.notice(`Instruments unavailable (${(err as Error).message}); retrying\u2026`);
      }
      await new Promise((resolve) => setTimeout(resolve, INSTRUMENTS_RETRY_MS));
    }
  }

  private async subscribeWatchlist(symbols: readonly string[]): Promise<void> {
    if (symbols.length === 0) return;
    await this.options.stream.subscribe(symbols, 'quote');
  }

  private queue(task: () => Promise<void>): Promise<void> {
    const next = this.subscriptions.then(task).catch((err: unknown) => this.notice(`Subscribe failed: ${(err as Error).message}`));
    this.subscriptions = next;
    return next;
  }

  private async loadCandles(symbol: string): Promise<void> {
    const request = ++this.candleRequest;
    try {
      const candles = await this.options.reads.candles(symbol);
      if (request !== this.candleRequest || symbol !== this.selected) return;
      this.bars = barsFromCandles(candles, this.options.clock);
      this.barsLoaded = true;
      this.chartDirty = true;
      this.requestFrame();
    } catch (err) {
      if (symbol === this.selected) this.notice(`Candles unavailable: ${(err as Error).message}`);
    }
  }

  private onUpdate(state: Readonly<SymbolState>): void {
    if (state.symbol === this.selected) {
      // The first state after selecting (the full snapshot), then every trade (the volume moved): the last price
      // goes into the live bar at its exchange minute. The snapshot too, since the candles may be fetched up to a
      // flush interval behind it.
      const volume = state.volume;
      if ((this.liveVolume === undefined || volume !== this.liveVolume) && state.ltp !== undefined && state.exchangeTsNs !== undefined) {
        this.live = foldLivePrice(this.live, state.ltp, minuteOfExchangeDay(state.exchangeTsNs));
        this.chartDirty = true;
      }
      this.liveVolume = volume;
    }
    this.dirty.add(state.symbol);
    this.requestFrame();
  }

  private onStatus(status: ConnectionStatus, detail: StatusDetail): void {
    this.status = status;
    this.statusDetail = detail;
    this.retryAtMs = status === 'reconnecting' && detail.retryInMs !== undefined ? Date.now() + detail.retryInMs : undefined;
    this.showStatus();
  }

  private showStatus(): void {
    const { status: node, statusText } = this.options.views;
    node.dataset['status'] = this.status;
    setText(statusText, connectionLabel(this.status, this.statusDetail, this.retryAtMs, Date.now()));
  }

  private showStats(stats: ClientStats): void {
    const { views } = this.options;
    setText(views.messageRate, `${formatRate(stats.messagesPerSec)} msgs`);
    setText(views.updateRate, `${formatRate(stats.updatesPerSec)} updates`);
    const latency = stats.latencyMs;
    setText(views.latency, latency === undefined || latency.samples === 0 ? `latency ${NO_VALUE}` : `p50 ${formatLatency(latency.p50)} \u00b7 p99 ${formatLatency(latency.p99)}`);
    // The reconnect countdown moves with the same clock.
    if (this.status === 'reconnecting') this.showStatus();
  }

  private notice(text: string): void {
    setText(this.options.views.notice, text);
    this.options.views.notice.hidden = text === '';
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => this.drawFrame());
  }

  private drawFrame(): void {
    this.frameRequested = false;
    const { stream, views } = this.options;
    for (const symbol of this.dirty) {
      const state = stream.state(symbol);
      if (state === undefined) continue;
      views.watchlist.update(state);
      if (symbol === this.selected) this.drawSelected(state);
    }
    this.dirty.clear();
    if (this.chartDirty) {
      const wait = this.chartDrawnAt + CHART_REDRAW_MS - performance.now();
      if (wait <= 0) this.redrawChart();
      else setTimeout(() => this.requestFrame(), wait);
    }
  }

  private drawSelected(state: Readonly<SymbolState>): void {
    const { views } = this.options;
    const row = watchRowView(state);
    setText(views.detailPrice, formatPrice(state.ltp));
    setText(views.detailChange, row.change);
    views.detailChange.className = `detail-change ${row.direction}`;
    views.ladder.render(depthLadder(state.bids, state.asks));
  }

  private redrawChart(): void {
    this.chartDirty = false;
    this.chartDrawnAt = performance.now();
    const { chart } = this.options.views;
    const bars = mergeLiveBar(this.bars, this.live);
    let note = '';
    if (this.selected === undefined) note = 'Select a symbol.';
    else if (bars.length === 0) note = this.barsLoaded ? `No trades in ${this.selected} yet today.` : 'Loading candles\u2026';
    chart.render(candleChartGeometry(bars, chart.size()), note);
  }
}
