import { aggregate } from "../lib/aggregate.mjs";
import { runBroadcastPhase } from "../lib/broadcast-phase.mjs";

/**
 * Scenario 2, big-room fan-out: every connection in room "all", one message per interval, at
 * each payload size. One warm-up phase (discarded: JIT, buffers), then `repeats` measured ones.
 */
export async function runBigRoomFanout({ server, fleet, connections, config, log, idleCpuPct = null }) {
  const { sizes, intervalMs, warmupMessages, repeats, extraAttempts = 0, messages } = config.fanout;
  const rate = 1000 / intervalMs;
  const bySize = {};
  for (const size of sizes) {
    const common = { server, fleet, size, rate, roomFor: () => "all", membersPerRoom: connections };
    await runBroadcastPhase({ ...common, messages: warmupMessages });
    const runs = [];
    // Aim for `repeats` valid runs; on this shared machine other work spoils some, so a few
    // extra attempts are allowed (all of them are kept and reported).
    for (let r = 0; r < repeats + extraAttempts && runs.filter((run) => run.valid).length < repeats; r++) {
      const run = await runBroadcastPhase({ ...common, messages });
      log(`  fan-out ${size} B run ${r + 1}: p50 ${run.latency.p50} ms, p99 ${run.latency.p99} ms, ` +
        `${run.serverCpuUsPerDelivery?.toFixed(2)} us/delivery, client core ${run.clientCpuPct.toFixed(0)}%, others on server core ${run.serverCoreOthersPct.toFixed(0)}%` +
        `${run.valid ? "" : ` INVALID: ${run.reasons.join("; ")}`}`);
      runs.push(run);
    }
    // Median and spread over the valid runs when there are any; over all runs (and said so) if not.
    const valid = runs.filter((run) => run.valid);
    bySize[size] = {
      runs,
      valid: valid.length > 0,
      summarizedRuns: valid.length > 0 ? "valid" : "all (none valid)",
      summary: aggregate(valid.length > 0 ? valid : runs, {
        p50: (r) => r.latency.p50,
        p99: (r) => r.latency.p99,
        max: (r) => r.latency.max,
        cpuUsPerDelivery: (r) => r.serverCpuUsPerDelivery,
        // What the server spends anyway with this many idle sockets (heartbeats, sweeps), taken
        // out: the part of the cost that grows with deliveries.
        netCpuUsPerDelivery: (r) => (idleCpuPct === null ? null : r.serverCpuUsPerDelivery - ((idleCpuPct / 100) * r.wallMs * 1000) / r.received),
        clientCpuPct: (r) => r.clientCpuPct,
      }),
    };
  }
  return bySize;
}
