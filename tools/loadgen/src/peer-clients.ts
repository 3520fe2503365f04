/**
 * The client side of every peer the benchmarks compare, one small adapter each, so one worker program
 * (`load-worker.ts`) can load any of them: how to subscribe once connected, how to tell that the
 * subscription is in place, and how to find the updates (and their publish time) in what arrives.
 *
 * - `tickwire-proto` / `tickwire-json`: the edge's `tickwire.v1.proto` / `tickwire.v1.json` subprotocols:
 *   `welcome` -> `subscribe` -> `subscribe_ack`; updates in single or batch frames.
 * - `nats`: the NATS text protocol over nats-server's WebSocket listener: `INFO` -> `CONNECT`, one `SUB` per
 *   symbol's subject, `PING`; the `PONG` says the server has the subscriptions. Payloads are the
 *   `MarketUpdate`s exactly as published. Server `PING`s are answered.
 * - `socketio`: Engine.IO 4 / Socket.IO 5 over WebSocket only: `0{open}` -> `40` -> `40{sid}` ->
 *   `420["subscribe",[...]]` -> `430[n]` (the ack); updates are `42["update",{...}]`; pings (`2`) are answered (`3`).
 * - `plain-ws`: the plain `ws` peer's own JSON: `{"type":"subscribe","symbols":[...]}` -> `{"type":"subscribed"}`.
 *
 * Adapters keep no closure per connection: per-connection state lives on the connection (`step`, `parser`),
 * and the module-level NATS event handler reaches the connection being fed through `feeding`.
 */
import { decodeServerJson, encodeClientJson, encodeClientMessage, JSON_SUBPROTOCOL, PROTO_SUBPROTOCOL, ServerMessage, SubscriptionResultCode, type SubscriptionMode } from '@tickwire/protocol';
import { symbolsOf } from './connection-plan';
import type { DeliveryTally } from './delivery-tally';
import { scanJsonUpdates } from './json-update-scanner';
import { NatsProtocolParser, type NatsServerEvents } from './nats-protocol-parser';
import { scanMarketUpdate, ServerField } from './server-frame-scanner';

export const PEER_PROTOCOLS = ['tickwire-proto', 'tickwire-json', 'nats', 'socketio', 'plain-ws'] as const;
export type PeerProtocol = (typeof PEER_PROTOCOLS)[number];

/** What every connection of one `open` command subscribes to: connection `i` takes `symbolsOf(i, perConnection, symbols.length)`. */
export interface SubscriptionPlan {
  readonly symbols: readonly string[];
  /** The NATS subject of each symbol (same order), for the `nats` protocol. */
  readonly subjects: readonly string[];
  readonly perConnection: number;
  /** Edge subscription mode (`SubscriptionMode`). */
  readonly mode: SubscriptionMode;
}

/** One connection as an adapter sees it (the worker implements it over a `ws` socket; tests fake it). */
export interface PeerConnection {
  /** Global index: its symbols and source address follow from it. */
  readonly index: number;
  readonly plan: SubscriptionPlan;
  /** Adapter-owned handshake step. */
  step: number;
  /** Adapter-owned NATS stream parser. */
  parser: NatsProtocolParser | undefined;
  readonly isReady: boolean;
  send(data: string | Uint8Array): void;
  /** The subscriptions are in place (acknowledged). */
  ready(): void;
  /** Setup failed; the worker closes the connection. */
  fail(reason: string): void;
}

export interface PeerClient {
  /** Offered `Sec-WebSocket-Protocol` values. */
  readonly subprotocols: readonly string[];
  /** The WebSocket is open. */
  opened(c: PeerConnection): void;
  /** One WebSocket message received at `nowNs` (wall clock); updates go to `tally`. */
  message(c: PeerConnection, data: Buffer, isBinary: boolean, tally: DeliveryTally, nowNs: number): void;
}

function symbolsFor(c: PeerConnection): string[] {
  const { symbols, perConnection } = c.plan;
  return symbolsOf(c.index, perConnection, symbols.length).map((s) => symbols[s]!);
}

// --- Tickwire edge ------------------------------------------------------------------------------------------

const STEP_SUBSCRIBED = 1;

