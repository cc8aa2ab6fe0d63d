import { monitorEventLoopDelay } from "node:perf_hooks";
import { nowMs, sleep } from "./clock.mjs";
import { mergeEncoded, summarize } from "./histogram.mjs";
import { runOpenLoop } from "./open-loop.mjs";
import { BENCH_EVENT, makeData } from "./payload.mjs";
import { createPipelinedPublisher } from "./pipelined-publisher.mjs";
import { startCoreLoad } from "./core-load.mjs";
import { cpuMicros } from "./proc-stats.mjs";
import { CLIENT_CORE, SERVER_CORE } from "./processes.mjs";
import { PUBLISH_KEY } from "./servers.mjs";
import { judge } from "./validity.mjs";

// The orchestrator publishes too: its own loop delay and CPU count against the client core.
const selfLoopDelay = monitorEventLoopDelay({ resolution: 10 });
selfLoopDelay.enable();
let nextPhase = 0;

/**
 * One measured phase: publish `messages` at `rate` per second through POST /v1/publish, each to
 * `roomFor(k)` with `membersPerRoom` subscribers, then wait until every delivery arrived or
 * nothing moved for `drainMs`. Server CPU is read from /proc over the same window, summed
 * over `serverPids` (every process of ours on the server core).
 */
export async function runBroadcastPhase({ server, fleet, size, rate, messages, roomFor, membersPerRoom, drainMs = 3_000, path = "/v1/publish", body, serverPids = server.pids ?? [server.pid] }) {
  const phase = nextPhase++;
  await fleet.reset(phase, size);
  const publisher = await createPipelinedPublisher({ port: server.publishPort ?? server.port, path, token: PUBLISH_KEY, connections: 16 });
  // Requests on separate connections may be handled in either order, and a swapped broadcast
  // would count as a reordering: one room's publishes share a connection (see send's key).
  let accepted = 0;
  publisher.onAnswer((status) => {
    if (status === "202") accepted++;
  });
  selfLoopDelay.reset();
  const serverCpuByPid0 = serverPids.map(cpuMicros);
  const clientCpu0 = fleet.cpuMicros();
  const selfCpu0 = process.cpuUsage();
  const t0 = nowMs();
  const serverCore = startCoreLoad(SERVER_CORE, serverPids);
  const clientCore = startCoreLoad(CLIENT_CORE, []);

  const makeBody = body ?? ((room, data) => JSON.stringify({ room, event: BENCH_EVENT, data }));
  const loop = await runOpenLoop({
    rate,
    count: messages,
    batch: publisher.batch,
    send: (k, due) => {
      const room = roomFor(k);
      publisher.send(makeBody(room, makeData(due, k, phase, size)), due, room);
    },
  });

  let received = 0;
  let progressAt = nowMs();
  for (let previous = -1; ; previous = received) {
    await sleep(50);
    received = await fleet.received();
    const expected = accepted * membersPerRoom;
    if (publisher.outstanding() === 0 && received >= expected) break;
    if (received !== previous) progressAt = nowMs();
    else if (nowMs() - progressAt > drainMs) break;
  }
  const wallMs = nowMs() - t0;
  const serverCoreLoad = serverCore();
  const clientCoreLoad = clientCore();
  // Per process too: with several on the server core, which one the cost is in.
  const serverCpuByPid = serverPids.map((pid, i) => cpuMicros(pid) - serverCpuByPid0[i]);
  const serverCpu = serverCpuByPid.reduce((sum, micros) => sum + micros, 0);
  const selfCpu = process.cpuUsage(selfCpu0);
  const clientCpu = fleet.cpuMicros() - clientCpu0 + selfCpu.user + selfCpu.system;
  const stats = publisher.stats();
  publisher.close();

  const reports = await fleet.collect();
  const sum = (key) => reports.reduce((total, report) => total + report[key], 0);
  const expected = accepted * membersPerRoom;
  const delivered = sum("received");
  const loopDelayP99Ms = Math.max(selfLoopDelay.percentile(99) / 1e6, ...reports.map((r) => r.loopDelayP99Ms));
  const ownClientCpuPct = (clientCpu / 1000 / wallMs) * 100;
  const clientCpuPct = Math.max(ownClientCpuPct, clientCoreLoad.busyPct);
  const cohort = reports[0].cohort;
  const verdict = judge({
    expected,
    received: delivered,
    duplicates: sum("duplicates"),
    disconnects: sum("disconnects"),
    refused: stats.sent - accepted,
    clientCpuPct,
    loopDelayP99Ms,
    cohortBad: cohort.bad,
    serverCoreOthersPct: serverCoreLoad.othersPct,
  });
  return {
    phase,
    size,
    rate,
    messages,
    accepted,
    expected,
    received: delivered,
    stale: sum("stale"),
    latency: summarize(mergeEncoded(reports.map((r) => r.latency))),
    publishLatency: summarize(stats.latency),
    serverCpuPct: (serverCpu / 1000 / wallMs) * 100,
    serverCpuUsPerDelivery: delivered ? serverCpu / delivered : null,
    serverCpuUsPerPublish: accepted ? serverCpu / accepted : null,
    serverCpuUsPerPublishByProcess: accepted ? serverCpuByPid.map((micros) => micros / accepted) : null,
    deliveriesPerSecond: (delivered / wallMs) * 1000,
    publisherWorstLagMs: loop.worstLagMs,
    clientCpuPct,
    ownClientCpuPct,
    serverCoreOthersPct: serverCoreLoad.othersPct,
    loopDelayP99Ms,
    cohort: { received: cohort.received, bad: cohort.bad, samples: cohort.samples },
    statuses: stats.statuses,
    errorSamples: stats.errorSamples,
    wallMs,
    ...verdict,
  };
}
