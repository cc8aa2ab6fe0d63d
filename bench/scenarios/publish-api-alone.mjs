import { summarizeStep } from "../lib/aggregate.mjs";
import { makeData, BENCH_EVENT } from "../lib/payload.mjs";
import { runPublishStep } from "../lib/publish-step.mjs";
import { startPublishRig } from "../lib/publish-rig.mjs";

/**
 * Scenario 5, the publish API alone: the production publish-api (Redis path) pinned to the
 * server core, with a private Redis and a stand-in for the gateways on the client core. Its
 * baseline, climbed first in the same run and the same way, is the floor: the same publish as a
 * bare `node:http` route (`baselines/publish-route-floor.mjs`: parse, one PUBLISH, answer 202),
 * what one core does here with none of publish-api's own work. Rates climb until a server stops
 * answering 202 to everything as fast as it is asked. Each step runs `repeats` times; the run with
 * the median accepted rate, invalid runs ranked worst (of two, the worse), stands for it, with the
 * spread over the valid runs beside it.
 */
export async function runPublishApiAlone({ config, log }) {
  const floor = await climb({ target: "publish-floor", env: { VARIANT: "node" }, label: "bare publish route", config, log });
  const api = await climb({ target: "publish-api", env: {}, label: "publish-api", config, log });
  return { ...api, floor, redisOnClientCore: true };
}

async function climb({ target, env, label, config, log }) {
  const { rates, stepMs, repeats = 1 } = config.publishApi;
  const rig = await startPublishRig(target, env);
  const { server, clientPids } = rig;
  const bodyFor = (k, due) => JSON.stringify({ room: "bench-nobody", event: BENCH_EVENT, data: makeData(due, k, 0, 100) });
  const runOnce = async (rate) => {
    let step;
    // Someone else's load on the server core spoils a step: run it again, twice at most.
    for (let attempt = 0; attempt < 3; attempt++) {
      step = await runPublishStep({ server, path: "/v1/publish", rate, count: Math.round((rate * stepMs) / 1000), bodyFor, clientPids });
      if (!step.reasons.some((reason) => reason.includes("other processes"))) break;
    }
    return step;
  };
  try {
    await runPublishStep({ server, path: "/v1/publish", rate: 1_000, count: 1_000, bodyFor, clientPids }); // warm-up
    const steps = [];
    for (const rate of rates) {
      const runs = [];
      for (let repeat = 0; repeat < repeats; repeat++) runs.push(await runOnce(rate));
      const step = summarizeStep(runs, (a, b) => b.acceptedPerSecond - a.acceptedPerSecond, {
        acceptedPerSecond: (run) => run.acceptedPerSecond,
        serverCpuUsPerRequest: (run) => run.serverCpuUsPerRequest,
        httpP99: (run) => run.httpLatency.p99,
      });
      const { spread } = step;
      steps.push(step);
      log(`  ${label} ${rate}/s offered: ${Math.round(step.acceptedPerSecond)}/s accepted` +
        `${repeats > 1 ? ` (${Math.round(spread.acceptedPerSecond.min)}–${Math.round(spread.acceptedPerSecond.max)} over ${runs.length} runs)` : ""}, HTTP p50 ${step.httpLatency.p50} ms ` +
        `p99 ${step.httpLatency.p99} ms, server ${step.serverCpuPct.toFixed(0)}%, ${step.serverCpuUsPerRequest?.toFixed(0) ?? "–"} µs/request, client ${step.clientCpuPct.toFixed(0)}%` +
        `${step.valid ? "" : ` INVALID: ${step.reasons.join("; ")}`}`);
      // Past capacity: it answers slower than asked, or latency runs away.
      if (step.acceptedPerSecond < rate * 0.95 || step.httpLatency.p99 > 250) break;
    }
    const best = steps.filter((s) => s.accepted === s.sent).sort((a, b) => b.acceptedPerSecond - a.acceptedPerSecond)[0];
    return { steps, maxAcceptedPerSecond: best?.acceptedPerSecond ?? null, bestStep: best ?? null };
  } finally {
    await rig.stop();
  }
}
