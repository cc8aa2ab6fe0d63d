#!/usr/bin/env node
import { makeData, BENCH_EVENT } from "../lib/payload.mjs";
import { runPublishStep } from "../lib/publish-step.mjs";
import { CLIENT_CORE, installCleanup, pinSelf } from "../lib/processes.mjs";
import { startPublishRig } from "../lib/publish-rig.mjs";

/**
 * `node bench/experiments/publish-api-rates.mjs [target] [rates] [seconds]`: server CPU per
 * request at fixed rates, for publish-api (default) or the bare routes of
 * `publish-route-floor.mjs` (`publish-floor-node`, `publish-floor-hono`), each with a private
 * Redis and a psubscribe listener on the client core, as in scenario 5.
 * e.g. `... publish-floor-hono 4000,8000,15000`. `BENCH_SERVER_ENV='{"PUBLISH_RATE_LIMIT_PER_SECOND":"100000"}'`
 * adds to the server's environment (the bench sets the rate limit far above what it offers);
 * `BENCH_ROOMS=1000` publishes round robin over that many rooms instead of one.
 */
installCleanup(600_000);
pinSelf(CLIENT_CORE);
const [target = "publish-api", rates = "4000,8000", seconds = "6"] = process.argv.slice(2);
const variant = target.startsWith("publish-floor-") ? target.slice("publish-floor-".length) : undefined;
const extraEnv = JSON.parse(process.env.BENCH_SERVER_ENV ?? "{}");
const rig = await startPublishRig(variant ? "publish-floor" : target, { ...(variant ? { VARIANT: variant } : {}), ...extraEnv });
const { server, clientPids } = rig;
// BENCH_ROOMS=1000 spreads the publishes over that many rooms, round robin, as scenario 4 does:
// one turn's appends then go to several rooms.
const rooms = Number(process.env.BENCH_ROOMS ?? 1);
const bodyFor = (k, due) => JSON.stringify({ room: rooms > 1 ? `r${k % rooms}` : "bench-nobody", event: BENCH_EVENT, data: makeData(due, k, 0, 100) });
await runPublishStep({ server, path: "/v1/publish", rate: 1_000, count: 2_000, bodyFor, clientPids }); // warm-up
for (const rate of rates.split(",").map(Number)) {
  const step = await runPublishStep({ server, path: "/v1/publish", rate, count: rate * Number(seconds), bodyFor, clientPids });
  console.log(`${target} ${rate}/s: ${Math.round(step.acceptedPerSecond)}/s accepted, server ${step.serverCpuPct.toFixed(0)}%, ` +
    `${step.serverCpuUsPerRequest?.toFixed(0) ?? "–"} µs CPU/request, HTTP p99 ${step.httpLatency.p99} ms${step.valid ? "" : `, INVALID: ${step.reasons.join("; ").slice(0, 160)}`}`);
}
await rig.stop();
process.exit(0);