function subscribeItems(c: PeerConnection): { symbol: string; mode: SubscriptionMode }[] {
  return symbolsFor(c).map((symbol) => ({ symbol, mode: c.plan.mode }));
}

/** Acks and errors before the connection is ready: all subscriptions `ok` makes it ready. */
function edgeSetupMessage(c: PeerConnection, message: ServerMessage, sendSubscribe: (c: PeerConnection) => void): void {
  const body = message.body;
  if (body === undefined) return;
  if (body.$case === 'welcome') {
    if (c.step === STEP_SUBSCRIBED) return;
    c.step = STEP_SUBSCRIBED;
    sendSubscribe(c);
  } else if (body.$case === 'subscribeAck') {
    const results = body.value.results;
    const bad = results.filter((r) => r.code !== SubscriptionResultCode.OK);
    if (bad.length === 0) c.ready();
    else c.fail(`subscribe: ${bad.length} of ${results.length} not ok (first code ${bad[0]!.code})`);
  } else if (body.$case === 'error') {
    c.fail(`error ${body.value.code}: ${body.value.message}`);
  } else if (body.$case === 'batch') {
    for (const inner of body.value.messages) edgeSetupMessage(c, inner, sendSubscribe);
  }
}

const sendProtoSubscribe = (c: PeerConnection): void => c.send(encodeClientMessage({ id: 1, body: { $case: 'subscribe', value: { items: subscribeItems(c) } } }));
const sendJsonSubscribe = (c: PeerConnection): void => c.send(encodeClientJson({ id: 1, body: { $case: 'subscribe', value: { items: subscribeItems(c) } } }));

/** The connection whose edge binary frame is being scanned (control messages are routed to it). */
let protoFeeding: PeerConnection | undefined;

/** Control messages of the edge's binary frames (the tally's `onControl`). */
export function tickwireProtoControl(field: number, bytes: Uint8Array, start: number, end: number): void {
  const c = protoFeeding;
  if (c === undefined || c.isReady) return;
  if (field === ServerField.WELCOME || field === ServerField.SUBSCRIBE_ACK || field === ServerField.ERROR) edgeSetupMessage(c, ServerMessage.decode(bytes.subarray(start, end)), sendProtoSubscribe);
}

const tickwireProto: PeerClient = {
  subprotocols: [PROTO_SUBPROTOCOL],
  opened() {},
  message(c, data, isBinary, tally, nowNs) {
    if (!isBinary) return;
    protoFeeding = c;
    // The tally must be built with `tickwireProtoControl` as its control handler (the worker's is).
    tally.onFrame(data, nowNs);
    protoFeeding = undefined;
  },
};

/** Messages that matter before the subscription is in place. */
const JSON_SETUP_TYPES = ['"type":"welcome"', '"type":"subscribe_ack"', '"type":"error"'].map((t) => Buffer.from(t));

const tickwireJson: PeerClient = {
  subprotocols: [JSON_SUBPROTOCOL],
  opened() {},
  message(c, data, isBinary, tally, nowNs) {
    if (isBinary) return;
    if (!c.isReady && JSON_SETUP_TYPES.some((type) => data.indexOf(type) >= 0)) {
      // Setup (welcome, subscribe_ack, error; possibly batched with snapshots): rare, so decoded in full.
      tally.controls++;
      const decoded = decodeServerJson(data.toString('utf8'));
      if (decoded.ok) edgeSetupMessage(c, decoded.message, sendJsonSubscribe);
      else c.fail(`malformed setup message: ${decoded.reason}`);
    }
    tally.beginFrame(data.length, nowNs);
    tally.endFrame(scanJsonUpdates(data, tally) >= 0);
  },
};

// --- nats-server WebSocket ------------------------------------------------------------------------------

const STEP_CONNECT_SENT = 1;
const NATS_PONG = Buffer.from('PONG\r\n');
const NATS_CONNECT = 'CONNECT {"verbose":false,"pedantic":false,"tls_required":false,"lang":"tickwire-loadgen","version":"0.1.0","protocol":1,"echo":false,"headers":false,"no_responders":false}\r\n';

/** The NATS connection being fed and the tally its messages go to (module state: no closure per connection). */
let natsFeeding: PeerConnection | undefined;
let natsTally: DeliveryTally | undefined;
let natsMalformed = false;

