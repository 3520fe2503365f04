import { NATS_SERVER } from './server-kinds';
import type * as TestServerModule from './test-server';
import { startTestServer } from './test-server';

describe('server backend choice', () => {
  const saved = process.env.TICKWIRE_TEST_SERVERS;
  afterEach(() => {
    if (saved === undefined) delete process.env.TICKWIRE_TEST_SERVERS;
    else process.env.TICKWIRE_TEST_SERVERS = saved;
  });

  it('fails (never skips) with instructions when the server binary is missing', async () => {
    jest.resetModules();
    process.env.TICKWIRE_TEST_SERVERS = 'processes';
    const { startTestServer: start } = jest.requireActual<typeof TestServerModule>('./test-server');
    await expect(start({ ...NATS_SERVER, binary: 'tickwire-no-such-server' })).rejects.toThrow(/Integration tests need nats: either a container runtime/);
  });

  it('rejects an unknown TICKWIRE_TEST_SERVERS value, naming the variable', async () => {
    jest.resetModules();
    process.env.TICKWIRE_TEST_SERVERS = 'docker-please';
    const { startTestServer: start } = jest.requireActual<typeof TestServerModule>('./test-server');
    await expect(start(NATS_SERVER)).rejects.toThrow(/TICKWIRE_TEST_SERVERS must be containers, processes or auto; got "docker-please"/);
    expect(startTestServer).toBeDefined();
  });
});
