import { BookError } from './errors';
import { DEFAULT_DEPTH_LEVELS, defaultBookSetOptions, parseBookSetOptions } from './options';

describe('parseBookSetOptions', () => {
  it('fills defaults and freezes', () => {
    const o = parseBookSetOptions();
    expect(o).toEqual(defaultBookSetOptions());
    expect(o.depthLevels).toBe(DEFAULT_DEPTH_LEVELS);
    expect(Object.isFrozen(o)).toBe(true);
    expect(parseBookSetOptions({ depthLevels: 3, candles: false })).toMatchObject({ depthLevels: 3, candles: false });
  });

  it.each([
    [{ depthLevels: 0 }, 'depthLevels: expected an integer in 1..1000, got 0'],
    [{ depthLevels: 2.5 }, 'depthLevels: expected an integer in 1..1000, got 2.5'],
    [{ tradeRingCapacity: 48 }, 'tradeRingCapacity: expected a power of two, got 48'],
    [{ executionJournalCapacity: 0 }, 'executionJournalCapacity: expected an integer in 1..67108864, got 0'],
    [{ initialOrderCapacity: -1 }, 'initialOrderCapacity: expected an integer in 1..1073741824, got -1'],
    [{ candles: 'yes' as unknown as boolean }, 'candles: expected a boolean, got yes'],
  ])('rejects %j naming the field', (options, detail) => {
    expect(() => parseBookSetOptions(options)).toThrow(new BookError('BOOK_ERR_INVALID_OPTION', detail));
    try {
      parseBookSetOptions(options);
    } catch (e) {
      expect((e as BookError).code).toBe('BOOK_ERR_INVALID_OPTION');
    }
  });
});
