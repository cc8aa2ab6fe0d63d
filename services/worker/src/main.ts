import { Queue, Worker } from "bullmq";
import { loadConfigOrExit, pubSubMode } from "@socket-server/shared/config";
import { NOTIFICATIONS_QUEUE } from "@socket-server/shared/events";
import { closeHttpServer, createHttpServer, createServiceApp, listen } from "@socket-server/shared/http";
import { createLogger } from "@socket-server/shared/logging";
import { createCommonMetrics, createMetricsRegistry, instrumentPublisher, startEmfIfEnabled, trackRedisUp } from "@socket-server/shared/metrics";
import { historySettings } from "@socket-server/shared/history";
import { createFleetRoomEmitter, createPublisher } from "@socket-server/shared/publishing";
import { closeRedisClient, createRedisClient, pingRedis, queuePrefix, redisTarget } from "@socket-server/shared/redis";
import { createShutdown, guardProcess } from "@socket-server/shared/shutdown";
import { WorkerConfigSchema } from "./config.js";
import { closeQueue, closeWorker } from "./close-worker.js";
import { createNotificationProcessor } from "./create-notification-processor.js";
import { registerWorkerMetrics } from "./register-worker-metrics.js";

const config = loadConfigOrExit(WorkerConfigSchema, process.env, "worker");
const logger = createLogger({ service: "worker", level: config.LOG_LEVEL });
const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
guardProcess(shutdown, logger);

const name = `${config.REDIS_PREFIX}:worker`;
const target = redisTarget(config);
const publishClient = createRedisClient({ target, name: `${name}:publish`, role: "command", logger });
shutdown.add("redis publish client", () => closeRedisClient(publishClient));
const queueClient = createRedisClient({ target, name: `${name}:queue`, role: "blocking", logger });
shutdown.add("redis queue client", () => closeRedisClient(queueClient));
// The queue depth metrics' Queue gets a client of its own: BullMQ defines its 64 scripts on its
// client, and ioredis copies them into every pipeline made on that client (37 µs and 64 closures
// each, against 3 µs), which the publisher's pipelines would then pay.
const metricsClient = createRedisClient({ target, name: `${name}:queue-metrics`, role: "command", logger });
shutdown.add("redis queue metrics client", () => closeRedisClient(metricsClient));

const registry = createMetricsRegistry("worker");
const metrics = createCommonMetrics(registry);
trackRedisUp(registry, () => [publishClient, queueClient, metricsClient].every((client) => client.status === "ready"));
const publisher = instrumentPublisher(
  createPublisher({ emitter: createFleetRoomEmitter({ client: publishClient, prefix: config.REDIS_PREFIX, history: historySettings(config), pubSub: pubSubMode(config) }) }),
  metrics,
  "queue",
);
const worker = new Worker(NOTIFICATIONS_QUEUE, createNotificationProcessor(publisher), {
  connection: queueClient,
  prefix: queuePrefix(config.REDIS_PREFIX, target),
  concurrency: config.WORKER_CONCURRENCY,
});
worker.on("error", (error) => logger.warn({ err: error.message }, "worker error"));
worker.on("failed", (job, error) =>
  logger.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message }, "notification attempt failed"),
);
// Leaves a few seconds of the deadline for the rest of the shutdown.
const workerCloseTimeoutMs = Math.max(1000, config.SHUTDOWN_TIMEOUT_MS - 3000);
shutdown.add("worker", () => closeWorker(worker, () => queueClient.status === "ready", workerCloseTimeoutMs));

// Only for queue depth metrics: the worker itself never enqueues.
const queue = new Queue(NOTIFICATIONS_QUEUE, { connection: metricsClient, prefix: queuePrefix(config.REDIS_PREFIX, target) });
queue.on("error", (error) => logger.warn({ err: error.message }, "notification queue error"));
shutdown.add("queue", () => closeQueue(queue));
registerWorkerMetrics(registry, worker, queue, metrics);
shutdown.add("emf", startEmfIfEnabled(config, registry, "worker"));

const app = createServiceApp({
  logger,
  metrics,
  registry,
  checks: async () => ({ redis: (await pingRedis(publishClient)) ? "up" : "down" }),
  draining: () => shutdown.draining,
});
const server = createHttpServer(app.fetch, config);
const port = await listen(server, config.PORT, config.HOST);
shutdown.add("http", () => closeHttpServer(server));
logger.info({ port, host: config.HOST, concurrency: config.WORKER_CONCURRENCY }, "worker listening");
