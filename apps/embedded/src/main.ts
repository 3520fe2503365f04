import { runService } from '@tickwire/runtime';
import { embeddedConfig } from './embedded-config';
import { startEmbeddedSystem } from './embedded-system';

/**
 * `npm start`: the whole pipeline in this process. It is itself a service (ops server, graceful
 * shutdown on Ctrl-C) whose one shutdown hook stops the hosted services in order.
 */
void runService({
  name: 'tickwire',
  config: { ...embeddedConfig },
  async start(ctx) {
    const system = await startEmbeddedSystem(ctx.config, process.env);
    ctx.onShutdown('drain', async () => {
      const code = await system.stop();
      if (code !== 0) throw new Error(`a hosted service exited with ${code}`);
    }, 'hosted-services');
    void system.firstExit.then(({ service, code }) => {
      if (!ctx.shutdown.closing) void ctx.shutdown.trigger(`${service} stopped (exit ${code})`, code === 0 ? 1 : code);
    });
    const { host, port } = system.edge;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const lines = [
      '',
      `Tickwire is running in one process (bus: ${system.bus}, store: ${system.store}).`,
      '',
      `  Dashboard   http://${shown}:${port}/`,
      `  WebSocket   ws://${shown}:${port}/v1/stream   (anonymous access, realtime tier; see docs/protocol.md)`,
      `  HTTP        http://${shown}:${port}/v1/snapshot?symbols=...   /v1/instruments   /v1/candles?symbol=...`,
      '',
      ...system.ops.map((o) => `  ops ${o.service.padEnd(13)} ${o.url}/metrics`),
      '',
      'Ctrl-C stops it.',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  },
});
