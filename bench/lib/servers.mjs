import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.mjs";
import { imageNodeOptions } from "./image-node-options.mjs";
import { SERVER_CORE, CLIENT_CORE, profileArgs, spawnPinned, stopChild } from "./processes.mjs";
import { waitUntil } from "./wait-until.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// Another checkout's built services, for before/after runs on the same bench and machine.
const SERVICES_ROOT = process.env.BENCH_SERVICES_ROOT ? `${process.env.BENCH_SERVICES_ROOT.replace(/\/$/, "")}/` : ROOT;
export const PUBLISH_KEY = "bench-publish-key";

/**
 * The three servers under comparison, started the same way (node directly, not through npm, so
 * the pid we read /proc for is the server itself), pinned to the server core. The services
 * (`shipped`) run with the Docker image's NODE_OPTIONS; the baselines with Node's defaults.
 */
const TARGETS = {
  floor: { label: "floor (raw ws)", cwd: `${ROOT}bench/baselines`, script: "floor-ws-server.mjs" },
  stock: { label: "stock Socket.IO", cwd: `${ROOT}bench/baselines`, script: "stock-socketio-server.mjs" },
  gateway: { label: "socket-server gateway", cwd: `${SERVICES_ROOT}services/socket-gateway`, script: "dist/main.js", shipped: true },
  // The same with history off (issue 13): what history costs the delivery path, in the same run.
  "gateway-history-off": { label: "socket-server gateway, history off", cwd: `${SERVICES_ROOT}services/socket-gateway`, script: "dist/main.js", shipped: true, env: { HISTORY_SIZE: "0" } },
  "stock-emitter": { label: "redis-emitter publish route", cwd: `${ROOT}bench/baselines`, script: "emitter-publish-server.mjs" },
  "publish-api": { label: "publish-api", cwd: `${SERVICES_ROOT}services/publish-api`, script: "dist/main.js", shipped: true },
  worker: { label: "worker", cwd: `${SERVICES_ROOT}services/worker`, script: "dist/main.js", shipped: true },
  // The queue path's baseline: stock BullMQ in and out, feeding stock Socket.IO on the Redis adapter.
  "bullmq-enqueue": { label: "bare BullMQ enqueue route", cwd: `${ROOT}bench/baselines`, script: "bullmq-enqueue-server.mjs" },
  "bullmq-worker": { label: "bare BullMQ worker + redis-emitter", cwd: `${ROOT}bench/baselines`, script: "bullmq-emit-worker.mjs" },
  // The publish route with none of socket-server's work (scenario 5's floor), and a what-if.
  "publish-floor": { label: "bare publish route", cwd: `${ROOT}bench/baselines`, script: "publish-route-floor.mjs" },
  "fixed-answer": { label: "fixed-answer HTTP server", cwd: `${ROOT}bench/baselines`, script: "fixed-answer-server.mjs" },
  "hono-body-limit": { label: "hono bodyLimit what-if", cwd: `${ROOT}bench/experiments`, script: "hono-body-limit-server.mjs" },
};

/**
 * The Redis topology of each: a socket server on the Redis adapter, fed by a publisher process
 * through a private Redis (on the client core). Both processes are on the server core and both
 * count as the server (`pids`); clients connect to the socket server, publishes go to `publishPort`.
 */
const REDIS_TARGETS = {
  // The Redis topologies' own floor: the raw-ws floor taking each broadcast, whole, from one
  // channel that the bare publish route PUBLISHes to, so the Redis hop's cost is not charged to
  // the gateway. Both read the variant: the route publishes there, the floor listens there.
  "floor-redis": { label: "floor (raw ws) fed through Redis by the bare publish route", socket: "floor", publisher: "publish-floor", env: { VARIANT: "floor-feed" } },
  "stock-redis": { label: "stock Socket.IO + Redis adapter, fed by redis-emitter", socket: "stock", publisher: "stock-emitter" },
  "gateway-redis": { label: "socket-server gateway (Redis) + publish-api", socket: "gateway", publisher: "publish-api" },
  // Every process of a deployment must agree on HISTORY_SIZE: both get it.
  "gateway-redis-history-off": { label: "socket-server gateway (Redis) + publish-api, history off", socket: "gateway", publisher: "publish-api", env: { HISTORY_SIZE: "0" } },
};

