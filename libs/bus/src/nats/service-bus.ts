import type { ManagedBus } from '../bus';
import { connectNatsBus, type NatsBus } from './nats-bus';

/** The slice of a service's readiness (`Readiness` in libs/runtime) the bus reports to. */
export interface BusReadiness {
  register(name: string, reason?: string): unknown;
  set(name: string, ok: boolean, reason?: string): unknown;
}

/** The slice of a service's logger (pino) the bus writes to. */
export interface BusLogger {
  info(fields: object, message: string): void;
  error(fields: object, message?: string): void;
}

export interface ServiceBusOptions {
  readonly servers: string | readonly string[];
  /** Connection name, e.g. `tickwire-edge`. */
  readonly name: string;
  readonly readiness: BusReadiness;
  readonly logger: BusLogger;
  /** Runs after connecting and before the service reports the bus ready (e.g. creating a stream). */
  readonly prepare?: (bus: NatsBus) => Promise<void>;
}

/**
 * How a service obtains its bus, so its wiring is the same in production (`connectServiceBus`, NATS) and
 * in embedded mode (`inMemoryServiceBus`). A service needing NATS-only features (JetStream, KV) checks
 * `instanceof NatsBus`.
 */
export type ServiceBusConnector = (options: ServiceBusOptions) => Promise<ManagedBus>;

/** The readiness condition the bus sets. */
export const BUS_READINESS = 'bus';

/**
 * How every service connects its bus: readiness condition `bus` (false until connected, then following
 * the connection), `bus.<status>` log lines on every status change, handler failures logged as
 * `bus.handler_failed` with the subject, and a stalled stream replay that was replaced as
 * `bus.replay_restarted` with the subject.
 */
export async function connectServiceBus(options: ServiceBusOptions): Promise<NatsBus> {
  const { readiness, logger } = options;
  readiness.register(BUS_READINESS, 'connecting to NATS');
  const bus = await connectNatsBus({
    servers: options.servers,
    name: options.name,
    onHandlerError: (err, subject) => logger.error({ event: 'bus.handler_failed', err, subject }, 'a bus handler threw'),
    onReplayRestarted: (subject, fromSeq) => logger.info({ event: 'bus.replay_restarted', subject, fromSeq }, `the stream consumer of ${subject} stalled (its server is gone?): replaced, from stream sequence ${fromSeq}`),
  });
  if (options.prepare !== undefined) await options.prepare(bus);
  readiness.set(BUS_READINESS, true);
  bus.onStatus((status, detail) => {
    readiness.set(BUS_READINESS, status === 'connected', `bus ${status}`);
    logger.info({ event: `bus.${status}`, detail }, `bus ${status}`);
  });
  return bus;
}
