/**
 * Who opens which connection, from which address, subscribed to what: pure functions of the connection's
 * global index, so every worker process computes its share alone and the coordinator knows exactly how
 * many deliveries to expect.
 */

/** Sockets one worker process may hold: the per-process open-file limit here is 20,000, and a worker needs a few spare. */
export const DEFAULT_MAX_SOCKETS_PER_WORKER = 9_000;
/** Loopback source addresses used by default (127.0.0.1..127.0.0.16): each has its own ~28k ephemeral ports. */
export const DEFAULT_SOURCE_ADDRESSES = 16;

export interface IndexRange {
  readonly start: number;
  readonly count: number;
}

/** `total` items over `parts` consecutive ranges whose sizes differ by at most one. */
export function splitRange(total: number, parts: number): IndexRange[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`total must be a non-negative integer, got ${total}`);
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`parts must be a positive integer, got ${parts}`);
  const ranges: IndexRange[] = [];
  const base = Math.floor(total / parts);
  const extra = total % parts;
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const count = base + (i < extra ? 1 : 0);
    ranges.push({ start, count });
    start += count;
  }
  return ranges;
}

/** Worker processes needed for `connections` sockets, at least `minWorkers`. */
export function workerCountFor(connections: number, minWorkers = 2, maxPerWorker = DEFAULT_MAX_SOCKETS_PER_WORKER): number {
  return Math.max(minWorkers, Math.ceil(connections / maxPerWorker));
}

/** The loopback source address of connection `index`: 127.0.0.1, .2, ... .addressCount, round robin. */
export function sourceAddress(index: number, addressCount: number): string {
  if (!Number.isInteger(addressCount) || addressCount < 1 || addressCount > 254) throw new RangeError(`addressCount must be in 1..254, got ${addressCount}`);
  return `127.0.0.${1 + (index % addressCount)}`;
}

/** The symbol of index `i`: `SYM0000`, `SYM0001`, ... */
export function symbolName(i: number): string {
  return `SYM${String(i).padStart(4, '0')}`;
}

/**
 * The symbol indexes connection `index` subscribes to: `perConnection` consecutive symbols (mod `symbolCount`)
 * starting at `index * perConnection`, so subscriptions spread evenly over the symbols.
 */
export function symbolsOf(index: number, perConnection: number, symbolCount: number): number[] {
  if (perConnection > symbolCount) throw new RangeError(`${perConnection} subscriptions per connection need at least as many symbols, got ${symbolCount}`);
  const out: number[] = [];
  const first = (index * perConnection) % symbolCount;
  for (let j = 0; j < perConnection; j++) out.push((first + j) % symbolCount);
  return out;
}

/** How many of connections 0..connections-1 subscribe to each symbol (the fan-out of one update of it). */
export function subscribersPerSymbol(connections: number, perConnection: number, symbolCount: number): number[] {
  const counts = new Array<number>(symbolCount).fill(0);
  for (let c = 0; c < connections; c++) for (const s of symbolsOf(c, perConnection, symbolCount)) counts[s]!++;
  return counts;
}

/**
 * An order to publish symbols in so that every connection (subscribed to `perConnection` consecutive symbols,
 * `symbolsOf`) gets an update every `symbolCount / perConnection` publishes: one symbol of each block in
 * turn, instead of one burst per block per cycle. Plain round robin when the blocks do not tile the symbols.
 */
export function interleavedSymbolOrder(symbolCount: number, perConnection: number): number[] {
  if (perConnection < 1 || symbolCount % perConnection !== 0) return Array.from({ length: symbolCount }, (_, i) => i);
  const blocks = symbolCount / perConnection;
  return Array.from({ length: symbolCount }, (_, k) => (k % blocks) * perConnection + Math.floor(k / blocks));
}
