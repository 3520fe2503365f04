import { FeedLog } from '@tickwire/feed-net';
import { MarketDayGenerator } from '@tickwire/market-sim';
import { ExchangeClock } from './exchange-clock';
import { FeedPlayer } from './feed-player';

describe('FeedPlayer', () => {
  it('appends the whole day, byte for byte what the generator makes, when not paced', async () => {
    const log = new FeedLog();
    let notifications = 0;
    log.onAppended(() => notifications++);
    const options = { seed: 7, symbols: 50, messages: 30_000 };
    const player = new FeedPlayer({ generator: new MarketDayGenerator(options), log, clock: new ExchangeClock({ speed: 0, maxIdleNs: 1 }), nowNs: () => 0, maxMessagesPerTurn: 4_000 });
    player.start();
    await player.done;
    const reference = new MarketDayGenerator(options);
    const expected = new Uint8Array(64);
    let sequence = 0;
    for (let length = reference.nextInto(expected, 0); length > 0; length = reference.nextInto(expected, 0)) {
      sequence++;
      expect(Buffer.from(log.message(sequence)!).equals(Buffer.from(expected.subarray(0, length)))).toBe(true);
    }
    expect(log.size).toBe(sequence);
    expect(notifications).toBeGreaterThanOrEqual(Math.ceil(sequence / 4_000));
  });

  it('holds back messages whose exchange time has not come yet', async () => {
    const log = new FeedLog();
    let realNs = 0;
    const generator = new MarketDayGenerator({ seed: 3, symbols: 10, messages: 1_000, messagesPerSecond: 1_000 });
    const player = new FeedPlayer({ generator, log, clock: new ExchangeClock({ speed: 1, maxIdleNs: 1_000_000 }), nowNs: () => realNs });
    player.start();
    // Real time stands still: only what is due at the first instant (the first message) goes out.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const early = log.size;
    expect(early).toBeGreaterThan(0);
    expect(early).toBeLessThan(50);
    // A (fake) day of real time later, the whole day has been released.
    realNs = 86_400e9;
    await player.done;
    expect(generator.isDone).toBe(true);
    expect(log.size).toBeGreaterThan(early);
  });
});
