import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRedisClient } from "../redis/index.js";
import { KEY, OTHER_KEY, publishAppFixture } from "./publish-app.fixture.js";
import { startRedisServer } from "../../../test/support/redis-server.js";
import { deleteKeys, testPrefix } from "../../../test/support/test-prefix.js";
import { waitUntil } from "../../../test/support/wait-until.js";
import { createKeyRateLimiter, RATE_SYNC_INTERVAL_MS } from "./create-key-rate-limiter.js";
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

  /** Past the start of a second, so that a few requests and a report fall in one window. */
  async function startOfASecond() {
    await waitUntil(() => Date.now() % 1000 < 100, { what: "the start of a second", intervalMs: 5 });
  }

  it("shares a key's allowance across two instances: what one spent, the other refuses once reported", async () => {
    const [a, b] = [await instance({ perSecond: 4, burst: 2 }), await instance({ perSecond: 4, burst: 2 })];
    await startOfASecond();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await a.post("/v1/publish", valid)).status);
    // 4 per second plus 2 of burst.
    expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 429]);
    // A's counts reach Redis within its report interval; B decides from them from its next report.
    await waitUntil(async () => Number(await inspect.get(`${prefix}:rate:s:${keyId(KEY)}:${Math.floor(Date.now() / 1000)}`)) === 4, { what: "A's report", intervalMs: 5 });
    expect((await b.post("/v1/publish", valid)).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, RATE_SYNC_INTERVAL_MS * 3));
    const refused = await b.post("/v1/publish", valid);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await a.post("/v1/publish", valid, as(OTHER_KEY))).status).toBe(202);
    expect((await b.post("/v1/publish", valid, as(OTHER_KEY))).status).toBe(202);
    expect(a.emitted.length + b.emitted.length).toBe(9);
  });

  it("admits, across instances publishing at once, at most the allowance plus what the others took in one report interval", async () => {
    const perSecond = 200;
    const instances = [await instance({ perSecond, burst: 0 }), await instance({ perSecond, burst: 0 }), await instance({ perSecond, burst: 0 })];
    await startOfASecond();
    // Each instance offers 100 in about 500 ms, together 300 against an allowance of 200.
    const accepted = await Promise.all(
      instances.map(async ({ post }) => {
        let count = 0;
        for (let i = 0; i < 20; i++) {
          const statuses = await Promise.all(Array.from({ length: 5 }, async () => (await post("/v1/publish", valid, as(OTHER_KEY))).status));
          count += statuses.filter((status) => status === 202).length;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return count;
      }),
    );
    const total = accepted.reduce((sum, count) => sum + count, 0);
    expect(total).toBeGreaterThanOrEqual(perSecond);
    // Each of the two others may have admitted about two report intervals' offer (5 per 20 ms,
    // so some 15 per interval) unknown to the one deciding: 230 was seen. Unshared, all 300 pass.
    expect(total).toBeLessThanOrEqual(perSecond + 2 * 2 * 15);
  });

  it("stores counts under <prefix>:rate: by the key's hash and the window, never the key itself, and lets them expire", async () => {
    const keys = await inspect.keys(`${prefix}:*`);
    expect(keys.some((name) => name.startsWith(`${prefix}:rate:s:${keyId(KEY)}:`))).toBe(true);
    expect(keys.some((name) => name.startsWith(`${prefix}:rate:b:${keyId(KEY)}:`))).toBe(true);
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

  it("goes on deciding alone when Redis is gone: its own count against the whole allowance, no request delayed", async () => {
    const redis = await startRedisServer();
    const client = await connect(redis.url, "limits-outage");
    const storeErrors: unknown[] = [];
    const { post, emitted } = publishAppFixture({
      rateLimiter: createKeyRateLimiter({ perSecond: 2, burst: 0, redis: { client, prefix }, onStoreError: (error) => storeErrors.push(error) }),
    });
    await redis.kill();
    await startOfASecond();
    const started = performance.now();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post("/v1/publish", valid)).status);
    expect(statuses).toEqual([202, 202, 429]);
    expect(performance.now() - started).toBeLessThan(200);
    await waitUntil(() => storeErrors.length > 0, { what: "the failed report counted" });
    expect(emitted).toHaveLength(2);
  });

  it("answers at once with Redis frozen: no decision waits for Redis", async () => {
    const redis = await startRedisServer();
    const client = await connect(redis.url, "limits-frozen");
    const limiter = createKeyRateLimiter({ perSecond: 1, burst: 0, redis: { client, prefix } });
    redis.freeze();
    try {
      const started = performance.now();
      expect(await limiter.check("k")).toEqual({ allowed: true });
      expect(await limiter.check("k")).toMatchObject({ allowed: false });
      expect(performance.now() - started).toBeLessThan(50);
    } finally {
      redis.thaw();
      await redis.stop();
    }
  });
});
