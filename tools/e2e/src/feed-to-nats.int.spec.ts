import { connectNatsBus, type NatsBus, type Subscription } from '@tickwire/bus';
import { waitUntil } from '@tickwire/bus/testing';
import { StockDirectory } from '@tickwire/itch';
import { MarketDayGenerator } from '@tickwire/market-sim';
import { forEachRawMessage, RawBatch, rawWildcard, shardOf } from '@tickwire/protocol';
import { findFreePort, startNats, type TestServer, ServiceProcess } from '@tickwire/testing';

const SHARDS = 4;
const DAY = { SEED: '42', SYMBOLS: '200', MESSAGES: '50000', RATE: '50000' };

/** The day the simulator will serve, generated independently here: per shard, the hex of each message by sequence. */
function expectedByShard(): Map<number, Map<number, string>> {
  const generator = new MarketDayGenerator({ seed: Number(DAY.SEED), symbols: Number(DAY.SYMBOLS), messages: Number(DAY.MESSAGES), messagesPerSecond: Number(DAY.RATE) });
  const directory = new StockDirectory();
  const byShard = new Map<number, Map<number, string>>(Array.from({ length: SHARDS }, (_, s) => [s, new Map()]));
  const scratch = new Uint8Array(64);
  let sequence = 0;
  for (let length = generator.nextInto(scratch, 0); length > 0; length = generator.nextInto(scratch, 0)) {
    sequence++;
    directory.apply(scratch, 0, length);
    const hex = Buffer.from(scratch.subarray(0, length)).toString('hex');
    const locate = (scratch[1]! << 8) | scratch[2]!;
    if (locate === 0) for (const shard of byShard.values()) shard.set(sequence, hex);
    else byShard.get(shardOf(directory.symbolOf(locate)!, SHARDS))!.set(sequence, hex);
  }
  return byShard;
}

interface Received {
  bySequence: Map<number, Map<number, string>>;
  duplicates: number;
  outOfOrder: number;
  gaps: number;
}

function collect(bus: NatsBus, subscriptions: Subscription[]): Received {
  const received: Received = { bySequence: new Map(), duplicates: 0, outOfOrder: 0, gaps: 0 };
  const last = new Map<number, number>();
  const subscription = bus.subscribe(rawWildcard, (data) => {
    const batch = RawBatch.decode(data);
    received.gaps += batch.gaps.length;
    const shard = received.bySequence.get(batch.shard) ?? new Map<number, string>();
    received.bySequence.set(batch.shard, shard);
    forEachRawMessage(batch, (sequence, bytes, offset, length) => {
      if (shard.has(sequence)) received.duplicates++;
      if (sequence <= (last.get(batch.shard) ?? 0)) received.outOfOrder++;
      last.set(batch.shard, sequence);
      shard.set(sequence, Buffer.from(bytes.subarray(offset, offset + length)).toString('hex'));
    });
  });
  subscriptions.push(subscription);
  return received;
}

const total = (m: Map<number, Map<number, string>>): number => [...m.values()].reduce((n, s) => n + s.size, 0);

describe('exchange-sim -> ingest -> NATS (processes, real NATS)', () => {
  let nats: TestServer;
  let consumer: NatsBus;
  const expected = expectedByShard();
  const running: ServiceProcess[] = [];
  const subscriptions: Subscription[] = [];

  beforeAll(async () => {
    nats = await startNats();
    consumer = await connectNatsBus({ servers: nats.url, name: 'e2e-consumer' });
  });

  afterEach(async () => {
    for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    for (const service of running.splice(0)) await service.stop();
  });

  afterAll(async () => {
    await consumer?.close();
    await nats?.stop();
  });

  /** Starts ingest, then the simulator, and checks what reaches NATS against the independently generated day. */
  async function runDay(source: string, simEnv: Record<string, string>): Promise<{ received: Received; ingest: ServiceProcess }> {
    const received = collect(consumer, subscriptions);
    await consumer.flush();
    const ingest = new ServiceProcess('ingest', { SOURCE: source, NATS_URL: nats.url, SHARD_COUNT: String(SHARDS) });
    running.push(ingest);
    await ingest.waitFor('service.started');
    const sim = new ServiceProcess('exchange-sim', { ...DAY, SPEED: '0', ...simEnv });
    running.push(sim);
    await sim.waitFor('sim.end_of_session', 60_000);
    await waitUntil(() => total(received.bySequence) === total(expected), `all ${total(expected)} shard deliveries`, 60_000);
    for (const [shard, messages] of expected) expect({ shard, same: sameMessages(received.bySequence.get(shard), messages) }).toEqual({ shard, same: true });
    expect([received.duplicates, received.outOfOrder, received.gaps]).toEqual([0, 0, 0]);
    return { received, ingest };
  }

  it('MoldUDP64 with 2% injected packet loss: every message exactly once, in order, on its shard', async () => {
    const [feedPort, requestPort] = [await findFreePort(), await findFreePort()];
    const { ingest } = await runDay(`moldudp64://127.0.0.1:${feedPort}?request=127.0.0.1:${requestPort}`, {
      MODE: 'moldudp64',
      MOLD_DESTINATION: `127.0.0.1:${feedPort}`,
      MOLD_REQUEST_PORT: String(requestPort),
      MOLD_DROP_PER_MILLION: '20000',
    });
    const metrics = await (await fetch(`${await ingest.opsUrl()}/metrics`)).text();
    expect(Number(/tickwire_ingest_messages_recovered_total\{[^}]*\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/tickwire_ingest_gaps_unrecoverable_total\{[^}]*\} 0/);
  });

  it('SoupBinTCP: every message exactly once, in order, on its shard', async () => {
    const port = await findFreePort();
    await runDay(`soupbintcp://tw:tickwire@127.0.0.1:${port}?session=TICKWIRE01`, { MODE: 'soupbintcp', PORT: String(port) });
  });
});

function sameMessages(actual: Map<number, string> | undefined, wanted: Map<number, string>): boolean {
  if (!actual || actual.size !== wanted.size) return false;
  for (const [sequence, hex] of wanted) if (actual.get(sequence) !== hex) return false;
  return true;
}