export const targetLabel = (name) => TARGETS[name]?.label ?? REDIS_TARGETS[name]?.label ?? name;

export async function startTarget(name) {
  const composite = REDIS_TARGETS[name];
  if (!composite) return startServer(name);
  const redis = await startRedis();
  const env = { REDIS_URL: redis.url, REDIS_ENABLED: "true", REDIS_PREFIX: `bench-${process.pid}`, ...composite.env };
  const started = [redis];
  try {
    const socket = await startServer(composite.socket, { env });
    started.push(socket);
    const publisher = await startServer(composite.publisher, { env });
    started.push(publisher);
    return {
      ...socket,
      name,
      label: composite.label,
      pids: [socket.pid, publisher.pid],
      publishPort: publisher.port,
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopAll(processes) {
  for (const process of [...processes].reverse()) await process.stop();
}

export async function startServer(name, { env = {}, core = SERVER_CORE, nodeArgs = [] } = {}) {
  const { cwd, script, shipped, env: targetEnv = {} } = TARGETS[name];
  const port = await freePort();
  const child = spawnPinned(core, process.execPath, [...profileArgs(), ...nodeArgs, script], {
    cwd,
    env: {
      ...process.env,
      LOG_LEVEL: "warn",
      PUBLISH_API_KEYS: PUBLISH_KEY,
      // Room for the correctness cohort on top of the masses; the cap itself is not under test.
      MAX_CONNECTIONS: "20000",
      // The gateway's protections are sized for real clients, not for one host ramping 10,000
      // sockets from 8 addresses and one publisher key: the bench measures delivery, so it opens
      // them wide. Clients connect anonymously to the bench's rooms (no token verification).
      ALLOW_ANONYMOUS: "true",
      ANONYMOUS_ROOMS: "all,r*",
      CONNECTIONS_PER_SECOND_PER_IP: "1000000",
      // On, as deployed, so its cost is measured, and far above what the bench offers.
      PUBLISH_RATE_LIMIT_PER_SECOND: "1000000",
      // In place of any NODE_OPTIONS the bench itself was given: the baselines keep those.
      ...(shipped ? { NODE_OPTIONS: imageNodeOptions(basename(cwd)) } : {}),
      ...targetEnv,
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      return (await fetch(`${url}/health`)).ok;
    }, { timeoutMs: 20_000, what: `${name} /health` });
  } catch (error) {
    await stopChild(child, 1_000);
    throw new Error(`${name} did not start: ${error.message}\n${child.output()}`);
  }
  return { name, label: targetLabel(name), pid: child.pid, port, url, child, stop: () => stopChild(child) };
}

/** Heap in use, from the baselines' /stats or the gateway's Prometheus default metrics. */
export async function heapUsedBytes(server) {
  try {
    if (server.name.startsWith("gateway")) {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)$/m.exec(text);
      return match ? Number(match[1]) : null;
    }
    return (await (await fetch(`${server.url}/stats`)).json()).heapUsed;
  } catch {
    return null;
  }
}

/** A private Redis on the client core: the shared one at 6379 belongs to everyone's tests. */
export async function startRedis() {
  const port = await freePort();
  const child = spawnPinned(CLIENT_CORE, "redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
  const { default: Redis } = await import("ioredis");
  const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 });
  probe.on("error", () => {});
  await waitUntil(async () => (await probe.ping()) === "PONG", { timeoutMs: 10_000, what: "redis-server" });
  probe.disconnect();
  return { port, url: `redis://127.0.0.1:${port}`, pid: child.pid, child, stop: () => stopChild(child) };
}
