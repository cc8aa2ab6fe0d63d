import { Queue } from "bullmq";
import { adminCredentials, loadConfigOrExit, pubSubMode } from "@socket-server/shared/config";
import { NOTIFICATIONS_QUEUE } from "@socket-server/shared/events";
import { closeHttpServer, createHttpServer, createServiceApp, listen } from "@socket-server/shared/http";
import { createLogger } from "@socket-server/shared/logging";
import { createCommonMetrics, createMetricsRegistry, instrumentPublisher, startEmfIfEnabled, trackRedisUp } from "@socket-server/shared/metrics";
import {
  createKeyRateLimiter,
  createPublishApp,
  createPublishFastLane,
  createRedisReplayStore,
  describePublishKeys,
  publishApiShedding,
  type PublishAppDeps,
} from "@socket-server/shared/publish-http";
import { historySettings } from "@socket-server/shared/history";
import { createFleetRoomEmitter, createPublisher } from "@socket-server/shared/publishing";
import { closeRedisClient, createRedisClient, pingRedis, queuePrefix, redisTarget } from "@socket-server/shared/redis";
import { createShutdown, guardProcess } from "@socket-server/shared/shutdown";
import { PublishApiConfigSchema } from "./config.js";
import { createBullmqNotificationQueue } from "./create-bullmq-notification-queue.js";
import { createQueueBoard } from "./create-queue-board.js";
import { createFleetRoomState } from "./create-fleet-room-state.js";

const config = loadConfigOrExit(PublishApiConfigSchema, process.env, "publish-api");
const logger = createLogger({ service: "publish-api", level: config.LOG_LEVEL });
const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
guardProcess(shutdown, logger);

describePublishKeys(config.PUBLISH_API_KEYS, logger);

const target = redisTarget(config);
const pubSub = pubSubMode(config);
const redis = createRedisClient({ target, name: `${config.REDIS_PREFIX}:publish-api`, role: "command", logger });
shutdown.add("redis", () => closeRedisClient(redis));
// The queue gets a client of its own: BullMQ defines dozens of script commands on its client,
// and ioredis copies them into every transaction, which made each publish markedly slower.
const queueRedis = createRedisClient({ target, name: `${config.REDIS_PREFIX}:publish-api:queue`, role: "command", logger });
shutdown.add("redis queue client", () => closeRedisClient(queueRedis));
// GET /v1/rooms/:room asks the gateways over Redis: their answers arrive on a subscriber connection of its own.
const roomStatsRedis = createRedisClient({ target, name: `${config.REDIS_PREFIX}:publish-api:room-stats`, role: "subscriber", logger });
shutdown.add("redis room-stats client", () => closeRedisClient(roomStatsRedis));

const queue = new Queue(NOTIFICATIONS_QUEUE, { connection: queueRedis, prefix: queuePrefix(config.REDIS_PREFIX, target) });
queue.on("error", (error) => logger.warn({ err: error.message }, "notification queue error"));
shutdown.add("queue", () => queue.close());

const registry = createMetricsRegistry("publish-api");
const metrics = createCommonMetrics(registry);
trackRedisUp(registry, () => redis.status === "ready" && queueRedis.status === "ready");
shutdown.add("emf", startEmfIfEnabled(config, registry, "publish-api"));
const app = createServiceApp({
  logger,
  metrics,
  registry,
  checks: async () => ({ redis: (await pingRedis(redis)) ? "up" : "down" }),
  draining: () => shutdown.draining,
});
const publishDeps: PublishAppDeps = {
  publisher: instrumentPublisher(
    createPublisher({ emitter: createFleetRoomEmitter({ client: redis, prefix: config.REDIS_PREFIX, history: historySettings(config), pubSub }) }),
    metrics,
    "http",
  ),
  notifications: createBullmqNotificationQueue(queue, queueRedis),
  apiKeys: config.PUBLISH_API_KEYS,
  rateLimiter: createKeyRateLimiter({
    perSecond: config.PUBLISH_RATE_LIMIT_PER_SECOND,
    burst: config.PUBLISH_RATE_LIMIT_BURST,
    redis: { client: redis, prefix: config.REDIS_PREFIX },
    onStoreError: () => metrics.countError("redis"),
  }),
  replayStore: createRedisReplayStore({ client: redis, prefix: config.REDIS_PREFIX }),
  roomState: createFleetRoomState({ client: redis, sub: roomStatsRedis, prefix: config.REDIS_PREFIX, history: historySettings(config), logger, pubSub }),
  maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
};
app.route("/", createPublishApp(publishDeps));
const admin = adminCredentials(config);
if (admin) {
  app.route("/", createQueueBoard({ queue, credentials: admin }));
  logger.info("queue board on at /admin/queues, read-only");
}

const server = createHttpServer(app.fetch, config, publishApiShedding(config.PUBLISH_MAX_IN_FLIGHT, metrics), createPublishFastLane(publishDeps, { logger, metrics }));
const port = await listen(server, config.PORT, config.HOST);
shutdown.add("http", () => closeHttpServer(server));
logger.info({ port, host: config.HOST }, "publish-api listening");
