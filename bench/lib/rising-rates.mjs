import { summarizeStep } from "./aggregate.mjs";
import { runBroadcastPhase } from "./broadcast-phase.mjs";

export const KNEE_P99_MS = 250;

const spoiledByOthers = (run) =>
  run.reasons.length > 0 &&
  run.reasons.every((reason) => /other processes|event-loop delay|client core/.test(reason)) &&
  run.ownClientCpuPct <= 80;

/**
 * Climbs fixed rates, one phase per step, and stops at the first step past the knee: p99 over
 * 250 ms, anything lost (a backlog the drain wait could not clear), or clients out of budget.
 * Each step runs `repeats` times after one warm-up; the step stands for the run with the median
 * p99, invalid runs ranked worst (`medianRun`: of two, the worse), and carries the median and
 * spread of its figures over the valid runs. The knee is the last rate that passed;
 * `reached` is false when even the top rate passed. `runPhase` is the measurement (a broadcast
 * phase); rising-rates.test.mjs hands in made-up runs to check the search itself.
 */
export async function climbRates({ rates, stepMs, repeats = 1, phase, log, label, afterStep, runPhase = runBroadcastPhase }) {
  const steps = [];
  let knee = null;
  let stoppedBy = null;
  await runPhase({ ...phase, rate: rates[0], messages: Math.max(2, Math.round(rates[0] / 2)) }); // warm-up
  for (const rate of rates) {
    const runs = [];
    for (let repeat = 0; repeat < repeats; repeat++) runs.push(await runStep({ phase, rate, stepMs, log, label, runPhase }));
    const run = representative(runs);
    steps.push(run);
    await afterStep?.(run);
    log(`  ${label} ${rate}/s: p50 ${run.latency.p50} ms, p99 ${run.latency.p99} ms${repeats > 1 ? ` (p99 ${run.spread.p99.min}–${run.spread.p99.max} ms; ${run.validRuns} of ${runs.length} runs valid)` : ""}, ${Math.round(run.deliveriesPerSecond)} deliveries/s, ` +
      `server ${run.serverCpuPct.toFixed(0)}%, client core ${run.clientCpuPct.toFixed(0)}%, others on server core ${run.serverCoreOthersPct.toFixed(0)}%${run.valid ? "" : ` INVALID: ${run.reasons.join("; ")}`}`);
    if (!run.valid || run.latency.p99 > KNEE_P99_MS) {
      stoppedBy = run.valid ? `p99 ${run.latency.p99} ms > ${KNEE_P99_MS} ms` : run.reasons.join("; ");
      break;
    }
    knee = run;
  }
  // What the targets ask for "at half the knee": the highest passing step at or under half of it.
  const half = knee ? steps.filter((s) => s.valid && s.rate <= knee.rate / 2).at(-1) ?? null : null;
  return { steps, kneeRate: knee?.rate ?? null, knee, reached: stoppedBy !== null, stoppedBy, halfKnee: half, repeats };
}

/** One run of a step. One spoiled by someone else's load (this machine is shared) is run again, twice at most. */
async function runStep({ phase, rate, stepMs, log, label, runPhase }) {
  let run;
  // One that our own clients could not keep up with is a finding, not noise.
  for (let attempt = 0; attempt < 3; attempt++) {
    run = await runPhase({ ...phase, rate, messages: Math.max(2, Math.round((rate * stepMs) / 1000)) });
    if (run.valid || !spoiledByOthers(run) || attempt === 2) break;
    log(`  ${label} ${rate}/s: disturbed by other processes (${run.reasons.join("; ")}), again`);
  }
  return run;
}

const representative = (runs) =>
  summarizeStep(runs, (a, b) => a.latency.p99 - b.latency.p99, {
    p50: (run) => run.latency.p50,
    p99: (run) => run.latency.p99,
    serverCpuUsPerPublish: (run) => run.serverCpuUsPerPublish,
  });
