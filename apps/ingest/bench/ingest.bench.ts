// Ingest throughput into a real, local NATS server: BinaryFILE -> check/route/batch -> RawBatch publish,
// timed until NATS has acknowledged every publish (flush). nats-server's own /varz counters confirm the
// batches arrived. One scenario: `npm run bench -- ingest-nats [--quick] --json`.
import { median } from '@tickwire/bench-kit';
import { statSync } from 'node:fs';
import { connectNatsBus } from '@tickwire/bus';
import { BinaryFileSource } from '@tickwire/feed-net';
import { createLogger, createMetrics, Readiness } from '@tickwire/runtime';
import { findFreePort, startNats } from '@tickwire/testing';
import { startIngest } from '../src/ingest-service';
import { generatedDayFile } from './day-file';

const quick = process.argv.includes('--quick');
const MESSAGES = quick ? 1_000_000 : 10_000_000;
const SYMBOLS = 8_000;
const RUNS = quick ? 3 : 5;
const SHARDS = 16;

interface Varz {
  in_msgs: number;
  in_bytes: number;
}

async function varz(url: string): Promise<Varz> {
  return (await (await fetch(`${url}/varz`)).json()) as Varz;
}

async function main(): Promise<void> {
  const path = await generatedDayFile(MESSAGES, SYMBOLS);
  const fileBytes = statSync(path).size;
  const monitorPort = await findFreePort();
  const nats = await startNats({ extraArgs: ['-m', String(monitorPort)] });
  const monitor = `http://127.0.0.1:${monitorPort}`;
  const bus = await connectNatsBus({ servers: nats.url, name: 'bench-ingest' });
  const rates: number[] = [];
  let published = 0;
  let natsInMsgs = 0;
  let natsInBytes = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const before = await varz(monitor);
      const ingest = startIngest({
        bus,
        source: new BinaryFileSource(path),
        shardCount: SHARDS,
        batchMaxMessages: 1024,
        batchMaxBytes: 64 * 1024,
        logger: createLogger({ service: 'ingest', level: 'silent' }),
        registry: createMetrics({ service: 'ingest', defaultMetrics: false }),
        readiness: new Readiness(),
      });
      const started = process.hrtime.bigint();
      await ingest.done;
      await bus.flush();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      published = ingest.metrics.messagesByType.reduce((a, b) => a + b, 0);
      rates.push(published / seconds);
      const after = await varz(monitor);
      natsInMsgs = after.in_msgs - before.in_msgs;
      natsInBytes = after.in_bytes - before.in_bytes;
      process.stderr.write(`ingest-nats run ${run + 1}/${RUNS}: ${published} messages in ${seconds.toFixed(2)} s = ${(published / seconds / 1e6).toFixed(2)} M msg/s; NATS received ${natsInMsgs} batches, ${(natsInBytes / 1e6).toFixed(0)} MB\n`);
    }
  } finally {
    await bus.close();
    await nats.stop();
  }
  const medianRate = median(rates);
  console.log(
    JSON.stringify({
      scenario: 'ingest-nats',
      messages: published,
      fileBytes,
      shards: SHARDS,
      runs: RUNS,
      medianMsgsPerSec: Math.round(medianRate),
      medianMBPerSec: Math.round((medianRate * fileBytes) / published / 1e6),
      natsBatchesPerRun: natsInMsgs,
      natsBytesPerRun: natsInBytes,
      natsServer: nats.backend,
      node: process.version,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
