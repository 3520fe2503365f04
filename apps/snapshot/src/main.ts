import { connectServiceBus } from '@tickwire/bus';
import { runService } from '@tickwire/runtime';
import { snapshotApp } from './snapshot-app';
import { connectStoreWithRetry } from './store-connection';

void runService(snapshotApp({ connectBus: connectServiceBus, connectStore: connectStoreWithRetry }));
