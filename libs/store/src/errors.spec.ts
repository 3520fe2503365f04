import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_ERRORS, StoreError } from './errors';

describe('store error codes', () => {
  it('are listed in libs/store/README.md with the same messages, and nothing else is', () => {
    const doc = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const documented = Object.fromEntries([...doc.matchAll(/^\| `(STORE_ERR_[A-Z_]+)` \| (.+?) \|/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual({ ...STORE_ERRORS });
  });

  it('carry their code and say what failed', () => {
    const error = new StoreError('STORE_ERR_UNAVAILABLE', 'getLatest: connection refused');
    expect(error.code).toBe('STORE_ERR_UNAVAILABLE');
    expect(error.message).toBe('the store backend is unavailable: getLatest: connection refused');
  });
});
