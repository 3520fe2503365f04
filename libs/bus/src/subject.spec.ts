import { BusError } from './errors';
import { assertPublishSubject, assertSubscribeSubject } from './subject';

function problem(check: (subject: string) => void, subject: string): string | undefined {
  try {
    check(subject);
    return undefined;
  } catch (error) {
    if (!(error instanceof BusError)) throw error;
    return error.message;
  }
}

describe('subject rules', () => {
  it('accepts concrete publish subjects, whatever their characters but whitespace and wildcards', () => {
    for (const subject of ['a', 'md.tick.3.AAPL', 'md.tick.15.BRK~B', 'x.ü.y', 'a\u0001b', '_INBOX.abc.1', 'a-b.c_d.e:f']) expect([subject, problem(assertPublishSubject, subject)]).toEqual([subject, undefined]);
  });

  it('refuses each kind of bad publish subject with the reason', () => {
    const cases: [string, string][] = [
      ['', 'subject is empty'],
      ['a..b', 'subject has an empty token'],
      ['.a', 'subject has an empty token'],
      ['a.', 'subject has an empty token'],
      ['a b', 'subject contains whitespace'],
      ['a\tb', 'subject contains whitespace'],
      ['a\u00a0b', 'subject contains whitespace'],
      ['a\u2028b', 'subject contains whitespace'],
      ['a\ufeffb', 'subject contains whitespace'],
      ['a.*', 'wildcards are not allowed here'],
      ['a.>', 'wildcards are not allowed here'],
      ['a.b*', 'wildcards are not allowed here'],
    ];
    for (const [subject, reason] of cases) expect([subject, problem(assertPublishSubject, subject)]).toEqual([subject, `invalid subject: ${JSON.stringify(subject)}: ${reason}`]);
  });

  it('allows whole-token wildcards in subscriptions, > only last', () => {
    for (const subject of ['a.*', 'a.>', '*.b.>', '>']) expect(problem(assertSubscribeSubject, subject)).toBeUndefined();
    expect(problem(assertSubscribeSubject, 'a.>.b')).toMatch(/'>' must be the last token/);
    expect(problem(assertSubscribeSubject, 'a.b*')).toMatch(/mixes a wildcard with text/);
  });
});
