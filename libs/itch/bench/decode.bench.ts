/**
 * Scenario `itch-decode`: BinaryFILE framing + flyweight decoding throughput on one core.
 *
 * Builds (with the encoder) an in-memory BinaryFILE of N messages with a book-like mix (mostly A/D/E/X/U/P,
 * a few F/C/Q/S/R/H/I), then, per run, pushes it through a `BinaryFileFramer` in 64 KiB chunks (as a file
 * stream would arrive) and wraps an `ItchMessageView` over every record, reading the fields a book builder
 * uses. Reports the median over the runs; the last stdout line is one JSON object.
 *
 *   npm run bench -- [--quick] [--json] [--messages N] [--runs R]
 *   (or: npx tsc -p tsconfig.bench.json && node dist-bench/bench/decode.bench.js --quick --json)
 */
import { BinaryFileFramer } from '../src/binaryfile/framer';
import { BinaryFileWriter } from '../src/binaryfile/writer';
import { CHECK_OK } from '../src/message/check';
import { MessageType } from '../src/message/message-type';
import type { AddOrderMessage, AddOrderMpidMessage, CrossTradeMessage, ItchMessage, NoiiMessage, OrderCancelMessage, OrderDeleteMessage, OrderExecutedMessage, OrderExecutedWithPriceMessage, OrderReplaceMessage, StockDirectoryMessage, StockTradingActionMessage, SystemEventMessage, TradeMessage } from '../src/message/types';
import { ItchMessageView } from '../src/message/view';

