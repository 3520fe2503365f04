import { TickwireClient, TickwireHttp } from '@tickwire/client';
import { CandleChartView } from './candle-chart-view';
import { Dashboard, type MarketReads } from './dashboard';
import { DepthLadderView } from './depth-ladder-view';
import { requireElement } from './dom-element';
import { ExchangeDayClock } from './exchange-time';
import { pageParams } from './page-params';
import { WatchlistView } from './watchlist-view';

/** The page's entry: reads its URL, connects to the edge that served it, and starts the dashboard. */
function main(): void {
  const params = pageParams(window.location);
  const token = params.token;
  const stream = new TickwireClient({ url: params.streamUrl, encoding: 'json', ...(token === undefined ? {} : { token }) });
  const http = new TickwireHttp({ baseUrl: params.httpBaseUrl, ...(token === undefined ? {} : { token }) });
  const reads: MarketReads = {
    async symbols(limit) {
      return (await http.instruments(undefined, limit)).map((i) => i.symbol);
    },
    async candles(symbol) {
      return http.candles(symbol);
    },
  };
  const dashboard = new Dashboard({
    stream,
    reads,
    clock: new ExchangeDayClock(params.timeZone),
    symbols: params.symbols,
    views: {
      watchlist: new WatchlistView(requireElement('watchlist') as HTMLTableElement),
      ladder: new DepthLadderView(requireElement('depth-ladder')),
      chart: new CandleChartView(requireElement('chart')),
      status: requireElement('connection-status'),
      statusText: requireElement('connection-text'),
      messageRate: requireElement('message-rate'),
      updateRate: requireElement('update-rate'),
      latency: requireElement('latency'),
      notice: requireElement('notice'),
      detailSymbol: requireElement('detail-symbol'),
      detailPrice: requireElement('detail-price'),
      detailChange: requireElement('detail-change'),
    },
  });
  // Leaving for good: close the socket cleanly (a page kept in the back/forward cache keeps its connection).
  window.addEventListener('pagehide', (event) => {
    if (!event.persisted) dashboard.stop();
  });
  dashboard.start().catch((err: unknown) => {
    console.error('dashboard failed to start', err);
  });
}

main();
