import WebSocket from 'ws';
import { TickwireClient, type Encoding, type SymbolState } from '@tickwire/client';
import { decodeServerJson, decodeServerMessage, type MarketUpdate, type ServerMessage } from '@tickwire/protocol';
import { hs256Token } from './test-tokens';

/** One update as it came off the wire, before the SDK merged (or dropped) it. */
interface Arrival {
  readonly seq: bigint;
  readonly epoch: bigint;
  readonly prevSeq: bigint | undefined;
  readonly snapshot: boolean;
  readonly atMs: number;
  /** The normalizer's publish time, Unix ms. */
  readonly publishedMs: number;
}

/** What one symbol's stream went through, by the rules of docs/protocol.md ("Subscribe flow"). */
export interface SymbolAudit {
  readonly symbol: string;
  readonly updates: number;
  readonly snapshots: number;
  /** Deltas that did not follow the state held (prev_seq past it, or a new epoch): the SDK must resync. */
  readonly gaps: number;
  /** Rule breaks: a delta with a seq already held, a snapshot older than the state held, an epoch going back. */
  readonly violations: readonly string[];
  /** A gap after which no snapshot came: data silently skipped. */
  readonly unrepaired: boolean;
}

/**
 * A `@tickwire/client` TickwireClient subscribed in `full` mode, with a tap on its socket that records
 * every update as received (every connection of the client, in arrival order): the evidence that what it
 * showed its user never skipped or repeated a seq.
 */
export class AuditedClient {
  readonly client: TickwireClient;
  private readonly arrivals = new Map<string, Arrival[]>();
  /** Arrival times of every update, for "is it flowing" questions. */
  private lastArrivalMs = 0;
  welcomes = 0;

  constructor(
    url: string,
    readonly encoding: Encoding,
    readonly symbols: readonly string[],
  ) {
    this.client = new TickwireClient({
      url,
      encoding,
      token: () => hs256Token(),
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
      createSocket: (socketUrl, protocols) => {
        const socket = new WebSocket(socketUrl, protocols);
        // The SDK sets binaryType 'arraybuffer', which ws honours for every listener.
        socket.on('message', (data: Buffer | ArrayBuffer, isBinary: boolean) => this.record(data instanceof ArrayBuffer ? Buffer.from(data) : data, isBinary));
        return socket;
      },
    });
    this.client.on('welcome', () => this.welcomes++);
  }

  /** Connects and subscribes to every symbol in `full` mode; throws unless each one is `ok`. */
  async start(): Promise<void> {
    this.client.connect();
    const refused = (await this.client.subscribe(this.symbols, 'full')).filter((result) => result.code !== 'ok');
    if (refused.length > 0) throw new Error(`${this.encoding} client refused: ${JSON.stringify(refused)}`);
  }

  /** Updates received so far (snapshots included). */
  get received(): number {
    let total = 0;
    for (const list of this.arrivals.values()) total += list.length;
    return total;
  }

  get quietForMs(): number {
    return Date.now() - this.lastArrivalMs;
  }

  /** Of `symbols`, those that received no update published at or after `sinceMs`. */
  stalledSince(sinceMs: number, symbols: readonly string[] = this.symbols): string[] {
    return symbols.filter((symbol) => !(this.arrivals.get(symbol) ?? []).some((a) => a.publishedMs >= sinceMs));
  }

  /** Updates of `symbol` that arrived in [fromMs, toMs). */
  arrivedBetween(symbol: string, fromMs: number, toMs: number): number {
    return (this.arrivals.get(symbol) ?? []).filter((a) => a.atMs >= fromMs && a.atMs < toMs).length;
  }

  /** Delivery latencies (arrival - publish, ms) of the deltas that arrived in [fromMs, toMs). */
  latencies(fromMs: number, toMs: number): number[] {
    const out: number[] = [];
    for (const list of this.arrivals.values()) for (const a of list) if (!a.snapshot && a.atMs >= fromMs && a.atMs < toMs) out.push(a.atMs - a.publishedMs);
    return out;
  }

  /** The SDK's state of `symbol`, without the time this client applied it. */
  state(symbol: string): Omit<SymbolState, 'updatedAtMs'> | undefined {
    const state = this.client.state(symbol);
    if (state === undefined) return undefined;
    const { updatedAtMs: _applied, ...rest } = state;
    return rest;
  }

  /** Every symbol's stream against the merge rules. */
  audit(): SymbolAudit[] {
    return this.symbols.map((symbol) => auditStream(symbol, this.arrivals.get(symbol) ?? []));
  }

  close(): void {
    this.client.close();
  }

  private record(data: Buffer, isBinary: boolean): void {
    const decoded = isBinary ? decodeServerMessage(data) : decodeServerJson(data.toString('utf8'));
    if (!decoded.ok) return; // the SDK reports it; nothing an update audit can use
    const atMs = Date.now();
    const message = decoded.message;
    const messages: readonly ServerMessage[] = message.body?.$case === 'batch' ? message.body.value.messages : [message];
    for (const m of messages) if (m.body?.$case === 'update') this.recordUpdate(m.body.value, atMs);
  }

  private recordUpdate(update: MarketUpdate, atMs: number): void {
    let list = this.arrivals.get(update.symbol);
    if (list === undefined) this.arrivals.set(update.symbol, (list = []));
    list.push({ seq: update.seq, epoch: update.epoch, prevSeq: update.prevSeq, snapshot: update.snapshot === true, atMs, publishedMs: Number(update.publishTsNs / 1_000_000n) });
    this.lastArrivalMs = atMs;
  }
}

/**
 * The merge rules, strictly: a snapshot replaces the state unless older (same epoch, lower seq); a delta
 * applies when `prev_seq <= held < seq`; a delta with `seq <= held` in the same epoch is a duplicate; a
 * delta past the held seq, or of a newer epoch, is a gap: the state is dropped and deltas are ignored
 * until a snapshot (the SDK's resync) arrives.
 */
function auditStream(symbol: string, arrivals: readonly Arrival[]): SymbolAudit {
  const violations: string[] = [];
  let held: { seq: bigint; epoch: bigint } | undefined;
  let awaitingSnapshot = false;
  let snapshots = 0;
  let gaps = 0;
  for (const a of arrivals) {
    if (a.snapshot) {
      snapshots++;
      if (held !== undefined && a.epoch < held.epoch) violations.push(`snapshot of epoch ${a.epoch} after epoch ${held.epoch}`);
      else if (held !== undefined && a.epoch === held.epoch && a.seq < held.seq) violations.push(`snapshot ${a.seq} older than held ${held.seq}`);
      else held = { seq: a.seq, epoch: a.epoch };
      awaitingSnapshot = false;
      continue;
    }
    if (held === undefined) {
      violations.push(`delta ${a.seq} before any snapshot`);
      continue;
    }
    if (a.epoch < held.epoch) {
      violations.push(`delta of epoch ${a.epoch} after epoch ${held.epoch}`);
      continue;
    }
    if (a.epoch === held.epoch && a.seq <= held.seq) {
      violations.push(`duplicate seq ${a.seq} (held ${held.seq})`);
      continue;
    }
    if (awaitingSnapshot) continue;
    const prev = a.prevSeq ?? a.seq - 1n;
    if (a.epoch !== held.epoch || prev > held.seq) {
      gaps++;
      awaitingSnapshot = true;
      continue;
    }
    held = { seq: a.seq, epoch: a.epoch };
  }
  return { symbol, updates: arrivals.length, snapshots, gaps, violations, unrepaired: awaitingSnapshot };
}
