import fc from 'fast-check';
import { escapeSymbol, tryUnescapeSymbolToken, unescapeSymbolToken } from './subject-token';

/** Any non-empty string of Unicode code points (no lone surrogates: those have no UTF-8 form). */
const symbolArb = fc.string({ unit: 'binary', minLength: 1 });
/** Mostly symbol-like strings, so the property also covers the safe fast path and mixes. */
const symbolLikeArb = fc.string({ unit: fc.constantFrom('A', 'z', '0', '_', '-', '.', '*', '>', ' ', '~', '\t', 'é', '€', '😀', '\u00a0', '\u2028'), minLength: 1 });

describe('escapeSymbol', () => {
  it.each([
    ['AAPL', 'AAPL'],
    ['BRK.B', 'BRK~2EB'],
    ['a b', 'a~20b'],
    ['*', '~2A'],
    ['>', '~3E'],
    ['~', '~7E'],
    ['x_y-z', 'x_y-z'],
    ['é', '~C3~A9'],
    ['€', '~E2~82~AC'],
    ['😀', '~F0~9F~98~80'],
  ])('escapes %j as %j', (symbol, token) => {
    expect(escapeSymbol(symbol)).toBe(token);
    expect(unescapeSymbolToken(token)).toBe(symbol);
  });

  it('round-trips every non-empty Unicode string', () => {
    fc.assert(fc.property(fc.oneof(symbolArb, symbolLikeArb), (symbol) => unescapeSymbolToken(escapeSymbol(symbol)) === symbol), { numRuns: 2000 });
  });

  it('never lets a NATS separator, wildcard or whitespace through', () => {
    fc.assert(
      fc.property(fc.oneof(symbolArb, symbolLikeArb), (symbol) => {
        const token = escapeSymbol(symbol);
        return /^[A-Za-z0-9_~-]+$/.test(token) && !/[.*>\s]/.test(token);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects an empty symbol and lone surrogates', () => {
    expect(() => escapeSymbol('')).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_SYMBOL' }));
    expect(() => escapeSymbol('A\ud800')).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_SYMBOL' }));
    expect(() => escapeSymbol('\udc00A')).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_SYMBOL' }));
  });
});

describe('unescapeSymbolToken', () => {
  it.each([
    ['', 'empty'],
    ['BRK.B', 'raw separator'],
    ['A*', 'raw wildcard'],
    ['A B', 'raw space'],
    ['~', 'escape without digits'],
    ['A~2', 'escape with one digit'],
    ['BRK~2eB', 'lowercase hex'],
    ['~41', 'escaped safe byte (A)'],
    ['~G0', 'non-hex digit'],
    ['~C3', 'truncated UTF-8'],
    ['~FF', 'byte that is never UTF-8'],
    ['~C0~AE', 'overlong UTF-8'],
    ['~ED~A0~80', 'encoded surrogate'],
    ['é', 'raw non-ASCII'],
  ])('rejects %j (%s)', (token) => {
    expect(tryUnescapeSymbolToken(token)).toBeUndefined();
    expect(() => unescapeSymbolToken(token)).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_MALFORMED_TOKEN' }));
  });

  it('keeps a leading byte-order mark, which is part of the symbol', () => {
    expect(escapeSymbol('\ufeffA')).toBe('~EF~BB~BFA');
    expect(unescapeSymbolToken('~EF~BB~BFA')).toBe('\ufeffA');
  });

  it('accepts exactly the tokens escapeSymbol produces (no second spelling of a symbol)', () => {
    const tokenArb = fc.string({ unit: fc.constantFrom('A', '0', '_', '~', '2', 'E', 'C', '3', 'a', '.', 'F'), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(tokenArb, (token) => {
        const symbol = tryUnescapeSymbolToken(token);
        return symbol === undefined || escapeSymbol(symbol) === token;
      }),
      { numRuns: 5000 },
    );
  });
});
