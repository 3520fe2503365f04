// Ingest throughput into a real, local NATS server: BinaryFILE -> check/route/batch -> RawBatch publish,
// timed until NATS has acknowledged every publish (flush). nats-server's own /varz counters confirm the
// batches arrived. Then the same with RAW_STREAM as production runs it: every batch published into a
// JetStream stream (file storage, 1 replica) and kept until the stream acknowledges it (one batch in flight
// per shard, `AckedStreamPublisher`), timed until the last acknowledgement. Runs alternate plain and acked.
// One scenario: `npm run bench -- ingest-nats [--quick] --json`.
import { median } from '@tickwire/bench-kit';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { RAW_STREAM_MAX_AGE_MS, rawWildcard } from '@tickwire/protocol';
import { BinaryFileSource } from '@tickwire/feed-net';
import { createLogger, createMetrics, Readiness } from '@tickwire/runtime';
import { findFreePort, startNats } from '@tickwire/testing';
import { AckedStreamPublisher } from '../src/acked-stream-publisher';
import { startIngest } from '../src/ingest-service';
import { generatedDayFile } from './day-file';

const quick = process.argv.includes('--quick');
const MESSAGES = quick ? 1_000_000 : 10_000_000;
const SYMBOLS = 8_000;
const RUNS = quick ? 3 : 5;
const SHARDS = 16;
const STREAM = 'MD_RAW_BENCH';
/** Generous: the acked runs end when the stream has stored everything. */
const ACK_DRAIN_LIMIT_MS = 300_000;

interface Varz {
  in_msgs: number;
  in_bytes: number;
}

async function varz(url: string): Promise<Varz> {
  return (await (await fetch(`${url}/varz`)).json()) as Varz;
}

/** One ingest of the whole file through `publisher`; resolves with the seconds until everything is out (and acknowledged). */
async function ingestOnce(path: string, bus: NatsBus, acked: boolean): Promise<{ seconds: number; messages: number }> {
  const logger = createLogger({ service: 'ingest', level: 'silent' });
  const publisher = acked ? new AckedStreamPublisher(bus, logger) : undefined;
  const ingest = startIngest({
    bus: publisher ?? bus,
    source: new BinaryFileSource(path),
    shardCount: SHARDS,
    batchMaxMessages: 1024,
    batchMaxBytes: 64 * 1024,
    logger,
    registry: createMetrics({ service: 'ingest', defaultMetrics: false }),
    readiness: new Readiness(),
  });
  const started = process.hrtime.bigint();
  await ingest.done;
  if (publisher !== undefined && !(await publisher.close(ACK_DRAIN_LIMIT_MS))) throw new Error(`the stream did not acknowledge every batch within ${ACK_DRAIN_LIMIT_MS} ms`);
  await bus.flush();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, messages: ingest.metrics.messagesByType.reduce((a, b) => a + b, 0) };
}

async function main(): Promise<void> {
  const path = await generatedDayFile(MESSAGES, SYMBOLS);
  const fileBytes = statSync(path).size;
  const monitorPort = await findFreePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'tickwire-bench-js-'));
  const nats = await startNats({ extraArgs: ['-m', String(monitorPort), '-js', '-sd', storeDir] });
  const monitor = `http://127.0.0.1:${monitorPort}`;
  const bus = await connectNatsBus({ servers: nats.url, name: 'bench-ingest' });
  const rates: number[] = [];
  const ackedRates: number[] = [];
  let published = 0;
  let natsInMsgs = 0;
  let natsInBytes = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const before = await varz(monitor);
      const plain = await ingestOnce(path, bus, false);
      published = plain.messages;
      rates.push(published / plain.seconds);
      const after = await varz(monitor);
      natsInMsgs = after.in_msgs - before.in_msgs;
      natsInBytes = after.in_bytes - before.in_bytes;
      process.stderr.write(`ingest-nats run ${run + 1}/${RUNS}: ${published} messages in ${plain.seconds.toFixed(2)} s = ${(published / plain.seconds / 1e6).toFixed(2)} M msg/s; NATS received ${natsInMsgs} batches, ${(natsInBytes / 1e6).toFixed(0)} MB\n`);
      // A fresh stream each run: the acked run stores the whole day, as RAW_STREAM does.
      // The JetStream API's delete (answered with an error body when there is no such stream yet).
      await bus.request(`$JS.API.STREAM.DELETE.${STREAM}`, new Uint8Array(0), { timeoutMs: 10_000 });
      await bus.ensureStream(STREAM, [rawWildcard], RAW_STREAM_MAX_AGE_MS, 1);
      const acked = await ingestOnce(path, bus, true);
      ackedRates.push(acked.messages / acked.seconds);
      process.stderr.write(`ingest-nats run ${run + 1}/${RUNS}, acked into ${STREAM}: ${acked.messages} messages in ${acked.seconds.toFixed(2)} s = ${(acked.messages / acked.seconds / 1e6).toFixed(2)} M msg/s\n`);
    }
  } finally {
    await bus.close();
    await nats.stop();
    rmSync(storeDir, { recursive: true, force: true });
  }
  const medianRate = median(rates);
  const medianAcked = median(ackedRates);
  console.log(
    JSON.stringify({
      scenario: 'ingest-nats',
      messages: published,
      fileBytes,
      shards: SHARDS,
      runs: RUNS,
      medianMsgsPerSec: Math.round(medianRate),
      medianMBPerSec: Math.round((medianRate * fileBytes) / published / 1e6),
      medianAckedMsgsPerSec: Math.round(medianAcked),
      ackedToPlainRatio: Math.round((medianAcked / medianRate) * 100) / 100,
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
