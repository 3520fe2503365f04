import type { ServiceBusConnector } from '../nats/service-bus';
import { BUS_READINESS } from '../nats/service-bus';
import type { InMemoryBroker } from './memory-bus';

/**
 * The embedded-mode counterpart of `connectServiceBus`: each call connects to `broker` and reports the
 * same readiness condition. There is no JetStream in memory, so a service that asks for a `prepare` step
 * (a replay stream) is refused at start with a message saying which setting needs NATS.
 */
export function inMemoryServiceBus(broker: InMemoryBroker): ServiceBusConnector {
  return async (options) => {
    if (options.prepare !== undefined) throw new Error(`${options.name}: the in-memory bus has no JetStream; this setting needs NATS (set NATS_URL)`);
    options.readiness.register(BUS_READINESS, 'connecting to the in-memory bus');
    const bus = broker.connect();
    options.readiness.set(BUS_READINESS, true);
    options.logger.info({ event: 'bus.connected', detail: 'in-memory' }, 'bus connected (in-memory)');
    return bus;
  };
}
