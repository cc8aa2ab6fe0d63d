import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signRequest } from "@socket-server/shared/publish-http";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";
import { waitForReady } from "../support/publish-api-client.js";

const PASSWORD = "s3cret/with@reserved:chars";
const PUBLISHER_PASSWORD = "publisher-password-0123456789";
const KEY = "redis-auth-key-0123456789";
const SIGNER = { key: "redis-auth-signer-0123456789", secret: "redis-auth-signing-secret" };

/** The ACL line exactly as docs/security.md gives it, for this test's prefix and password. */
function documentedAclLine(prefix: string): string[] {
  const text = readFileSync(new URL("../../docs/security.md", import.meta.url), "utf8");
  const line = text.split("\n").find((candidate) => candidate.startsWith("ACL SETUSER "));
  if (!line) throw new Error("docs/security.md has no ACL SETUSER line");
  return line
    .replaceAll("socket-server", prefix)
    .replace(">CHANGE-ME", `>${PUBLISHER_PASSWORD}`)
    .split(" ")
    .slice(1);
}

describe("Redis with a password, and publish-api as the least-privilege user of docs/security.md", () => {
  let redis: RedisServerProcess;
  const prefix = testPrefix("auth");
  const services: ServiceProcess[] = [];
  const clients: TestClient[] = [];
  let gateway: ServiceProcess;
  let api: ServiceProcess;

  beforeAll(async () => {
    redis = await startRedisServer();
    // Set once the server answers (the helper's readiness probe knows no password); the same as --requirepass.
    const admin = new Redis(redis.url);
    try {
      await admin.config("SET", "requirepass", PASSWORD);
      await admin.call("ACL", ...documentedAclLine(prefix));
    } finally {
      admin.disconnect();
    }
    const authenticated = `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${redis.port}`;
    const asPublisher = `redis://socket-publisher:${PUBLISHER_PASSWORD}@127.0.0.1:${redis.port}`;
    const common = { REDIS_PREFIX: prefix, PUBLISH_API_KEYS: `${KEY}, ${SIGNER.key} signing-secret=${SIGNER.secret}`, PUBLISH_RATE_LIMIT_PER_SECOND: "5", PUBLISH_RATE_LIMIT_BURST: "0" };
    services.push(
      ...(await Promise.all([
        startService("socket-gateway", { ...ANONYMOUS_GATEWAY_ENV, ...common, REDIS_URL: authenticated, REDIS_ENABLED: "true" }),
        startService("publish-api", { ...common, REDIS_URL: asPublisher }),
        startService("worker", { ...common, REDIS_URL: authenticated }),
      ])),
    );
    [gateway, api] = services as [ServiceProcess, ServiceProcess];
    await waitForReady(services);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    const codes = await Promise.all(services.map((service) => service.stop()));
    await redis?.stop();
    expect(codes).toEqual(services.map(() => 0));
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, ...headers }, body });

  it("delivers a publish and a queued notification through a password-protected Redis", async () => {
    const client = await connectClient(gateway.url);
    clients.push(client);
    await client.subscribe("secure:1");
    expect((await post("/v1/publish", JSON.stringify({ room: "secure:1", event: "now", data: 1 }))).status).toBe(202);
    const queued = await post("/v1/notifications", JSON.stringify({ room: "secure:1", event: "later", data: 2 }));
    expect(queued.status).toBe(202);
    await waitUntil(() => client.received.length === 2, { what: "the publish and the notification" });
    expect(client.received.map((copy) => copy.event).sort()).toEqual(["later", "now"]);
    const { jobId } = (await queued.json()) as { jobId: string };
    const status = await fetch(`${api.url}/v1/notifications/${jobId}`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(await status.json()).toMatchObject({ state: "completed" });
    // GET /v1/rooms/:room as the restricted user: it asks the gateway over Redis and reads the history.
    const room = await fetch(`${api.url}/v1/rooms/secure:1`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(await room.json()).toMatchObject({ subscribers: 1, gateways: 1, complete: true, history: { offset: 2, size: 2 } });
  });

  it("keeps the rate limit and used signatures in Redis as the restricted user", async () => {
    const body = JSON.stringify({ room: "secure:2", event: "signed", data: 3 });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signed = { authorization: `Bearer ${SIGNER.key}`, "x-signature-timestamp": timestamp, "x-signature": signRequest(SIGNER.secret, timestamp, body) };
    expect((await post("/v1/publish", body, signed)).status).toBe(202);
    expect((await post("/v1/publish", body, signed)).status).toBe(401);

    const statuses: number[] = [];
    // 12 at 5 a second: however the windows fall, one of them gets 6.
    for (let i = 0; i < 12; i++) statuses.push((await post("/v1/publish", JSON.stringify({ room: "secure:3", event: "e", data: i }))).status);
    expect(statuses).toContain(429);
    // The limiter's counts reach Redis within its report interval: written as the restricted user.
    const inspect = new Redis(redis.url, { password: PASSWORD });
    try {
      await waitUntil(async () => (await inspect.keys(`${prefix}:rate:s:*`)).length > 0, { what: "the rate counts in Redis" });
      expect((await inspect.keys(`${prefix}:sig:*`)).length).toBe(1);
    } finally {
      inspect.disconnect();
    }
    expect(api.output()).not.toMatch(/NOPERM|no permissions/i);
  });

  it("denies the restricted user everything outside its namespaces", async () => {
    const publisher = new Redis(redis.url, { username: "socket-publisher", password: PUBLISHER_PASSWORD, maxRetriesPerRequest: 0 });
    try {
      await expect(publisher.set("other-app:key", "1")).rejects.toThrow(/NOPERM/);
      await expect(publisher.publish("other-app#/#room#", "x")).rejects.toThrow(/NOPERM/);
      await expect(publisher.call("KEYS", "*")).rejects.toThrow(/NOPERM/);
      await expect(publisher.call("FLUSHALL")).rejects.toThrow(/NOPERM/);
      await expect(publisher.psubscribe(`${prefix}#*`)).rejects.toThrow(/NOPERM/);
    } finally {
      publisher.disconnect();
    }
  });

  it("never writes a key or a password to the logs", () => {
    const logs = services.map((service) => service.output()).join("\n");
    for (const secret of [KEY, SIGNER.key, SIGNER.secret, PASSWORD, encodeURIComponent(PASSWORD), PUBLISHER_PASSWORD]) {
      expect(logs).not.toContain(secret);
    }
  });
});
