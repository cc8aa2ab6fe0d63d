import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { countRedisCalls } from "../../../test/support/count-redis-calls.js";
import { startRedisServer, type RedisServerProcess } from "../../../test/support/redis-server.js";
import { deleteKeys, testPrefix } from "../../../test/support/test-prefix.js";
import { waitUntil } from "../../../test/support/wait-until.js";
import { createRedisHistory, historyFeedChannel, historyKeys, parseFeedMessage, type FeedMessage, type HistorySettings } from "../history/index.js";
import { createFleetRoomEmitter, createPublisher } from "../publishing/index.js";
import { createRedisClient } from "../redis/index.js";
import { KEY, publishAppFixture } from "./publish-app.fixture.js";

const SETTINGS: HistorySettings = { size: 100, ttlSeconds: 300, idempotencyTtlSeconds: 300 };
const logger = pino({ level: "silent" });
const SCOPED = { key: "orders-key", rooms: ["orders:*"], signingSecret: undefined };

interface Result {
  status: number;
  id?: string;
  rooms?: string[];
  offsets?: Record<string, number>;
  error?: { code: string; message: string };
}

const opened: Redis[] = [];
afterAll(() => {
  for (const client of opened) client.disconnect();
});

/** The publish app as publish-api composes it (history in Redis unless `history: null`), in process, over `url` under `prefix`. */
async function start(url: string, prefix: string, { maxPayloadBytes = 1000, history = SETTINGS }: { maxPayloadBytes?: number; history?: HistorySettings | null } = {}) {
  const client = createRedisClient({ url, name: `${prefix}:api`, role: "command", logger });
  const raw = new Redis(url);
  raw.on("error", () => {});
  opened.push(client, raw);
  await waitUntil(() => client.status === "ready", { what: "redis ready" });
  const publisher = createPublisher({ emitter: createFleetRoomEmitter({ client, prefix, history: history ?? undefined }) });
  const { post } = publishAppFixture({ keys: [KEY, SCOPED], publisher, maxPayloadBytes });
  const publish = async (body: unknown, key = KEY) => {
    const response = await post("/v1/publish", body, { authorization: `Bearer ${key}` });
    return { status: response.status, headers: response.headers, body: (await response.json()) as { results: Result[]; error?: { code: string; message: string } } };
  };
  /** What the room's history holds, oldest first: each entry's offset and the message number in its data. */
  const stored = async (room: string) =>
    (await raw.xrange(historyKeys(prefix, room).log, "-", "+")).map(([id, fields]) => [Number(id.split("-")[0]), (JSON.parse(fields[1]!) as { data: { n: number } }).data.n]);
  return { client, raw, publish, stored, history: createRedisHistory({ client, prefix, settings: SETTINGS }) };
}

const message = (n: number, room = "orders:1", extra: Record<string, unknown> = {}) => ({ room, event: "e", data: { n }, ...extra });

