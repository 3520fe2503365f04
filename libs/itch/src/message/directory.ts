import { ItchError } from '../errors';
import { CHECK_OK, checkMessage } from './check';
import { decodeMessage } from './decode';
import { writeAlpha } from './encode';
import type { StockDirectoryMessage } from './types';
import type { ItchMessageView } from './view';

const LOCATES = 65536;
const R = 0x52;
const SCRATCH = new Uint8Array(8);

/**
 * Stock Locate -> instrument, filled from 'R' (Stock Directory) messages. Symbols are decoded once per
 * 'R' message (one string and one entry object each), so per-message lookups are array loads:
 * `directory.symbolOf(view.stockLocate)`. Locates are day-scoped: `clear()` between sessions.
 */
export class StockDirectory {
  private readonly symbols = new Array<string | undefined>(LOCATES).fill(undefined);
  private readonly entries = new Array<StockDirectoryMessage | undefined>(LOCATES).fill(undefined);
  private readonly byLocate = new Map<string, number>();
  /**
   * Raw padded 8-byte symbols, locate `n` at `n * 8`: compare without strings via
   * `view.stockEquals(directory.rawSymbols, locate * 8)`. Read-only for callers.
   */
  readonly rawSymbols = new Uint8Array(LOCATES * 8);
  private count = 0;

  /** Number of locates with an entry. */
  get size(): number {
    return this.count;
  }

  /** Records the instrument of an 'R' message (replacing any previous entry for its locate). */
  add(entry: StockDirectoryMessage): void {
    const locate = entry.stockLocate;
    if (locate >>> 0 !== locate || locate >= LOCATES) throw new ItchError('ITCH_ERR_INT_RANGE', `stockLocate=${String(locate)}`);
    writeAlpha(SCRATCH, 0, entry.stock, 8, 'stock'); // validate before touching any state
    this.rawSymbols.set(SCRATCH, locate * 8);
    const previous = this.symbols[locate];
    if (previous === undefined) this.count++;
    else if (this.byLocate.get(previous) === locate) this.byLocate.delete(previous);
    this.symbols[locate] = entry.stock;
    this.entries[locate] = entry;
    this.byLocate.set(entry.stock, locate);
  }

  /** Adds the message under the view when it is an 'R'; returns whether it was. */
  applyView(view: ItchMessageView): boolean {
    return view.type === R && this.apply(view.bytes, view.offset, view.length);
  }

  /** Adds `bytes[offset .. offset + length)` when it is a well-formed 'R' message; returns whether it was. */
  apply(bytes: Uint8Array, offset: number, length: number): boolean {
    if (checkMessage(bytes, offset, length) !== CHECK_OK || bytes[offset] !== R) return false;
    this.add(decodeMessage(bytes, offset, length) as StockDirectoryMessage);
    return true;
  }

  /** Trimmed symbol for a locate, or undefined when no 'R' named it. */
  symbolOf(locate: number): string | undefined {
    return this.symbols[locate];
  }

  /** The full 'R' message (directory attributes) for a locate. */
  entryOf(locate: number): StockDirectoryMessage | undefined {
    return this.entries[locate];
  }

  /** Locate for a trimmed symbol, or -1. */
  locateOf(symbol: string): number {
    return this.byLocate.get(symbol) ?? -1;
  }

  /** The known symbol when `bytes[p .. p + 8)` equals this locate's raw symbol; else undefined. */
  symbolIfRawMatches(locate: number, bytes: Uint8Array, p: number): string | undefined {
    const symbol = this.symbols[locate];
    if (symbol === undefined) return undefined;
    const raw = this.rawSymbols;
    const q = locate * 8;
    for (let i = 0; i < 8; i++) if (bytes[p + i] !== raw[q + i]) return undefined;
    return symbol;
  }

  clear(): void {
    this.symbols.fill(undefined);
    this.entries.fill(undefined);
    this.byLocate.clear();
    this.rawSymbols.fill(0);
    this.count = 0;
  }
}
