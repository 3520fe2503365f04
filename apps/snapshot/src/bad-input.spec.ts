import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BAD_INPUT } from './bad-input';

describe('snapshot bad-input codes', () => {
  it('are listed in docs/operations.md with the same meaning, and nothing else is', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/operations.md'), 'utf8');
    const documented = Object.fromEntries([...doc.matchAll(/^\| `(SNAPSHOT_INPUT_[A-Z_]+)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual({ ...BAD_INPUT });
  });
});
