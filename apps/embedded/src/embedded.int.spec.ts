import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '@tickwire/runtime';
import { EdgeTestClient, serverMessage, startNats, startRedis, type TestServer } from '@tickwire/testing';
import { embeddedConfig } from './embedded-config';
import { startEmbeddedSystem, type EmbeddedSystem } from './embedded-system';

const MAIN = join(__dirname, '../dist/main.js');

/** A small, busy market so every symbol trades within seconds. */
const SMALL_MARKET = { PORT: '0', SYMBOLS: '20', RATE: '2000', SHARD_COUNT: '2', MAX_UPDATES_PER_SEC: '20' };

let site: string;
beforeAll(() => {
  site = mkdtempSync(join(tmpdir(), 'tickwire-site-'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>dashboard stand-in</title>');
});
afterAll(() => rmSync(site, { recursive: true, force: true }));

const quietLogs = (): { stream: Writable; lines: string[] } => {
  const lines: string[] = [];
  return { lines, stream: new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }) };
};

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Live data end to end: the directory fills, a client gets a snapshot and then deltas, the static site is served. */
async function expectLiveSystem(system: EmbeddedSystem): Promise<void> {
  const base = `http://127.0.0.1:${system.edge.port}`;
  const symbols = await waitUntil('the instrument directory', async () => {
    const body = (await (await fetch(`${base}/v1/instruments?limit=100`)).json()) as { instruments: { symbol: string }[] };
    return body.instruments.length === 20 ? body.instruments.map((i) => i.symbol) : undefined;
  });
  const page = await fetch(`${base}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('dashboard stand-in');

  const client = await EdgeTestClient.connect(`ws://127.0.0.1:${system.edge.port}/v1/stream`);
  try {
    await client.waitFor(serverMessage.welcome);
    await client.waitFor(serverMessage.ack(client.subscribe(symbols)));
    const delta = await client.waitFor((m) => m.body?.$case === 'update' && !m.body.value.snapshot, 20_000);
    if (delta.body?.$case !== 'update') throw new Error('unreachable');
    expect(client.updates(delta.body.value.symbol)[0]!.snapshot).toBe(true);
  } finally {
    client.close();
  }
}

describe('embedded mode (npm start): the whole pipeline in one process', () => {
  it('runs on the in-memory bus and store: live data at the edge, then stops every service with exit 0', async () => {
    const logs = quietLogs();
    const system = await startEmbeddedSystem(loadConfig(embeddedConfig, { ...SMALL_MARKET, STATIC_DIR: site }), {}, logs.stream);
    try {
      expect([system.bus, system.store]).toEqual(['memory', 'memory']);
      expect(system.ops.map((o) => o.service)).toEqual(['snapshot', 'normalizer', 'edge', 'exchange-sim', 'ingest']);
      await expectLiveSystem(system);
    } finally {
      expect(await system.stop()).toBe(0);
    }
    expect(logs.lines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });

  describe('with NATS_URL and REDIS_URL: the real adapters', () => {
    let nats: TestServer;
    let redis: TestServer;
    beforeAll(async () => {
      [nats, redis] = await Promise.all([startNats(), startRedis()]);
    });
    afterAll(async () => {
      await Promise.all([nats?.stop(), redis?.stop()]);
    });

    it('serves the same live data through NATS and Redis', async () => {
      const system = await startEmbeddedSystem(loadConfig(embeddedConfig, { ...SMALL_MARKET, STATIC_DIR: site, NATS_URL: nats.url, REDIS_URL: redis.url }), {}, quietLogs().stream);
      try {
        expect([system.bus, system.store]).toEqual([nats.url, redis.url]);
        await expectLiveSystem(system);
      } finally {
        expect(await system.stop()).toBe(0);
      }
    });
  });

  it('a service that cannot start stops the ones already running and reports which one failed', async () => {
    const logs = quietLogs();
    // The edge refuses a static directory that does not exist; snapshot and normalizer were already up.
    await expect(startEmbeddedSystem(loadConfig(embeddedConfig, { ...SMALL_MARKET, STATIC_DIR: join(site, 'missing') }), {}, logs.stream)).rejects.toThrow('edge did not start (exit 1)');
    expect(logs.lines.join('')).toContain('does not exist');
  });

  it('as a process: prints the URLs, and Ctrl-C (SIGINT) stops it with exit 0', async () => {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...SMALL_MARKET, OPS_PORT: '0', STATIC_DIR: site }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await waitUntil('the banner', async () => out.match(/Dashboard {3}http:\/\/127\.0\.0\.1:(\d+)\//)?.[1]);
    expect(out).toContain(`WebSocket   ws://127.0.0.1:${port}/v1/stream`);
    expect((await fetch(`http://127.0.0.1:${port}/v1/instruments`)).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
