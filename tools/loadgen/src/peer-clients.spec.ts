import { ClientMessage, concatBatch, decodeClientJson, encodeServerJson, encodeServerMessage, MarketUpdate, SubscriptionMode, SubscriptionResultCode, type ServerMessage } from '@tickwire/protocol';
import { DeliveryTally } from './delivery-tally';
import type { NatsProtocolParser } from './nats-protocol-parser';
import { PEER_CLIENTS, tickwireProtoControl, type PeerConnection, type PeerProtocol, type SubscriptionPlan } from './peer-clients';

const T0 = 1_795_478_211_000_000_000;
const plan: SubscriptionPlan = { symbols: ['SYM0000', 'SYM0001', 'SYM0002', 'SYM0003'], subjects: ['md.tick.0.SYM0000', 'md.tick.1.SYM0001', 'md.tick.2.SYM0002', 'md.tick.3.SYM0003'], perConnection: 2, mode: SubscriptionMode.FULL };

class FakeConnection implements PeerConnection {
  step = 0;
  parser: NatsProtocolParser | undefined;
  isReady = false;
  failure: string | undefined;
  readonly sent: (string | Uint8Array)[] = [];
  constructor(
    readonly index: number,
    readonly plan: SubscriptionPlan,
  ) {}
  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }
  ready(): void {
    this.isReady = true;
  }
  fail(reason: string): void {
    this.failure = reason;
  }
}

function update(publishMs: number, snapshot = false): MarketUpdate {
  return { ...MarketUpdate.fromPartial({}), symbol: 'SYM0002', seq: 2n, epoch: 1n, publishTsNs: BigInt(T0 + publishMs * 1e6), ltp: 1_000_000, snapshot };
}

function harness(protocol: PeerProtocol): { c: FakeConnection; tally: DeliveryTally; receive: (data: string | Uint8Array, binary: boolean, atMs?: number) => void } {
  const c = new FakeConnection(1, plan);
  const tally = new DeliveryTally(tickwireProtoControl);
  const client = PEER_CLIENTS[protocol];
  client.opened(c);
  return { c, tally, receive: (data, binary, atMs = 0) => client.message(c, Buffer.from(data), binary, tally, T0 + atMs * 1e6) };
}

const welcome: ServerMessage = { body: { $case: 'welcome', value: { sessionId: 's', heartbeatMs: 15_000, tier: 'realtime', maxSubscriptions: 500 } } };
const ack: ServerMessage = { body: { $case: 'subscribeAck', value: { id: 1, results: ['SYM0002', 'SYM0003'].map((symbol) => ({ symbol, code: SubscriptionResultCode.OK, mode: SubscriptionMode.FULL })) } } };
const updateMessage = (u: MarketUpdate): ServerMessage => ({ body: { $case: 'update', value: u } });

