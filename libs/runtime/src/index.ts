export { RUNTIME_ERRORS, RuntimeError, EXIT_CODES } from './errors';
export type { RuntimeErrorCode } from './errors';
export {
  DEFAULT_OPS_HOST,
  DEFAULT_OPS_PORT,
  DEFAULT_LOG_LEVEL,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_NATS_URL,
} from './defaults';
export { env, defineConfig, loadConfig, describeConfig, formatConfigHelp, ConfigError, parseDuration, formatDuration } from './config';
export type {
  EnvVar,
  EnvKind,
  ParseResult,
  ConfigSpec,
  Config,
  ConfigValue,
  ConfigProblem,
  ConfigRow,
  StringOptions,
  IntOptions,
  PortOptions,
  BoolOptions,
  EnumOptions,
  DurationOptions,
  UrlOptions,
  IntRangesOptions,
} from './config';
export { createLogger, LOG_LEVELS, RUNTIME_EVENTS } from './logger';
export type { Logger, LogLevel, LoggerOptions } from './logger';
export { counterFrom, createMetrics, gaugeFrom, METRIC_PREFIX } from './metrics';
export type { Registry, MetricsOptions } from './metrics';
export { Readiness } from './readiness';
export type { ReadinessCondition, ReadinessReport } from './readiness';
export { createOpsServer } from './ops-server';
export type { OpsApp, OpsServer, OpsServerOptions, OpsAddress, ReadyzBody } from './ops-server';
export { GracefulShutdown, SHUTDOWN_STAGES } from './shutdown';
export type { ShutdownStage, ShutdownHook, ShutdownSignal, SignalSource, GracefulShutdownOptions } from './shutdown';
export { RUNTIME_CONFIG } from './runtime-config';
export type { NodeOption } from './node-options';
export type { RuntimeConfigSpec } from './runtime-config';
export { runService } from './service';
export { runServiceProcesses } from './service-processes';
export type {
  RunServiceOptions,
  RunningService,
  ServiceDefinition,
  ServiceContext,
  ServiceHost,
  ServiceSpec,
  ServiceConfig,
  RuntimeOverrides,
  ProcessEventSource,
} from './service';
export { createUnixNanoClock } from './unix-clock';
