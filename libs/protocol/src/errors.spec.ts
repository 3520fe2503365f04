import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_ERRORS, ProtocolError } from './errors';

describe('protocol error codes', () => {
  it('are listed in docs/protocol.md with the same messages, and nothing else is', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/protocol.md'), 'utf8');
    const documented = Object.fromEntries([...doc.matchAll(/^\| `(PROTOCOL_ERR_[A-Z_]+)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual({ ...PROTOCOL_ERRORS });
  });

  it('carry their code and say what failed', () => {
    const error = new ProtocolError('PROTOCOL_ERR_INVALID_SHARD_COUNT', 'shardCount must be an integer in 1..1024, got 0');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProtocolError');
    expect(error.code).toBe('PROTOCOL_ERR_INVALID_SHARD_COUNT');
    expect(error.message).toBe('invalid shard count: shardCount must be an integer in 1..1024, got 0');
    expect(new ProtocolError('PROTOCOL_ERR_INVALID_SYMBOL').message).toBe('invalid symbol');
  });
});
