import WebSocket from 'ws';
import { symbolStateFromUpdate, TickwireClient, type ConnectionStatus, type Encoding, type Mode, type ReconnectOptions, type StatusDetail, type SubscriptionResult, type SymbolState } from '@tickwire/client';
import { MODE_FIELDS, projectUpdate, SubscriptionMode, type MarketUpdate } from '@tickwire/protocol';
import { syntheticTick } from '@tickwire/testing';
import type { SyntheticMarket } from './synthetic-market';
import { hs256Token } from './test-tokens';

const MODE_WIRE: Readonly<Record<Mode, SubscriptionMode>> = { ltp: SubscriptionMode.LTP, quote: SubscriptionMode.QUOTE, full: SubscriptionMode.FULL };
export const SDK_MODES: readonly Mode[] = ['ltp', 'quote', 'full'];

/** What one client of the fleet is: its encoding, the mode it asks and the symbols it wants. */
export interface SdkClientPlan {
  readonly encoding: Encoding;
  readonly mode: Mode;
  readonly symbols: readonly string[];
}

export interface StatusRecord {
  readonly status: ConnectionStatus;
  readonly detail: StatusDetail;
  readonly atMs: number;
}

/**
 * The comparable part of a client's state: everything but the local receive time and the publish time
 * (the synthetic market stamps it with the clock), VWAP to 12 digits (JSON divides it).
 */
export function comparableState(state: Readonly<SymbolState> | undefined): unknown {
  if (state === undefined) return undefined;
  const { updatedAtMs: _updatedAtMs, publishTsMs: _publishTsMs, vwap, ...rest } = state;
  return { ...rest, vwap: vwap === undefined ? undefined : Number(vwap.toPrecision(12)) };
}

/** What a client in `mode` must hold once it has caught up with `update` (a full state, as md.tick carries). */
export function expectedState(update: MarketUpdate, mode: Mode): unknown {
  return comparableState(symbolStateFromUpdate({ ...projectUpdate(update, MODE_FIELDS[MODE_WIRE[mode]]), snapshot: true }, mode, 0));
}

/** A `@tickwire/client` TickwireClient as a Node program makes one (`ws` sockets), recording what it reports. */
export class RecordedClient {
  readonly client: TickwireClient;
  readonly statuses: StatusRecord[] = [];
  readonly welcomesAtMs: number[] = [];
  readonly results: SubscriptionResult[] = [];
  /** Per symbol: when the latest update was applied. */
  readonly updatedAtMs = new Map<string, number>();
  /** Updates whose seq was below one already applied in the same epoch (must stay 0). */
  backwards = 0;
  /** Updates applied with `stale` set, per symbol. */
  readonly staleUpdates = new Map<string, number>();
  private readonly held = new Map<string, { epoch: number; seq: number }>();

  constructor(
    url: string,
    readonly plan: SdkClientPlan,
    reconnect: ReconnectOptions,
  ) {
    this.client = new TickwireClient({ url, encoding: plan.encoding, token: () => hs256Token(), createSocket: (socketUrl, protocols) => new WebSocket(socketUrl, protocols), reconnect });
    this.client.on('status', (status, detail) => this.statuses.push({ status, detail, atMs: Date.now() }));
    this.client.on('welcome', () => this.welcomesAtMs.push(Date.now()));
    this.client.on('subscription', (result) => this.results.push(result));
    this.client.on('update', (state) => {
      const previous = this.held.get(state.symbol);
      if (previous !== undefined && previous.epoch === state.epoch && state.seq < previous.seq) this.backwards++;
      this.held.set(state.symbol, { epoch: state.epoch, seq: state.seq });
      this.updatedAtMs.set(state.symbol, Date.now());
      if (state.stale) this.staleUpdates.set(state.symbol, (this.staleUpdates.get(state.symbol) ?? 0) + 1);
    });
  }

  /** Connects and subscribes its plan; resolves with the results of the subscribe call. */
  start(): Promise<SubscriptionResult[]> {
    this.client.connect();
    return this.client.subscribe(this.plan.symbols, this.plan.mode);
  }

  /** The client lost its connection after `sinceMs`. */
  lostSince(sinceMs: number): boolean {
    return this.statuses.some((s) => s.atMs >= sinceMs && s.status === 'reconnecting');
  }

  /** A welcome after `sinceMs` and, after it, an update for every symbol: the client is served again. */
  servedSince(sinceMs: number): number | undefined {
    const welcome = this.welcomesAtMs.find((at) => at >= sinceMs);
    if (welcome === undefined) return undefined;
    let served = welcome;
    for (const symbol of this.plan.symbols) {
      const at = this.updatedAtMs.get(symbol);
      if (at === undefined || at < welcome) return undefined;
      served = Math.max(served, at);
    }
    return served;
  }

  /** Every symbol's state equals the synthetic market's last published state. */
  caughtUp(market: SyntheticMarket): boolean {
    return this.caughtUpWith((symbol) => syntheticTick(symbol, market.lastSeq(symbol)));
  }

  /** Every symbol's state equals `latest(symbol)`, the last full state published on md.tick. */
  caughtUpWith(latest: (symbol: string) => MarketUpdate | undefined): boolean {
    return this.plan.symbols.every((symbol) => {
      const update = latest(symbol);
      return update !== undefined && JSON.stringify(comparableState(this.client.state(symbol))) === JSON.stringify(expectedState(update, this.plan.mode));
    });
  }

  get closedForGood(): boolean {
    return this.statuses.some((s) => s.status === 'closed');
  }
}

/**
 * `count` plans over `symbols`: encodings alternate, modes rotate, each client wants `perClient`
 * consecutive symbols starting at its own offset, so every symbol is wanted in every mode and encoding.
 */
export function fleetPlans(count: number, symbols: readonly string[], perClient: number): SdkClientPlan[] {
  return Array.from({ length: count }, (_, i) => ({
    encoding: i % 2 === 0 ? 'json' : 'proto',
    mode: SDK_MODES[Math.floor(i / 2) % SDK_MODES.length]!,
    symbols: Array.from({ length: perClient }, (_, k) => symbols[(i + k) % symbols.length]!),
  }));
}

/** Starts a client per plan, `concurrency` at a time; resolves once every one is subscribed with `ok` throughout. */
export async function startFleet(url: string, plans: readonly SdkClientPlan[], reconnect: ReconnectOptions, concurrency = 20): Promise<RecordedClient[]> {
  const clients: RecordedClient[] = [];
  for (let i = 0; i < plans.length; i += concurrency) {
    const batch = plans.slice(i, i + concurrency).map((plan) => new RecordedClient(url, plan, reconnect));
    clients.push(...batch);
    const results = await Promise.all(batch.map((client) => client.start()));
    const refused = results.flat().filter((result) => result.code !== 'ok');
    if (refused.length > 0) throw new Error(`fleet client not subscribed: ${JSON.stringify(refused.slice(0, 5))}`);
  }
  return clients;
}
