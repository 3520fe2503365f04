import fc from 'fast-check';
import { CLOSE_CODES } from '@tickwire/protocol';
import { AccessError } from './access-error';
import { Entitlements, MAX_ENTITLEMENT_ENTRIES } from './entitlements';

function rejection(claim: unknown): AccessError {
  try {
    Entitlements.compile(claim);
  } catch (error) {
    expect(error).toBeInstanceOf(AccessError);
    return error as AccessError;
  }
  throw new Error(`expected ${JSON.stringify(claim)} to be rejected`);
}

describe('Entitlements', () => {
  it('exact symbols, prefix patterns and nothing else', () => {
    const ent = Entitlements.compile({ symbols: ['AAPL', 'MS*', 'BRK.B'] });
    for (const s of ['AAPL', 'MS', 'MSFT', 'MSTR', 'BRK.B']) expect(ent.allows(s)).toBe(true);
    for (const s of ['AAP', 'AAPLX', 'aapl', 'M', 'XMS', 'BRK', '']) expect(ent.allows(s)).toBe(false);
    expect(ent.allowsEverything).toBe(false);
    expect(ent.allowsNothing).toBe(false);
  });

  it('"*" and an absent symbols list allow every symbol', () => {
    expect(Entitlements.compile({ symbols: ['*'] }).allowsEverything).toBe(true);
    expect(Entitlements.compile({ symbols: ['AAPL', '*'] }).allows('ZZZZ')).toBe(true);
    expect(Entitlements.compile({})).toBe(Entitlements.ALL);
  });

  it('an empty symbols list allows nothing', () => {
    const ent = Entitlements.compile({ symbols: [] });
    expect(ent.allowsNothing).toBe(true);
    expect(ent.allows('AAPL')).toBe(false);
    expect(Entitlements.NONE.allows('AAPL', 'Q')).toBe(false);
  });

  it('markets are checked only when the category is known', () => {
    const ent = Entitlements.compile({ symbols: ['*'], markets: ['Q', 'N'] });
    expect(ent.allows('AAPL', 'Q')).toBe(true);
    expect(ent.allows('IBM', 'N')).toBe(true);
    expect(ent.allows('XYZ', 'A')).toBe(false);
    expect(ent.allows('XYZ')).toBe(true);
    expect(ent.allowsEverything).toBe(false);
  });

  it('symbols and markets must both allow', () => {
    const ent = Entitlements.compile({ symbols: ['AAPL'], markets: ['Q'] });
    expect(ent.allows('AAPL', 'Q')).toBe(true);
    expect(ent.allows('AAPL', 'N')).toBe(false);
    expect(ent.allows('MSFT', 'Q')).toBe(false);
  });

  it('"*" among the markets allows any market; an empty markets list allows none', () => {
    expect(Entitlements.compile({ markets: ['Q', '*'] })).toBe(Entitlements.ALL);
    const none = Entitlements.compile({ markets: [] });
    expect(none.allowsNothing).toBe(true);
    expect(none.allows('AAPL', 'Q')).toBe(false);
  });

  it('redundant prefixes do not change the answer', () => {
    const ent = Entitlements.compile({ symbols: ['MSF*', 'M*', 'MS*'] });
    expect(ent.allows('MA')).toBe(true);
    expect(ent.allows('MSFT')).toBe(true);
    expect(ent.allows('N')).toBe(false);
  });

  it.each([
    [null, 'ent must be an object'],
    [['AAPL'], 'ent must be an object'],
    ['AAPL', 'ent must be an object'],
    [{ symbols: 'AAPL' }, 'ent.symbols must be an array of strings'],
    [{ symbols: ['AAPL', 7] }, 'ent.symbols[1] must be a string'],
    [{ symbols: [''] }, 'ent.symbols[0] must be 1-32 characters'],
    [{ symbols: ['A'.repeat(33)] }, 'ent.symbols[0] must be 1-32 characters'],
    [{ symbols: ['*A'] }, "ent.symbols[0]: '*' may only end a pattern"],
    [{ symbols: ['A**'] }, "ent.symbols[0]: '*' may only end a pattern"],
    [{ markets: 'Q' }, 'ent.markets must be an array of strings'],
    [{ markets: ['q'] }, "ent.markets[0] must be one market category letter A-Z or '*'"],
    [{ markets: ['Q', 'NY'] }, "ent.markets[1] must be one market category letter A-Z or '*'"],
    [{ symbols: Array.from({ length: MAX_ENTITLEMENT_ENTRIES + 1 }, (_, i) => `S${i}`) }, `ent.symbols lists more than ${MAX_ENTITLEMENT_ENTRIES} entries`],
  ])('rejects a bad claim with AUTH_FAILED: %#', (claim, detail) => {
    const error = rejection(claim);
    expect(error.closeCode).toBe(CLOSE_CODES.AUTH_FAILED);
    expect(error.message).toBe(`invalid entitlements: ${detail}`);
  });

  it('property: allows() agrees with the plain definition', () => {
    const symbol = fc.stringMatching(/^[A-C]{0,4}$/);
    const pattern = fc.oneof(symbol.filter((s) => s.length > 0), symbol.map((s) => `${s}*`));
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 6 }), fc.option(fc.array(fc.constantFrom<string>('Q', 'N', 'A'), { maxLength: 3 }), { nil: undefined }), symbol, fc.option(fc.constantFrom('Q', 'N', 'A', 'Z'), { nil: undefined }), (patterns, markets, s, market) => {
        const ent = Entitlements.compile(markets === undefined ? { symbols: patterns } : { symbols: patterns, markets });
        const symbolOk = patterns.some((p) => (p.endsWith('*') ? s.startsWith(p.slice(0, -1)) : p === s));
        const marketOk = market === undefined || markets === undefined || markets.includes(market);
        expect(ent.allows(s, market)).toBe(symbolOk && marketOk);
      }),
    );
  });
});
