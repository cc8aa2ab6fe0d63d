#!/usr/bin/env node
import { makeData, BENCH_EVENT } from "../lib/payload.mjs";
import { runPublishStep } from "../lib/publish-step.mjs";
import { CLIENT_CORE, installCleanup, pinSelf } from "../lib/processes.mjs";
import { startPublishRig } from "../lib/publish-rig.mjs";
import { SCAVENGE_TRACE_ARGS, traceScavenges } from "../lib/scavenge-trace.mjs";

/**
 * `node bench/experiments/notification-rates.mjs [target] [rates] [seconds]`: the queue path's
 * producer alone, `POST /v1/notifications` at fixed rates into a private Redis with no worker,
 * for publish-api (default) or the queue path's baseline producer (`bullmq-enqueue`): server CPU
 * per request and the HTTP answer's p99, e.g. `... bullmq-enqueue 500,1000,2000 5`.
 * `BENCH_SERVER_ENV` adds to the server's environment, as in publish-api-rates.mjs.
 * `BENCH_TRACE_GC=1` adds each step's scavenges: how many, their mean pause, what survived each.
 */
installCleanup(600_000);
pinSelf(CLIENT_CORE);
const [target = "publish-api", rates = "500,1000,2000", seconds = "5"] = process.argv.slice(2);
const traceGc = process.env.BENCH_TRACE_GC === "1";
const rig = await startPublishRig(target, JSON.parse(process.env.BENCH_SERVER_ENV ?? "{}"), { nodeArgs: traceGc ? SCAVENGE_TRACE_ARGS : [] });
const { server, clientPids } = rig;
const scavenges = traceGc ? traceScavenges(server.child) : undefined;
let run = 0;
// Job ids unique across steps: a repeated jobId would be answered from the first job.
const stepBody = (prefix) => (k, due) => JSON.stringify({ room: `r${k % 1000}`, event: BENCH_EVENT, data: makeData(due, k, 0, 100), attempts: 1, jobId: `${prefix}-${k}` });
const step = (rate, count) => runPublishStep({ server, path: "/v1/notifications", rate, count, bodyFor: stepBody(`s${run++}`), clientPids });
await step(500, 1_000); // warm-up
scavenges?.take();
for (const rate of rates.split(",").map(Number)) {
  const result = await step(rate, rate * Number(seconds));
  console.log(`${target} ${rate}/s: ${Math.round(result.acceptedPerSecond)}/s accepted, server ${result.serverCpuPct.toFixed(0)}%, ` +
    `${result.serverCpuUsPerRequest?.toFixed(0) ?? "–"} µs CPU/request, HTTP p50 ${result.httpLatency.p50} p99 ${result.httpLatency.p99} ms${gcSummary()}${result.valid ? "" : `, INVALID: ${result.reasons.join("; ").slice(0, 160)}`}`);
}
await rig.stop();

function gcSummary() {
  if (!scavenges) return "";
  const { count, meanPauseMs, meanSurvivedKB } = scavenges.take();
  return `, ${count} scavenges of ${meanPauseMs.toFixed(2)} ms, ${meanSurvivedKB.toFixed(0)} KB surviving each`;
}
process.exit(0);
