import { NATS_SERVER, REDIS_SERVER } from './server-kinds';
import { RedisCluster, type RedisClusterOptions } from './redis-cluster';
import { startTestServer, type TestServer, type TestServerOptions } from './test-server';

export { applyUpdateStream, EdgeTestClient, serverMessage, type EdgeWire } from './edge-test-client';
export { findFreePort } from './free-port';
export { SERVER_BACKEND_ENV, type ServerBackend } from './backend';
export { NATS_SERVER, REDIS_SERVER, type ServerKind } from './server-kinds';
export { TEST_HOST, startTestServer, waitForReadyLine, type TestServer, type TestServerOptions } from './test-server';

/** A real NATS server (testcontainers, or a local process where allowed) on a free loopback port. */
export function startNats(options?: TestServerOptions): Promise<TestServer> {
  return startTestServer(NATS_SERVER, options);
}

/** A real Redis server (testcontainers, or a local process where allowed) on a free loopback port. */
export function startRedis(options?: TestServerOptions): Promise<TestServer> {
  return startTestServer(REDIS_SERVER, options);
}
/** A real Redis Cluster (3 masters by default; testcontainers or local processes, like `startRedis`) on free loopback ports. */
export function startRedisCluster(options?: RedisClusterOptions): Promise<RedisCluster> {
  return RedisCluster.start(options);
}
export { REPO, ServiceProcess, type LogLine } from './service-process';
export { SYNTHETIC_EPOCH, syntheticTick, type SyntheticTickOptions } from './synthetic-tick';
export { edgeConnections, HAPROXY_CONFIG, HaproxyBalancer, type EdgeAddress } from './haproxy-balancer';
export { RedisCluster, type RedisClusterNode, type RedisClusterOptions } from './redis-cluster';
export { eventually, settleWithin } from './eventually';
export { readyz } from './readyz';
export { NATS_CLUSTER_CONFIG, NatsCluster, type NatsClusterNode, type NatsNodeState } from './nats-cluster';
export { exposedSeriesNames, PrometheusSamples } from './prometheus-samples';
export { serveWorkerCommands, WorkerProcesses, type FailedReply, type Typed, type WorkerProcessesOptions } from './worker-processes';