describe("POST /v1/publish with a batch, history in Redis", () => {
  const url = inject("redisUrl");
  const prefix = testPrefix("publish-batch");
  let app: Awaited<ReturnType<typeof start>>;
  const heard: FeedMessage[] = [];

  beforeAll(async () => {
    app = await start(url, prefix);
    const listener = new Redis(url);
    opened.push(listener);
    listener.on("message", (_channel, text: string) => heard.push(parseFeedMessage(text)!));
    await listener.subscribe(historyFeedChannel(prefix));
  });
  afterAll(() => deleteKeys(url, prefix));

  it("stores 100 messages to one room in one Redis write, offsets ascending in message order, announced in that order", async () => {
    expect((await app.publish(message(-1, "orders:order"))).status).toBe(202); // loads the append script
    const calls = countRedisCalls(app.client);
    const { status, body } = await app.publish({ messages: Array.from({ length: 100 }, (_, n) => message(n, "orders:order")) });
    expect(status).toBe(202);
    expect(calls.writes).toBe(1);
    expect(body.results.map(({ status: each, offsets }) => [each, offsets])).toEqual(Array.from({ length: 100 }, (_, n) => [202, { "orders:order": n + 2 }]));
    // HISTORY_SIZE is 100 here: the warm-up's message made room for the batch's.
    expect(await app.stored("orders:order")).toEqual(Array.from({ length: 100 }, (_, n) => [n + 2, n]));
    await waitUntil(() => heard.filter(({ room }) => room === "orders:order").length === 101, { what: "every announcement" });
    const announced = heard.filter(({ room }) => room === "orders:order").slice(1);
    expect(announced.map(({ entry }) => [entry.offset, (entry.data as { n: number }).n, entry.id])).toEqual(body.results.map(({ id }, n) => [n + 2, n, id]));
  });

  it("keeps each room's order when a batch's messages go to several rooms each", async () => {
    const { body } = await app.publish({
      messages: [message(0, "orders:x"), { rooms: ["orders:x", "orders:y"], event: "e", data: { n: 1 } }, message(2, "orders:y"), message(3, "orders:x")],
    });
    expect(body.results.map(({ offsets }) => offsets)).toEqual([{ "orders:x": 1 }, { "orders:x": 2, "orders:y": 1 }, { "orders:y": 2 }, { "orders:x": 3 }]);
    expect(await app.stored("orders:x")).toEqual([[1, 0], [2, 1], [3, 3]]);
    expect(await app.stored("orders:y")).toEqual([[1, 1], [2, 2]]);
  });

  it("stores each message of a batch retried with the same idempotencyKeys once, answering as the first time", async () => {
    const batch = { messages: Array.from({ length: 10 }, (_, n) => message(n, `orders:retry-${n % 2}`, { idempotencyKey: `retry-${n}` })) };
    const first = await app.publish(batch);
    const again = await app.publish(batch);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body).toEqual(first.body);
    expect(await app.stored("orders:retry-0")).toEqual([[1, 0], [2, 2], [3, 4], [4, 6], [5, 8]]);
    expect(await app.stored("orders:retry-1")).toEqual([[1, 1], [2, 3], [3, 5], [4, 7], [5, 9]]);
  });

  it.each([
    ["an invalid message", { messages: [message(0, "orders:refused"), message(1, "not ok")] }, KEY, 400],
    ["a room outside the key's scope", { messages: [message(0, "orders:refused"), message(1, "invoices:1")] }, SCOPED.key, 403],
    ["data over MAX_PAYLOAD_BYTES", { messages: [message(0, "orders:refused"), { ...message(1, "orders:refused"), data: "x".repeat(1000) }] }, KEY, 413],
    ["101 messages", { messages: Array.from({ length: 101 }, (_, n) => message(n, "orders:refused")) }, KEY, 400],
  ])("refuses a batch with %s whole, storing nothing", async (_, body, key, status) => {
    expect((await app.publish(body, key)).status).toBe(status);
    expect(await app.history.position("orders:refused")).toEqual({ offset: 0, epoch: "" });
  });

  it("answers 207 when Redis refuses one message's write (its room's history key overwritten with a string): the others are stored", async () => {
    await app.raw.set(historyKeys(prefix, "orders:broken").position, "not a hash");
    const { status, body } = await app.publish({ messages: [message(0, "orders:fine"), message(1, "orders:broken"), message(2, "orders:fine")] });
    expect(status).toBe(207);
    expect(body.results).toEqual([
      { status: 202, id: expect.any(String), rooms: ["orders:fine"], offsets: { "orders:fine": 1 } },
      { status: 503, error: { code: "unavailable", message: "not accepted, retry later: Redis did not store the message" } },
      { status: 202, id: expect.any(String), rooms: ["orders:fine"], offsets: { "orders:fine": 2 } },
    ]);
    expect(await app.stored("orders:fine")).toEqual([[1, 0], [2, 2]]);
  });
});

