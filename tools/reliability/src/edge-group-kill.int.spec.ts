import { edgeConnections, PrometheusSamples } from '@tickwire/testing';
import { EdgeStack, type EdgeProcess } from './edge-stack';
import { descendantProcesses, processStats } from './process-tree';
import { fleetPlans, startFleet, type RecordedClient } from './sdk-fleet';
import { until } from './until';

/**
 * kill -9 of one process of an edge group (`PROCESSES=2`: two edge processes on one port, no balancer), with
 * @tickwire/client SDK clients (both encodings, every mode) subscribed through the shared port while a synthetic
 * market trades. The dead process's clients (it is the one holding more) must come back through the same port,
 * resubscribe and end with the market's exact state; the others must not notice; the group's primary must start the dead process again and
 * its `/metrics` (the sum over the group) must count every client once more.
 */

const CLIENTS = 160;
const SYMBOLS = Array.from({ length: 8 }, (_, i) => `GROUP.${String.fromCharCode(65 + i)}`);
const SYMBOLS_PER_CLIENT = 3;
const BACKOFF = { initialDelayMs: 500, maxDelayMs: 4_000 };

async function groupMetric(edge: EdgeProcess, name: string): Promise<number> {
  return new PrometheusSamples(await edge.process.metrics()).value(name);
}

function groupProcesses(edge: EdgeProcess): number[] {
  return descendantProcesses(edge.process.pid)
    .filter((p) => p.name === 'edge')
    .map((p) => p.pid);
}

describe('kill -9 of one process of an edge group (PROCESSES=2, one port), SDK clients subscribed through it', () => {
  let stack: EdgeStack;
  let group: EdgeProcess;
  let clients: RecordedClient[] = [];
  let stopPump: (() => Promise<void>) | undefined;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    stack = await EdgeStack.start();
    group = await stack.startEdge({ PROCESSES: '2' });
    await until(async () => (await groupMetric(group, 'tickwire_processes_ready')) === 2, 'both edge processes ready');
    await stack.listSymbols(SYMBOLS);
  });

  afterAll(async () => {
    for (const client of clients) client.client.close();
    await stopPump?.();
    await stack?.stop();
    console.log(`edge group kill: ${JSON.stringify(figures)}`);
  });

  it("the dead process's clients come back through the same port and end with the market's state; the primary starts it again", async () => {
    const before = groupProcesses(group);
    expect(before).toHaveLength(2);

    stopPump = stack.market.pump(SYMBOLS, 100);
    clients = await startFleet(group.url, fleetPlans(CLIENTS, SYMBOLS, SYMBOLS_PER_CLIENT), BACKOFF);
    await until(() => clients.every((c) => c.plan.symbols.every((s) => c.client.state(s) !== undefined)), 'every client to hold a state per symbol', 30_000);
    expect(await edgeConnections(group.process)).toBe(CLIENTS);

    // The kernel hands each connection to a process waiting in accept, so the split is not even and not
    // guaranteed: the victim is the process holding more descriptors (more clients).
    const [victim, survivor] = [...before].sort((a, b) => (processStats(b)?.fds ?? 0) - (processStats(a)?.fds ?? 0));
    const killedAt = Date.now();
    process.kill(victim!, 'SIGKILL');
    const exited = await group.process.waitFor('process.exited');
    expect(exited).toMatchObject({ level: 'error', code: 'RUNTIME_ERR_PROCESS_EXITED', pid: victim, signal: 'SIGKILL' });
    // Give every client of the dead process time to see its socket close before counting them.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const moved = clients.filter((c) => c.lostSince(killedAt));
    expect(moved.length).toBeGreaterThan(0);
    await until(() => moved.every((c) => c.servedSince(killedAt) !== undefined), `the ${moved.length} clients of the dead process to be served again`, 60_000, 20);
    const servedMs = Math.max(...moved.map((c) => c.servedSince(killedAt)!)) - killedAt;
    expect(clients.filter((c) => !c.lostSince(killedAt)).every((c) => c.statuses.filter((s) => s.atMs >= killedAt).length === 0)).toBe(true);
    expect(clients.filter((c) => c.closedForGood)).toHaveLength(0);

    // The primary started a new process in the dead one's place; the group counts every client again.
    await until(async () => (await groupMetric(group, 'tickwire_processes_ready')) === 2, 'the group to be whole again', 30_000);
    const after = groupProcesses(group);
    expect(after).toHaveLength(2);
    expect(after).toContain(survivor);
    expect(after).not.toContain(victim);
    expect(await groupMetric(group, 'tickwire_process_restarts_total')).toBe(1);
    await until(async () => (await edgeConnections(group.process)) === CLIENTS, 'the group to count every client', 20_000);

    await stopPump();
    stopPump = undefined;
    await until(() => clients.every((c) => c.caughtUp(stack.market)), "every client to hold the market's last state", 20_000);
    expect(clients.reduce((n, c) => n + c.backwards, 0)).toBe(0);

    Object.assign(figures, {
      clients: CLIENTS,
      onDeadProcess: moved.length,
      servedAgainMs: servedMs,
      updatesChecked: clients.reduce((n, c) => n + c.client.stats().updates, 0),
      closedForGood: 0,
    });
  }, 120_000);
});
