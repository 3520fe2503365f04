// A storm worker process (forked by `StormWorkers`): holds its share of a market-open crowd of edge clients,
// drops them all at once on command and reconnects them, and reports how long each took to be served again
// and every refusal by what the edge answered; it also runs subscription churners. It runs outside the test
// process so that the load's own CPU does not show up in the healthy clients' latency, and exits with its parent.
import WebSocket from 'ws';
import { backoffDelay } from '@tickwire/client';
import { EdgeTestClient, serveWorkerCommands, serverMessage } from '@tickwire/testing';
import { decodeServerMessage, encodeClientMessage, PROTO_SUBPROTOCOL, SubscriptionMode, SubscriptionResultCode, type ServerMessage } from '@tickwire/protocol';
import type { StormCommand, StormReply, Refusals } from './storm-protocol';
import { churn, SubscriptionChurner } from './subscription-churner';

/** Reconnect backoff after a refusal: full jitter over min(cap, base * 2^attempt), as the client SDK does. */
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 2_000;

interface Client {
  readonly index: number;
  readonly symbols: readonly string[];
  socket: WebSocket | undefined;
  /** Wall clock (ms) of the subscribe ack and of the first live update after it; 0 = not yet. */
  ackedAtMs: number;
  servedAtMs: number;
}

type Open = Extract<StormCommand, { type: 'open' }>;
type Churn = Extract<StormCommand, { type: 'churn' }>;

let plan: Open | undefined;
const clients: Client[] = [];
const churners: SubscriptionChurner[] = [];
let refusals: Refusals = {};

function refused(reason: string): void {
  refusals[reason] = (refusals[reason] ?? 0) + 1;
}

function onServerMessage(client: Client, message: ServerMessage, socket: WebSocket): void {
  const body = message.body;
  if (body === undefined) return;
  switch (body.$case) {
    case 'batch':
      for (const inner of body.value.messages) onServerMessage(client, inner, socket);
      return;
    case 'welcome':
      socket.send(encodeClientMessage({ id: 1, body: { $case: 'subscribe', value: { items: client.symbols.map((symbol) => ({ symbol, mode: SubscriptionMode.LTP })) } } }));
      return;
    case 'subscribeAck': {
      const bad = body.value.results.find((r) => r.code !== SubscriptionResultCode.OK);
      if (bad === undefined) {
        client.ackedAtMs = Date.now();
      } else {
        refused(`subscribe result ${bad.code}`);
        socket.terminate();
      }
      return;
    }
    case 'update':
      if (client.ackedAtMs > 0 && client.servedAtMs === 0 && !body.value.snapshot) client.servedAtMs = Date.now();
      return;
    case 'error':
      refused(`error ${body.value.code}`);
      return;
    default:
      return;
  }
}

/** Connects `client` once: resolves true when subscribed, false (the refusal counted) otherwise. */
function connectOnce(client: Client, timeoutMs: number): Promise<boolean> {
  const { url, addressCount } = plan!;
  client.ackedAtMs = 0;
  client.servedAtMs = 0;
  const socket = new WebSocket(url, [PROTO_SUBPROTOCOL], { localAddress: `127.0.0.${1 + (client.index % addressCount)}`, perMessageDeflate: false, handshakeTimeout: timeoutMs });
  client.socket = socket;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (ok: boolean, reason?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!ok) {
        if (reason !== undefined) refused(reason);
        socket.terminate();
      }
      resolve(ok);
    };
    const timer = setTimeout(() => settle(false, 'timed out'), timeoutMs);
    socket.on('message', (data: Buffer) => {
      const decoded = decodeServerMessage(data);
      if (!decoded.ok) return settle(false, 'undecodable frame');
      onServerMessage(client, decoded.message, socket);
      if (client.ackedAtMs > 0) settle(true);
    });
    socket.once('unexpected-response', (_request, response) => settle(false, `HTTP ${response.statusCode}`));
    socket.on('error', (error: Error & { code?: string }) => settle(false, error.code ?? error.message));
    socket.once('close', (code: number) => settle(false, `close ${code}`));
  });
}

async function open(command: Open): Promise<StormReply> {
  plan = command;
  refusals = {};
  const started = Date.now();
  for (let i = 0; i < command.count; i++) {
    const first = (i * command.perClient) % command.symbols.length;
    clients.push({ index: command.firstIndex + i, symbols: Array.from({ length: command.perClient }, (_, j) => command.symbols[(first + j) % command.symbols.length]!), socket: undefined, ackedAtMs: 0, servedAtMs: 0 });
  }
  const results = await Promise.all(clients.map((c) => connectOnce(c, command.timeoutMs)));
  return { type: 'opened', open: results.filter(Boolean).length, ms: Date.now() - started, refusals };
}

async function storm(spreadMs: number, timeoutMs: number): Promise<StormReply> {
  refusals = {};
  const droppedAt = Date.now();
  for (const client of clients) client.socket?.terminate();
  const deadline = droppedAt + timeoutMs;
  let retries = 0;
  const reconnect = async (client: Client): Promise<boolean> => {
    if (spreadMs > 0) await sleep(Math.random() * spreadMs);
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (await connectOnce(client, Math.max(1, deadline - Date.now()))) return true;
      retries++;
      await sleep(backoffDelay(attempt, BACKOFF_BASE_MS, BACKOFF_CAP_MS, Math.random));
    }
    return false;
  };
  const back = await Promise.all(clients.map(reconnect));
  // Served = subscribed again and a live update received after the ack.
  while (clients.some((c, i) => back[i] && c.servedAtMs === 0) && Date.now() < deadline) await sleep(10);
  const servedMs = clients.filter((c) => c.servedAtMs > 0).map((c) => c.servedAtMs - droppedAt);
  const subscribedMs = clients.filter((c) => c.ackedAtMs > 0).map((c) => c.ackedAtMs - droppedAt);
  return { type: 'stormed', dropped: clients.length, subscribedMs, servedMs, unserved: clients.length - servedMs.length, retries, refusals };
}

async function startChurn(command: Churn): Promise<StormReply> {
  const started: SubscriptionChurner[] = [];
  for (let i = 0; i < command.count; i++) {
    const client = await EdgeTestClient.connect(command.url, 'proto');
    await client.waitFor(serverMessage.welcome);
    started.push(new SubscriptionChurner(client, command.symbols, command.maxHeld));
  }
  churners.push(...started);
  await churn(started, command.messagesPerSec, command.durationMs);
  return { type: 'churned', sent: started.reduce((a, c) => a + c.sent, 0), held: started.map((c) => [...c.held]), refusals: started.reduce((a, c) => a + c.refusals(), 0) };
}

async function closeAll(): Promise<StormReply> {
  const closing = churners.splice(0).map((c) => {
    c.client.close();
    return c.client.closed;
  });
  for (const client of clients.splice(0)) client.socket?.terminate();
  await Promise.all(closing);
  return { type: 'closed' };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

async function handle(command: StormCommand): Promise<StormReply> {
  switch (command.type) {
    case 'open':
      return open(command);
    case 'storm':
      return storm(command.spreadMs, command.timeoutMs);
    case 'churn':
      return startChurn(command);
    case 'close':
      return closeAll();
  }
}

serveWorkerCommands(handle);
