import { InMemoryBroker } from './memory-bus';
import { describeBusContract } from '../testing';

describeBusContract('in-memory', async () => {
  const broker = new InMemoryBroker(() => undefined);
  return { connect: async () => broker.connect() };
});
