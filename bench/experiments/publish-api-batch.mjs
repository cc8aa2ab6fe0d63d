#!/usr/bin/env node
import { CLIENT_CORE, installCleanup, pinSelf } from "../lib/processes.mjs";
import { startPublishRig } from "../lib/publish-rig.mjs";
import { climb, compareBatches } from "../scenarios/publish-api-alone.mjs";

/**
 * `node bench/experiments/publish-api-batch.mjs [single rates] [batch rates] [seconds] [repeats] [rooms]`:
 * scenario 5's batch figure alone. One publish-api (history on) with its private Redis and
 * listener, as in scenario 5, climbs with single publishes, then with batches of 100 (rates in
 * messages/s; their messages to one room as the single publishes', or spread over `rooms`), and
 * the ratio of the most messages accepted per second with every one answered 202 is printed,
 * e.g. `... 2000,4000,6000 10000,20000,30000 3 2`.
 */
installCleanup(900_000);
pinSelf(CLIENT_CORE);
const [singleRates = "1000,2000,4000,5000,6000,7000", batchRates = "10000,20000,25000,30000,35000,40000", seconds = "3", repeats = "2", rooms = "1"] = process.argv.slice(2);
const options = { stepMs: Number(seconds) * 1000, repeats: Number(repeats), log: (line) => console.log(line) };
const rates = (list) => list.split(",").map(Number);
// `BENCH_SERVER_ENV='{"NODE_OPTIONS":"..."}'` adds to publish-api's environment (as in publish-api-rates.mjs).
const rig = await startPublishRig("publish-api", JSON.parse(process.env.BENCH_SERVER_ENV ?? "{}"));
try {
  const singles = await climb(rig, { ...options, rates: rates(singleRates) });
  const batches = compareBatches(await climb(rig, { ...options, rates: rates(batchRates), batch: true, rooms: Number(rooms) }), singles);
  const f = (value) => (value === null ? "–" : Math.round(value).toLocaleString("en"));
  console.log(`most messages accepted/s with every one answered 202: single publishes ${f(singles.maxAcceptedPerSecond)}, ` +
    `batches of ${batches.batchSize} ${f(batches.maxAcceptedPerSecond)}: ${batches.ratio?.toFixed(2) ?? "–"}× (target ≥ ${batches.target}×)`);
} finally {
  await rig.stop();
}
process.exit(0);
