import { adminCredentials, loadConfigOrExit, pubSubMode } from "@socket-server/shared/config";
import { historySettings } from "@socket-server/shared/history";
import { createHttpServer, listen } from "@socket-server/shared/http";
import { createLogger, createTallyLog } from "@socket-server/shared/logging";
import { createCommonMetrics, createMetricsRegistry, startEmfIfEnabled, trackRedisUp } from "@socket-server/shared/metrics";
import { closeRedisClient, createRedisClient, redisTarget } from "@socket-server/shared/redis";
import { createShutdown, guardProcess } from "@socket-server/shared/shutdown";
import { createAdminUi } from "./admin-ui/create-admin-ui.js";
import { GatewayConfigSchema } from "./config.js";
import { createClientAuthenticator } from "./create-client-authenticator.js";
import { createGatewayApp } from "./create-gateway-app.js";
import { createSocketServer } from "./create-socket-server.js";
import { listenUrl, logDevListening, resolveListenHost, resolvePublishKeys } from "./dev-mode.js";
import { registerGatewayMetrics } from "./register-gateway-metrics.js";
import { registerHistoryMetrics } from "./register-history-metrics.js";
import { registerSocketGauges } from "./register-socket-gauges.js";
import { resolveClientAccess } from "./resolve-client-access.js";
import { createRedisTopology } from "./topology/create-redis-topology.js";
import { createSingleInstanceTopology } from "./topology/create-single-instance-topology.js";
import type { Topology } from "./topology/topology.js";

const config = loadConfigOrExit(GatewayConfigSchema, process.env, "socket-gateway");
const logger = createLogger({ service: "socket-gateway", level: config.LOG_LEVEL });
const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
guardProcess(shutdown, logger);
const registry = createMetricsRegistry("socket-gateway");
const metrics = createCommonMetrics(registry);
const history = historySettings(config);

// The one place the topology is chosen; everything that differs between the two is behind it.
let topology: Topology;
if (config.REDIS_ENABLED) {
  const name = `${config.REDIS_PREFIX}:socket-gateway`;
  const target = redisTarget(config);
  const pub = createRedisClient({ target, name: `${name}:pub`, role: "command", logger });
  const sub = createRedisClient({ target, name: `${name}:sub`, role: "subscriber", logger });
  shutdown.add("redis", () => Promise.all([closeRedisClient(pub), closeRedisClient(sub)]));
  trackRedisUp(registry, () => pub.status === "ready" && sub.status === "ready");
  topology = createRedisTopology({ pub, sub, key: config.REDIS_PREFIX, history, pubSub: pubSubMode(config), logger });
} else {
  const apiKeys = resolvePublishKeys(config.PUBLISH_API_KEYS, config.DEV_MODE, logger);
  topology = createSingleInstanceTopology({ config, apiKeys, metrics, logger, history });
}

const gatewayMetrics = registerGatewayMetrics(registry);
const logRefusal = createTallyLog(logger, { field: "refused", describe: (total) => `refused ${total} connection(s)` });
const access = resolveClientAccess(config, logger);
const admin = adminCredentials(config);
const adminUi = admin && createAdminUi({ credentials: admin, mode: config.ADMIN_UI_MODE });
if (adminUi) logger.info({ mode: config.ADMIN_UI_MODE }, "Socket.IO Admin UI on at /admin/, read-only");
const socketServer = createSocketServer({
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
    connectionBurstPerIp: config.CONNECTION_BURST_PER_IP,
    slowConsumerMaxBytes: config.SLOW_CONSUMER_MAX_BYTES,
    expiryGraceMs: config.JWT_EXPIRY_GRACE_MS,
  },
  adapter: topology.adapter,
  onRefused: (reason) => {
    metrics.countError("connection_refused");
    gatewayMetrics.countRefusal(reason);
    logRefusal(reason);
  },
  onCut: gatewayMetrics.countCut,
  onBroadcast: gatewayMetrics.observeBroadcast,
  adminNamespace: adminUi?.namespace,
  history: topology.history && {
    history: topology.history.store,
    historySize: config.HISTORY_SIZE,
    maxRecoveryMessages: config.RECOVERY_MAX_MESSAGES,
    observer: registerHistoryMetrics(registry, topology.history.stats),
  },
  feed: topology.feed,
});
registerSocketGauges(registry, socketServer.io);

const publishApi = topology.publishApi(socketServer.io);
topology.answerRoomStats(socketServer.io);
const app = createGatewayApp({
  logger,
  registry,
  metrics,
  redisCheck: topology.redisCheck,
  draining: () => shutdown.draining,
  publishApp: publishApi?.app,
  adminUiApp: adminUi?.app,
});
// The timeouts cover HTTP requests only: upgraded WebSockets and held long-polls are not cut.
const httpServer = createHttpServer(app.fetch, config, publishApi?.shedding, publishApi?.fastLane);
socketServer.attach(httpServer);
adminUi?.instrument(socketServer.io);
// Closes every socket (clients see `transport close` and reconnect elsewhere), the adapter and the HTTP server.
shutdown.add("socket.io", () => socketServer.io.close());
shutdown.add("emf", startEmfIfEnabled(config, registry, "socket-gateway"));

const host = resolveListenHost(config.HOST, Boolean(process.env.HOST), config.DEV_MODE);
const port = await listen(httpServer, config.PORT, host);
logger.info({ port, host, redis: config.REDIS_ENABLED && redisTarget(config).mode, pubSub: config.REDIS_ENABLED ? pubSubMode(config) : undefined, historySize: config.HISTORY_SIZE }, `socket-gateway listening on ${listenUrl(host, port)}`);
if (config.DEV_MODE) logDevListening(host, port, logger);
