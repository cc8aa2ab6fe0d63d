import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "worker-drain-key";
const NOTIFICATIONS = 600;

describe("graceful drain of a worker while notifications flow", () => {
  let redis: RedisServerProcess;
  let api: ServiceProcess;
  let gateway: ServiceProcess;
  let workers: ServiceProcess[] = [];
  let client: TestClient;

  beforeAll(async () => {
    redis = await startRedisServer();
    // The per-key rate limit is not under test: the notifications are posted as fast as possible.
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: testPrefix("worker-drain"), PUBLISH_API_KEYS: KEY, PUBLISH_RATE_LIMIT_PER_SECOND: "0" };
    const started = await Promise.all([
      startService("publish-api", env),
      startService("socket-gateway", { ...ANONYMOUS_GATEWAY_ENV, ...env, REDIS_ENABLED: "true" }),
      startService("worker", { ...env, WORKER_CONCURRENCY: "5" }),
      startService("worker", { ...env, WORKER_CONCURRENCY: "5" }),
    ]);
    [api, gateway] = started;
    workers = started.slice(2);
    await waitUntil(async () => (await fetch(`${gateway.url}/ready`)).ok, { what: "gateway ready" });
    client = await connectClient(gateway.url);
    await client.subscribe("jobs:all");
  });

  afterAll(async () => {
    client?.close();
    await Promise.all([api, gateway, ...workers].map((service) => service?.stop()));
    await redis?.stop();
  });

  it("delivers every accepted notification when one worker is stopped mid-stream, and that worker exits 0", async () => {
    const posts: Array<Promise<number>> = [];
    let stopped: Promise<number | null> | undefined;
    for (let seq = 0; seq < NOTIFICATIONS; seq++) {
      posts.push(
        fetch(`${api.url}/v1/notifications`, {
          method: "POST",
          headers: { authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ room: "jobs:all", event: "job", data: { seq } }),
        }).then((response) => response.status),
      );
      // Stop a worker once deliveries are under way, while most jobs are still queued.
      if (!stopped && client.received.length > 0) stopped = workers[0]!.stop("SIGTERM");
      if (seq % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const statuses = await Promise.all(posts);
    expect(statuses.filter((status) => status !== 202)).toEqual([]);
    expect(stopped, "no delivery happened before the last post").toBeDefined();
    expect(await stopped).toBe(0);

    await waitUntil(() => new Set(client.received.map((copy) => (copy.data as { seq: number }).seq)).size === NOTIFICATIONS, {
      what: `all ${NOTIFICATIONS} notifications`,
      timeoutMs: 20_000,
    });
    expect(workers[1]!.exited()).toBe(false);
  });
});
