// One load-generator worker process (forked by `LoadWorkerPool`): opens its share of WebSocket connections,
// counts what arrives, and answers the coordinator's commands over IPC. It exits with its parent.
import WebSocket from 'ws';
import { ServerMessage, SubscriptionResultCode, encodeClientMessage } from '@tickwire/protocol';
import { symbolsOf, sourceAddress } from './connection-plan';
import { DeliveryTally } from './delivery-tally';
import { ServerField } from './server-frame-scanner';
import { wallClockNs } from './wall-clock';
import type { OpenedReply, WorkerCommand, WorkerReply } from './worker-protocol';

interface Connection {
  readonly index: number;
  readonly socket: WebSocket;
  /** Resolves the connection's setup: true once open (and subscribed), false on failure. */
  settle: ((ok: boolean, reason?: string) => void) | undefined;
  subscribeSent: boolean;
}

const MAX_ERRORS_KEPT = 5;
const connections = new Set<Connection>();
const closes: Record<string, number> = {};
let subscriptionsOk = 0;
let openCommand: Extract<WorkerCommand, { type: 'open' }> | undefined;
/** The connection whose frame is being scanned (control messages are routed to it). */
let current: Connection | undefined;

const tally = new DeliveryTally((field, bytes, start, end) => {
  const connection = current;
  if (connection === undefined || connection.settle === undefined) return;
  if (field === ServerField.WELCOME) {
    sendSubscribe(connection);
  } else if (field === ServerField.SUBSCRIBE_ACK) {
    const message = ServerMessage.decode(bytes.subarray(start, end));
    if (message.body?.$case !== 'subscribeAck') return;
    const results = message.body.value.results;
    const ok = results.filter((r) => r.code === SubscriptionResultCode.OK).length;
    subscriptionsOk += ok;
    connection.settle(ok === results.length, ok === results.length ? undefined : `subscribe: ${results.length - ok} of ${results.length} not ok (first code ${results.find((r) => r.code !== SubscriptionResultCode.OK)?.code})`);
  } else if (field === ServerField.ERROR) {
    const message = ServerMessage.decode(bytes.subarray(start, end));
    if (message.body?.$case === 'error') connection.settle(false, `error ${message.body.value.code}: ${message.body.value.message}`);
  }
});

function sendSubscribe(connection: Connection): void {
  const subscribe = openCommand?.subscribe;
  if (subscribe === undefined || connection.subscribeSent) return;
  connection.subscribeSent = true;
  const items = symbolsOf(connection.index, subscribe.perConnection, subscribe.symbols.length).map((s) => ({ symbol: subscribe.symbols[s]!, mode: subscribe.mode }));
  connection.socket.send(encodeClientMessage({ id: 1, body: { $case: 'subscribe', value: { items } } }));
}

function onFrame(connection: Connection, data: Buffer, isBinary: boolean): void {
  if (!isBinary) return;
  current = connection;
  tally.onFrame(data, wallClockNs());
  current = undefined;
}

function openOne(command: Extract<WorkerCommand, { type: 'open' }>, index: number): Promise<string | undefined> {
  const socket = new WebSocket(command.url, command.subprotocol === undefined ? [] : [command.subprotocol], {
    localAddress: sourceAddress(index, command.addressCount),
    perMessageDeflate: false,
    handshakeTimeout: command.timeoutMs,
    skipUTF8Validation: true,
  });
  const connection: Connection = { index, socket, settle: undefined, subscribeSent: false };
  return new Promise((resolve) => {
    const timer = setTimeout(() => connection.settle?.(false, 'timed out'), command.timeoutMs);
    connection.settle = (ok, reason) => {
      connection.settle = undefined;
      clearTimeout(timer);
      if (!ok) socket.terminate();
      resolve(ok ? undefined : (reason ?? 'failed'));
    };
    socket.on('message', (data: Buffer, isBinary: boolean) => onFrame(connection, data, isBinary));
    socket.on('error', (err) => connection.settle?.(false, err.message));
    socket.once('unexpected-response', (_req, res) => connection.settle?.(false, `HTTP ${res.statusCode}`));
    socket.once('open', () => {
      connections.add(connection);
      if (command.subscribe === undefined) connection.settle?.(true);
    });
    socket.once('close', (code) => {
      connections.delete(connection);
      closes[code] = (closes[code] ?? 0) + 1;
      connection.settle?.(false, `closed ${code}`);
    });
  });
}

async function open(command: Extract<WorkerCommand, { type: 'open' }>): Promise<OpenedReply> {
  openCommand = command;
  const started = performance.now();
  const errors: string[] = [];
  let failed = 0;
  let next = command.start;
  const end = command.start + command.count;
  const lane = async (): Promise<void> => {
    while (next < end) {
      const error = await openOne(command, next++);
      if (error !== undefined) {
        failed++;
        if (errors.length < MAX_ERRORS_KEPT) errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, command.count) }, lane));
  return { type: 'opened', open: connections.size, failed, subscriptionsOk, seconds: (performance.now() - started) / 1e3, errors };
}

async function closeAll(): Promise<void> {
  const closing = [...connections].map((c) => new Promise<void>((resolve) => {
    c.socket.once('close', () => resolve());
    c.socket.terminate();
  }));
  await Promise.all(closing);
}

async function handle(command: WorkerCommand): Promise<WorkerReply> {
  switch (command.type) {
    case 'open':
      return open(command);
    case 'tally': {
      const usage = process.cpuUsage();
      const reply: WorkerReply = { type: 'tally', tally: tally.snapshot(), open: connections.size, closes: { ...closes }, cpuSeconds: (usage.user + usage.system) / 1e6 };
      if (command.reset) tally.reset();
      return reply;
    }
    case 'close':
      await closeAll();
      return { type: 'closed' };
  }
}

process.on('message', (command: WorkerCommand) => {
  handle(command).then(
    (reply) => process.send!(reply),
    (error: unknown) => process.send!({ type: 'failed', error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies WorkerReply),
  );
});
// Never outlive the coordinator.
process.on('disconnect', () => process.exit(0));
