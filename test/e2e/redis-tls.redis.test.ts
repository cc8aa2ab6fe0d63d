import { Redis } from "ioredis";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { startTlsRedisServer, type TlsRedisServer } from "../support/tls-redis-server.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

// Reserved characters on purpose: the password travels percent-encoded inside a rediss:// URL.
const PASSWORD = "tls-pass/with@reserved:chars";
const KEY = "redis-tls-key-0123456789";

describe("Redis over TLS (rediss:// with a password) and a private CA given by NODE_EXTRA_CA_CERTS", () => {
  let redis: TlsRedisServer;
  const prefix = testPrefix("tls");
  const services: ServiceProcess[] = [];
  const clients: TestClient[] = [];
  let gateway: ServiceProcess;
  let api: ServiceProcess;
  let untrusting: ServiceProcess;

  beforeAll(async () => {
    // No skip when TLS is missing: the issue requires rediss:// to work, so its absence must fail loudly.
    redis = await startTlsRedisServer(PASSWORD);
    const common = { REDIS_PREFIX: prefix, REDIS_URL: redis.url, PUBLISH_API_KEYS: KEY };
    const trusting = { ...common, NODE_EXTRA_CA_CERTS: redis.caFile };
    // allSettled, so that when one fails to start the others are still stopped by afterAll.
    const started = await Promise.allSettled([
      startService("socket-gateway", { ...ANONYMOUS_GATEWAY_ENV, ...trusting, REDIS_ENABLED: "true" }),
      startService("publish-api", trusting),
      startService("worker", trusting),
      // Same URL, but the test runner's NODE_EXTRA_CA_CERTS (if any) removed rather than inherited:
      // this process knows only Node's public roots, which never signed the throwaway CA.
      startService("publish-api", { ...common, NODE_EXTRA_CA_CERTS: undefined } as unknown as Record<string, string>),
    ]);
    for (const result of started) if (result.status === "fulfilled") services.push(result.value);
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    [gateway, api, , untrusting] = services as [ServiceProcess, ServiceProcess, ServiceProcess, ServiceProcess];
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    const codes = await Promise.all(services.map((service) => service.stop()));
    await redis?.stop();
    expect(codes).toEqual(services.map(() => 0));
  });

  const post = (service: ServiceProcess, path: string, body: unknown) =>
    fetch(`${service.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify(body) });

  it("makes gateway, publish-api and worker ready when they trust the CA, connected to the TLS-only server", async () => {
    for (const service of services.slice(0, 3)) {
      const ready = await waitUntil(async () => {
        const response = await fetch(`${service.url}/ready`);
        return response.ok ? ((await response.json()) as { checks: Record<string, string> }) : undefined;
      }, { what: `${service.name} /ready` });
      expect(ready.checks.redis).toBe("up");
    }
    // The server's plaintext port is closed (--port 0), so each of these connections is a TLS one.
    const admin = new Redis({ host: "127.0.0.1", port: redis.port, password: PASSWORD, tls: { ca: readFileSync(redis.caFile) } });
    try {
      const names = String(await admin.call("CLIENT", "LIST"));
      for (const role of ["socket-gateway:pub", "socket-gateway:sub", "publish-api", "worker:publish", "worker:queue"]) {
        expect(names).toContain(`name=${prefix}:${role} `);
      }
    } finally {
      admin.disconnect();
    }
  });

  it("delivers a publish and a queued notification to a socket.io client through the TLS Redis", async () => {
    const client = await connectClient(gateway.url);
    clients.push(client);
    await client.subscribe("tls:1");
    expect((await post(api, "/v1/publish", { room: "tls:1", event: "now", data: 1 })).status).toBe(202);
    const queued = await post(api, "/v1/notifications", { room: "tls:1", event: "later", data: 2 });
    expect(queued.status).toBe(202);
    await waitUntil(() => client.received.length === 2, { what: "the publish and the notification" });
    expect(client.received.map((copy) => [copy.event, copy.data]).sort()).toEqual([["later", 2], ["now", 1]]);
  });

  it("refuses the server's certificate in a service not given the CA, which then stays unready and publishes nothing", async () => {
    // The refusal is logged as a TLS verification error, not a timeout or a wrong password.
    await waitUntil(() => /certificate/i.test(untrusting.output()), { what: "a certificate error in the log" });
    expect(untrusting.output()).toMatch(/unable to (get local issuer|verify the first) certificate|self[- ]signed certificate/i);
    const ready = await fetch(`${untrusting.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { redis: "down" } });
    expect((await post(untrusting, "/v1/publish", { room: "tls:1", event: "leak", data: 0 })).status).toBe(503);
  });

  it("never writes the Redis password or the publish key to the logs", () => {
    const logs = services.map((service) => service.output()).join("\n");
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), KEY]) expect(logs).not.toContain(secret);
  });
});
