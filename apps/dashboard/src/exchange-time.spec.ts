import { ExchangeDayClock, isTimeZone, minuteOfExchangeDay } from './exchange-time';

describe('minuteOfExchangeDay', () => {
  it('is the minute of ns since the exchange midnight', () => {
    expect(minuteOfExchangeDay(34_200_000_000_000)).toBe(570); // 09:30:00
    expect(minuteOfExchangeDay(34_259_999_999_999)).toBe(570);
    expect(minuteOfExchangeDay(34_260_000_000_000)).toBe(571);
  });
});

describe('ExchangeDayClock', () => {
  it('gives the minute of the local day in the zone, DST included', () => {
    const ny = new ExchangeDayClock('America/New_York');
    expect(ny.minuteOfDay(Date.UTC(2025, 0, 15, 14, 30))).toBe(9 * 60 + 30); // EST, UTC-5
    expect(ny.minuteOfDay(Date.UTC(2025, 6, 15, 13, 30))).toBe(9 * 60 + 30); // EDT, UTC-4
    expect(ny.minuteOfDay(Date.UTC(2025, 6, 15, 4, 0))).toBe(0);
    expect(new ExchangeDayClock('UTC').minuteOfDay(Date.UTC(2025, 6, 15, 23, 59))).toBe(1439);
  });

  it('answers the same for the same time (memoized)', () => {
    const clock = new ExchangeDayClock('Europe/London');
    const t = Date.UTC(2025, 2, 1, 8, 5);
    expect(clock.minuteOfDay(t)).toBe(485);
    expect(clock.minuteOfDay(t)).toBe(485);
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Nowhere/Special')).toBe(false);
  });
});
