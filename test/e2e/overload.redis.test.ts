import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { testPrefix } from "../support/test-prefix.js";
import { waitForReady } from "../support/publish-api-client.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "overload-key";
const MAX_IN_FLIGHT = 4;

/**
 * A frozen Redis holds every admitted publish until the command timeout, so the process is
 * exactly at its in-flight limit: what comes next must be refused at once, not queued.
 */
describe("publish-api past PUBLISH_MAX_IN_FLIGHT", () => {
  let redis: RedisServerProcess;
  let api: ServiceProcess;
  let listener: Redis;

  beforeAll(async () => {
    redis = await startRedisServer();
    const prefix = testPrefix("overload");
    // publish-api refuses a publication nobody hears; this stands in for a gateway's subscription.
    listener = new Redis(redis.url);
    await listener.psubscribe(`${prefix}#*`);
    api = await startService("publish-api", {
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      PUBLISH_API_KEYS: KEY,
      PUBLISH_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
    });
    // Connected to Redis before it is frozen: a client still connecting refuses a publish at once.
    await waitForReady([api]);
  });

  afterAll(async () => {
    await api?.stop();
    listener?.disconnect();
    await redis?.stop();
  });

  const publish = (seq: number) =>
    fetch(`${api.url}/v1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ room: "overload", event: "tick", data: { seq } }),
    });

  it("refuses the excess with 503 while the admitted requests are still pending, keeps /health, and counts the refusals", async () => {
    redis.freeze();
    const settled = new Set<number>();
    let held: Array<Promise<Response>> = [];
    try {
      held = Array.from({ length: MAX_IN_FLIGHT }, (_, seq) => publish(seq).finally(() => settled.add(seq)));
      // Until the four are admitted (they then wait on the frozen Redis). A probe without a key is
      // answered 401 while a slot is free, within the turn that admitted it, so it never holds a
      // slot one of the four needs; once all four are in, it is refused with 503.
      const probe = async () => (await fetch(`${api.url}/v1/publish`)).status;
      await waitUntil(async () => (await probe()) === 503, { what: "the four to be admitted", intervalMs: 5 });
      const excess = await Promise.all(Array.from({ length: 6 }, (_, i) => publish(100 + i)));
      expect(excess.map((response) => response.status)).toEqual(excess.map(() => 503));
      expect(excess[0]!.headers.get("retry-after")).toBe("1");
      expect(await excess[0]!.json()).toMatchObject({ error: { code: "unavailable" } });
      expect(settled.size, "the admitted requests answered before the excess was refused").toBe(0);
      expect((await fetch(`${api.url}/health`)).status).toBe(200);
    } finally {
      redis.thaw();
    }
    // Admitted while Redis was frozen: each answers once its command times out or Redis thaws.
    const answers = await Promise.all(held);
    expect(answers.every((response) => response.status === 202 || response.status === 503)).toBe(true);

    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    // The six excess requests and the probe that found every slot taken.
    expect(metrics).toMatch(/^socket_server_http_requests_total\{route="\/v1\/\*",status="5xx",service="publish-api"\} 7$/m);
    // Admitting again once the held requests are done (the client may first need to reconnect).
        await waitUntil(async () => (await publish(1_000)).status === 202, { what: "a 202 after the thaw" });
  });
});
