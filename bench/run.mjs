#!/usr/bin/env node
import { parseArgs } from "./lib/args.mjs";
import { startFleet } from "./lib/client-fleet.mjs";
import { machineInfo } from "./lib/machine-info.mjs";
import { CLIENT_CORE, installCleanup, pinSelf } from "./lib/processes.mjs";
import { startTarget, targetLabel } from "./lib/servers.mjs";
import { writeResults } from "./lib/write-results.mjs";
import { runCluster } from "./scenarios/cluster.mjs";
import { runBigRoomFanout } from "./scenarios/big-room-fanout.mjs";
import { connectAndMeasureIdle } from "./scenarios/idle-capacity.mjs";
import { runPublishApiAlone } from "./scenarios/publish-api-alone.mjs";
import { runQueuePath } from "./scenarios/queue-path.mjs";
import { runRecovery } from "./scenarios/recovery.mjs";
import { runSaturation } from "./scenarios/saturation.mjs";
import { runSmallRooms } from "./scenarios/small-rooms.mjs";

/**
 * `npm run bench` (quick) or `npm run bench -- --full`. Each server under comparison gets the
 * same connected clients in turn; scenarios that need Redis start their own processes.
 * Options: --targets=floor,stock,gateway,floor-redis,stock-redis,gateway-redis --scenarios=fanout,idle,publish-api,small-rooms,saturation,queue,recovery,cluster
 * --profile[=dir] (every node process writes a .cpuprofile)
 * --connections=N --client-procs=N --deadline-s=N
 */
const config = parseArgs(process.argv.slice(2));
installCleanup(config.deadlineMs);
pinSelf(CLIENT_CORE);
const log = (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const wants = (scenario) => config.scenarios.includes(scenario);

const results = { startedAt: new Date().toISOString(), mode: config.mode, config, machine: machineInfo(), targets: {}, publishApi: null };
log(`bench ${config.mode}: ${config.connections} connections, targets ${config.targets.join(", ")}, scenarios ${config.scenarios.join(", ")}`);

for (const name of config.targets) {
  const needsClients = ["fanout", "idle", "small-rooms", "saturation"].some(wants);
  if (!needsClients) break;
  const entry = (results.targets[name] = { label: targetLabel(name) });
  let server;
  let fleet;
  try {
    server = await startTarget(name);
    fleet = await startFleet({ processes: config.clientProcs });
    log(`${server.label}: connecting ${config.connections}`);
    entry.idle = await connectAndMeasureIdle({ server, fleet, config, measureIdle: wants("idle") });
    log(`  ${entry.idle.connections} connected in ${(entry.idle.rampMs / 1000).toFixed(1)} s, ` +
      `${(entry.idle.rssBytesPerConnection / 1024).toFixed(1)} KB RSS each after the ramp, connect p99 ${entry.idle.connectTime.p99} ms` +
      `${entry.idle.heartbeat ? `, idle CPU ${entry.idle.heartbeat.serverCpuPct.toFixed(1)}%` : ""}` +
      `${entry.idle.settledRssBytesPerConnection ? `, settled ${(entry.idle.settledRssBytesPerConnection / 1024).toFixed(1)} KB RSS each` : ""}`);
    if (entry.idle.connections === 0) throw new Error(`no connection succeeded: ${entry.idle.errorSamples.join("; ")}`);
    const connections = entry.idle.connections;
    const idleCpuPct = entry.idle.heartbeat?.serverCpuPct ?? null;
    if (wants("fanout")) entry.fanout = await runBigRoomFanout({ server, fleet, connections, config, log, idleCpuPct });
    if (wants("small-rooms")) entry.smallRooms = await runSmallRooms({ server, fleet, connections, config, log });
    if (wants("saturation")) entry.saturation = await runSaturation({ server, fleet, connections, config, log });
  } catch (error) {
    entry.error = error.stack;
    log(`  ${name} failed: ${error.message}`);
  } finally {
    await fleet?.close();
    await server?.stop();
  }
}

/** One scenario of the run, when asked for: its result, or its error, under `key`; a failure does not stop the others. */
async function runScenario(name, key, label, run) {
  if (!wants(name)) return;
  try {
    results[key] = await run();
  } catch (error) {
    results[key] = { error: error.stack };
    log(`${label} failed: ${error.message}`);
  }
}

await runScenario("publish-api", "publishApi", "publish API", () => runPublishApiAlone({ config, log }));
await runScenario("queue", "queuePath", "queue path", () => runQueuePath({ config, startFleet, log }));
await runScenario("recovery", "recovery", "recovery", () => runRecovery({ config, log }));
await runScenario("cluster", "cluster", "cluster", () => runCluster({ config, log }));

results.finishedAt = new Date().toISOString();
const files = await writeResults(results);
log(`wrote ${files.join(", ")}`);
process.exit(0);
