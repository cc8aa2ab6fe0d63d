import { createHash } from "node:crypto";
import { createHistogram, summarize } from "../lib/histogram.mjs";
import { BENCH_EVENT } from "../lib/payload.mjs";
import { climbRates } from "../lib/rising-rates.mjs";
import { PUBLISH_KEY, startRedis, startServer } from "../lib/servers.mjs";
import { connectAndMeasureIdle } from "./idle-capacity.mjs";

// publish-api stores a caller's job under its key's id (shared/src/publish-http/key-id.ts).
const OWNER = createHash("sha256").update(PUBLISH_KEY).digest("hex").slice(0, 32);

/**
 * The two queue topologies, each three processes on the server core around one private Redis:
 * socket-server's (publish-api, worker, Redis-mode gateway) and its baseline, stock BullMQ in
 * and out (a bare enqueue route, a bare worker emitting through @socket.io/redis-emitter) feeding
 * stock Socket.IO on the Redis adapter. `jobKey` is where each keeps a job's hash.
 */
const TOPOLOGIES = {
  baseline: {
    label: "stock BullMQ + redis-emitter → stock Socket.IO (Redis adapter)",
    processes: { socket: "stock", producer: "bullmq-enqueue", worker: "bullmq-worker" },
    jobKey: (prefix, jobId) => `${prefix}:notifications:${jobId}`,
  },
  "socket-server": {
    label: "socket-server: publish-api → worker → gateway (Redis)",
    processes: { socket: "gateway", producer: "publish-api", worker: "worker" },
    jobKey: (prefix, jobId) => `${prefix}:notifications:${OWNER}.${jobId}`,
  },
};

/**
 * Scenario 6, the queue path: POST /v1/notifications, BullMQ in a private Redis, a worker, a
 * socket server on the Redis adapter, and the clients; the baseline topology first, then
 * socket-server's, each climbing the same rates. Redis runs on the client core. Stage times come
 * from BullMQ's own job hash (timestamp = enqueued, processedOn = picked up, finishedOn =
 * emitted), all measured from the POST's intended send time like the client's receipt.
 */
export async function runQueuePath({ config, startFleet, log }) {
  const baseline = await runTopology("baseline", { config, startFleet, log });
  const ours = await runTopology("socket-server", { config, startFleet, log });
  return { ...ours, baseline };
}

async function runTopology(name, { config, startFleet, log }) {
  const topology = TOPOLOGIES[name];
  const { rates, stepMs, repeats, connections } = config.queue;
  const rooms = config.smallRooms.rooms;
  const redis = await startRedis();
  const prefix = `bench-${process.pid}`;
  const env = { REDIS_URL: redis.url, REDIS_PREFIX: prefix };
  const started = [redis];
  let fleet;
  try {
    const socket = await startServer(topology.processes.socket, { env: { ...env, REDIS_ENABLED: "true" } });
    started.push(socket);
    const producer = await startServer(topology.processes.producer, { env });
    started.push(producer);
    const worker = await startServer(topology.processes.worker, { env });
    started.push(worker);
    fleet = await startFleet({ processes: config.clientProcs });
    const idle = await connectAndMeasureIdle({ server: socket, fleet, config: { ...config, connections, cohort: 10 }, measureIdle: false });
    log(`  queue path, ${topology.label}: ${idle.connections} clients`);

    const { default: Redis } = await import("ioredis");
    const reader = new Redis({ port: redis.port, host: "127.0.0.1" });
    reader.on("error", () => {});
    const body = (room, data) =>
      JSON.stringify({ room, event: BENCH_EVENT, data, attempts: 1, jobId: `b${data.k}-${data.s}` });
    const climb = await climbRates({
      rates,
      stepMs,
      repeats,
      log,
      label: `queue path (${name})`,
      phase: { server: producer, fleet, size: 100, path: "/v1/notifications", body, roomFor: (k) => `r${k % rooms}`, membersPerRoom: idle.connections / rooms, serverPids: [producer.pid, worker.pid, socket.pid] },
      afterStep: async (step) => {
        await readStages(reader, (jobId) => topology.jobKey(prefix, jobId), step);
        const [enqueue, work, deliver] = (step.serverCpuUsPerPublishByProcess ?? []).map(Math.round);
        log(`  queue path (${name}) ${step.rate}/s: CPU per job ${enqueue} µs producer, ${work} µs worker, ${deliver} µs socket server`);
      },
    });
    reader.disconnect();
    return { label: topology.label, connections: idle.connections, ...climb };
  } finally {
    await fleet?.close();
    for (const process of started.reverse()) await process.stop();
  }
}

/** Stage latencies of (up to 2,000 of) the step's jobs, from BullMQ's job hashes. */
async function readStages(reader, keyOf, step) {
  const stages = { enqueued: createHistogram(), pickedUp: createHistogram(), emitted: createHistogram() };
  const sample = Math.min(step.accepted, 2_000);
  const every = Math.max(1, Math.floor(step.messages / sample));
  const pipeline = reader.pipeline();
  for (let s = 0; s < step.messages; s += every) pipeline.hmget(keyOf(`b${step.phase}-${s}`), "timestamp", "processedOn", "finishedOn", "data");
  for (const [error, fields] of await pipeline.exec()) {
    if (error || !fields?.[3]) continue;
    const intended = JSON.parse(fields[3]).data.t;
    const record = (histogram, ms) => ms && histogram.recordValue(Math.max(1, Math.round((Number(ms) - intended) * 1000)));
    record(stages.enqueued, fields[0]);
    record(stages.pickedUp, fields[1]);
    record(stages.emitted, fields[2]);
  }
  step.stages = {
    accepted: step.publishLatency,
    enqueued: summarize(stages.enqueued),
    pickedUp: summarize(stages.pickedUp),
    emitted: summarize(stages.emitted),
    received: step.latency,
  };
}
