import { summarizeStep } from "../lib/aggregate.mjs";
import { makeData, BENCH_EVENT } from "../lib/payload.mjs";
import { runPublishStep } from "../lib/publish-step.mjs";
import { startPublishRig } from "../lib/publish-rig.mjs";

/**
 * Scenario 5, the publish API alone: the production publish-api (Redis path) pinned to the
 * server core, with a private Redis and a stand-in for the gateways on the client core. It is
 * climbed twice, with history on (the default, `HISTORY_SIZE=100`: each publish is the append
 * script) and off (`HISTORY_SIZE=0`: a plain PUBLISH in the Socket.IO adapter's format), and
 * its baselines, the floors, beside them: the same publish as a bare `node:http` route
 * (`baselines/publish-route-floor.mjs`: parse, hand Redis the message, answer 202) doing the
 * same Redis work, a plain PUBLISH for history off and publish-api's own append script for
 * history on: what one core does here with none of publish-api's own work. Each has its own
 * Redis; Redis's CPU is read per step.
 *
 * The four climb together, step by step and run by run in turn (the order rotating), so that
 * this machine's swings in speed fall on all three alike and the ratios stay fair. Rates climb
 * until a server stops answering 202 to everything as fast as it is asked; that one stops, the
 * others go on. Each step runs `repeats` times; the run with the median accepted rate, invalid
 * runs ranked worst (of two, the worse), stands for it, with the spread over the valid runs beside it.
 *
 * Then batches: the history-on publish-api, the same process and Redis that just climbed with
 * single publishes, climbs again with `POST /v1/publish` batches of `BATCH_SIZE` messages, its
 * rates in messages per second (`batchRates`). The figure is the ratio of the most messages
 * accepted per second, batches against single publishes, each with every message answered 202
 * (the issue's target: at least 5×).
 */
const VARIANTS = [
  { key: "floor", target: "publish-floor", env: { VARIANT: "node" }, label: "bare publish route" },
  { key: "floorHistory", target: "publish-floor", env: { VARIANT: "history" }, label: "bare publish route, append script" },
  { key: "historyOff", target: "publish-api", env: { HISTORY_SIZE: "0" }, label: "publish-api, history off" },
  { key: "historyOn", target: "publish-api", env: {}, label: "publish-api, history on" },
];

export const BATCH_SIZE = 100;
const BATCH_TARGET = 5;

export async function runPublishApiAlone({ config, log }) {
  const { rates, stepMs, repeats = 1, batchRates = [] } = config.publishApi;
  const variants = [];
  let batches = null;
  try {
    for (const variant of VARIANTS) variants.push({ ...variant, rig: await startPublishRig(variant.target, variant.env), steps: [], climbing: true });
    for (const variant of variants) await runOnce(variant, 1_000, 1_000); // warm-up
    for (const rate of rates) {
      const climbing = variants.filter((variant) => variant.climbing);
      if (climbing.length === 0) break;
      const runs = new Map(climbing.map((variant) => [variant, []]));
      for (let repeat = 0; repeat < repeats; repeat++) {
        // Rotated, so that no variant always runs first (or right after another's heaviest step).
        for (let i = 0; i < climbing.length; i++) {
          const variant = climbing[(i + repeat) % climbing.length];
          runs.get(variant).push(await runOnce(variant, rate, Math.round((rate * stepMs) / 1000)));
        }
      }
      for (const variant of climbing) {
        const step = summarize(runs.get(variant));
        variant.steps.push(step);
        logStep(log, variant.label, step, repeats);
        // Past capacity: it answers slower than asked, or latency runs away.
        if (step.acceptedPerSecond < rate * 0.95 || step.httpLatency.p99 > 250) variant.climbing = false;
      }
    }
    const historyOn = variants.find((variant) => variant.key === "historyOn");
    if (batchRates.length > 0) batches = await climb(historyOn.rig, { rates: batchRates, stepMs, repeats, log, batch: true });
  } finally {
    for (const variant of variants) await variant.rig.stop();
  }
  const byKey = Object.fromEntries(variants.map((variant) => [variant.key, climbResult(variant)]));
  return {
    ...byKey.historyOn,
    floor: byKey.floor,
    floorHistory: byKey.floorHistory,
    historyOff: byKey.historyOff,
    history: compareHistory(byKey.historyOn, byKey.historyOff),
    // The target is the default, history on; history off is shown beside it, not judged.
    vsFloors: compareWithFloors([[byKey.historyOn, byKey.floorHistory, true], [byKey.historyOff, byKey.floor, false]]),
    batch: batches && compareBatches(batches, byKey.historyOn),
    redisOnClientCore: true,
    interleaved: true,
  };
}