interface Options {
  messages: number;
  runs: number;
  json: boolean;
  chunk: number;
}

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const value = (flag: string): number | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const n = Number(argv[i + 1]);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got ${argv[i + 1]}`);
    return n;
  };
  return {
    messages: value('--messages') ?? (quick ? 1_000_000 : 10_000_000),
    runs: value('--runs') ?? (quick ? 5 : 7),
    json: argv.includes('--json'),
    chunk: value('--chunk') ?? 65_536,
  };
}

/** xorshift32: deterministic, so every run of the benchmark sees the same file. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Builds the in-memory BinaryFILE: mutable per-type templates, so building allocates little. */
function buildFile(n: number): { bytes: Uint8Array; mix: Record<string, number> } {
  const random = rng(0x1712);
  const w = new BinaryFileWriter(n * 32);
  const symbols = ['AAPL', 'MSFT', 'AMZN', 'NVDA', 'GOOGL', 'META', 'TSLA', 'QQQ'];
  const mix: Record<string, number> = {};
  let ts = 4 * 3600e9;
  let nextRef = 1;
  let match = 1;
  const header = { stockLocate: 1, trackingNumber: 0, timestampNs: 0 };
  const add: Mutable<AddOrderMessage> = { type: 'A', ...header, orderRef: 0, side: 'B', shares: 100, stock: 'AAPL', price: 1_500_000 };
  const addMpid: Mutable<AddOrderMpidMessage> = { ...add, type: 'F', attribution: 'GSCO' };
  const del: Mutable<OrderDeleteMessage> = { type: 'D', ...header, orderRef: 0 };
  const exec: Mutable<OrderExecutedMessage> = { type: 'E', ...header, orderRef: 0, executedShares: 0, matchNumber: 0 };
  const execPx: Mutable<OrderExecutedWithPriceMessage> = { ...exec, type: 'C', printable: 'Y', executionPrice: 0 };
  const cancel: Mutable<OrderCancelMessage> = { type: 'X', ...header, orderRef: 0, canceledShares: 0 };
  const replace: Mutable<OrderReplaceMessage> = { type: 'U', ...header, originalOrderRef: 0, newOrderRef: 0, shares: 0, price: 0 };
  const trade: Mutable<TradeMessage> = { type: 'P', ...header, orderRef: 0, side: 'B', shares: 0, stock: 'AAPL', price: 0, matchNumber: 0 };
  const cross: Mutable<CrossTradeMessage> = { type: 'Q', ...header, shares: 0, stock: 'AAPL', crossPrice: 0, matchNumber: 0, crossType: 'O' };
  const noii: Mutable<NoiiMessage> = {
    type: 'I', ...header, pairedShares: 0, imbalanceShares: 0, imbalanceDirection: 'B', stock: 'AAPL', farPrice: 0, nearPrice: 0, currentReferencePrice: 0, crossType: 'O', priceVariationIndicator: ' ',
  };
  const system: Mutable<SystemEventMessage> = { type: 'S', ...header, stockLocate: 0, eventCode: 'O' };
  const directory: Mutable<StockDirectoryMessage> = {
    type: 'R', ...header, stock: 'AAPL', marketCategory: 'Q', financialStatusIndicator: 'N', roundLotSize: 100, roundLotsOnly: 'N', issueClassification: 'C', issueSubType: 'Z',
    authenticity: 'P', shortSaleThresholdIndicator: 'N', ipoFlag: ' ', luldReferencePriceTier: '1', etpFlag: 'N', etpLeverageFactor: 0, inverseIndicator: 'N',
  };
  const action: Mutable<StockTradingActionMessage> = { type: 'H', ...header, stock: 'AAPL', tradingState: 'T', reserved: ' ', reason: '' };
  for (let i = 0; i < symbols.length; i++) {
    directory.stockLocate = i + 1;
    directory.stock = symbols[i]!;
    w.appendMessage(directory);
    action.stockLocate = i + 1;
    action.stock = symbols[i]!;
    w.appendMessage(action);
  }
  w.appendMessage(system);
  const live = (): number => Math.max(1, nextRef - 1 - Math.floor(random() * 5000));
  for (let i = w.records; i < n; i++) {
    ts += Math.floor(random() * 2000);
    const locate = 1 + Math.floor(random() * symbols.length);
    const r = random() * 1000;
    let m: ItchMessage;
    if (r < 380) {
      add.orderRef = nextRef++;
      add.side = random() < 0.5 ? 'B' : 'S';
      add.shares = 100 * (1 + Math.floor(random() * 10));
      add.stock = symbols[locate - 1]!;
      add.price = 1_000_000 + Math.floor(random() * 10_000) * 100;
      m = add;
    } else if (r < 720) {
      del.orderRef = live();
      m = del;
    } else if (r < 800) {
      exec.orderRef = live();
      exec.executedShares = 100;
      exec.matchNumber = match++;
      m = exec;
    } else if (r < 860) {
      cancel.orderRef = live();
      cancel.canceledShares = 100;
      m = cancel;
    } else if (r < 940) {
      replace.originalOrderRef = live();
      replace.newOrderRef = nextRef++;
      replace.shares = 200;
      replace.price = 1_000_000 + Math.floor(random() * 10_000) * 100;
      m = replace;
    } else if (r < 985) {
      trade.shares = 100;
      trade.stock = symbols[locate - 1]!;
      trade.price = 1_200_000;
      trade.matchNumber = match++;
      m = trade;
    } else if (r < 992) {
      addMpid.orderRef = nextRef++;
      addMpid.stock = symbols[locate - 1]!;
      m = addMpid;
    } else if (r < 996) {
      execPx.orderRef = live();
      execPx.executedShares = 100;
      execPx.matchNumber = match++;
      execPx.executionPrice = 1_200_100;
      m = execPx;
    } else if (r < 998) {
      noii.pairedShares = Math.floor(random() * 1e6);
      noii.stock = symbols[locate - 1]!;
      m = noii;
    } else {
      cross.shares = Math.floor(random() * 1e6);
      cross.stock = symbols[locate - 1]!;
      cross.matchNumber = match++;
      m = cross;
    }
    const mm = m as Mutable<typeof m>;
    mm.stockLocate = locate;
    mm.timestampNs = ts;
    w.appendMessage(m);
    mix[m.type] = (mix[m.type] ?? 0) + 1;
  }
  return { bytes: w.view(), mix };
}

// --- the measured work: what a book builder reads from each message ---
const view = new ItchMessageView();
/** Accumulator the JIT cannot drop; a Float64Array slot so storing a double allocates nothing. */
const sink = new Float64Array(1);
let invalid = 0;

function onMessage(bytes: Uint8Array, offset: number, length: number): void {
  if (view.wrap(bytes, offset, length) !== CHECK_OK) {
    invalid++;
    return;
  }
  // The generic getters dispatch on the type through precomputed offset tables (0 when the type has no
  // such field), which is how a book builder reads A/F/E/C/X/D/U/P without a getter call site per case.
  let acc = view.stockLocate + view.timestampNs + view.orderRef + view.side + view.shares + view.price;
  const type = view.type;
  if (type === MessageType.OrderReplace) acc += view.newOrderRef;
  else if (type === MessageType.Trade || type === MessageType.CrossTrade || type === MessageType.OrderExecuted || type === MessageType.OrderExecutedWithPrice) acc += view.matchNumber;
  sink[0] += acc;
}

function runOnce(file: Uint8Array, chunk: number): { ns: number; messages: number } {
  const framer = new BinaryFileFramer(onMessage);
  const start = process.hrtime.bigint();
  for (let at = 0; at < file.length; at += chunk) framer.push(file.subarray(at, at + chunk));
  framer.end();
  const ns = Number(process.hrtime.bigint() - start);
  if (framer.errors !== 0) throw new Error(`framing errors: ${framer.errors}`);
  return { ns, messages: framer.messages };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string): void => {
    if (!options.json) console.log(line);
  };
  const t0 = process.hrtime.bigint();
  const { bytes, mix } = buildFile(options.messages);
  log(`built ${options.messages.toLocaleString()} messages (${(bytes.length / 2 ** 20).toFixed(1)} MiB) in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms; mix ${JSON.stringify(mix)}`);
  runOnce(bytes, options.chunk); // warm-up: let the JIT settle before measuring
  const rates: number[] = [];
  const nsPerMsg: number[] = [];
  for (let r = 0; r < options.runs; r++) {
    const { ns, messages } = runOnce(bytes, options.chunk);
    if (messages !== options.messages) throw new Error(`framed ${messages} of ${options.messages} messages`);
    rates.push((messages / ns) * 1e9);
    nsPerMsg.push(ns / messages);
    log(`run ${r + 1}: ${(rates[r]! / 1e6).toFixed(1)} M msgs/s (${nsPerMsg[r]!.toFixed(2)} ns/msg)`);
  }
  if (invalid !== 0) throw new Error(`${invalid} invalid messages`);
  console.log(
    JSON.stringify({
      scenario: 'itch-decode',
      messages: options.messages,
      bytes: bytes.length,
      runs: options.runs,
      chunkBytes: options.chunk,
      medianMsgsPerSec: Math.round(median(rates)),
      medianNsPerMsg: Number(median(nsPerMsg).toFixed(2)),
      minNsPerMsg: Number(Math.min(...nsPerMsg).toFixed(2)),
      maxNsPerMsg: Number(Math.max(...nsPerMsg).toFixed(2)),
      node: process.version,
      checksum: sink[0],
    }),
  );
}

main();
