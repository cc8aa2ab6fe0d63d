import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createRedisClient } from "@socket-server/shared/redis";
import { countRedisCalls } from "../../../test/support/count-redis-calls.js";
import { startRedisServer } from "../../../test/support/redis-server.js";
import { deleteKeys, testPrefix } from "../../../test/support/test-prefix.js";
import { waitUntil } from "../../../test/support/wait-until.js";
import { createBullmqNotificationQueue } from "./create-bullmq-notification-queue.js";

const logger = pino({ level: "silent" });
const prefix = testPrefix("bullmq-notification-queue");
const OWNER = "0123456789abcdef0123456789abcdef";
const opened: { queue: Queue; client: Redis }[] = [];
afterAll(async () => {
  for (const { queue, client } of opened) {
    await queue.close().catch(() => {});
    client.disconnect();
  }
  await deleteKeys(inject("redisUrl"), prefix);
});

async function openQueue(url: string, commandTimeoutMs = 1000) {
  const client = createRedisClient({ url, name: prefix, role: "command", logger, commandTimeoutMs });
  const queue = new Queue("notifications", { connection: client, prefix });
  queue.on("error", () => {});
  opened.push({ queue, client });
  await waitUntil(() => client.status === "ready", { what: "redis ready" });
  await queue.add("warm-up", {}, { jobId: "warm-up" });
  return { queue, client };
}

const request = (jobId: string, more: { delayMs?: number; attempts?: number } = {}) => ({
  rooms: ["r1"],
  event: "e",
  data: { jobId },
  delayMs: more.delayMs ?? 0,
  attempts: more.attempts ?? 3,
  jobId,
});

describe("createBullmqNotificationQueue", () => {
  it("adds each job of a turn with its own options, through no pipeline, on the socket corked", async () => {
    const { queue, client } = await openQueue(inject("redisUrl"));
    const calls = countRedisCalls(client);
    const notifications = createBullmqNotificationQueue(queue, client);

    const answers = await Promise.all([
      notifications.enqueue(request("a"), 1, OWNER),
      notifications.enqueue(request("b", { attempts: 1 }), 2, OWNER),
      notifications.enqueue(request("c", { delayMs: 60_000 }), 3, OWNER),
    ]);

    expect(answers).toEqual([{ jobId: "a" }, { jobId: "b" }, { jobId: "c" }]);
    // A pipeline on this client copies BullMQ's scripts into itself, and what it allocates
    // outlives V8's young generation (corked-job-adds.ts).
    expect(calls.pipelines).toBe(0);
    // Corked, the turn's three adds leave in one socket write.
    expect([calls.writes, calls.uncorkedWrites]).toEqual([3, 0]);
    expect(client.stream.writableCorked).toBe(0);
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((id) => queue.getJob(`${OWNER}.${id}`)));
    expect(a?.data).toMatchObject({ rooms: ["r1"], event: "e", data: { jobId: "a" }, acceptedAt: 1 });
    expect(a?.opts).toMatchObject({ attempts: 3, backoff: { type: "exponential", delay: 1000 } });
    expect(b?.opts).toMatchObject({ attempts: 1 });
    expect(c?.opts).toMatchObject({ delay: 60_000 });
    expect(await queue.getJobState(`${OWNER}.c`)).toBe("delayed");
    expect(await notifications.status("a", OWNER)).toEqual({ jobId: "a", state: "waiting", attemptsMade: 0 });
  });

  it("refuses within its timeout while Redis is frozen", async () => {
    const redis = await startRedisServer();
    try {
      const { queue, client } = await openQueue(redis.url, 5_000);
      const notifications = createBullmqNotificationQueue(queue, client, { timeoutMs: 300 });
      redis.freeze();
      const startedAt = Date.now();
      await expect(notifications.enqueue(request("frozen"), 1, OWNER)).rejects.toThrow(/timed out after 300 ms/);
      expect(Date.now() - startedAt).toBeLessThan(2_000);
    } finally {
      redis.thaw();
      await redis.stop();
    }
  });
});
