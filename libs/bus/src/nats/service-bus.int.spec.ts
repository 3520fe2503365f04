import { startNats, type TestServer } from '@tickwire/testing';
import { waitUntil } from '../testing';
import { BUS_READINESS, connectServiceBus, type BusLogger, type BusReadiness } from './service-bus';

/** Records what the bus reports, in order. */
class Recorder implements BusReadiness, BusLogger {
  readonly events: string[] = [];
  ready: boolean | undefined;
  register(name: string): void {
    this.events.push(`register ${name}`);
    this.ready = false;
  }
  set(name: string, ok: boolean): void {
    this.events.push(`set ${name} ${ok}`);
    this.ready = ok;
  }
  info(fields: object): void {
    this.events.push(`info ${(fields as { event: string }).event}`);
  }
  error(fields: object): void {
    this.events.push(`error ${(fields as { event: string }).event} ${(fields as { subject: string }).subject}`);
  }
}

describe('connectServiceBus (real nats-server)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startNats();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('is ready only after prepare, follows the connection, and logs handler failures with the subject', async () => {
    const recorder = new Recorder();
    const bus = await connectServiceBus({
      servers: server.url,
      name: 'service-bus-test',
      readiness: recorder,
      logger: recorder,
      prepare: async () => {
        recorder.events.push('prepare');
        expect(recorder.ready).toBe(false);
      },
    });
    try {
      expect(recorder.events.slice(0, 3)).toEqual([`register ${BUS_READINESS}`, 'prepare', `set ${BUS_READINESS} true`]);
      bus.subscribe('svc.test', () => {
        throw new Error('boom');
      });
      bus.publish('svc.test', new Uint8Array([1]));
      await waitUntil(() => recorder.events.includes('error bus.handler_failed svc.test'), 'the handler failure to be logged');
      await server.stop();
      await waitUntil(() => recorder.ready === false, 'readiness to turn false when NATS goes away');
    } finally {
      await bus.close();
    }
  });
});
