import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import type { Logger } from "pino";
import type { RedisTarget } from "./redis-target.js";

/** A connection to one Redis server or to a Redis Cluster: both speak the commands services use. */
export type RedisConnection = Redis | Cluster;

/**
 * How a connection is used decides how it must behave when Redis goes away:
 * - `command`: fails fast (no offline queue, a command timeout) so callers can answer 503
 *   instead of queueing in memory or hanging on a frozen server.
 * - `subscriber`: queues its (s)subscribe until connected and resubscribes after a reconnect.
 * - `blocking`: BullMQ's worker connection; blocking pops must not time out and BullMQ
 *   requires `maxRetriesPerRequest: null`.
 */
export type RedisRole = "command" | "subscriber" | "blocking";

interface CommonClientOptions {
  /** Shown by `CLIENT LIST`, so an operator can tell which service holds a connection. */
  name: string;
  role: RedisRole;
  logger: Logger;
  commandTimeoutMs?: number;
}

export type RedisClientOptions = CommonClientOptions & ({ url: string; target?: undefined } | { target: RedisTarget; url?: undefined });

const roleOptions: Record<RedisRole, (timeoutMs: number) => RedisOptions> = {
  command: (timeoutMs) => ({ enableOfflineQueue: false, commandTimeout: timeoutMs, maxRetriesPerRequest: 1 }),
  subscriber: () => ({ enableOfflineQueue: true, maxRetriesPerRequest: null }),
  blocking: () => ({ enableOfflineQueue: true, maxRetriesPerRequest: null }),
};

// Reconnect quickly: publishing must recover within about two seconds of Redis returning.
const reconnectDelay = (attempt: number) => Math.min(attempt * 100, 1000);

export function createRedisClient(options: CommonClientOptions & { url: string }): Redis;
export function createRedisClient(options: RedisClientOptions): RedisConnection;
export function createRedisClient(options: RedisClientOptions): RedisConnection {
  const target: RedisTarget = options.target ?? { mode: "standalone", url: options.url! };
  const perConnection: RedisOptions = {
    connectionName: options.name,
    retryStrategy: reconnectDelay,
    ...roleOptions[options.role](options.commandTimeoutMs ?? 1000),
  };
  const client = target.mode === "standalone" ? new Redis(target.url, perConnection) : createCluster(target, options.role, perConnection);
  watchHealth(client, options.logger.child({ redis: options.name }));
  return client;
}

function createCluster(target: Extract<RedisTarget, { mode: "cluster" }>, role: RedisRole, perConnection: RedisOptions): Cluster {
  const { nodes, username, password, tls } = target;
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...perConnection,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(tls ? { tls: {} } : {}),
    },
    clusterRetryStrategy: reconnectDelay,
    // A command refused while a shard fails over (CLUSTERDOWN, TRYAGAIN, a MOVED to a new
    // primary) is retried after this long, within maxRetriesPerRequest.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    enableOfflineQueue: role !== "command",
    // Sharded pub/sub needs a subscriber connection per primary, which ioredis keeps only with this.
    shardedSubscribers: role === "subscriber",
    // A turn's commands to one node leave as one write, as a pipeline does on one server; a
    // cluster pipeline could hold only keys of one node.
    enableAutoPipelining: role === "command",
    // ElastiCache (and TLS) advertise node addresses that must be resolved as given.
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
  return new Cluster(nodes, clusterOptions);
}

function watchHealth(client: RedisConnection, log: Logger): void {
  let healthy = true;
  // Without an 'error' listener ioredis reports every failed reconnect as an unhandled error.
  client.on("error", (error: Error) => {
    if (healthy) log.warn({ err: error.message }, "redis connection error");
    healthy = false;
  });
  client.on("ready", () => {
    if (!healthy) log.info("redis connection restored");
    healthy = true;
  });
}
