// Test helper: builds ITCH messages with @tickwire/itch's encoder and applies them to a BookSet one at a time.
import { encodeMessage, ItchMessageView } from '@tickwire/itch';
import type { ItchMessage } from '@tickwire/itch';
import { BookSet } from '../src';
import type { BookSetOptions, Instrument } from '../src';

type Body<T> = T extends ItchMessage ? Omit<T, 'stockLocate' | 'trackingNumber' | 'timestampNs'> & { stockLocate?: number; timestampNs?: number } : never;

export interface Applied {
  /** What `apply` returned. */
  locate: number;
  /** The Change bits it set on that locate (taken, so each step sees only its own). */
  changes: number;
}

export const NINE_THIRTY_NS = 9.5 * 3600e9;

export class Feed {
  readonly set: BookSet;
  readonly view = new ItchMessageView();
  /** Timestamp of the next message (advances 1 µs per message unless set). */
  timestampNs = NINE_THIRTY_NS + 60e9;
  /** Default locate for stock messages. */
  locate = 1;
  private match = 1;
  private readonly symbols = new Map<number, string>();

  constructor(options?: BookSetOptions) {
    this.set = new BookSet(options);
  }

  get inst(): Instrument {
    return this.set.instrument(this.locate)!;
  }

  nextMatch(): number {
    return this.match++;
  }

  send(message: Body<ItchMessage>): Applied {
    const full = { trackingNumber: 0, stockLocate: this.locate, timestampNs: this.timestampNs, ...message } as ItchMessage;
    this.timestampNs += 1000;
    const bytes = encodeMessage(full);
    if (this.view.wrap(bytes, 0, bytes.length) !== 0) throw new Error(`bad message ${JSON.stringify(message)}`);
    const locate = this.set.apply(this.view);
    return { locate, changes: locate > 0 ? this.set.takeChanges(locate) : 0 };
  }

  stockOf(locate = this.locate): string {
    return this.symbols.get(locate) ?? 'TEST';
  }

  directory(locate: number, stock: string): Applied {
    this.symbols.set(locate, stock);
    return this.send({
      type: 'R', stockLocate: locate, stock, marketCategory: 'Q', financialStatusIndicator: 'N', roundLotSize: 100, roundLotsOnly: 'N', issueClassification: 'C',
      issueSubType: 'Z', authenticity: 'P', shortSaleThresholdIndicator: 'N', ipoFlag: ' ', luldReferencePriceTier: '1', etpFlag: 'N', etpLeverageFactor: 0, inverseIndicator: 'N',
    });
  }

  add(orderRef: number, side: 'B' | 'S', shares: number, price: number, locate = this.locate): Applied {
    return this.send({ type: 'A', stockLocate: locate, orderRef, side, shares, stock: this.stockOf(locate), price });
  }

  addMpid(orderRef: number, side: 'B' | 'S', shares: number, price: number, attribution = 'GSCO'): Applied {
    return this.send({ type: 'F', orderRef, side, shares, stock: this.stockOf(), price, attribution });
  }

  execute(orderRef: number, executedShares: number, matchNumber = this.nextMatch()): Applied {
    return this.send({ type: 'E', orderRef, executedShares, matchNumber });
  }

  executeWithPrice(orderRef: number, executedShares: number, executionPrice: number, printable: 'Y' | 'N', matchNumber = this.nextMatch()): Applied {
    return this.send({ type: 'C', orderRef, executedShares, matchNumber, printable, executionPrice });
  }

  cancel(orderRef: number, canceledShares: number): Applied {
    return this.send({ type: 'X', orderRef, canceledShares });
  }

  delete(orderRef: number): Applied {
    return this.send({ type: 'D', orderRef });
  }

  replace(originalOrderRef: number, newOrderRef: number, shares: number, price: number): Applied {
    return this.send({ type: 'U', originalOrderRef, newOrderRef, shares, price });
  }

  trade(shares: number, price: number, matchNumber = this.nextMatch()): Applied {
    return this.send({ type: 'P', orderRef: 0, side: 'B', shares, stock: this.stockOf(), price, matchNumber });
  }

  cross(shares: number, crossPrice: number, crossType: 'O' | 'C' | 'H' | 'I', matchNumber = this.nextMatch()): Applied {
    return this.send({ type: 'Q', shares, stock: this.stockOf(), crossPrice, matchNumber, crossType });
  }

  broken(matchNumber: number): Applied {
    return this.send({ type: 'B', matchNumber });
  }

  system(eventCode: 'O' | 'S' | 'Q' | 'M' | 'E' | 'C'): Applied {
    return this.send({ type: 'S', stockLocate: 0, eventCode });
  }

  tradingAction(tradingState: 'H' | 'P' | 'Q' | 'T', reason = ''): Applied {
    return this.send({ type: 'H', stock: this.stockOf(), tradingState, reserved: ' ', reason });
  }

  operationalHalt(marketCode: 'Q' | 'B' | 'X', operationalHaltAction: 'H' | 'T'): Applied {
    return this.send({ type: 'h', stock: this.stockOf(), marketCode, operationalHaltAction });
  }
}

/** A ladder side as [price, size, orders] rows, best first. */
export function levels(inst: Instrument, side: 'B' | 'S'): [number, number, number][] {
  const ladder = side === 'B' ? inst.bids : inst.asks;
  const out: [number, number, number][] = [];
  for (let r = 0; r < ladder.length; r++) out.push([ladder.priceAt(r), ladder.sizeAt(r), ladder.ordersAt(r)]);
  return out;
}
