import { connectServiceBus } from '@tickwire/bus';
import { runService } from '@tickwire/runtime';
import { edgeApp } from './edge-app';

void runService(edgeApp({ connectBus: connectServiceBus }));
