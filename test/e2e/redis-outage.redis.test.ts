import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { mintToken, TEST_JWT_SECRET } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

// Every room granted: these tests are about delivery; access rules have their own tests.
const clientToken = () => mintToken({ sub: "fleet-tester", rooms: ["*"] });
const KEY = "outage-key";
const RATE_PER_SECOND = 100;
const PUBLISH_FOR_MS = 3000;
const KILL_AFTER_MS = 1000;

interface Attempt {
  seq: number;
  status: number;
  tookMs: number;
}

describe("a Redis outage while publishing", () => {
  let redis: RedisServerProcess;
  let gateway: ServiceProcess;
  let api: ServiceProcess;
  let client: TestClient;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: testPrefix("outage"), PUBLISH_API_KEYS: KEY };
    const gatewayEnv = { ...env, REDIS_ENABLED: "true", JWT_SECRET: TEST_JWT_SECRET };
    [gateway, api] = await Promise.all([
      startService("socket-gateway", gatewayEnv),
      startService("publish-api", env),
    ]);
    await waitUntil(async () => (await fetch(`${gateway.url}/ready`)).ok, { what: "gateway ready" });
    client = await connectClient(gateway.url, { token: await clientToken() });
    await client.subscribe("outage");
  });

  afterAll(async () => {
    client?.close();
    await Promise.all([gateway?.stop(), api?.stop()]);
    await redis?.stop();
  });

  async function publish(seq: number): Promise<Attempt> {
    const started = performance.now();
    const response = await fetch(`${api.url}/v1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ room: "outage", event: "tick", data: { seq } }),
    });
    const body = (await response.json()) as { error?: { code: string } };
    if (response.status === 503) {
      expect(response.headers.get("retry-after")).not.toBeNull();
      expect(body.error?.code).toBe("unavailable");
    }
    return { seq, status: response.status, tookMs: performance.now() - started };
  }

  it("answers every POST with 202 or 503 within a second, loses no 202'd message and recovers", async () => {
    // Open loop: one POST every 10 ms whatever the previous answers were.
    const attempts: Array<Promise<Attempt>> = [];
    const start = performance.now();
    let killed: Promise<void> | undefined;
    for (let seq = 0; performance.now() - start < PUBLISH_FOR_MS; seq++) {
      const due = start + (seq * 1000) / RATE_PER_SECOND;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      if (!killed && performance.now() - start >= KILL_AFTER_MS) killed = redis.kill();
      attempts.push(publish(seq));
    }
    await killed;
    const during = await Promise.all(attempts);

    await redis.restart();
    const restartedAt = performance.now();
    let recovered: Attempt | undefined;
    for (let seq = 100_000; !recovered && performance.now() - restartedAt < 10_000; seq++) {
      const attempt = await publish(seq);
      during.push(attempt);
      if (attempt.status === 202) recovered = attempt;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const recoveryMs = performance.now() - restartedAt;

    const statuses = new Set(during.map((attempt) => attempt.status));
    expect([...statuses].sort()).toEqual([202, 503]);
    expect(Math.max(...during.map((attempt) => attempt.tookMs))).toBeLessThan(1000);
    expect(recovered, "publishing never recovered").toBeDefined();
    expect(recoveryMs).toBeLessThan(2000);

    const accepted = during.filter((attempt) => attempt.status === 202).map((attempt) => attempt.seq);
    await waitUntil(() => {
      const seen = new Set(client.received.map((copy) => (copy.data as { seq: number }).seq));
      return accepted.every((seq) => seen.has(seq));
    }, { what: "every accepted message at the client", timeoutMs: 5000 }).catch(() => {});
    const seen = new Set(client.received.map((copy) => (copy.data as { seq: number }).seq));
    expect(accepted.filter((seq) => !seen.has(seq))).toEqual([]);

    expect(gateway.exited()).toBe(false);
    expect(api.exited()).toBe(false);
    expect(client.socket.connected).toBe(true);
    console.info(
      `outage: ${during.length} POSTs, ${accepted.length} accepted, slowest answer ${Math.round(
        Math.max(...during.map((attempt) => attempt.tookMs)),
      )} ms, recovered ${Math.round(recoveryMs)} ms after Redis returned`,
    );
  });

  it("answers 503 within about a second while Redis is frozen, stays live, and recovers when it thaws", async () => {
    redis.freeze();
    try {
      const attempts = await Promise.all(Array.from({ length: 20 }, (_, i) => publish(200_000 + i)));
      expect(attempts.map((attempt) => attempt.status)).toEqual(attempts.map(() => 503));
      expect(Math.max(...attempts.map((attempt) => attempt.tookMs))).toBeLessThan(1500);
      expect((await fetch(`${api.url}/health`)).status).toBe(200);
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
      expect((await fetch(`${api.url}/ready`)).status).toBe(503);
    } finally {
      redis.thaw();
    }
    await waitUntil(async () => (await publish(300_000)).status === 202, { what: "a 202 after the thaw" });
    await waitUntil(() => client.received.some((copy) => (copy.data as { seq: number }).seq === 300_000), {
      what: "the first message after the thaw",
    });
  });
});
