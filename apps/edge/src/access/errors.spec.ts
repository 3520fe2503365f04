import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EDGE_ERRORS, EdgeError } from './errors';

describe('EDGE_ERRORS', () => {
  it('codes are EDGE_ERR_* and messages are non-empty', () => {
    for (const [code, message] of Object.entries(EDGE_ERRORS)) {
      expect(code).toMatch(/^EDGE_ERR_[A-Z0-9_]+$/);
      expect(message.length).toBeGreaterThan(0);
    }
    expect(Object.isFrozen(EDGE_ERRORS)).toBe(true);
  });

  it('agrees with the "Configuration errors" table of the Edge section in docs/operations.md', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/operations.md'), 'utf8');
    const start = doc.indexOf('\n## Edge\n');
    expect(start).toBeGreaterThanOrEqual(0);
    const end = doc.indexOf('\n## ', start + 1);
    const section = doc.slice(start, end === -1 ? undefined : end);
    const documented = [...section.matchAll(/^\| `(EDGE_ERR_[A-Z0-9_]+)` \| (.+?) \|/gm)].map((m) => [m[1], m[2]]);
    expect(documented).toEqual(Object.entries(EDGE_ERRORS));
  });

  it('EdgeError carries the code and the declared message', () => {
    const error = new EdgeError('EDGE_ERR_TIER_SPEC', 'entry 2', { cause: new Error('x') });
    expect(error.code).toBe('EDGE_ERR_TIER_SPEC');
    expect(error.message).toBe('invalid tier spec: entry 2');
    expect(error.name).toBe('EdgeError');
    expect(error.cause).toBeInstanceOf(Error);
    expect(new EdgeError('EDGE_ERR_NO_KEY_SOURCE').message).toBe(EDGE_ERRORS.EDGE_ERR_NO_KEY_SOURCE);
  });
});
