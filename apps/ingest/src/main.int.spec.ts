import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { waitUntil } from '@tickwire/bus/testing';
import { forEachRawMessage, RawBatch, rawWildcard } from '@tickwire/protocol';
import { findFreePort, startNats, type TestServer } from '@tickwire/testing';

const MAIN = join(__dirname, '../dist/main.js');
const SAMPLE = join(__dirname, '../../../../shared/data/itch/ritch-ex20101224.itch50');

function runIngest(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('ingest process', () => {
  let nats: TestServer;
  let consumer: NatsBus;

  beforeAll(async () => {
    nats = await startNats();
    consumer = await connectNatsBus({ servers: nats.url, name: 'ingest-test-consumer' });
  });

  afterAll(async () => {
    await consumer?.close();
    await nats?.stop();
  });

  it('exits 78 with one line naming each malformed variable', async () => {
    const run = runIngest({ SOURCE: 'ftp://nowhere', SHARD_COUNT: 'many', OPS_PORT: '0' });
    expect(await run.exited).toBe(78);
    const lines = run.output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tickwire-ingest: invalid configuration: .*SOURCE: expected a string matching .*got "ftp:\/\/nowhere".*SHARD_COUNT: expected an integer/);
    expect(run.output().stdout).toBe('');
  });

  it('replays the RITCH file into a real NATS server: every message once, in order per shard', async () => {
    const received = new Map<number, number[]>();
    let total = 0;
    consumer.subscribe(rawWildcard, (data) => {
      const batch = RawBatch.decode(data);
      const list = received.get(batch.shard) ?? [];
      received.set(batch.shard, list);
      total += forEachRawMessage(batch, (sequence) => list.push(sequence));
    });
    await consumer.flush();
    const opsPort = await findFreePort();
    const run = runIngest({ SOURCE: `file://${SAMPLE}`, NATS_URL: nats.url, SHARD_COUNT: '8', OPS_PORT: String(opsPort), OPS_HOST: '127.0.0.1' });
    try {
      // 3 symbols on their shards plus the 6 market-wide system events on each of 8 shards.
      await waitUntil(() => total === 12_012 - 6 + 6 * 8, 'all messages on NATS', 30_000);
      for (const [shard, sequences] of received) {
        expect({ shard, ordered: sequences.every((s, i) => i === 0 || s > sequences[i - 1]!) }).toEqual({ shard, ordered: true });
      }
      const all = new Set([...received.values()].flat());
      expect(all.size).toBe(12_012);
      const ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
      expect(metrics).toMatch(/tickwire_ingest_messages_total\{type="P",service="ingest"\} 5000/);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }
  });
});
