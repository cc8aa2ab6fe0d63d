import { makeData, BENCH_EVENT } from "../lib/payload.mjs";
import { runPublishStep } from "../lib/publish-step.mjs";
import { CLIENT_CORE, spawnPinned, stopChild } from "../lib/processes.mjs";
import { startRedis, startServer } from "../lib/servers.mjs";

/**
 * Scenario 5, the publish API alone: the production publish-api (Redis path) pinned to the
 * server core, with a private Redis on the client core. publish-api answers 503 unless some
 * gateway hears the PUBLISH, so a `redis-cli psubscribe` stands in for the gateways: it receives
 * every message for a fraction of what a gateway would cost the client core.
 * Rates climb until publish-api stops answering 202 to everything as fast as it is asked.
 */
export async function runPublishApiAlone({ config, log }) {
  const { rates, stepMs } = config.publishApi;
  const redis = await startRedis();
  const prefix = `bench-${process.pid}`;
  const listener = spawnPinned(CLIENT_CORE, "redis-cli", ["-p", String(redis.port), "psubscribe", `${prefix}#*`], { stdio: ["ignore", "ignore", "ignore"] });
  const server = await startServer("publish-api", { env: { REDIS_URL: redis.url, REDIS_PREFIX: prefix } });
  const clientPids = [redis.pid, listener.pid];
  const bodyFor = (k, due) => JSON.stringify({ room: "bench-nobody", event: BENCH_EVENT, data: makeData(due, k, 0, 100) });
  try {
    await runPublishStep({ server, path: "/v1/publish", rate: 1_000, count: 1_000, bodyFor, clientPids }); // warm-up
    const steps = [];
    for (const rate of rates) {
      let step;
      // Someone else's load on the server core spoils a step: run it again, twice at most.
      for (let attempt = 0; attempt < 3; attempt++) {
        step = await runPublishStep({ server, path: "/v1/publish", rate, count: Math.round((rate * stepMs) / 1000), bodyFor, clientPids });
        if (!step.reasons.some((reason) => reason.includes("other processes"))) break;
      }
      steps.push(step);
      log(`  publish-api ${rate}/s offered: ${Math.round(step.acceptedPerSecond)}/s accepted, HTTP p50 ${step.httpLatency.p50} ms ` +
        `p99 ${step.httpLatency.p99} ms, server ${step.serverCpuPct.toFixed(0)}%, client ${step.clientCpuPct.toFixed(0)}%` +
        `${step.valid ? "" : ` INVALID: ${step.reasons.join("; ")}`}`);
      // Past capacity: it answers slower than asked, or latency runs away.
      if (step.acceptedPerSecond < rate * 0.95 || step.httpLatency.p99 > 250) break;
    }
    const best = steps.filter((s) => s.accepted === s.sent).sort((a, b) => b.acceptedPerSecond - a.acceptedPerSecond)[0];
    return { steps, maxAcceptedPerSecond: best?.acceptedPerSecond ?? null, bestStep: best ?? null, redisOnClientCore: true };
  } finally {
    await server.stop();
    await stopChild(listener, 1_000);
    await redis.stop();
  }
}
