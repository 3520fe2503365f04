import { InMemoryBroker } from './memory-bus';
import { inMemoryServiceBus } from './memory-service-bus';

function recorder() {
  const readiness: [string, boolean | undefined][] = [];
  const logged: string[] = [];
  return {
    readiness: { register: (name: string) => readiness.push([name, undefined]), set: (name: string, ok: boolean) => readiness.push([name, ok]) },
    logger: { info: (fields: object) => void logged.push((fields as { event: string }).event), error: () => undefined },
    seen: () => ({ readiness, logged }),
  };
}

describe('inMemoryServiceBus', () => {
  it('connects each service to the one broker and reports the bus readiness like connectServiceBus', async () => {
    const broker = new InMemoryBroker();
    const connect = inMemoryServiceBus(broker);
    const a = recorder();
    const publisher = await connect({ servers: 'ignored', name: 'tickwire-a', readiness: a.readiness, logger: a.logger });
    const subscriber = await connect({ servers: 'ignored', name: 'tickwire-b', readiness: recorder().readiness, logger: recorder().logger });
    const received: string[] = [];
    subscriber.subscribe('md.tick.>', (data, subject) => received.push(`${subject}:${new TextDecoder().decode(data)}`));
    publisher.publish('md.tick.1.AAPL', new TextEncoder().encode('x'));
    await publisher.flush();
    expect(received).toEqual(['md.tick.1.AAPL:x']);
    expect(a.seen()).toEqual({ readiness: [['bus', undefined], ['bus', true]], logged: ['bus.connected'] });
    await publisher.drain();
    await subscriber.close();
  });

  it('refuses a prepare step (JetStream) with a message naming the service and NATS_URL', async () => {
    const r = recorder();
    await expect(inMemoryServiceBus(new InMemoryBroker())({ servers: 'x', name: 'tickwire-ingest', readiness: r.readiness, logger: r.logger, prepare: async () => undefined })).rejects.toThrow(
      'tickwire-ingest: the in-memory bus has no JetStream; this setting needs NATS (set NATS_URL)',
    );
  });
});
