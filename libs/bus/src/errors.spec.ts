import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUS_ERRORS, BusError } from './errors';

describe('bus error codes', () => {
  it('are listed in docs/architecture.md with the same messages, and nothing else is', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/architecture.md'), 'utf8');
    const documented = Object.fromEntries([...doc.matchAll(/^\| `(BUS_ERR_[A-Z_]+)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual({ ...BUS_ERRORS });
  });

  it('carry their code and say what failed', () => {
    const error = new BusError('BUS_ERR_INVALID_SUBJECT', '"a..b": subject has an empty token');
    expect(error.code).toBe('BUS_ERR_INVALID_SUBJECT');
    expect(error.message).toBe('invalid subject: "a..b": subject has an empty token');
  });
});
