import type { ServiceDefinition } from '@tickwire/runtime';
import { simConfig } from './sim-config';
import { startSim, type RunningSim } from './sim-service';

/** The simulator's wiring; `main.ts` runs it alone, the embedded mode beside the other services. */
export function exchangeSimApp(): ServiceDefinition<typeof simConfig, RunningSim['ports']> {
  return {
    name: 'exchange-sim',
    config: simConfig,
    async start(ctx) {
      const sim = await startSim(ctx);
      ctx.onShutdown('stop-accepting', () => sim.stop(), 'transport');
      void sim.dayDone.then(
        () => {
          // A file is complete once written; a served day stays up for replays and re-requests.
          if (ctx.config.MODE === 'file') void ctx.shutdown.trigger('file written');
        },
        (error: unknown) => {
          ctx.logger.error({ event: 'sim.failed', err: error }, 'the simulator failed');
          void ctx.shutdown.trigger('simulator failed', 1);
        },
      );
      return sim.ports;
    },
  };
}

export { simConfig };
