import { createHash } from "node:crypto";
import { createHistogram, summarize } from "../lib/histogram.mjs";
import { BENCH_EVENT } from "../lib/payload.mjs";
import { climbRates } from "../lib/rising-rates.mjs";
import { PUBLISH_KEY, startRedis, startServer } from "../lib/servers.mjs";
import { connectAndMeasureIdle } from "./idle-capacity.mjs";

/**
 * Scenario 6, the queue path: POST /v1/notifications to publish-api, BullMQ in a private Redis,
 * the worker, a gateway in Redis mode, and the clients. publish-api, worker and gateway share
 * the server core; Redis runs on the client core. Stage times come from BullMQ's own job hash
 * (timestamp = enqueued, processedOn = picked up, finishedOn = emitted), all measured from the
 * POST's intended send time like the client's receipt.
 */
export async function runQueuePath({ config, startFleet, log }) {
  const { rates, stepMs, connections } = config.queue;
  const rooms = config.smallRooms.rooms;
  const redis = await startRedis();
  const prefix = `bench-${process.pid}`;
  const env = { REDIS_URL: redis.url, REDIS_PREFIX: prefix };
  const started = [redis];
  let fleet;
  try {
    const gateway = await startServer("gateway", { env: { ...env, REDIS_ENABLED: "true" } });
    started.push(gateway);
    const api = await startServer("publish-api", { env });
    started.push(api);
    const worker = await startServer("worker", { env });
    started.push(worker);
    fleet = await startFleet({ processes: config.clientProcs });
    const idle = await connectAndMeasureIdle({ server: gateway, fleet, config: { ...config, connections, cohort: 10 }, measureIdle: false });
    log(`  queue path: ${idle.connections} clients on the Redis-mode gateway`);

    const { default: Redis } = await import("ioredis");
    const reader = new Redis({ port: redis.port, host: "127.0.0.1" });
    reader.on("error", () => {});
    const body = (room, data) =>
      JSON.stringify({ room, event: BENCH_EVENT, data, attempts: 1, jobId: `b${data.k}-${data.s}` });
    const climb = await climbRates({
      rates,
      stepMs,
      log,
      label: "queue path",
      phase: { server: api, fleet, size: 100, path: "/v1/notifications", body, roomFor: (k) => `r${k % rooms}`, membersPerRoom: idle.connections / rooms, serverPids: [api.pid, worker.pid, gateway.pid] },
      afterStep: async (step) => {
        await readStages(reader, prefix, step);
        const [api, work, gate] = step.serverCpuUsPerPublishByProcess ?? [];
        log(`  queue path ${step.rate}/s: CPU per job ${Math.round(api)} µs publish-api, ${Math.round(work)} µs worker, ${Math.round(gate)} µs gateway`);
      },
    });
    reader.disconnect();
    return { connections: idle.connections, ...climb };
  } finally {
    await fleet?.close();
    for (const process of started.reverse()) await process.stop();
  }
}

/** Stage latencies of (up to 2,000 of) the step's jobs, from BullMQ's job hashes. */
async function readStages(reader, prefix, step) {
  const stages = { enqueued: createHistogram(), pickedUp: createHistogram(), emitted: createHistogram() };
  const sample = Math.min(step.accepted, 2_000);
  const every = Math.max(1, Math.floor(step.messages / sample));
  const pipeline = reader.pipeline();
  // publish-api stores a caller's job under its key's id (services/publish-api/src/key-id.ts).
  const owner = createHash("sha256").update(PUBLISH_KEY).digest("hex").slice(0, 32);
  for (let s = 0; s < step.messages; s += every) pipeline.hmget(`${prefix}:notifications:${owner}.b${step.phase}-${s}`, "timestamp", "processedOn", "finishedOn", "data");
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
