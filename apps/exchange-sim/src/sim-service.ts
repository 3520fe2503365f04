import { FeedLog, MoldUdp64FeedPublisher, parseEndpoint, SoupBinTcpFeedServer } from '@tickwire/feed-net';
import { MarketDayGenerator } from '@tickwire/market-sim';
import { gaugeFrom, METRIC_PREFIX, type Logger, type Readiness, type Registry, type ServiceConfig } from '@tickwire/runtime';
import { writeDayToFile } from './binary-file-output';
import { ExchangeClock } from './exchange-clock';
import { FeedPlayer } from './feed-player';
import type { simConfig } from './sim-config';

export type SimConfig = ServiceConfig<typeof simConfig>;

export interface RunningSim {
  /** The day's messages as served (numbered from 1); empty in file mode. */
  readonly log: FeedLog;
  /** Settles when the whole day has been generated and handed to the transport (End of Session sent). */
  readonly dayDone: Promise<void>;
  /** Where clients connect: the SoupBinTCP port, or the MoldUDP64 re-request port. */
  readonly ports: { readonly soupBinTcp?: number; readonly moldRequest?: number };
  stop(): Promise<void>;
}

export interface SimContext {
  readonly config: SimConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly readiness: Readiness;
}

/** Loss injection decided from the sequence alone, so a run is reproducible. */
export function packetDropper(perMillion: number): ((firstSequence: number, count: number, line: string) => boolean) | undefined {
  if (perMillion === 0) return undefined;
  return (firstSequence, _count, line) => (Math.imul(firstSequence ^ (line === 'B' ? 0x5bd1e995 : 0), 0x9e3779b1) >>> 0) % 1_000_000 < perMillion;
}

function generatorFor(config: SimConfig): MarketDayGenerator {
  return new MarketDayGenerator({
    seed: config.SEED,
    symbols: config.SYMBOLS,
    messages: config.MESSAGES,
    messagesPerSecond: config.RATE,
    openBurst: { multiplier: config.OPEN_BURST_MULTIPLIER, durationNs: config.OPEN_BURST * 1e6 },
  });
}

/** Wires the exchange simulator for the configured mode. `main.ts` calls it; tests call it in-process. */
export async function startSim(ctx: SimContext): Promise<RunningSim> {
  const { config, logger } = ctx;
  const generator = generatorFor(config);
  const log = new FeedLog();
  gaugeFrom(ctx.registry, `${METRIC_PREFIX}exchange_sim_messages`, 'Messages of the day generated and handed to the transport so far', () => log.size);
  ctx.readiness.register('feed');
  logger.info({ event: 'sim.day', mode: config.MODE, seed: config.SEED, symbols: config.SYMBOLS, messages: config.MESSAGES, rate: config.RATE }, 'generating a trading day');

  if (config.MODE === 'file') {
    if (!config.OUTPUT) throw new Error('MODE=file needs OUTPUT (the BinaryFILE path to write)');
    const output = config.OUTPUT;
    ctx.readiness.set('feed', true);
    const dayDone = writeDayToFile(generator, output, true).then((bytes) => {
      logger.info({ event: 'sim.file_written', path: output, bytes, stats: generator.stats }, `wrote ${output}`);
    });
    return { log, dayDone, ports: {}, stop: async () => undefined };
  }

  const player = new FeedPlayer({
    generator,
    log,
    clock: new ExchangeClock({ speed: config.SPEED, maxIdleNs: config.MAX_IDLE * 1e6 }),
    nowNs: () => Number(process.hrtime.bigint()),
  });

  if (config.MODE === 'moldudp64') {
    const publisher = new MoldUdp64FeedPublisher({
      session: config.SESSION,
      channelA: parseEndpoint(config.MOLD_DESTINATION, 'MOLD_DESTINATION'),
      ...(config.MOLD_B_DESTINATION ? { channelB: parseEndpoint(config.MOLD_B_DESTINATION, 'MOLD_B_DESTINATION') } : {}),
      log,
      multicastInterface: config.MOLD_INTERFACE,
      requestServer: { host: config.HOST, port: config.MOLD_REQUEST_PORT },
      ...(packetDropper(config.MOLD_DROP_PER_MILLION) ? { dropPacket: packetDropper(config.MOLD_DROP_PER_MILLION)! } : {}),
    });
    const { requestPort } = await publisher.start();
    ctx.readiness.set('feed', true);
    logger.info({ event: 'sim.moldudp64_publishing', destination: config.MOLD_DESTINATION, requestPort }, `publishing MoldUDP64 to ${config.MOLD_DESTINATION}`);
    player.start();
    const dayDone = player.done.then(() => publisher.endSession()).then(() => {
      logger.info({ event: 'sim.end_of_session', messages: log.size, counters: publisher.counters }, 'End of Session sent; still answering re-requests');
    });
    return {
      log,
      dayDone,
      ports: requestPort === undefined ? {} : { moldRequest: requestPort },
      async stop() {
        player.stop();
        await publisher.close();
      },
    };
  }

  const server = new SoupBinTcpFeedServer({
    store: log,
    session: config.SESSION,
    host: config.HOST,
    port: config.PORT,
    authenticate: (username, password) => username === config.SOUP_USERNAME && password === config.SOUP_PASSWORD,
    onConnectionClosed: (event) => logger.info({ event: 'sim.client_closed', remote: event.remote, reason: event.reason, code: event.code, nextSequence: event.nextSequence }, `client ${event.remote} closed: ${event.reason}`),
  });
  const address = await server.listen();
  ctx.readiness.set('feed', true);
  logger.info({ event: 'sim.soupbintcp_listening', port: server.port }, `SoupBinTCP session ${config.SESSION} on ${JSON.stringify(address)}`);
  player.start();
  const dayDone = player.done.then(() => {
    server.endSession();
    logger.info({ event: 'sim.end_of_session', messages: log.size }, 'the day is complete; clients get End of Session once caught up');
  });
  return {
    log,
    dayDone,
    ports: { soupBinTcp: server.port },
    async stop() {
      player.stop();
      await server.close();
    },
  };
}
