import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_ERRORS, TickwireClientError, TickwireHttpError } from './errors';

describe('client error codes', () => {
  it('are listed in README.md with the same messages, and nothing else is', () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const documented = Object.fromEntries([...readme.matchAll(/^\| `(CLIENT_ERR_[A-Z_]+)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual({ ...CLIENT_ERRORS });
  });

  it('carry their code and say what failed', () => {
    const error = new TickwireClientError('CLIENT_ERR_INVALID_OPTION', 'url must be a ws:// or wss:// URL, got "x"');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TickwireClientError');
    expect(error.message).toBe('invalid option: url must be a ws:// or wss:// URL, got "x"');
    const http = new TickwireHttpError(503, 'snapshot service unavailable', 'http://edge/v1/snapshot');
    expect(http).toBeInstanceOf(TickwireClientError);
    expect(http).toMatchObject({ code: 'CLIENT_ERR_HTTP', status: 503, serverMessage: 'snapshot service unavailable', message: 'HTTP request failed: 503 snapshot service unavailable' });
  });
});
