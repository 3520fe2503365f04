import { closeSync, openSync } from 'node:fs';
import { Counter } from 'prom-client';
import { counterFrom, createMetrics, gaugeFrom, METRIC_PREFIX } from './metrics';

describe('createMetrics', () => {
  it('labels every series with the service and includes default process metrics', async () => {
    const registry = createMetrics({ service: 'edge' });
    new Counter({ name: `${METRIC_PREFIX}edge_messages_sent_total`, help: 'messages sent', registers: [registry] }).inc(3);
    const text = await registry.metrics();
    expect(text).toContain('tickwire_edge_messages_sent_total{service="edge"} 3');
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="edge"\} /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="edge"\} /m);
  });

  it('counts open file descriptors without listing them, and leaves out the default metrics that list every handle', async () => {
    const registry = createMetrics({ service: 'edge' });
    const fdsIn = async (): Promise<number> => Number(/^process_open_fds\{service="edge"\} (\d+)$/m.exec(await registry.metrics())?.[1]);
    const before = await fdsIn();
    const opened = Array.from({ length: 50 }, () => openSync('/dev/null', 'r'));
    try {
      expect(await fdsIn()).toBe(before + 50);
    } finally {
      for (const fd of opened) closeSync(fd);
    }
    expect(await fdsIn()).toBe(before);
    // Each of these builds an array of every socket on every scrape (tens of ms at 20,000 connections).
    const text = await registry.metrics();
    for (const name of ['nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_resources', 'nodejs_active_resources_total']) expect(text).not.toMatch(new RegExp(`^${name}\\{`, 'm'));
    expect(text).toMatch(/^nodejs_active_requests_total\{service="edge"\} /m);
  });

  it('uses a fresh registry each time (no global collisions)', async () => {
    const a = createMetrics({ service: 'a', defaultMetrics: false });
    const b = createMetrics({ service: 'b', defaultMetrics: false });
    new Counter({ name: 'tickwire_x_total', help: 'x', registers: [a] });
    new Counter({ name: 'tickwire_x_total', help: 'x', registers: [b] });
    expect(await b.metrics()).toContain('tickwire_x_total{service="b"} 0');
    expect(await a.metrics()).not.toContain('process_cpu');
  });

  it('prefix constant', () => {
    expect(METRIC_PREFIX).toBe('tickwire_');
  });
});

describe('counterFrom / gaugeFrom', () => {
  it('report what the service counted, read at scrape time', async () => {
    const registry = createMetrics({ service: 'demo', defaultMetrics: false });
    let events = 0;
    let depth = 7;
    counterFrom(registry, 'tickwire_demo_events_total', 'Events', () => events);
    gaugeFrom(registry, 'tickwire_demo_depth', 'Depth', () => depth);
    events = 41;
    events++;
    depth = 3;
    const text = await registry.metrics();
    expect(text).toContain('tickwire_demo_events_total{service="demo"} 42');
    expect(text).toContain('tickwire_demo_depth{service="demo"} 3');
    events = 50;
    expect(await registry.metrics()).toContain('tickwire_demo_events_total{service="demo"} 50');
  });
});

