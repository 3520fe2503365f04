import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLOSE_CODES,
  CLOSE_CODE_RANGES,
  CloseCode,
  ERROR_CODES,
  ERROR_CODE_RANGES,
  ErrorCode,
  closeCodeInfo,
  errorCodeInfo,
  type CodeDefinition,
  type CodeRange,
} from './close-codes';

interface DocumentedCode {
  code: number;
  name: string;
  retryable: boolean;
}

/** Rows of every `Code | Name | Retryable | Meaning` table in docs/protocol.md whose code lies in [from, to]. */
function documentedCodes(from: number, to: number): DocumentedCode[] {
  const doc = readFileSync(join(__dirname, '../../../docs/protocol.md'), 'utf8');
  return [...doc.matchAll(/^\| (\d+) \| `?([A-Z_]+)`? \| (yes|no) \| .+ \|$/gm)]
    .map((m) => ({ code: Number(m[1]), name: m[2]!, retryable: m[3] === 'yes' }))
    .filter((row) => row.code >= from && row.code <= to);
}

function declared(table: Record<string, CodeDefinition>): DocumentedCode[] {
  return Object.values(table).map(({ code, name, retryable }) => ({ code, name, retryable }));
}

describe.each([
  ['close codes', CLOSE_CODES as Record<string, CodeDefinition>, CLOSE_CODE_RANGES as Record<string, CodeRange>],
  ['in-band error codes', ERROR_CODES as Record<string, CodeDefinition>, ERROR_CODE_RANGES as Record<string, CodeRange>],
])('%s', (_label, table, ranges) => {
  const definitions = Object.values(table);

  it('lie in the documented range they declare', () => {
    for (const d of definitions) {
      const range = ranges[d.range];
      expect(range).toBeDefined();
      expect([d.name, d.code >= range!.from && d.code <= range!.to]).toEqual([d.name, true]);
    }
  });

  it('are unique, and keyed by their own name', () => {
    expect(new Set(definitions.map((d) => d.code)).size).toBe(definitions.length);
    for (const [key, d] of Object.entries(table)) expect(d.name).toBe(key);
  });

  it('have ranges that do not overlap', () => {
    const sorted = Object.values(ranges).sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.from).toBeGreaterThan(sorted[i - 1]!.to);
  });

  it('are listed in docs/protocol.md with the same names and retry flags, and nothing else is', () => {
    const lowest = Math.min(...Object.values(ranges).map((r) => r.from));
    const highest = Math.max(...Object.values(ranges).map((r) => r.to));
    const byCode = (a: DocumentedCode, b: DocumentedCode) => a.code - b.code;
    expect(documentedCodes(lowest, highest).sort(byCode)).toEqual(declared(table).sort(byCode));
  });
});

describe('code lookups', () => {
  it('find a definition by number', () => {
    expect(CloseCode.SLOW_CONSUMER).toBe(4200);
    expect(closeCodeInfo(4200)).toMatchObject({ name: 'SLOW_CONSUMER', retryable: true });
    expect(closeCodeInfo(1000)).toBeUndefined();
    expect(ErrorCode.BAD_REQUEST).toBe(1000);
    expect(errorCodeInfo(1300)).toMatchObject({ name: 'RESYNC_FAILED', retryable: true });
    expect(errorCodeInfo(4000)).toBeUndefined();
  });

  it('use the WebSocket application range for close codes, apart from the in-band codes', () => {
    for (const d of Object.values(CLOSE_CODES)) expect(d.code >= 4000 && d.code <= 4999).toBe(true);
    for (const d of Object.values(ERROR_CODES)) expect(d.code >= 1000 && d.code <= 1999).toBe(true);
  });

  it('are frozen', () => {
    expect(Object.isFrozen(CLOSE_CODES)).toBe(true);
    expect(Object.isFrozen(CLOSE_CODES.SLOW_CONSUMER)).toBe(true);
    expect(Object.isFrozen(ErrorCode)).toBe(true);
  });
});
