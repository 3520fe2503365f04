import { connectServiceBus } from '@tickwire/bus';
import { runServiceProcesses } from '@tickwire/runtime';
import { edgeApp } from './edge-app';

void runServiceProcesses(edgeApp({ connectBus: connectServiceBus }), (config) => config.PROCESSES);