const messageFor = (k, due, room = "bench-nobody") => ({ room, event: BENCH_EVENT, data: makeData(due, k, 0, 100) });
const bodyFor = (k, due) => JSON.stringify(messageFor(k, due));
// Every message of a batch carries the batch's due time; `s` numbers the messages across batches.
// All to one room, as the single publishes are, unless `rooms` spreads them over that many.
const batchBodyFor = (rooms) => (k, due) =>
  JSON.stringify({ messages: Array.from({ length: BATCH_SIZE }, (_, i) => messageFor(k * BATCH_SIZE + i, due, rooms > 1 ? `bench-nobody-${i % rooms}` : undefined)) });

async function runOnce({ rig, rooms = 1 }, rate, count, batch = false) {
  const { server, clientPids, redis } = rig;
  const shape = batch ? { rate: rate / BATCH_SIZE, count: Math.max(1, Math.round(count / BATCH_SIZE)), bodyFor: batchBodyFor(rooms), messagesPerRequest: BATCH_SIZE } : { rate, count, bodyFor };
  let step;
  // Someone else's load on the server core spoils a step: run it again, twice at most.
  for (let attempt = 0; attempt < 3; attempt++) {
    step = await runPublishStep({ server, path: "/v1/publish", clientPids, redisPid: redis.pid, ...shape });
    if (!step.reasons.some((reason) => reason.includes("other processes"))) break;
  }
  // The step's offered rate in messages per second, as the single publishes' steps have it.
  return { ...step, rate };
}

/**
 * One rig climbing alone at rising rates in messages per second, with single publishes or with
 * batches (their messages to one room, or spread over `rooms`), each step repeated and
 * summarized as the interleaved climb's are, until it falls behind what is offered. Exported for
 * `experiments/publish-api-batch.mjs`.
 */
export async function climb(rig, { rates, stepMs, repeats = 1, log = () => {}, batch = false, rooms = 1 }) {
  const label = batch ? `publish-api, batches of ${BATCH_SIZE}${rooms > 1 ? ` over ${rooms} rooms` : ""}` : "publish-api";
  const variant = { rig, rooms, label, steps: [] };
  await runOnce(variant, 1_000, 1_000, batch); // warm-up
  for (const rate of rates) {
    const runs = [];
    for (let repeat = 0; repeat < repeats; repeat++) runs.push(await runOnce(variant, rate, Math.round((rate * stepMs) / 1000), batch));
    const step = summarize(runs);
    variant.steps.push(step);
    logStep(log, variant.label, step, repeats);
    if (step.acceptedPerSecond < rate * 0.95 || step.httpLatency.p99 > 250) break;
  }
  return { ...climbResult(variant), ...(batch ? { batchSize: BATCH_SIZE } : {}) };
}

/** Batches against single publishes on the same rig: the ratio of their most messages accepted per second. */
export function compareBatches(batches, singles) {
  const ratio = batches.maxAcceptedPerSecond && singles.maxAcceptedPerSecond ? batches.maxAcceptedPerSecond / singles.maxAcceptedPerSecond : null;
  return { ...batches, singlesMaxAcceptedPerSecond: singles.maxAcceptedPerSecond, ratio, target: BATCH_TARGET, met: ratio === null ? null : ratio >= BATCH_TARGET };
}

const summarize = (runs) =>
  summarizeStep(runs, (a, b) => b.acceptedPerSecond - a.acceptedPerSecond, {
    acceptedPerSecond: (run) => run.acceptedPerSecond,
    serverCpuUsPerRequest: (run) => run.serverCpuUsPerRequest,
    serverCpuUsPerAccepted: (run) => run.serverCpuUsPerAccepted,
    redisCpuUsPerAccepted: (run) => run.redisCpuUsPerAccepted,
    httpP99: (run) => run.httpLatency.p99,
  });

