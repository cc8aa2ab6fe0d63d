import { nowMs, sleep } from "../lib/clock.mjs";
import { mergeEncoded, summarize } from "../lib/histogram.mjs";
import { cpuMicros, rssBytes } from "../lib/proc-stats.mjs";
import { heapUsedBytes } from "../lib/servers.mjs";

/**
 * Scenario 1, idle capacity: ramp the fleet onto one server and read what each connection
 * costs it. Every socket subscribes to the big room and to one of the small rooms, so the same
 * connections serve the later scenarios. RSS and heap are read twice: 3 s after the ramp, and
 * again, settled, after a pause and the idle window, once V8 has had time to collect the ramp's
 * garbage and give back the room it grew for it (the figure a sizing of idle connections needs;
 * the first is what the ramp itself costs). Heartbeat CPU is read over the idle window, one
 * ping interval, so every socket is pinged once in it.
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
  let settled = null;
  if (measureIdle) {
    // The collections that give back the ramp's memory are not a heartbeat's cost.
    await sleep(config.settleMs);
    const cpu0 = cpuMicros(server.pid);
    const t0 = nowMs();
    await sleep(config.idleWindowMs);
    heartbeat = { serverCpuPct: ((cpuMicros(server.pid) - cpu0) / 1000 / (nowMs() - t0)) * 100, windowMs: config.idleWindowMs };
    settled = { rss: rssBytes(server.pid), heap: await heapUsedBytes(server) };
  }
  const perConnection = (before, after) => (connected && before !== null && after !== null && after !== undefined ? (after - before) / connected : null);
  const disconnects = (await fleet.collect()).reduce((sum, r) => sum + r.disconnects, 0);

  return {
    connections: connected,
    errors,
    errorSamples: reports.flatMap((r) => r.errorSamples).slice(0, 5),
    disconnects,
    rampMs: Math.max(...reports.map((r) => r.rampMs)),
    connectTime: summarize(mergeEncoded(reports.map((r) => r.connectTimes))),
    rssBytesPerConnection: perConnection(rssBefore, rssAfter),
    heapBytesPerConnection: perConnection(heapBefore, heapAfter),
    settledRssBytesPerConnection: perConnection(rssBefore, settled?.rss),
    settledHeapBytesPerConnection: perConnection(heapBefore, settled?.heap),
    rssAfterMb: rssAfter / 2 ** 20,
    heartbeat,
    valid: errors === 0 && disconnects === 0,
    reasons: [errors ? `${errors} connections failed` : null, disconnects ? `${disconnects} disconnected` : null].filter(Boolean),
  };
}
