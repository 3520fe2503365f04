import type { SubscriptionResultCodeName, SymbolState } from '@tickwire/client';
import { element, restartAnimation, setText } from './dom-element';
import { priceMove, watchRowView } from './watch-row';

interface RowCells {
  readonly row: HTMLTableRowElement;
  readonly flag: HTMLElement;
  readonly price: HTMLElement;
  readonly change: HTMLElement;
  readonly bid: HTMLElement;
  readonly ask: HTMLElement;
  readonly volume: HTMLElement;
  /** The last price shown, to flash on a change. */
  shownPrice: number | undefined;
}

const COLUMNS = ['Symbol', 'Last', 'Chg vs open', 'Bid', 'Ask', 'Volume'] as const;

/** The watchlist table: one row per symbol (`data-testid="watch-row"`, `data-symbol`), click or Enter selects. */
export class WatchlistView {
  private readonly body: HTMLTableSectionElement;
  private readonly rows = new Map<string, RowCells>();
  private selected: string | undefined;
  private selectHandler: (symbol: string) => void = () => undefined;

  constructor(table: HTMLTableElement) {
    const head = element('thead', {}, element('tr', {}, ...COLUMNS.map((c, i) => element('th', { text: c, className: i === 0 ? '' : 'num' }))));
    this.body = element('tbody');
    table.replaceChildren(head, this.body);
    table.addEventListener('click', (event) => {
      const row = (event.target as Element).closest('tr[data-symbol]');
      if (row instanceof HTMLElement) this.selectHandler(row.dataset['symbol']!);
    });
    table.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** `handler` is called with the symbol of a clicked row (or one chosen with Enter and the arrow keys). */
  onSelect(handler: (symbol: string) => void): void {
    this.selectHandler = handler;
  }

  setSymbols(symbols: readonly string[]): void {
    this.rows.clear();
    this.body.replaceChildren(...symbols.map((symbol) => this.createRow(symbol)));
  }

  /** Shows a symbol's latest state; the price cell flashes green or red when the last price moved. */
  update(state: Readonly<SymbolState>): void {
    const cells = this.rows.get(state.symbol);
    if (cells === undefined) return;
    const view = watchRowView(state);
    if (setText(cells.price, view.price)) {
      const move = priceMove(cells.shownPrice, state.ltp);
      if (move !== undefined) restartAnimation(cells.price, `flash-${move}`, ['flash-up', 'flash-down']);
    }
    cells.shownPrice = state.ltp;
    setText(cells.change, view.change);
    cells.change.className = `num change ${view.direction}`;
    setText(cells.bid, view.bid);
    setText(cells.ask, view.ask);
    setText(cells.volume, view.volume);
    setText(cells.flag, view.flag);
    cells.row.classList.toggle('is-stale', state.stale);
  }

  /** A subscription result: a refusal (unknown, not entitled, unavailable for now...) shows on the row; the next state shown after `ok` replaces it. */
  showResult(symbol: string, code: SubscriptionResultCodeName): void {
    const cells = this.rows.get(symbol);
    if (cells === undefined) return;
    const refused = code !== 'ok' && code !== 'already_subscribed';
    cells.row.classList.toggle('is-refused', refused);
    if (refused) setText(cells.flag, code.replace('_', ' '));
  }

  select(symbol: string | undefined): void {
    if (this.selected !== undefined) this.rows.get(this.selected)?.row.setAttribute('aria-selected', 'false');
    this.selected = symbol;
    if (symbol !== undefined) this.rows.get(symbol)?.row.setAttribute('aria-selected', 'true');
  }

  private createRow(symbol: string): HTMLTableRowElement {
    const flag = element('span', { className: 'flag' });
    const cell = (className: string, testId?: string): HTMLTableCellElement => element('td', { className, text: '\u2014', ...(testId === undefined ? {} : { testId }) });
    const price = cell('num price', 'price');
    const change = cell('num change flat');
    const bid = cell('num bid');
    const ask = cell('num ask');
    const volume = cell('num');
    const row = element('tr', { testId: 'watch-row', attrs: { 'data-symbol': symbol, tabindex: '0', 'aria-selected': 'false' } }, element('td', { className: 'symbol' }, element('span', { text: symbol }), flag), price, change, bid, ask, volume);
    this.rows.set(symbol, { row, flag, price, change, bid, ask, volume, shownPrice: undefined });
    return row;
  }

  private onKey(event: KeyboardEvent): void {
    const row = (event.target as Element).closest('tr[data-symbol]');
    if (!(row instanceof HTMLTableRowElement)) return;
    let target: Element | null = null;
    if (event.key === 'Enter' || event.key === ' ') target = row;
    else if (event.key === 'ArrowDown') target = row.nextElementSibling;
    else if (event.key === 'ArrowUp') target = row.previousElementSibling;
    if (!(target instanceof HTMLTableRowElement)) return;
    event.preventDefault();
    target.focus();
    this.selectHandler(target.dataset['symbol']!);
  }
}
