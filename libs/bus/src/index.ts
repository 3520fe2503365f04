export { canPublishToStream, canReplay } from './bus';
export type { Bus, BusStatus, BusStatusListener, Closable, Drainable, ManagedBus, MessageHandler, ReplaySubscription, RequestOptions, StreamPublish, StreamReplay, SubscribeOptions, Subscription } from './bus';
export { BUS_ERRORS, BusError, type BusErrorCode } from './errors';
export { InMemoryBroker, InMemoryBus, type HandlerErrorReporter } from './memory/memory-bus';
export { connectNatsBus, NatsBus, type NatsBusOptions, DEFAULT_PING_INTERVAL_MS, DEFAULT_RECONNECT_JITTER_MS, DEFAULT_RECONNECT_WAIT_MS } from './nats/nats-bus';
export { BUS_READINESS, connectServiceBus, type BusLogger, type BusReadiness, type ServiceBusConnector, type ServiceBusOptions } from './nats/service-bus';
export { inMemoryServiceBus } from './memory/memory-service-bus';
export { assertPublishSubject, assertSubscribeSubject } from './subject';
