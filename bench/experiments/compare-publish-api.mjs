#!/usr/bin/env node
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeData, BENCH_EVENT } from "../lib/payload.mjs";
import { runPublishStep } from "../lib/publish-step.mjs";
import { CLIENT_CORE, SERVER_CORE, installCleanup, pinSelf } from "../lib/processes.mjs";
import { startRedis, startServer } from "../lib/servers.mjs";

/**
 * `node bench/experiments/compare-publish-api.mjs`: before/after figures for the two costs
 * publish-api's profile shows, each measured in isolation so the comparison survives changes
 * in the service's composition. Server CPU per request is the figure: other work on this
 * shared machine disturbs it far less than latency or throughput.
 */
installCleanup(300_000);
pinSelf(CLIENT_CORE);
const bodyFor = (k, due) => JSON.stringify({ room: "bench-nobody", event: BENCH_EVENT, data: makeData(due, k, 0, 100) });

console.log("1. hono bodyLimit on @hono/node-server (server CPU per POST at 2,000/s):");
for (const variant of ["body-limit", "content-length"]) {
  const server = await startServer("hono-body-limit", { env: { VARIANT: variant } });
  const step = () => runPublishStep({ server, path: "/v1/publish", rate: 2_000, count: 8_000, bodyFor });
  await step();
  const runs = [await step(), await step(), await step()].map((s) => s.serverCpuUsPerRequest).sort((a, b) => a - b);
  console.log(`   ${variant}: ${runs[1].toFixed(0)} µs [${runs[0].toFixed(0)}–${runs[2].toFixed(0)}]`);
  await server.stop();
}

console.log("2. ioredis multi() on a client shared with BullMQ (in one process on the server core):");
const redis = await startRedis();
execFileSync("taskset", ["-c", String(SERVER_CORE), process.execPath, fileURLToPath(new URL("./redis-multi-cost.mjs", import.meta.url)), String(redis.port)], { stdio: "inherit" });
await redis.stop();
process.exit(0);
