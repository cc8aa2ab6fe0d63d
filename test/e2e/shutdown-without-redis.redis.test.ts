import { describe, expect, it } from "vitest";
import { readMetric } from "../support/gateway-metrics.js";
import { startRedisServer } from "../support/redis-server.js";
import { startService } from "../support/service-process.js";
import { testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

describe("stopping while Redis is unreachable", () => {
  it("lets every service exit 0 promptly on SIGTERM after Redis went away", async () => {
    const redis = await startRedisServer();
    // A long deadline: a shutdown that waits on Redis would show up as a slow exit 1.
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: testPrefix("no-redis-stop"), PUBLISH_API_KEYS: "k", SHUTDOWN_TIMEOUT_MS: "20000" };
    const services = await Promise.all([
      startService("socket-gateway", { ...ANONYMOUS_GATEWAY_ENV, ...env, REDIS_ENABLED: "true" }),
      startService("publish-api", env),
      startService("worker", env),
    ]);
    await redis.kill();
    // Until every service's clients have noticed (so they are reconnecting when SIGTERM comes).
    for (const service of services) {
      await waitUntil(async () => (await readMetric(service.url, "socket_server_redis_up{")) === 0, {
        what: `${service.name} to see Redis down`,
      });
    }

    const started = Date.now();
    const codes = await Promise.all(services.map((service) => service.stop()));
    const tookMs = Date.now() - started;
    expect(codes).toEqual([0, 0, 0]);
    expect(tookMs).toBeLessThan(10_000);
  });

  it("lets a gateway that never reached Redis exit 0 promptly", async () => {
    const env = { REDIS_URL: "redis://127.0.0.1:1", REDIS_PREFIX: testPrefix("never-redis"), SHUTDOWN_TIMEOUT_MS: "20000" };
    const gateway = await startService("socket-gateway", { ...ANONYMOUS_GATEWAY_ENV, ...env, REDIS_ENABLED: "true" });
    const started = Date.now();
    expect(await gateway.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
