import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, inject, it } from "vitest";
import { countRedisCalls } from "../../../test/support/count-redis-calls.js";
import { expectBatchesFailOnTheirOwnClock } from "../../../test/support/expect-batches-fail-on-their-own-clock.js";
import { startRedisServer } from "../../../test/support/redis-server.js";
import { testPrefix } from "../../../test/support/test-prefix.js";
import { waitUntil } from "../../../test/support/wait-until.js";
import { createRedisClient } from "../redis/index.js";
import { batchPublishes } from "./batch-publishes.js";

const logger = pino({ level: "silent" });
const clients: Redis[] = [];
afterAll(() => {
  for (const client of clients) client.disconnect();
});

async function commandClient(url: string, commandTimeoutMs = 1000) {
  const client = createRedisClient({ url, name: testPrefix("batch"), role: "command", logger, commandTimeoutMs });
  clients.push(client);
  await waitUntil(() => client.status === "ready", { what: "redis ready" });
  return client;
}

describe("batchPublishes", () => {
  it("sends one turn's publishes in one write, each answered with its own receiver count", async () => {
    const url = inject("redisUrl");
    const channel = testPrefix("batch");
    const [client, subscriber] = [await commandClient(url), new Redis(url)];
    clients.push(subscriber);
    const received: string[] = [];
    subscriber.on("message", (_channel, message: string) => received.push(message));
    await subscriber.subscribe(channel);
    const calls = countRedisCalls(client);

    const publish = batchPublishes(client);
    const answers = await Promise.all([
      publish([[channel, Buffer.from("a")]]),
      publish([[`${channel}:nobody`, Buffer.from("b")]]),
      publish([[channel, Buffer.from("c")]]),
    ]);
    expect(answers).toEqual([[1], [0], [1]]);
    expect(calls.writes).toBe(1);
    await waitUntil(() => received.length === 2, { what: "both messages at the subscriber" });
    expect(received).toEqual(["a", "c"]);
  });

  it("sends a lone publish as a plain command, answered with its receiver count", async () => {
    const url = inject("redisUrl");
    const channel = testPrefix("batch-one");
    const [client, subscriber] = [await commandClient(url), new Redis(url)];
    clients.push(subscriber);
    await subscriber.subscribe(channel);
    const calls = countRedisCalls(client);

    const publish = batchPublishes(client);
    expect(await publish([[channel, Buffer.from("alone")]])).toEqual([1]);
    expect(await publish([[`${channel}:nobody`, Buffer.from("alone too")]])).toEqual([0]);
    expect(calls.pipelines).toBe(0);
    await expect(Promise.all([publish([[channel, Buffer.from("a")]]), publish([[channel, Buffer.from("b")]])])).resolves.toEqual([[1], [1]]);
    expect(calls.pipelines).toBe(1);
  });

  it("sends a turn's publications in the order they were asked for, a multi-room one as a MULTI among them, in one write", async () => {
    const url = inject("redisUrl");
    const channel = testPrefix("batch-order");
    const [client, subscriber] = [await commandClient(url), new Redis(url)];
    clients.push(subscriber);
    const received: string[] = [];
    subscriber.on("message", (from: string, message: string) => received.push(`${from.slice(channel.length)} ${message}`));
    await subscriber.subscribe(channel, `${channel}:b`);
    const calls = countRedisCalls(client);

    const publish = batchPublishes(client);
    const answers = await Promise.all([
      publish([[channel, Buffer.from("1")]]),
      publish([[channel, Buffer.from("2")], [`${channel}:b`, Buffer.from("2")], [`${channel}:nobody`, Buffer.from("2")]]),
      publish([[channel, Buffer.from("3")]]),
    ]);
    expect(answers).toEqual([[1], [1, 1, 0], [1]]);
    expect(calls.writes).toBe(1);
    await waitUntil(() => received.length === 4, { what: "every message at the subscriber" });
    expect(received).toEqual([" 1", " 2", ":b 2", " 3"]);
  });

  it("sends a lone multi-room publication as one MULTI, answered with each room's receivers", async () => {
    const url = inject("redisUrl");
    const channel = testPrefix("batch-multi");
    const [client, subscriber] = [await commandClient(url), new Redis(url)];
    clients.push(subscriber);
    await subscriber.subscribe(channel);
    const calls = countRedisCalls(client);

    const publish = batchPublishes(client);
    expect(await publish([[channel, Buffer.from("a")], [`${channel}:nobody`, Buffer.from("a")]])).toEqual([1, 0]);
    expect(calls.pipelines).toBe(0);
  });

  // A lone publish goes as a plain command, two or more as a pipeline: both paths must fail in time.
  it.each([1, 2])("fails each batch of %i within the command timeout while Redis is frozen, not one after another", async (size) => {
    const redis = await startRedisServer();
    try {
      const publish = batchPublishes(await commandClient(redis.url, 500));
      redis.freeze();
      await expectBatchesFailOnTheirOwnClock((name) => Array.from({ length: size }, (_, i) => publish([[name, Buffer.from(String(i))]])));
    } finally {
      redis.thaw();
      await redis.stop();
    }
  });
});
