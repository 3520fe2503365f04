import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_CODES, RUNTIME_ERRORS, RuntimeError } from './errors';

describe('RUNTIME_ERRORS', () => {
  const codes = Object.keys(RUNTIME_ERRORS);

  it('codes are RUNTIME_ERR_* and messages are non-empty', () => {
    for (const code of codes) {
      expect(code).toMatch(/^RUNTIME_ERR_[A-Z_]+$/);
      expect(RUNTIME_ERRORS[code as keyof typeof RUNTIME_ERRORS].length).toBeGreaterThan(0);
    }
    expect(Object.isFrozen(RUNTIME_ERRORS)).toBe(true);
  });

  it('agrees with the table in docs/operations.md (same codes, same messages)', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/operations.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Runtime error codes'));
    const documented = [...section.matchAll(/^\| `(RUNTIME_ERR_[A-Z_]+)` \| (.+?) \|/gm)].map((m) => [m[1], m[2]]);
    expect(documented).toEqual(Object.entries(RUNTIME_ERRORS));
  });

  it('RuntimeError carries the code and the declared message', () => {
    const err = new RuntimeError('RUNTIME_ERR_START_FAILED', 'bus down', { cause: new Error('x') });
    expect(err.code).toBe('RUNTIME_ERR_START_FAILED');
    expect(err.message).toBe('service start failed: bus down');
    expect(err.name).toBe('RuntimeError');
    expect(err.cause).toBeInstanceOf(Error);
    expect(new RuntimeError('RUNTIME_ERR_SHUTDOWN_TIMEOUT').message).toBe(RUNTIME_ERRORS.RUNTIME_ERR_SHUTDOWN_TIMEOUT);
  });

  it('exit codes', () => {
    expect(EXIT_CODES).toEqual({ OK: 0, FAILURE: 1, CONFIG: 78 });
  });
});
