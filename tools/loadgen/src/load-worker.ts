// One load-generator worker process (forked by `LoadWorkerPool`): opens its share of WebSocket connections to
// any peer (the client protocol comes from `peer-clients.ts`), counts what arrives, drops and reconnects them
// on command (a reconnect storm), and answers the coordinator over IPC. It exits with its parent.
import WebSocket from 'ws';
import { serveWorkerCommands } from '@tickwire/testing';
import { sourceAddress } from './connection-plan';
import { DeliveryTally } from './delivery-tally';
import type { NatsProtocolParser } from './nats-protocol-parser';
import { PEER_CLIENTS, tickwireProtoControl, type PeerClient, type PeerConnection, type SubscriptionPlan } from './peer-clients';
import { wallClockNs } from './wall-clock';
import type { OpenedReply, StormReply, WorkerCommand, WorkerReply } from './worker-protocol';

type OpenCommand = Extract<WorkerCommand, { type: 'open' }>;
type StormCommand = Extract<WorkerCommand, { type: 'storm' }>;

const MAX_ERRORS_KEPT = 5;
/** Reconnect backoff in a storm: full jitter over min(cap, base * 2^attempt), as the client SDK does. */
const STORM_BACKOFF_BASE_MS = 100;
const STORM_BACKOFF_CAP_MS = 2_000;
/** How often a storm checks whether every reconnected client has received a live update. */
const STORM_POLL_MS = 10;

const CONNECTION = Symbol('connection');
type TaggedSocket = WebSocket & { [CONNECTION]: Connection };

class Connection implements PeerConnection {
  step = 0;
  parser: NatsProtocolParser | undefined = undefined;
  isReady = false;
  /** Wall clock (ns) when the subscription was acknowledged, and of the first live update after it. */
  readyNs = 0;
  firstUpdateNs = 0;
  /** Closed by this worker (setup failure, storm, close): not a server close. */
  dropped = false;
  /** Resolves the setup: undefined once ready, else the reason it failed. */
  settle: ((failure: string | undefined) => void) | undefined = undefined;
  readonly plan: SubscriptionPlan;
  readonly client: PeerClient;

  constructor(
    readonly index: number,
    readonly command: OpenCommand,
    readonly socket: WebSocket,
  ) {
    this.plan = command.plan;
    this.client = PEER_CLIENTS[command.protocol];
  }

  send(data: string | Uint8Array): void {
    this.socket.send(data);
  }

  ready(): void {
    if (this.isReady) return;
    this.isReady = true;
    this.readyNs = wallClockNs();
    if (this.command.stall === true) this.socket.pause();
    this.settle?.(undefined);
  }

  fail(reason: string): void {
    this.settle?.(reason);
  }
}

const connections = new Set<Connection>();
const closes: Record<string, number> = {};
const stalledCloses: Record<string, number> = {};
const tally = new DeliveryTally(tickwireProtoControl);
/** Where stalled connections' few frames before the stall go: not counted. */
const uncounted = new DeliveryTally(tickwireProtoControl);

// Socket listeners are module-level functions reaching their connection through a symbol: no closures per socket.
function connectionOf(socket: WebSocket): Connection {
  return (socket as TaggedSocket)[CONNECTION];
}

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  const c = connectionOf(this);
  const target = c.command.stall === true ? uncounted : tally;
  const before = target.updates;
  const now = wallClockNs();
  c.client.message(c, data, isBinary, target, now);
  if (c.firstUpdateNs === 0 && c.isReady && target.updates !== before) c.firstUpdateNs = now;
}

function onOpen(this: WebSocket): void {
  const c = connectionOf(this);
  connections.add(c);
  c.client.opened(c);
}

function onClose(this: WebSocket, code: number): void {
  const c = connectionOf(this);
  connections.delete(c);
  if (!c.dropped) {
    const byCode = c.command.stall === true ? stalledCloses : closes;
    byCode[code] = (byCode[code] ?? 0) + 1;
  }
  c.settle?.(`closed ${code}`);
}

function onError(this: WebSocket, error: Error): void {
  connectionOf(this).settle?.(error.message);
}

function onUnexpectedResponse(this: WebSocket, _request: unknown, response: { statusCode?: number }): void {
  connectionOf(this).settle?.(`HTTP ${response.statusCode}`);
}

