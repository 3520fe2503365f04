import { captureLogs } from '../test/log-capture';
import { createMetrics } from './metrics';
import type { OpsAddress, OpsServer } from './ops-server';
import { createOpsServer } from './ops-server';
import { Readiness } from './readiness';

describe('ops server on a real socket', () => {
  let ops: OpsServer;
  let address: OpsAddress;
  const readiness = new Readiness().register('bus');

  beforeAll(async () => {
    ops = createOpsServer({ host: '127.0.0.1', port: 0, registry: createMetrics({ service: 'edge' }), readiness, logger: captureLogs().logger });
    address = await ops.listen();
  });
  afterAll(() => ops.close());

  it('binds a free port when asked for port 0 and returns the address', () => {
    expect(address.host).toBe('127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
    expect(address.url).toBe(`http://127.0.0.1:${address.port}`);
  });

  it('serves /healthz, /readyz (503 then 200) and /metrics', async () => {
    const health = await fetch(`${address.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    let ready = await fetch(`${address.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not_ready', draining: false, failing: [{ name: 'bus', reason: 'not yet reported' }] });
    readiness.set('bus', true);
    ready = await fetch(`${address.url}/readyz`);
    expect(ready.status).toBe(200);
    await ready.body?.cancel();

    const metrics = await fetch(`${address.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await metrics.text()).toMatch(/^process_cpu_user_seconds_total\{service="edge"\} /m);
  });

  it('refuses connections after close', async () => {
    const other = createOpsServer({ host: '127.0.0.1', port: 0, registry: createMetrics({ service: 'x', defaultMetrics: false }), readiness, logger: captureLogs().logger });
    const { url } = await other.listen();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await other.close();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
