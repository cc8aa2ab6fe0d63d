#!/usr/bin/env node
import { makeData, BENCH_EVENT } from "../lib/payload.mjs";
import { runPublishStep } from "../lib/publish-step.mjs";
import { CLIENT_CORE, installCleanup, pinSelf, spawnPinned, stopChild } from "../lib/processes.mjs";
import { startRedis, startServer } from "../lib/servers.mjs";

/**
 * `node bench/experiments/publish-api-rates.mjs [target] [rates] [seconds]`: server CPU per
 * request at fixed rates, for publish-api (default) or the bare routes of
 * `publish-route-floor.mjs` (`publish-floor-node`, `publish-floor-hono`), each with a private
 * Redis and a psubscribe listener on the client core, as in scenario 5.
 * e.g. `... publish-floor-hono 4000,8000,15000`.
 */
installCleanup(600_000);
pinSelf(CLIENT_CORE);
const [target = "publish-api", rates = "4000,8000", seconds = "6"] = process.argv.slice(2);
const redis = await startRedis();
const prefix = `bench-${process.pid}`;
const listener = spawnPinned(CLIENT_CORE, "redis-cli", ["-p", String(redis.port), "psubscribe", `${prefix}#*`], { stdio: ["ignore", "ignore", "ignore"] });
const variant = target.startsWith("publish-floor-") ? target.slice("publish-floor-".length) : undefined;
const server = await startServer(variant ? "publish-floor" : target, { env: { REDIS_URL: redis.url, REDIS_PREFIX: prefix, ...(variant ? { VARIANT: variant } : {}) } });
const clientPids = [redis.pid, listener.pid];
const bodyFor = (k, due) => JSON.stringify({ room: "bench-nobody", event: BENCH_EVENT, data: makeData(due, k, 0, 100) });
await runPublishStep({ server, path: "/v1/publish", rate: 1_000, count: 2_000, bodyFor, clientPids }); // warm-up
for (const rate of rates.split(",").map(Number)) {
  const step = await runPublishStep({ server, path: "/v1/publish", rate, count: rate * Number(seconds), bodyFor, clientPids });
  console.log(`${target} ${rate}/s: ${Math.round(step.acceptedPerSecond)}/s accepted, server ${step.serverCpuPct.toFixed(0)}%, ` +
    `${step.serverCpuUsPerRequest.toFixed(0)} µs CPU/request, HTTP p99 ${step.httpLatency.p99} ms${step.valid ? "" : `, INVALID: ${step.reasons.join("; ").slice(0, 160)}`}`);
}
await server.stop();
await stopChild(listener, 1_000);
await redis.stop();
process.exit(0);
