import { Counter } from 'prom-client';
import { captureLogs } from '../test/log-capture';
import { createMetrics } from './metrics';
import type { OpsServer } from './ops-server';
import { createOpsServer } from './ops-server';
import { Readiness } from './readiness';

describe('createOpsServer (inject)', () => {
  let ops: OpsServer;
  let readiness: Readiness;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    logs = captureLogs('trace');
    readiness = new Readiness();
    const registry = createMetrics({ service: 'edge', defaultMetrics: false });
    new Counter({ name: 'tickwire_edge_test_total', help: 'test counter', registers: [registry] }).inc(2);
    ops = createOpsServer({ host: '127.0.0.1', port: 0, registry, readiness, logger: logs.logger });
  });
  afterEach(() => ops.close());

  it('GET /healthz is 200 {status:"ok"}, also while draining', async () => {
    let res = await ops.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
    readiness.setDraining();
    res = await ops.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
  });

  it('GET /readyz is 200 when every condition holds', async () => {
    readiness.set('bus', true);
    const res = await ops.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', draining: false, failing: [] });
  });

  it('GET /readyz is 503 with the failing conditions and their reasons', async () => {
    readiness.set('bus', false, 'ECONNREFUSED 127.0.0.1:4222').set('store', true).register('started');
    const res = await ops.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      status: 'not_ready',
      draining: false,
      failing: [
        { name: 'bus', reason: 'ECONNREFUSED 127.0.0.1:4222' },
        { name: 'started', reason: 'not yet reported' },
      ],
    });
  });

  it('GET /readyz is 503 while draining even if every condition holds', async () => {
    readiness.set('bus', true);
    readiness.setDraining();
    const res = await ops.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'not_ready', draining: true, failing: [] });
  });

  it('GET /metrics serves Prometheus text with the registry content type', async () => {
    const res = await ops.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('# TYPE tickwire_edge_test_total counter');
    expect(res.body).toContain('tickwire_edge_test_total{service="edge"} 2');
  });

  it('HEAD works for probes; unknown routes are 404', async () => {
    expect((await ops.app.inject({ method: 'HEAD', url: '/healthz' })).statusCode).toBe(200);
    expect((await ops.app.inject({ method: 'GET', url: '/nope' })).statusCode).toBe(404);
  });

  it('does not log requests by default', async () => {
    await ops.app.inject({ method: 'GET', url: '/healthz' });
    await ops.app.inject({ method: 'GET', url: '/nope' });
    expect(logs.lines).toEqual([]);
  });

  it('logs requests when asked', async () => {
    const verbose = createOpsServer({ host: '127.0.0.1', port: 0, registry: createMetrics({ service: 'x', defaultMetrics: false }), readiness, logger: logs.logger, logRequests: true });
    await verbose.app.inject({ method: 'GET', url: '/healthz' });
    await verbose.close();
    expect(logs.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    expect(logs.lines[0]).toMatchObject({ component: 'ops', service: 'test' });
  });

  it('a failing /metrics collection is 500 and logged, even with request logging off', async () => {
    const registry = createMetrics({ service: 'x', defaultMetrics: false });
    new Counter({
      name: 'tickwire_broken_total',
      help: 'broken',
      registers: [registry],
      collect() {
        throw new Error('collector broke');
      },
    });
    const broken = createOpsServer({ host: '127.0.0.1', port: 0, registry, readiness, logger: logs.logger });
    const res = await broken.app.inject({ method: 'GET', url: '/metrics' });
    await broken.close();
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ status: 'error', message: 'internal error' });
    expect(logs.lines).toEqual([expect.objectContaining({ level: 'error', event: 'ops.request_failed', url: '/metrics', err: expect.objectContaining({ message: 'collector broke' }) })]);
  });

  it('close() is idempotent', async () => {
    await ops.close();
    await expect(ops.close()).resolves.toBeUndefined();
  });
});