/** Opens connection `index` and waits until it is subscribed: the connection, or why it failed. */
function openOne(command: OpenCommand, index: number, timeoutMs = command.timeoutMs): Promise<Connection | string> {
  const client = PEER_CLIENTS[command.protocol];
  const socket = new WebSocket(command.url, [...client.subprotocols], {
    localAddress: sourceAddress(index, command.addressCount),
    perMessageDeflate: false,
    handshakeTimeout: timeoutMs,
    skipUTF8Validation: true,
  }) as TaggedSocket;
  const c = new Connection(index, command, socket);
  socket[CONNECTION] = c;
  return new Promise((resolve) => {
    const timer = setTimeout(() => c.settle?.('timed out'), timeoutMs);
    c.settle = (failure) => {
      c.settle = undefined;
      clearTimeout(timer);
      if (failure === undefined) {
        resolve(c);
        return;
      }
      c.dropped = true;
      socket.terminate();
      resolve(failure);
    };
    socket.on('message', onMessage);
    socket.on('error', onError);
    socket.once('unexpected-response', onUnexpectedResponse);
    socket.once('open', onOpen);
    socket.once('close', onClose);
  });
}

async function open(command: OpenCommand): Promise<OpenedReply> {
  const started = performance.now();
  const errors: string[] = [];
  let failed = 0;
  let next = command.start;
  const end = command.start + command.count;
  const lane = async (): Promise<void> => {
    while (next < end) {
      const result = await openOne(command, next++);
      if (typeof result === 'string') {
        failed++;
        if (errors.length < MAX_ERRORS_KEPT) errors.push(result);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, command.count) }, lane));
  return { type: 'opened', open: connections.size, failed, seconds: (performance.now() - started) / 1e3, errors };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

async function storm(command: StormCommand): Promise<StormReply> {
  const victims = [...connections].filter((c) => c.command.stall !== true);
  const deadlineNs = command.atNs + command.timeoutMs * 1e6;
  const errors: string[] = [];
  let retries = 0;
  await sleep((command.atNs - wallClockNs()) / 1e6);
  const cpuBefore = process.cpuUsage();
  for (const c of victims) {
    c.dropped = true;
    c.socket.terminate();
  }
  const reconnect = async (old: Connection): Promise<Connection | undefined> => {
    await sleep((command.atNs + Math.random() * command.spreadMs * 1e6 - wallClockNs()) / 1e6);
    for (let attempt = 0; ; attempt++) {
      const remainingMs = (deadlineNs - wallClockNs()) / 1e6;
      if (remainingMs <= 0) return undefined;
      const result = await openOne(old.command, old.index, Math.min(old.command.timeoutMs, remainingMs));
      if (typeof result !== 'string') return result;
      retries++;
      if (errors.length < MAX_ERRORS_KEPT) errors.push(result);
      await sleep(Math.random() * Math.min(STORM_BACKOFF_CAP_MS, STORM_BACKOFF_BASE_MS * 2 ** attempt));
    }
  };
  const back = (await Promise.all(victims.map(reconnect))).filter((c): c is Connection => c !== undefined);
  while (back.some((c) => c.firstUpdateNs === 0) && wallClockNs() < deadlineNs) await sleep(STORM_POLL_MS);
  const sinceStorm = (ns: number): number => Math.round((ns - command.atNs) / 1e3) / 1e3;
  return {
    type: 'stormed',
    dropped: victims.length,
    resubscribedMs: back.map((c) => sinceStorm(c.readyNs)),
    receivingMs: back.filter((c) => c.firstUpdateNs > 0).map((c) => sinceStorm(c.firstUpdateNs)),
    failed: victims.length - back.length,
    retries,
    cpuSeconds: (() => {
      const used = process.cpuUsage(cpuBefore);
      return (used.user + used.system) / 1e6;
    })(),
    errors,
  };
}

async function closeAll(): Promise<void> {
  const closing = [...connections].map(
    (c) =>
      new Promise<void>((resolve) => {
        c.dropped = true;
        c.socket.once('close', () => resolve());
        c.socket.terminate();
      }),
  );
  await Promise.all(closing);
}

async function handle(command: WorkerCommand): Promise<WorkerReply> {
  switch (command.type) {
    case 'open':
      return open(command);
    case 'tally': {
      const usage = process.cpuUsage();
      const reply: WorkerReply = { type: 'tally', tally: tally.snapshot(), open: connections.size, closes: { ...closes }, stalledCloses: { ...stalledCloses }, cpuSeconds: (usage.user + usage.system) / 1e6 };
      if (command.reset) tally.reset();
      return reply;
    }
    case 'storm':
      return storm(command);
    case 'close':
      await closeAll();
      return { type: 'closed' };
  }
}

serveWorkerCommands(handle);
