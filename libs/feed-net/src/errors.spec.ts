import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEED_ERRORS } from './errors';

describe('feed error codes', () => {
  it('are listed in docs/itch.md with the same messages', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/itch.md'), 'utf8');
    const documented = Object.fromEntries([...doc.matchAll(/^\| `(FEED_ERR_[A-Z_]+)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual({ ...FEED_ERRORS });
  });
});
