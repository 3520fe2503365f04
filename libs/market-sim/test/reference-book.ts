import type { ItchMessage } from '@tickwire/itch';

interface Order {
  readonly locate: number;
  readonly side: string;
  readonly price: number;
  shares: number;
}

/**
 * An independent replay of an ITCH stream into per-symbol books (a map of live orders), written for the
 * tests: it knows nothing of the generator and records every inconsistency it sees as a readable string.
 */
export class ReferenceBook {
  readonly problems: string[] = [];
  readonly orders = new Map<number, Order>();
  readonly symbols = new Map<number, string>();
  readonly halted = new Set<number>();
  private readonly byLocate = new Map<number, Set<number>>();
  private lastRef = 0;
  private lastMatch = 0;
  private lastTs = -1;
  private index = -1;

  apply(m: ItchMessage): void {
    this.index++;
    if (m.timestampNs < this.lastTs) this.problem(m, `timestamp ${m.timestampNs} < previous ${this.lastTs}`);
    this.lastTs = m.timestampNs;
    switch (m.type) {
      case 'R':
        if (this.symbols.has(m.stockLocate)) this.problem(m, 'locate listed twice');
        this.symbols.set(m.stockLocate, m.stock);
        break;
      case 'H':
        this.checkStock(m, m.stock);
        if (m.tradingState === 'H') this.halted.add(m.stockLocate);
        else if (m.tradingState === 'T') this.halted.delete(m.stockLocate);
        break;
      case 'A':
      case 'F':
        this.checkStock(m, m.stock);
        this.checkTrading(m);
        this.add(m, m.orderRef, m.side, m.price, m.shares);
        break;
      case 'E':
      case 'C': {
        this.checkTrading(m);
        this.checkMatch(m, m.matchNumber);
        const o = this.live(m, m.orderRef);
        if (!o) break;
        if (m.executedShares <= 0 || m.executedShares > o.shares) this.problem(m, `executes ${m.executedShares} of ${o.shares}`);
        this.reduce(m.orderRef, o, m.executedShares);
        if (m.type === 'C' && m.executionPrice <= 0) this.problem(m, 'execution price 0');
        break;
      }
      case 'X': {
        const o = this.live(m, m.orderRef);
        if (!o) break;
        if (m.canceledShares <= 0 || m.canceledShares > o.shares) this.problem(m, `cancels ${m.canceledShares} of ${o.shares}`);
        this.reduce(m.orderRef, o, m.canceledShares);
        break;
      }
      case 'D':
        if (this.live(m, m.orderRef)) this.remove(m.orderRef);
        break;
      case 'U': {
        this.checkTrading(m);
        const o = this.live(m, m.originalOrderRef);
        if (!o) break;
        this.remove(m.originalOrderRef);
        this.add(m, m.newOrderRef, o.side, m.price, m.shares);
        break;
      }
      case 'P':
        this.checkStock(m, m.stock);
        this.checkTrading(m);
        this.checkMatch(m, m.matchNumber);
        if (m.orderRef !== 0 || m.side !== 'B') this.problem(m, 'P must carry ref 0 and side B');
        break;
      case 'Q':
        this.checkStock(m, m.stock);
        this.checkTrading(m);
        this.checkMatch(m, m.matchNumber);
        break;
      case 'S':
        if (m.stockLocate !== 0) this.problem(m, 'system event with a locate');
        break;
      default:
        this.problem(m, `unexpected type ${m.type}`);
    }
  }

  /** Best bid and ask of a symbol's displayed book (-1 when a side is empty). */
  touch(locate: number): { bid: number; ask: number } {
    let bid = -1;
    let ask = -1;
    for (const ref of this.byLocate.get(locate) ?? []) {
      const o = this.orders.get(ref)!;
      if (o.side === 'B') bid = Math.max(bid, o.price);
      else ask = ask < 0 ? o.price : Math.min(ask, o.price);
    }
    return { bid, ask };
  }

  private add(m: ItchMessage, ref: number, side: string, price: number, shares: number): void {
    if (!this.symbols.has(m.stockLocate)) this.problem(m, 'unknown locate');
    if (ref <= this.lastRef) this.problem(m, `order ref ${ref} not above ${this.lastRef}`);
    if (this.orders.has(ref)) this.problem(m, `order ref ${ref} reused`);
    if (side !== 'B' && side !== 'S') this.problem(m, `side ${side}`);
    if (shares <= 0 || price <= 0 || price % 100 !== 0) this.problem(m, `shares ${shares} price ${price}`);
    this.lastRef = Math.max(this.lastRef, ref);
    this.orders.set(ref, { locate: m.stockLocate, side, price, shares });
    let set = this.byLocate.get(m.stockLocate);
    if (!set) this.byLocate.set(m.stockLocate, (set = new Set()));
    set.add(ref);
    const { bid, ask } = this.touch(m.stockLocate);
    if (bid >= 0 && ask >= 0 && bid >= ask) this.problem(m, `crossed book: bid ${bid} >= ask ${ask}`);
  }

  private live(m: ItchMessage, ref: number): Order | undefined {
    const o = this.orders.get(ref);
    if (!o) this.problem(m, `unknown order ref ${ref}`);
    else if (o.locate !== m.stockLocate) this.problem(m, `order ${ref} belongs to locate ${o.locate}`);
    return o;
  }

  private reduce(ref: number, o: Order, by: number): void {
    o.shares -= by;
    if (o.shares < 0) this.problem(undefined, `order ${ref} has ${o.shares} shares`);
    if (o.shares <= 0) this.remove(ref);
  }

  private remove(ref: number): void {
    const o = this.orders.get(ref)!;
    this.orders.delete(ref);
    this.byLocate.get(o.locate)!.delete(ref);
  }

  private checkStock(m: ItchMessage, stock: string): void {
    const known = this.symbols.get(m.stockLocate);
    if (known !== stock) this.problem(m, `stock ${stock} but locate ${m.stockLocate} is ${known}`);
  }

  private checkTrading(m: ItchMessage): void {
    if (this.halted.has(m.stockLocate)) this.problem(m, 'add, execution or trade on a halted symbol');
  }

  private checkMatch(m: ItchMessage, match: number): void {
    if (match <= this.lastMatch) this.problem(m, `match number ${match} not above ${this.lastMatch}`);
    this.lastMatch = match;
  }

  private problem(m: ItchMessage | undefined, what: string): void {
    if (this.problems.length < 20) this.problems.push(`#${this.index} ${m ? `${m.type}@${m.stockLocate}` : ''}: ${what}`);
    else if (this.problems.length === 20) this.problems.push('...');
  }
}
