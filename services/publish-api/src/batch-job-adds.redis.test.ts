import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createRedisClient } from "@socket-server/shared/redis";
import { countRedisCalls } from "../../../test/support/count-redis-calls.js";
import { expectBatchesFailOnTheirOwnClock } from "../../../test/support/expect-batches-fail-on-their-own-clock.js";
import { startRedisServer } from "../../../test/support/redis-server.js";
import { deleteKeys, testPrefix } from "../../../test/support/test-prefix.js";
import { waitUntil } from "../../../test/support/wait-until.js";
import { batchJobAdds } from "./batch-job-adds.js";

const logger = pino({ level: "silent" });
const prefix = testPrefix("batch-job-adds");
const opened: { queue: Queue; client: Redis }[] = [];
afterAll(async () => {
  for (const { queue, client } of opened) {
    await queue.close().catch(() => {});
    client.disconnect();
  }
  await deleteKeys(inject("redisUrl"), prefix);
});

/** A queue on a client of its own, ready, its scripts loaded by one add first. */
async function openQueue(url: string, commandTimeoutMs = 1000) {
  const client = createRedisClient({ url, name: prefix, role: "command", logger, commandTimeoutMs });
  const queue = new Queue("jobs", { connection: client, prefix });
  queue.on("error", () => {});
  opened.push({ queue, client });
  await waitUntil(() => client.status === "ready", { what: "redis ready" });
  await queue.add("warm-up", {}, { jobId: "warm-up" });
  return { queue, client };
}

const job = (jobId: string, data: unknown = { n: jobId }) => ({ name: "notification", data, opts: { jobId } });

describe("batchJobAdds", () => {
  it("adds one turn's jobs in one write, each stored under its own id with its own data", async () => {
    const { queue, client } = await openQueue(inject("redisUrl"));
    const calls = countRedisCalls(client);

    const add = batchJobAdds(queue);
    expect(await Promise.all([add(job("a")), add(job("b")), add(job("c"))])).toEqual(["a", "b", "c"]);
    expect(calls.writes).toBe(1);
    const stored = await Promise.all(["a", "b", "c"].map((id) => queue.getJob(id)));
    expect(stored.map((found) => found?.data)).toEqual([{ n: "a" }, { n: "b" }, { n: "c" }]);
    expect(await Promise.all(["a", "b", "c"].map((id) => queue.getJobState(id)))).toEqual(["waiting", "waiting", "waiting"]);
  });

  it("adds a lone job without a pipeline", async () => {
    const { queue, client } = await openQueue(inject("redisUrl"));
    const calls = countRedisCalls(client);

    const add = batchJobAdds(queue);
    expect(await add(job("alone"))).toBe("alone");
    expect(calls.pipelines).toBe(0);
    expect(await Promise.all([add(job("pair-1")), add(job("pair-2"))])).toEqual(["pair-1", "pair-2"]);
    expect(calls.pipelines).toBe(1);
  });

  it("keeps one job for two adds of the same id in one turn, as two adds one after another would", async () => {
    const { queue } = await openQueue(inject("redisUrl"));
    const add = batchJobAdds(queue);
    expect(await Promise.all([add(job("twice", { first: true })), add(job("twice", { first: false }))])).toEqual(["twice", "twice"]);
    expect((await queue.getJob("twice"))?.data).toEqual({ first: true });
  });

  it("keeps each job's own options in a batch", async () => {
    const { queue } = await openQueue(inject("redisUrl"));
    const add = batchJobAdds(queue);
    const backoff = { type: "exponential", delay: 1000 };
    await Promise.all([
      add({ name: "notification", data: {}, opts: { jobId: "opts-1", attempts: 3, backoff, removeOnComplete: { age: 60 } } }),
      add({ name: "notification", data: {}, opts: { jobId: "opts-2", attempts: 1, delay: 60_000, removeOnFail: { age: 120 } } }),
    ]);
    const [first, second] = await Promise.all([queue.getJob("opts-1"), queue.getJob("opts-2")]);
    expect(first?.opts).toMatchObject({ attempts: 3, backoff, removeOnComplete: { age: 60 } });
    expect(second?.opts).toMatchObject({ attempts: 1, delay: 60_000, removeOnFail: { age: 120 } });
    expect(await queue.getJobState("opts-2")).toBe("delayed");
  });

  it("fails every add of a batch within the command timeout while Redis is frozen, each batch on its own clock", async () => {
    const redis = await startRedisServer();
    try {
      const { queue } = await openQueue(redis.url, 500);
      const add = batchJobAdds(queue);
      redis.freeze();
      await expectBatchesFailOnTheirOwnClock((name) => [1, 2, 3].map((i) => add(job(`${name}-${i}`))));
    } finally {
      redis.thaw();
      await redis.stop();
    }
  });
});
