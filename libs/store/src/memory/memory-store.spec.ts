import { describeSnapshotStoreContract } from '../testing';
import { MemorySnapshotStore } from './memory-store';

describeSnapshotStoreContract('in-memory', async () => ({
  open: async (limits) => new MemorySnapshotStore(limits),
}));
