import type { LadderRow, LadderView } from './depth-ladder';
import { element, setText } from './dom-element';

interface RowNodes {
  readonly row: HTMLElement;
  readonly bar: HTMLElement;
  readonly price: HTMLElement;
  readonly size: HTMLElement;
  readonly orders: HTMLElement;
}

/** The depth ladder (`data-testid="depth-ladder"`): asks above the spread, bids below, size bars behind. */
export class DepthLadderView {
  private readonly asks: HTMLElement;
  private readonly bids: HTMLElement;
  private readonly spread: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly askRows: RowNodes[] = [];
  private readonly bidRows: RowNodes[] = [];

  constructor(container: HTMLElement) {
    this.asks = element('div', { className: 'ladder-side asks' });
    this.bids = element('div', { className: 'ladder-side bids' });
    this.spread = element('div', { className: 'ladder-spread' });
    this.empty = element('p', { className: 'empty', text: 'Select a symbol to see its order book.' });
    const head = element('div', { className: 'ladder-row ladder-head' }, element('span', { text: 'Price' }), element('span', { text: 'Size' }), element('span', { text: 'Orders' }));
    container.replaceChildren(head, this.asks, this.spread, this.bids, this.empty);
  }

  /** Shows `view`; undefined: nothing selected yet. Rows are reused, only text and bar widths change. */
  render(view: LadderView | undefined, waiting = 'Waiting for the order book\u2026'): void {
    const rows = view ?? { asks: [], bids: [], spread: undefined };
    sync(this.asks, this.askRows, rows.asks, 'depth-ask-row');
    sync(this.bids, this.bidRows, rows.bids, 'depth-bid-row');
    setText(this.spread, rows.spread === undefined ? '' : `Spread ${rows.spread}`);
    this.spread.hidden = rows.spread === undefined;
    const nothing = rows.asks.length === 0 && rows.bids.length === 0;
    this.empty.hidden = !nothing;
    if (nothing) setText(this.empty, view === undefined ? 'Select a symbol to see its order book.' : waiting);
  }
}

function sync(container: HTMLElement, nodes: RowNodes[], rows: readonly LadderRow[], testId: string): void {
  while (nodes.length < rows.length) {
    const bar = element('span', { className: 'ladder-bar' });
    const price = element('span', { className: 'price' });
    const size = element('span');
    const orders = element('span');
    const row = element('div', { className: 'ladder-row', testId }, bar, price, size, orders);
    nodes.push({ row, bar, price, size, orders });
    container.append(row);
  }
  while (nodes.length > rows.length) nodes.pop()!.row.remove();
  rows.forEach((r, i) => {
    const n = nodes[i]!;
    setText(n.price, r.price);
    setText(n.size, r.size);
    setText(n.orders, r.orders);
    n.bar.style.width = `${r.barPercent}%`;
  });
}
