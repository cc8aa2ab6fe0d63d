import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

/**
 * How a connection is used decides how it must behave when Redis goes away:
 * - `command`: fails fast (no offline queue, a command timeout) so callers can answer 503
 *   instead of queueing in memory or hanging on a frozen server.
 * - `subscriber`: queues its (p)subscribe until connected and resubscribes after a reconnect.
 * - `blocking`: BullMQ's worker connection; blocking pops must not time out and BullMQ
 *   requires `maxRetriesPerRequest: null`.
 */
export type RedisRole = "command" | "subscriber" | "blocking";

export interface RedisClientOptions {
  url: string;
  /** Shown by `CLIENT LIST`, so an operator can tell which service holds a connection. */
  name: string;
  role: RedisRole;
  logger: Logger;
  commandTimeoutMs?: number;
}

const roleOptions: Record<RedisRole, (timeoutMs: number) => RedisOptions> = {
  command: (timeoutMs) => ({ enableOfflineQueue: false, commandTimeout: timeoutMs, maxRetriesPerRequest: 1 }),
  subscriber: () => ({ enableOfflineQueue: true, maxRetriesPerRequest: null }),
  blocking: () => ({ enableOfflineQueue: true, maxRetriesPerRequest: null }),
};

export function createRedisClient(options: RedisClientOptions): Redis {
  const client = new Redis(options.url, {
    connectionName: options.name,
    // Reconnect quickly: publishing must recover within about two seconds of Redis returning.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    ...roleOptions[options.role](options.commandTimeoutMs ?? 1000),
  });
  const log = options.logger.child({ redis: options.name });
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
  return client;
}
