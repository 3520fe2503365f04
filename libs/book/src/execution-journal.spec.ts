import { ExecutionJournal, JOURNAL_BROKEN, JOURNAL_COUNTED } from './execution-journal';

describe('ExecutionJournal', () => {
  it('finds executions by match number within its window, newest first', () => {
    const j = new ExecutionJournal(4);
    for (let m = 1; m <= 6; m++) j.record(m * 10, m, 100 * m, m, 570, JOURNAL_COUNTED);
    expect(j.find(10)).toBe(-1); // fell out of the window
    expect(j.find(20)).toBe(-1);
    const slot = j.find(30);
    expect([j.locateAt(slot), j.priceAt(slot), j.sharesAt(slot), j.minuteAt(slot), j.flagsAt(slot)]).toEqual([3, 300, 3, 570, JOURNAL_COUNTED]);
    j.markBroken(slot);
    expect(j.flagsAt(j.find(30))).toBe(JOURNAL_COUNTED | JOURNAL_BROKEN);
    expect(j.find(60)).toBeGreaterThanOrEqual(0);
    expect(j.find(70)).toBe(-1);
  });

  it('finds match numbers above 2^32 exactly and does not assume they arrive in order', () => {
    const j = new ExecutionJournal(8);
    j.record(2 ** 40 + 2, 1, 1, 1, 0, 0);
    j.record(2 ** 40 + 1, 2, 1, 1, 0, 0);
    j.record(2, 3, 1, 1, 0, 0);
    expect(j.locateAt(j.find(2 ** 40 + 1))).toBe(2);
    expect(j.locateAt(j.find(2))).toBe(3);
    expect(new ExecutionJournal(2).find(0)).toBe(-1);
  });
});
