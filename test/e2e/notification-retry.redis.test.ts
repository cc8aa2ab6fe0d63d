import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "retry-key";

describe("a queued notification while no gateway listens", () => {
  let redis: RedisServerProcess;
  let env: Record<string, string>;
  const services: ServiceProcess[] = [];
  let client: TestClient | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    // Without history a job completes only once a gateway heard it; with history, once stored.
    env = { REDIS_URL: redis.url, REDIS_PREFIX: testPrefix("retry"), PUBLISH_API_KEYS: KEY, HISTORY_SIZE: "0" };
    services.push(...(await Promise.all([startService("publish-api", env), startService("worker", env)])));
  });

  afterAll(async () => {
    client?.close();
    await Promise.all(services.map((service) => service.stop()));
    await redis?.stop();
  });

  const status = async (jobId: string) => {
    const response = await fetch(`${services[0]!.url}/v1/notifications/${jobId}`, { headers: { authorization: `Bearer ${KEY}` } });
    return (await response.json()) as { state: string; attemptsMade: number; failedReason?: string };
  };

  it("fails for good after its last attempt, with the reason", async () => {
    const response = await fetch(`${services[0]!.url}/v1/notifications`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ room: "nobody:1", event: "hello", data: 1, attempts: 1, jobId: "lonely-1" }),
    });
    expect(response.status).toBe(202);
    const done = await waitUntil(async () => {
      const current = await status("lonely-1");
      return ["completed", "failed"].includes(current.state) ? current : undefined;
    }, { what: "a final state" });
    expect(done).toMatchObject({ state: "failed", attemptsMade: 1, failedReason: expect.stringMatching(/no gateway/) });
  });

  it("is retried with backoff and completes only once a gateway has received it", async () => {
    const response = await fetch(`${services[0]!.url}/v1/notifications`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ room: "late:1", event: "hello", data: { n: 1 }, attempts: 6, jobId: "late-1" }),
    });
    expect(response.status).toBe(202);

    // No gateway subscribed to Redis: the publish reaches nobody, so each attempt fails and waits
    // to retry (1 s, 2 s, then 4 s). The gateway starts once three have failed: an attempt that
    // landed after its Redis subscription but before the client joined the room would count as
    // delivered (a gateway received it) with nobody in the room to see it, and the next retry,
    // 4 s away, leaves the gateway ample time to start and the client to subscribe.
    const retrying = await waitUntil(async () => {
      const current = await status("late-1");
      return current.attemptsMade >= 3 && current.state === "delayed" ? current : undefined;
    }, { what: "three failed attempts" });
    expect(retrying.state).not.toBe("completed");

    const gateway = await startService("socket-gateway", { ...ANONYMOUS_GATEWAY_ENV, ...env, REDIS_ENABLED: "true" });
    services.push(gateway);
    client = await connectClient(gateway.url);
    await client.subscribe("late:1");

    await waitUntil(() => client!.received.length > 0, { what: "the retried notification", timeoutMs: 20_000 });
    expect(client.received[0]).toMatchObject({ event: "hello", data: { n: 1 }, meta: { room: "late:1" } });
    const done = await waitUntil(async () => {
      const current = await status("late-1");
      return current.state === "completed" ? current : undefined;
    }, { what: "state completed" });
    expect(done.attemptsMade).toBeGreaterThanOrEqual(4);
  });
});
