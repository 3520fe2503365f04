import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOOK_ERRORS, BookError } from './errors';

describe('book error codes', () => {
  it('are listed in README.md with the same messages, and nothing else is', () => {
    const doc = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const documented = Object.fromEntries([...doc.matchAll(/^\| `(BOOK_ERR_[A-Z_]+)` \| (.+?) \|/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual({ ...BOOK_ERRORS });
  });

  it('carry their code and say what failed', () => {
    const error = new BookError('BOOK_ERR_INVALID_OPTION', 'depthLevels: expected an integer in 1..1000, got 0');
    expect(error.code).toBe('BOOK_ERR_INVALID_OPTION');
    expect(error.message).toBe('invalid book option: depthLevels: expected an integer in 1..1000, got 0');
    expect(error).toBeInstanceOf(Error);
    expect(new BookError('BOOK_ERR_CAPACITY').message).toBe('order table capacity exceeded');
  });
});