const natsEvents: NatsServerEvents = {
  msg(_sid, bytes, start, end) {
    if (!scanMarketUpdate(bytes, start, end, natsTally!)) natsMalformed = true;
  },
  ping() {
    natsFeeding!.send(NATS_PONG);
  },
  pong() {
    const c = natsFeeding!;
    if (!c.isReady && c.step === STEP_CONNECT_SENT) c.ready();
  },
  info() {
    const c = natsFeeding!;
    if (c.step === STEP_CONNECT_SENT) return;
    c.step = STEP_CONNECT_SENT;
    const subjects = c.plan.subjects;
    let out = NATS_CONNECT;
    symbolsOf(c.index, c.plan.perConnection, subjects.length).forEach((s, i) => (out += `SUB ${subjects[s]} ${i + 1}\r\n`));
    c.send(Buffer.from(`${out}PING\r\n`));
  },
  err(message) {
    natsFeeding!.fail(`-ERR ${message}`);
  },
};

const nats: PeerClient = {
  subprotocols: [],
  opened(c) {
    c.parser = new NatsProtocolParser(natsEvents);
  },
  message(c, data, _isBinary, tally, nowNs) {
    natsFeeding = c;
    natsTally = tally;
    natsMalformed = false;
    tally.beginFrame(data.length, nowNs);
    const ok = c.parser!.feed(data);
    tally.endFrame(ok && !natsMalformed);
    if (!ok && !c.isReady) c.fail('malformed NATS protocol');
    natsFeeding = undefined;
  },
};

// --- Socket.IO ----------------------------------------------------------------------------------------------

const CHAR_0 = 0x30;
const CHAR_2 = 0x32;
const CHAR_3 = 0x33;
const CHAR_4 = 0x34;
const STEP_SIO_CONNECT_SENT = 1;
const STEP_SIO_SUBSCRIBE_SENT = 2;

const socketio: PeerClient = {
  subprotocols: [],
  opened() {},
  message(c, data, isBinary, tally, nowNs) {
    if (isBinary || data.length === 0) return;
    const engineType = data[0];
    if (engineType === CHAR_4) {
      const packetType = data[1];
      if (packetType === CHAR_2) {
        tally.beginFrame(data.length, nowNs);
        tally.endFrame(scanJsonUpdates(data, tally) >= 0);
        return;
      }
      tally.controls++;
      if (packetType === CHAR_0 && c.step === STEP_SIO_CONNECT_SENT) {
        c.step = STEP_SIO_SUBSCRIBE_SENT;
        c.send(`420${JSON.stringify(['subscribe', symbolsFor(c)])}`);
      } else if (packetType === CHAR_3 && c.step === STEP_SIO_SUBSCRIBE_SENT) {
        c.ready();
      } else if (packetType === CHAR_4) {
        c.fail(`socket.io connect_error ${data.toString('utf8', 2, 200)}`);
      }
    } else if (engineType === CHAR_2) {
      tally.controls++;
      c.send('3');
    } else if (engineType === CHAR_0 && c.step === 0) {
      tally.controls++;
      c.step = STEP_SIO_CONNECT_SENT;
      c.send('40');
    } else if (engineType !== CHAR_3) {
      tally.controls++;
    }
  },
};

// --- plain ws ---------------------------------------------------------------------------------------------

const PLAIN_SUBSCRIBED = Buffer.from('{"type":"subscribed"');

const plainWs: PeerClient = {
  subprotocols: [],
  opened(c) {
    c.send(JSON.stringify({ type: 'subscribe', symbols: symbolsFor(c) }));
  },
  message(c, data, isBinary, tally, nowNs) {
    if (isBinary) return;
    if (!c.isReady && data.indexOf(PLAIN_SUBSCRIBED) === 0) {
      tally.controls++;
      c.ready();
      return;
    }
    tally.beginFrame(data.length, nowNs);
    tally.endFrame(scanJsonUpdates(data, tally) >= 0);
  },
};

export const PEER_CLIENTS: Readonly<Record<PeerProtocol, PeerClient>> = Object.freeze({
  'tickwire-proto': tickwireProto,
  'tickwire-json': tickwireJson,
  nats,
  socketio,
  'plain-ws': plainWs,
});
