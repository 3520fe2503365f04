import { connectServiceBus } from '@tickwire/bus';
import { runService } from '@tickwire/runtime';
import { ingestApp } from './ingest-app';

void runService(ingestApp({ connectBus: connectServiceBus }));
