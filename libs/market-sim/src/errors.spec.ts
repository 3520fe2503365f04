import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MARKET_SIM_ERRORS, MarketSimError } from './errors';

describe('market-sim error codes', () => {
  it('are listed in README.md with the same messages, and nothing else is', () => {
    const doc = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const documented = Object.fromEntries([...doc.matchAll(/^\| `(MARKET_SIM_ERR_[A-Z_]+)` \| (.+?) \|/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual({ ...MARKET_SIM_ERRORS });
  });

  it('carry their code and say what failed', () => {
    const error = new MarketSimError('MARKET_SIM_ERR_INVALID_OPTION', 'symbols: expected an integer in 1..65535, got 0');
    expect(error.code).toBe('MARKET_SIM_ERR_INVALID_OPTION');
    expect(error.message).toBe('invalid market-sim option: symbols: expected an integer in 1..65535, got 0');
    expect(error).toBeInstanceOf(Error);
  });
});
