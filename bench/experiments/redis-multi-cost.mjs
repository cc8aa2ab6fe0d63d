#!/usr/bin/env node
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { performance } from "node:perf_hooks";

/**
 * `node bench/experiments/redis-multi-cost.mjs <redis-port>`: CPU per publish transaction
 * (MULTI, PUBLISH, EXEC, as createRedisRoomEmitter sends it) on an ioredis client that a BullMQ
 * Queue also uses, against one that only publishes. BullMQ defines its Lua scripts as commands
 * on the client it is given, and ioredis's Pipeline constructor copies every defined command
 * onto each new `multi()`: publish-api shares one client between the two.
 */
const port = Number(process.argv[2] ?? 6379);
const prefix = `bench-multi-${process.pid}`;

async function measure(client, label) {
  const payload = Buffer.alloc(200, 1);
  const run = async (n) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // 20 transactions in flight, like concurrent requests.
    for (let i = 0; i < n; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => client.multi().publish(`${prefix}#/#r#`, payload).exec()));
    }
    const cpu = process.cpuUsage(cpu0);
    return { us: (cpu.user + cpu.system) / n, perSecond: n / ((performance.now() - t0) / 1000) };
  };
  await run(2_000); // warm-up
  const results = [await run(10_000), await run(10_000), await run(10_000)].sort((a, b) => a.us - b.us);
  console.log(`${label}: ${results[1].us.toFixed(1)} µs CPU per transaction (median of 3), ${Math.round(results[1].perSecond)}/s`);
  return results[1].us;
}

const plain = new Redis({ port, host: "127.0.0.1" });
const shared = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: null });
const queue = new Queue("notifications", { connection: shared, prefix });
await queue.waitUntilReady();
await queue.getJobCounts(); // makes BullMQ define its scripts on the client
console.log(`commands BullMQ defined on the shared client: ${Object.keys(shared.scriptsSet).length}`);
const a = await measure(plain, "own client");
const b = await measure(shared, "client shared with a BullMQ Queue");
console.log(`shared / own: ${(b / a).toFixed(2)}×`);
await queue.close();
plain.disconnect();
shared.disconnect();
