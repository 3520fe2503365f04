import { connectServiceBus } from '@tickwire/bus';
import { runService } from '@tickwire/runtime';
import { normalizerApp } from './normalizer-app';

void runService(normalizerApp({ connectBus: connectServiceBus }));
