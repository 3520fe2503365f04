import { MESSAGE_LAYOUTS } from './layout';
import { MessageType, SIDE_BUY, SIDE_SELL } from './message-type';

describe('MessageType', () => {
  it('names every layout type by its char code', () => {
    const byName = new Map(MESSAGE_LAYOUTS.map((l) => [l.name, l.type.charCodeAt(0)]));
    expect(new Map(Object.entries(MessageType))).toEqual(byName);
  });

  it('side codes are B and S', () => {
    expect(String.fromCharCode(SIDE_BUY, SIDE_SELL)).toBe('BS');
  });
});
