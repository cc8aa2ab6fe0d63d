import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRedisClient } from "../redis/index.js";
import { KEY, OTHER_KEY, publishAppFixture } from "./publish-app.fixture.js";
import { startRedisServer } from "../../../test/support/redis-server.js";
import { deleteKeys, testPrefix } from "../../../test/support/test-prefix.js";
import { waitUntil } from "../../../test/support/wait-until.js";
import { createKeyRateLimiter } from "./create-key-rate-limiter.js";
import { createRedisReplayStore } from "./create-redis-replay-store.js";
import { keyId } from "./key-id.js";
import { signRequest } from "./sign-request.js";

const logger = pino({ level: "silent" });
const valid = { room: "orders:42", event: "e", data: 1 };
const as = (key: string) => ({ authorization: `Bearer ${key}` });

describe("rate limits and used signatures shared through Redis", () => {
  const url = inject("redisUrl");
  const prefix = testPrefix("limits");
  const clients: Redis[] = [];
  let inspect: Redis;

  /** A command client (no offline queue), once connected. */
  async function connect(redisUrl: string, name: string) {
    const client = createRedisClient({ url: redisUrl, name, role: "command", logger });
    clients.push(client);
    await waitUntil(() => client.status === "ready", { what: "redis ready" });
    return client;
  }

  /** One publish-api instance: its own Redis connection, the shared prefix. */
  async function instance(options: { perSecond?: number; burst?: number; signer?: { key: string; secret: string } } = {}) {
    const client = await connect(url, `${prefix}:test`);
    return publishAppFixture({
      keys: [KEY, OTHER_KEY, ...(options.signer ? [{ key: options.signer.key, rooms: undefined, signingSecret: options.signer.secret }] : [])],
      rateLimiter: createKeyRateLimiter({ perSecond: options.perSecond ?? 0, burst: options.burst ?? 0, redis: { client, prefix } }),
      replayStore: createRedisReplayStore({ client, prefix }),
    });
  }

  beforeAll(() => {
    inspect = new Redis(url);
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await deleteKeys(url, prefix);
    inspect.disconnect();
  });

  it("counts a key's requests across two instances, and leaves other keys unaffected", async () => {
    const [a, b] = [await instance({ perSecond: 4, burst: 2 }), await instance({ perSecond: 4, burst: 2 })];
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await (i % 2 === 0 ? a : b).post("/v1/publish", valid)).status);
    // 4 per second plus 2 of burst, whichever instance answers.
    expect(statuses.filter((status) => status === 202)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429]);
    const refused = await b.post("/v1/publish", valid);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await a.post("/v1/publish", valid, as(OTHER_KEY))).status).toBe(202);
    expect((await b.post("/v1/publish", valid, as(OTHER_KEY))).status).toBe(202);
    expect(a.emitted.length + b.emitted.length).toBe(8);
  });

  it("stores counts under <prefix>:rate: by the key's hash, never the key itself", async () => {
    const keys = await inspect.keys(`${prefix}:*`);
    expect(keys).toContain(`${prefix}:rate:s:${keyId(KEY)}`);
    expect(keys.filter((name) => name.includes(KEY) || name.includes(OTHER_KEY))).toEqual([]);
    for (const name of keys) expect(await inspect.pttl(name)).toBeGreaterThan(0);
  });

  it("refuses on one instance a signed request already accepted by another, and lets its mark expire", async () => {
    const signer = { key: "signer-key", secret: "signing-secret-for-redis-test" };
    const [a, b] = [await instance({ signer }), await instance({ signer })];
    const body = JSON.stringify(valid);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = { ...as(signer.key), "x-signature-timestamp": timestamp, "x-signature": signRequest(signer.secret, timestamp, body) };
    expect((await a.post("/v1/publish", body, headers)).status).toBe(202);
    const replay = await b.post("/v1/publish", body, headers);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect(b.emitted).toEqual([]);
    const [mark] = await inspect.keys(`${prefix}:sig:*`);
    expect(mark).toMatch(new RegExp(`^${prefix}:sig:${keyId(signer.key)}:[0-9a-f]{64}$`));
    // Kept for the rest of the five-minute window (plus a second), no longer.
    expect(await inspect.pttl(mark!)).toBeGreaterThan(295_000);
    expect(await inspect.pttl(mark!)).toBeLessThanOrEqual(302_000);
  });

  it("lets publishes through to the emitter when Redis is gone instead of failing them in the limiter", async () => {
    const redis = await startRedisServer();
    const client = await connect(redis.url, "limits-outage");
    const storeErrors: unknown[] = [];
    const { post, emitted } = publishAppFixture({
      rateLimiter: createKeyRateLimiter({ perSecond: 1, burst: 0, redis: { client, prefix }, onStoreError: (error) => storeErrors.push(error) }),
    });
    await redis.kill();
    const started = performance.now();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post("/v1/publish", valid)).status);
    expect(statuses).toEqual([202, 202, 202]);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(storeErrors).toHaveLength(3);
    expect(emitted).toHaveLength(3);
  });

  it("gives up on a frozen Redis within the limiter's timeout", async () => {
    const redis = await startRedisServer();
    const client = await connect(redis.url, "limits-frozen");
    const limiter = createKeyRateLimiter({ perSecond: 1, burst: 0, redis: { client, prefix }, timeoutMs: 200 });
    redis.freeze();
    try {
      const started = performance.now();
      expect(await limiter.check("k")).toEqual({ allowed: true });
      expect(performance.now() - started).toBeLessThan(600);
    } finally {
      redis.thaw();
      await redis.stop();
    }
  });
});