describe('peer client adapters', () => {
  it('tickwire-proto: welcome -> subscribe to its symbols in the plan mode; the ack (batched with a snapshot) makes it ready; updates are timed', () => {
    const { c, tally, receive } = harness('tickwire-proto');
    expect(c.sent).toEqual([]);
    receive(encodeServerMessage(welcome), true);
    const subscribe = ClientMessage.decode(c.sent[0] as Uint8Array);
    expect(subscribe.body).toEqual({ $case: 'subscribe', value: { items: [{ symbol: 'SYM0002', mode: SubscriptionMode.FULL }, { symbol: 'SYM0003', mode: SubscriptionMode.FULL }] } });
    receive(concatBatch([encodeServerMessage(ack), encodeServerMessage(updateMessage(update(-500, true)))]), true);
    expect(c.isReady).toBe(true);
    receive(encodeServerMessage(updateMessage(update(0))), true, 3);
    expect(tally).toMatchObject({ updates: 1, snapshots: 1, malformedFrames: 0 });
    expect(tally.latency.quantileUs(1)).toBeGreaterThanOrEqual(2_900);
  });

  it('tickwire-proto: a refused subscription fails the connection', () => {
    const { c, receive } = harness('tickwire-proto');
    receive(encodeServerMessage(welcome), true);
    receive(encodeServerMessage({ body: { $case: 'subscribeAck', value: { id: 1, results: [{ symbol: 'SYM0002', code: SubscriptionResultCode.NOT_ENTITLED, mode: SubscriptionMode.FULL }] } } }), true);
    expect(c.isReady).toBe(false);
    expect(c.failure).toMatch(/1 of 1 not ok/);
  });

  it('tickwire-json: the same handshake and counting on text frames', () => {
    const { c, tally, receive } = harness('tickwire-json');
    receive(encodeServerJson(welcome), false);
    const subscribe = decodeClientJson(c.sent[0] as string);
    expect(subscribe.ok && subscribe.message.body).toEqual({ $case: 'subscribe', value: { items: [{ symbol: 'SYM0002', mode: SubscriptionMode.FULL }, { symbol: 'SYM0003', mode: SubscriptionMode.FULL }] } });
    receive(`{"type":"batch","messages":[${encodeServerJson(ack)},${encodeServerJson(updateMessage(update(-500, true)))}]}`, false);
    expect(c.isReady).toBe(true);
    receive(`{"type":"batch","messages":[${encodeServerJson(updateMessage(update(0)))},${encodeServerJson(updateMessage(update(1)))}]}`, false, 2);
    expect(tally).toMatchObject({ updates: 2, snapshots: 1, malformedFrames: 0 });
  });

  it('nats: INFO -> CONNECT, a SUB per subject, PING; the PONG makes it ready; MSG payloads across frames; PINGs answered', () => {
    const { c, tally, receive } = harness('nats');
    receive('INFO {"server_id":"x","headers":true}\r\n', true);
    const sent = String(c.sent[0]);
    expect(sent).toMatch(/^CONNECT \{.*"verbose":false.*\}\r\n/);
    expect(sent.split('\r\n').slice(1)).toEqual(['SUB md.tick.2.SYM0002 1', 'SUB md.tick.3.SYM0003 2', 'PING', '']);
    receive('PONG\r\n', true);
    expect(c.isReady).toBe(true);
    const payload = MarketUpdate.encode(update(0)).finish();
    const msg = Buffer.concat([Buffer.from(`MSG md.tick.2.SYM0002 1 ${payload.length}\r\n`), payload, Buffer.from('\r\nPING\r\n')]);
    receive(msg.subarray(0, 30), true, 1);
    receive(msg.subarray(30), true, 4);
    expect(tally).toMatchObject({ updates: 1, frames: 4, malformedFrames: 0 });
    expect(tally.latency.quantileUs(1)).toBeGreaterThanOrEqual(3_900);
    expect(String(c.sent[1])).toBe('PONG\r\n');
  });

  it('socketio: engine open -> 40; namespace connect -> 420["subscribe",[...]]; ack -> ready; events counted; pings answered', () => {
    const { c, tally, receive } = harness('socketio');
    receive('0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}', false);
    expect(c.sent).toEqual(['40']);
    receive('40{"sid":"b"}', false);
    expect(c.sent[1]).toBe('420["subscribe",["SYM0002","SYM0003"]]');
    receive('430[2]', false);
    expect(c.isReady).toBe(true);
    receive(`42["update",${JSON.stringify(MarketUpdate.toJSON(update(0)))}]`, false, 2);
    receive('2', false);
    expect(c.sent[2]).toBe('3');
    expect(tally).toMatchObject({ updates: 1, malformedFrames: 0 });
  });

  it('plain-ws: subscribe on open, ready on "subscribed", JSON updates counted', () => {
    const { c, tally, receive } = harness('plain-ws');
    expect(JSON.parse(c.sent[0] as string)).toEqual({ type: 'subscribe', symbols: ['SYM0002', 'SYM0003'] });
    receive('{"type":"subscribed","count":2}', false);
    expect(c.isReady).toBe(true);
    receive(JSON.stringify(MarketUpdate.toJSON(update(0))), false, 1);
    expect(tally).toMatchObject({ updates: 1, malformedFrames: 0 });
  });
});