describe("POST /v1/publish with a batch, on a Redis of its own", () => {
  let redis: RedisServerProcess;
  const prefix = testPrefix("publish-batch-own");

  beforeAll(async () => {
    // BullMQ's required policy: at its memory limit Redis refuses writes rather than evicting.
    redis = await startRedisServer(["--maxmemory-policy", "noeviction"]);
  });
  afterAll(async () => {
    redis?.thaw();
    await redis?.stop();
  });

  it("answers 207 when Redis reaches its memory limit part-way through a batch, and a retry stores the rest, each message once", async () => {
    const app = await start(redis.url, prefix, { maxPayloadBytes: 10_000 });
    const data = "x".repeat(9000);
    // Ten rooms: a room's appends of one turn are one script call, whose arguments Redis holds in memory before it runs.
    const rooms = Array.from({ length: 10 }, (_, n) => `orders:${n}`);
    const batch = { messages: Array.from({ length: 100 }, (_, n) => ({ room: rooms[n % 10]!, event: "e", data: { n, data }, idempotencyKey: `oom-${n}` })) };
    const used = Number(/used_memory:(\d+)/.exec(await app.raw.info("memory"))![1]);
    // Room for about half of the batch's 900 KB.
    await app.raw.config("SET", "maxmemory", String(used + 450_000));

    const partial = await app.publish(batch);
    expect(partial.status).toBe(207);
    const taken = partial.body.results.flatMap((result, n) => (result.status === 202 ? [n] : []));
    expect(taken.length).toBeGreaterThan(0);
    expect(taken.length).toBeLessThan(100);
    for (const result of partial.body.results.filter(({ status }) => status !== 202)) {
      expect(result).toEqual({ status: 503, error: { code: "unavailable", message: expect.stringMatching(/^not accepted, retry later: /) } });
    }
    // What a 202 says is stored is, and nothing else: an OOM refusal comes before the script's first write.
    const storedNumbers = async () => (await Promise.all(rooms.map((room) => app.stored(room)))).flat().map(([, n]) => n).sort((a, b) => a! - b!);
    expect(await storedNumbers()).toEqual(taken);

    await app.raw.config("SET", "maxmemory", "0");
    const retried = await app.publish(batch);
    expect(retried.status).toBe(202);
    for (const n of taken) expect(retried.body.results[n]).toEqual(partial.body.results[n]);
    expect(await storedNumbers()).toEqual(Array.from({ length: 100 }, (_, n) => n));
    for (const room of rooms) {
      const offsets = (await app.stored(room)).map(([offset]) => offset);
      expect(offsets).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    }
  });

  it("answers 503 with Retry-After when Redis is frozen, within the command timeout", async () => {
    const app = await start(redis.url, `${prefix}-frozen`);
    redis.freeze();
    try {
      const started = performance.now();
      const { status, headers, body } = await app.publish({ messages: [message(0), message(1, "orders:2")] });
      expect(status).toBe(503);
      expect(headers.get("retry-after")).toBe("1");
      expect(body.error).toEqual({ code: "unavailable", message: expect.stringMatching(/^not accepted, retry later: Redis did not store the message/) });
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      redis.thaw();
    }
  });

  it("answers 503 when Redis is down", async () => {
    const app = await start(redis.url, `${prefix}-down`);
    await redis.kill();
    try {
      const { status, body } = await app.publish({ messages: [message(0), message(1)] });
      expect(status).toBe(503);
      expect(body.error?.code).toBe("unavailable");
    } finally {
      await redis.restart();
    }
  });

  it("with HISTORY_SIZE=0, sends a batch's messages to the Socket.IO adapter's channels in message order, several rooms each included", async () => {
    const off = `${prefix}-off`;
    const app = await start(redis.url, off, { history: null });
    const listener = new Redis(redis.url);
    opened.push(listener);
    const heard: string[] = [];
    // The adapter's format is msgpack: the data, a string, shows in it as its bytes.
    listener.on("pmessageBuffer", (_pattern, channel: Buffer, body: Buffer) => {
      heard.push(`${channel.toString().slice(`${off}#/#`.length, -1)} ${/<(\d+)>/.exec(body.toString("latin1"))?.[1]}`);
    });
    await listener.psubscribe(`${off}#*`);
    const { status } = await app.publish({
      messages: [["a"], ["a", "b"], ["a"], ["b", "a"], ["b"]].map((rooms, n) => ({ rooms, event: "e", data: `<${n}>` })),
    });
    expect(status).toBe(202);
    await waitUntil(() => heard.length === 7, { what: "every message on the adapter's channels" });
    expect(heard).toEqual(["a 0", "a 1", "b 1", "a 2", "b 3", "a 3", "b 4"]);
  });
});
