import { runService } from '@tickwire/runtime';
import { exchangeSimApp } from './exchange-sim-app';

void runService(exchangeSimApp());
