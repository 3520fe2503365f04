import type { ItchMessage } from '@tickwire/itch';
import { ReferenceBook } from './reference-book';

// The checker the generator's tests rely on must itself catch each kind of inconsistency.
const h = (locate: number, ts: number) => ({ stockLocate: locate, trackingNumber: 0, timestampNs: ts });
const R: ItchMessage = {
  type: 'R', ...h(1, 1), stock: 'AAA', marketCategory: 'Q', financialStatusIndicator: 'N', roundLotSize: 100, roundLotsOnly: 'N', issueClassification: 'C',
  issueSubType: 'Z', authenticity: 'P', shortSaleThresholdIndicator: 'N', ipoFlag: 'N', luldReferencePriceTier: '1', etpFlag: 'N', etpLeverageFactor: 0, inverseIndicator: 'N',
};
const add = (ref: number, side: string, price: number, shares = 100, ts = 10): ItchMessage => ({ type: 'A', ...h(1, ts), orderRef: ref, side, shares, stock: 'AAA', price });
const exec = (ref: number, shares: number, match: number): ItchMessage => ({ type: 'E', ...h(1, 20), orderRef: ref, executedShares: shares, matchNumber: match });

function problems(messages: ItchMessage[]): string[] {
  const book = new ReferenceBook();
  for (const m of [R, ...messages]) book.apply(m);
  return book.problems;
}

describe('ReferenceBook', () => {
  it('accepts a consistent stream', () => {
    expect(problems([add(1, 'B', 100), add(2, 'S', 200), exec(1, 40, 1), exec(1, 60, 2), { type: 'D', ...h(1, 30), orderRef: 2 }])).toEqual([]);
  });

  it.each<[string, ItchMessage[], string]>([
    ['an unknown order', [exec(9, 1, 1)], 'unknown order ref 9'],
    ['an execution larger than the order', [add(1, 'B', 100), exec(1, 101, 1)], 'executes 101 of 100'],
    ['a cancel larger than the order', [add(1, 'B', 100), { type: 'X', ...h(1, 20), orderRef: 1, canceledShares: 101 }], 'cancels 101 of 100'],
    ['a reused order ref', [add(2, 'B', 100), add(2, 'B', 100)], 'not above'],
    ['a crossing add', [add(1, 'S', 100), add(2, 'B', 100)], 'crossed book'],
    ['a crossing replace', [add(1, 'S', 100), add(2, 'B', 90), { type: 'U', ...h(1, 20), originalOrderRef: 2, newOrderRef: 3, shares: 1, price: 100 }], 'crossed book'],
    ['a repeated match number', [add(1, 'B', 100), exec(1, 1, 5), exec(1, 1, 5)], 'match number 5'],
    ['a timestamp going back', [add(1, 'B', 100, 100, 10), add(2, 'B', 100, 100, 9)], 'timestamp 9'],
    ['an add while halted', [{ type: 'H', ...h(1, 5), stock: 'AAA', tradingState: 'H', reserved: ' ', reason: 'LUDP' }, add(1, 'B', 100)], 'halted'],
    ['an order of another locate', [add(1, 'B', 100), { type: 'D', ...h(2, 20), orderRef: 1 }], 'belongs to locate 1'],
    ['a wrong stock for the locate', [{ type: 'A', ...h(1, 10), orderRef: 1, side: 'B', shares: 1, stock: 'BBB', price: 100 }], 'stock BBB'],
  ])('reports %s', (_name, messages, expected) => {
    const found = problems(messages);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(expected);
  });
});
