import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findFreePort, startNats, startRedis, type TestServer, ServiceProcess } from '@tickwire/testing';

const REPO = join(__dirname, '../../..');
const DASHBOARD_DIST = join(REPO, 'apps', 'dashboard', 'dist');
const SCREENSHOT = join(__dirname, '..', 'test-output', 'dashboard.png');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A day that never ends during the test, replayed at real-time speed (SPEED 1): 3,000 messages a second over
 * 40 symbols moves the busy symbols' prices several times a second, as a live market would.
 */
const DAY = { SEED: '7', SYMBOLS: '40', MESSAGES: '50000000', RATE: '3000', SPEED: '1' };
const SHARD_COUNT = '4';

/** Polls `check` until it holds; fails naming `what` after `limitMs`. */
async function until(check: () => Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** symbol -> the text of its price cell, read through locators (this project has no DOM types). */
async function priceCells(page: Page): Promise<Record<string, string>> {
  const cells: Record<string, string> = {};
  for (const row of await page.getByTestId('watch-row').all()) cells[(await row.getAttribute('data-symbol')) ?? ''] = await row.getByTestId('price').innerText();
  return cells;
}

const NUMERIC_PRICE = /^\d{1,3}(,\d{3})*\.\d{2,4}$/;

describe('the dashboard in Chromium: exchange-sim -> ingest -> normalizer -> snapshot (Redis) -> edge serving the page (processes, real NATS and Redis)', () => {
  let nats: TestServer | undefined;
  let redis: TestServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let pageUrl: string;
  const running: ServiceProcess[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Fail loudly, never skip: a missing browser or an unbuilt page is a broken setup.
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH`);
    if (!existsSync(join(DASHBOARD_DIST, 'index.html')) || !existsSync(join(DASHBOARD_DIST, 'main.js'))) {
      throw new Error(`the dashboard is not built (${DASHBOARD_DIST}): run \`npx nx run @tickwire/dashboard:build\` first`);
    }
    [nats, redis] = await Promise.all([startNats(), startRedis()]);

    const normalizer = new ServiceProcess('normalizer', { NATS_URL: nats.url, SHARD_COUNT, SHARDS: '0-3', MAX_UPDATES_PER_SEC: '10', DEPTH_LEVELS: '10' });
    const snapshot = new ServiceProcess('snapshot', { NATS_URL: nats.url, REDIS_URL: redis.url, SHARD_COUNT, SHARDS: '0-3', GRPC_HOST: '127.0.0.1', GRPC_PORT: '0', FLUSH_INTERVAL: '100ms' });
    running.push(normalizer, snapshot);
    await normalizer.waitFor('service.started');
    const grpc = await snapshot.waitFor('grpc.listening');
    const edge = new ServiceProcess('edge', {
      NATS_URL: nats.url,
      SHARD_COUNT,
      SNAPSHOT_ADDRESS: String(grpc['address']),
      HOST: '127.0.0.1',
      PORT: '0',
      ALLOW_ANONYMOUS: 'true',
      ANONYMOUS_TIER: 'realtime',
      STATIC_DIR: DASHBOARD_DIST,
      DRAIN_WINDOW: '100ms',
    });
    running.push(edge);
    const listening = await edge.waitFor('edge.listening');
    const base = `http://127.0.0.1:${String(listening['port'])}`;
    pageUrl = `${base}/`;

    const port = await findFreePort();
    const sim = new ServiceProcess('exchange-sim', { ...DAY, MODE: 'soupbintcp', PORT: String(port) });
    running.push(sim);
    await sim.waitFor('sim.soupbintcp_listening');
    running.push(new ServiceProcess('ingest', { SOURCE: `soupbintcp://tw:tickwire@127.0.0.1:${port}?session=TICKWIRE01`, NATS_URL: nats.url, SHARD_COUNT }));

    const home = await fetch(pageUrl);
    if (home.status !== 200) throw new Error(`the edge does not serve the dashboard at / (HTTP ${home.status}): STATIC_DIR must reach startEdge's staticDir`);

    // The page takes the first instruments of the directory: wait until the market has opened and they exist.
    await until(async () => {
      const response = await fetch(`${base}/v1/instruments?limit=20`);
      return response.ok && ((await response.json()) as { instruments: unknown[] }).instruments.length >= 5;
    }, 'the instrument directory to fill');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const service of running.reverse()) await service.stop();
    await nats?.stop();
    await redis?.stop();
  }, 60_000);

  it('the edge serves the built page at / next to its API', async () => {
    const response = await fetch(pageUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('data-testid="watchlist"');
  });

  it('fills the watchlist with at least 5 symbols showing a numeric last price', async () => {
    await page.goto(pageUrl);
    let prices: Record<string, string> = {};
    await until(async () => {
      prices = await priceCells(page);
      return Object.values(prices).filter((p) => NUMERIC_PRICE.test(p)).length >= 5;
    }, '5 rows with a numeric price');
    expect(Object.keys(prices).length).toBeGreaterThanOrEqual(5);
  });

  it('shows prices changing live', async () => {
    const before = await priceCells(page);
    let changed: string[] = [];
    await until(async () => {
      const now = await priceCells(page);
      changed = Object.keys(now).filter((symbol) => NUMERIC_PRICE.test(now[symbol]!) && now[symbol] !== before[symbol]);
      return changed.length > 0;
    }, 'a price cell to change', 20_000);
    expect(changed.length).toBeGreaterThan(0);
  });

  it('says connected and shows the message rate', async () => {
    const status = page.getByTestId('connection-status');
    await until(async () => (await status.getAttribute('data-status')) === 'open', 'status open', 10_000);
    expect(await status.innerText()).toContain('Connected');
    const rate = page.getByTestId('message-rate');
    await until(async () => /^[1-9][\d,.]*k?\/s msgs$/.test(await rate.innerText()), 'a non-zero message rate', 10_000);
  });

  it('clicking a row selects it: depth ladder with bids and asks, and the candle chart', async () => {
    const prices = await priceCells(page);
    // Not the first row (selected when the page starts): a later one that has traded, so it has candles.
    const symbol = Object.keys(prices).slice(1).find((s) => NUMERIC_PRICE.test(prices[s]!));
    expect(symbol).toBeDefined();
    const row = page.locator(`[data-testid="watch-row"][data-symbol="${symbol!}"]`);
    await row.click();
    await until(async () => (await row.getAttribute('aria-selected')) === 'true', `${symbol!} selected`, 5_000);
    expect(await page.locator('#detail-symbol').innerText()).toBe(symbol);

    const ladder = page.getByTestId('depth-ladder');
    const bids = ladder.getByTestId('depth-bid-row');
    const asks = ladder.getByTestId('depth-ask-row');
    await until(async () => (await bids.count()) >= 1 && (await asks.count()) >= 1, 'a bid row and an ask row', 15_000);
    expect(await bids.first().innerText()).toMatch(/\d+\.\d{2}/);
    expect(await asks.first().innerText()).toMatch(/\d+\.\d{2}/);

    const chart = page.getByTestId('candle-chart');
    expect(await chart.evaluate((node) => node.tagName.toLowerCase())).toBe('svg');
    // The symbol has traded today, so its candles (from /v1/candles) draw at least one bar.
    await until(async () => (await chart.locator('.bodies rect').count()) >= 1, 'a candle in the chart', 15_000);
    // The live last price is folded into the last bar: the chart's last-price tag follows the header's price
    // (redrawn at most every 250 ms, so compared until one sample agrees).
    const lastTag = chart.locator('.last text');
    const detailPrice = page.locator('#detail-price');
    await until(async () => (await lastTag.textContent()) === (await detailPrice.innerText()), 'the chart to show the live last price', 10_000);

    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
