import { nowMs, sleep } from "../lib/clock.mjs";
import { mergeEncoded, summarize } from "../lib/histogram.mjs";
import { cpuMicros, rssBytes } from "../lib/proc-stats.mjs";
import { heapUsedBytes } from "../lib/servers.mjs";

/**
 * Scenario 1, idle capacity: ramp the fleet onto one server and read what each connection
 * costs it. Every socket subscribes to the big room and to one of the small rooms, so the same
 * connections serve the later scenarios. RSS is read after a pause for the ramp's garbage to be
 * collected; heartbeat CPU over one ping interval, so every socket is pinged once in the window.
 */
export async function connectAndMeasureIdle({ server, fleet, config, measureIdle }) {
  await sleep(1_000);
  const rssBefore = rssBytes(server.pid);
  const heapBefore = await heapUsedBytes(server);

  const reports = await fleet.connect({
    server,
    total: config.connections,
    cohort: config.cohort,
    smallRooms: config.smallRooms.rooms,
  });
  const connected = reports.reduce((sum, r) => sum + r.connected, 0);
  const errors = reports.reduce((sum, r) => sum + r.errors, 0);
  await sleep(3_000);
  const rssAfter = rssBytes(server.pid);
  const heapAfter = await heapUsedBytes(server);

  let heartbeat = null;
  if (measureIdle) {
    const cpu0 = cpuMicros(server.pid);
    const t0 = nowMs();
    await sleep(config.idleWindowMs);
    heartbeat = { serverCpuPct: ((cpuMicros(server.pid) - cpu0) / 1000 / (nowMs() - t0)) * 100, windowMs: config.idleWindowMs };
  }
  const disconnects = (await fleet.collect()).reduce((sum, r) => sum + r.disconnects, 0);

  return {
    connections: connected,
    errors,
    errorSamples: reports.flatMap((r) => r.errorSamples).slice(0, 5),
    disconnects,
    rampMs: Math.max(...reports.map((r) => r.rampMs)),
    connectTime: summarize(mergeEncoded(reports.map((r) => r.connectTimes))),
    rssBytesPerConnection: connected ? (rssAfter - rssBefore) / connected : null,
    heapBytesPerConnection: connected && heapBefore !== null && heapAfter !== null ? (heapAfter - heapBefore) / connected : null,
    rssAfterMb: rssAfter / 2 ** 20,
    heartbeat,
    valid: errors === 0 && disconnects === 0,
    reasons: [errors ? `${errors} connections failed` : null, disconnects ? `${disconnects} disconnected` : null].filter(Boolean),
  };
}
