import { BookSet } from '@tickwire/book';
import { ItchMessageView } from '@tickwire/itch';
import { MarketDayGenerator } from '@tickwire/market-sim';

/** The exchange-sim day these variables describe, applied unthrottled to books in the test process. */
export function referenceBooks(day: { SEED: string; SYMBOLS: string; MESSAGES: string; RATE: string; OPEN_BURST_MULTIPLIER?: string }, depthLevels = 10): BookSet {
  const books = new BookSet({ depthLevels });
  const generator = new MarketDayGenerator({
    seed: Number(day.SEED),
    symbols: Number(day.SYMBOLS),
    messages: Number(day.MESSAGES),
    messagesPerSecond: Number(day.RATE),
    ...(day.OPEN_BURST_MULTIPLIER ? { openBurst: { multiplier: Number(day.OPEN_BURST_MULTIPLIER) } } : {}),
  });
  const view = new ItchMessageView();
  const scratch = new Uint8Array(64);
  for (let length = generator.nextInto(scratch, 0); length > 0; length = generator.nextInto(scratch, 0)) {
    view.wrap(scratch, 0, length);
    books.apply(view);
  }
  return books;
}
