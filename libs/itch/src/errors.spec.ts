import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ITCH_ERRORS, ItchError } from './errors';

describe('ITCH error codes', () => {
  it('are listed in docs/itch.md with the same messages, and nothing else with their prefixes is', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/itch.md'), 'utf8');
    const documented = Object.fromEntries([...doc.matchAll(/^\| `((?:ITCH|BINARYFILE|SOUPBINTCP|MOLDUDP64|PCAP)_ERR_[A-Z0-9_]+)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual(Object.fromEntries(Object.entries(ITCH_ERRORS).map(([code, definition]) => [code, definition.message])));
  });

  it('ItchError carries the code and names the detail', () => {
    const error = new ItchError('ITCH_ERR_SYMBOL_TOO_LONG', 'ABCDEFGHI');
    expect(error.code).toBe('ITCH_ERR_SYMBOL_TOO_LONG');
    expect(error.message).toBe('Stock symbol is longer than 8 characters: ABCDEFGHI');
  });
});