function logStep(log, label, step, repeats) {
  const { spread } = step;
  log(`  ${label} ${step.rate}/s offered: ${Math.round(step.acceptedPerSecond)}/s accepted` +
    `${step.messagesPerRequest > 1 ? ` (${Math.round(step.rate / step.messagesPerRequest)} requests/s)` : ""}` +
    `${repeats > 1 ? ` (${Math.round(spread.acceptedPerSecond.min)}–${Math.round(spread.acceptedPerSecond.max)} over ${step.runs} runs)` : ""}, HTTP p50 ${step.httpLatency.p50} ms ` +
    `p99 ${step.httpLatency.p99} ms, server ${step.serverCpuPct.toFixed(0)}%, ${step.serverCpuUsPerRequest?.toFixed(0) ?? "–"} µs/request, ` +
    `Redis ${step.redisCpuUsPerAccepted?.toFixed(1) ?? "–"} µs/publish, client ${step.clientCpuPct.toFixed(0)}%` +
    `${step.valid ? "" : ` INVALID: ${step.reasons.join("; ")}`}`);
}

function climbResult({ steps, label }) {
  const best = steps.filter((s) => s.accepted === s.sent * s.messagesPerRequest).sort((a, b) => b.acceptedPerSecond - a.acceptedPerSecond)[0];
  return { label, steps, maxAcceptedPerSecond: best?.acceptedPerSecond ?? null, bestStep: best ?? null };
}

const FLOOR_TARGET = 1.3;
const HISTORY_TARGET = 1.3;

const cpuOf = (step) => step.spread.serverCpuUsPerAccepted.median;
const redisOf = (step) => step.spread.redisCpuUsPerAccepted.median;
const ratioOf = (a, b) => (a && b ? a / b : null);

/**
 * Each rate both climbed, as a pair of steps; comparable when both are valid and every publish
 * of both was accepted (past either's capacity, CPU per request measures the overload, not the work).
 */
function sameRateSteps(a, b) {
  return a.steps.flatMap((stepA) => {
    const stepB = b.steps.find((s) => s.rate === stepA.rate);
    if (!stepB) return [];
    const comparable = stepA.valid && stepB.valid && stepA.accepted === stepA.sent && stepB.accepted === stepB.sent;
    return [{ rate: stepA.rate, a: stepA, b: stepB, comparable }];
  });
}

/** The comparable row with the highest `ratio(row)`, and whether it is within the target. */
function judge(rows, ratio, target) {
  const worst = rows.filter((row) => row.comparable && ratio(row) !== null).sort((x, y) => ratio(y) - ratio(x))[0] ?? null;
  return { target, rows, worstComparable: worst, met: worst ? ratio(worst) <= target : null };
}

/**
 * Issue 16: publish-api's CPU per accepted publish against the floor doing the same Redis work
 * (history on against the append-script route, off against the plain PUBLISH), per rate both
 * climbed, medians over each step's valid runs. The target is about the default, history on:
 * its rates are judged where the steps are comparable, and it holds when every judged rate is
 * within 1.3×.
 */
function compareWithFloors(pairs) {
  const rows = pairs.flatMap(([api, floor, judged]) =>
    sameRateSteps(api, floor).map(({ rate, a, b, comparable }) => ({
      label: api.label,
      floorLabel: floor.label,
      rate,
      apiCpuUs: cpuOf(a),
      floorCpuUs: cpuOf(b),
      ratio: ratioOf(cpuOf(a), cpuOf(b)),
      comparable: judged && comparable,
    })),
  );
  return judge(rows, (row) => row.ratio, FLOOR_TARGET);
}

/**
 * History on against off, per rate both climbed: publish-api's CPU and Redis's CPU per accepted
 * publish, each the median over the step's valid runs, compared where the steps are comparable.
 * The issue's target is at most 1.3× for publish-api.
 */
function compareHistory(on, off) {
  const rows = sameRateSteps(on, off).map(({ rate, a, b, comparable }) => ({
    rate,
    comparable,
    apiCpuUsOn: cpuOf(a),
    apiCpuUsOff: cpuOf(b),
    apiRatio: ratioOf(cpuOf(a), cpuOf(b)),
    redisCpuUsOn: redisOf(a),
    redisCpuUsOff: redisOf(b),
    redisRatio: ratioOf(redisOf(a), redisOf(b)),
  }));
  return judge(rows, (row) => row.apiRatio, HISTORY_TARGET);
}
