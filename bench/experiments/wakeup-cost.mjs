#!/usr/bin/env node
import { runPublishStep } from "../lib/publish-step.mjs";
import { CLIENT_CORE, installCleanup, pinSelf } from "../lib/processes.mjs";
import { startServer } from "../lib/servers.mjs";

/**
 * `node bench/experiments/wakeup-cost.mjs [rates] [seconds]`: server CPU per request of a server
 * that does nothing (`baselines/fixed-answer-server.mjs`), at fixed open-loop rates, the way
 * scenarios 5 and 6 send. At low rates every request arrives on its own wake-up (bench/README.md,
 * "Fifth round"), so the CPU per request there is mostly what this machine charges per wake-up:
 * the part of every low-rate figure that no server code can remove.
 */
installCleanup(300_000);
pinSelf(CLIENT_CORE);
const [rates = "250,500,1000,2000,4000,8000", seconds = "4"] = process.argv.slice(2);
const server = await startServer("fixed-answer");
const bodyFor = (k) => JSON.stringify({ k });
await runPublishStep({ server, path: "/v1/publish", rate: 1_000, count: 1_000, bodyFor }); // warm-up
for (const rate of rates.split(",").map(Number)) {
  const step = await runPublishStep({ server, path: "/v1/publish", rate, count: rate * Number(seconds), bodyFor });
  console.log(`fixed answer ${rate}/s: server ${step.serverCpuPct.toFixed(0)}%, ${step.serverCpuUsPerRequest?.toFixed(0) ?? "–"} µs CPU/request` +
    `${step.valid ? "" : `, INVALID: ${step.reasons.join("; ").slice(0, 160)}`}`);
}
await server.stop();
process.exit(0);
