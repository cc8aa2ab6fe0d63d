import { createAdapter } from "@socket.io/redis-adapter";
import { createPublishApp } from "@socket-server/publish-api/app";
import { createKeyRateLimiter } from "@socket-server/publish-api/key-rate-limiter";
import { createMemoryReplayStore } from "@socket-server/publish-api/memory-replay-store";
import { loadConfigOrExit } from "@socket-server/shared/config";
import { createHttpServer, listen, publishApiShedding } from "@socket-server/shared/http";
import { createLogger } from "@socket-server/shared/logging";
import {
  createCommonMetrics,
  createMetricsRegistry,
  instrumentPublisher,
  startEmfIfEnabled,
  trackRedisUp,
} from "@socket-server/shared/metrics";
import { createInProcessRoomEmitter, createPublisher } from "@socket-server/shared/publishing";
import { closeRedisClient, createRedisClient, pingRedis } from "@socket-server/shared/redis";
import { createShutdown, guardProcess } from "@socket-server/shared/shutdown";
import { GatewayConfigSchema } from "./config.js";
import { createGatewayApp } from "./create-gateway-app.js";
import { createSocketServer } from "./create-socket-server.js";
import { createClientAuthenticator } from "./create-client-authenticator.js";
import { resolvePublishKeys } from "./dev-mode.js";
import { registerGatewayMetrics } from "./register-gateway-metrics.js";
import { resolveClientAccess } from "./resolve-client-access.js";

const config = loadConfigOrExit(GatewayConfigSchema, process.env, "socket-gateway");
const logger = createLogger({ service: "socket-gateway", level: config.LOG_LEVEL });
const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
guardProcess(shutdown, logger);
const registry = createMetricsRegistry("socket-gateway");
const metrics = createCommonMetrics(registry);

const redis = config.REDIS_ENABLED ? connectRedis() : undefined;
// Ready only when both links work: the subscriber is what receives every publication.
const redisCheck = async () => {
  if (!redis) return "disabled";
  return redis.sub.status === "ready" && (await pingRedis(redis.pub)) ? "up" : "down";
};

// Requests reach the Hono app through a closure: Socket.IO must exist before the publish app.
// The timeouts cover HTTP requests only: upgraded WebSockets and held long-polls are not cut.
const httpServer = createHttpServer(
  (request) => app.fetch(request),
  config,
  // Single-instance mode serves the publish API (below), refusing its excess like publish-api.
  config.REDIS_ENABLED ? undefined : publishApiShedding(config.PUBLISH_MAX_IN_FLIGHT, metrics),
);
const access = resolveClientAccess(config, logger);
const io = createSocketServer({
  httpServer,
  logger,
  maxConnections: config.MAX_CONNECTIONS,
  draining: () => shutdown.draining,
  clients: {
    authenticate: createClientAuthenticator(access),
    verifyToken: access.verifyToken,
    corsOrigins: access.corsOrigins,
    clientIpHeader: config.CLIENT_IP_HEADER,
    maxRoomsPerConnection: config.MAX_ROOMS_PER_CONNECTION,
    eventsPerSecond: config.CLIENT_EVENTS_PER_SECOND,
    connectionsPerSecondPerIp: config.CONNECTIONS_PER_SECOND_PER_IP,
    slowConsumerMaxBytes: config.SLOW_CONSUMER_MAX_BYTES,
    expiryGraceMs: config.JWT_EXPIRY_GRACE_MS,
  },
  onRefused: () => metrics.countError("connection_refused"),
  onCut: (reason) => gatewayMetrics.countCut(reason),
  onBroadcast: (recipients, meta) => gatewayMetrics.observeBroadcast(recipients, meta),
  ...(redis ? { adapter: createAdapter(redis.pub, redis.sub, { key: config.REDIS_PREFIX }) } : {}),
});
const gatewayMetrics = registerGatewayMetrics(registry, io);
// Closes every socket (clients see `transport close` and reconnect elsewhere), the adapter and the HTTP server.
shutdown.add("socket.io", () => io.close());

// Single-instance mode: this process is also the publish API, emitting straight to its sockets.
const publishApp = redis
  ? undefined
  : createPublishApp({
      publisher: instrumentPublisher(createPublisher({ emitter: createInProcessRoomEmitter(io) }), metrics, "http"),
      notifications: undefined,
      apiKeys: resolvePublishKeys(config.PUBLISH_API_KEYS, config.DEV_MODE, logger),
      // One process: counts and used signatures live in its memory.
      rateLimiter: createKeyRateLimiter({ perSecond: config.PUBLISH_RATE_LIMIT_PER_SECOND, burst: config.PUBLISH_RATE_LIMIT_BURST }),
      replayStore: createMemoryReplayStore(),
      maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
    });
const app = createGatewayApp({
  logger,
  registry,
  metrics,
  redisCheck,
  draining: () => shutdown.draining,
  publishApp,
});

shutdown.add("emf", startEmfIfEnabled(config, registry, "socket-gateway"));

const port = await listen(httpServer, config.PORT, config.HOST);
logger.info({ port, host: config.HOST, redis: config.REDIS_ENABLED }, "socket-gateway listening");

function connectRedis() {
  const name = `${config.REDIS_PREFIX}:socket-gateway`;
  const pub = createRedisClient({ url: config.REDIS_URL, name: `${name}:pub`, role: "command", logger });
  const sub = createRedisClient({ url: config.REDIS_URL, name: `${name}:sub`, role: "subscriber", logger });
  shutdown.add("redis", async () => {
    await Promise.all([closeRedisClient(pub), closeRedisClient(sub)]);
  });
  trackRedisUp(registry, () => pub.status === "ready" && sub.status === "ready");
  return { pub, sub };
}
