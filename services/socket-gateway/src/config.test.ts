import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, pubSubMode } from "@socket-server/shared/config";
import { queuePrefix, redisTarget } from "@socket-server/shared/redis";
import { rsaKeyPair } from "../../../test/support/tokens.js";
import { GatewayConfigSchema } from "./config.js";

const SECRET = "s".repeat(32);

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(GatewayConfigSchema, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("GatewayConfigSchema, client access", () => {
  it("refuses to boot with no way for clients to connect, saying what to set", () => {
    expect(problems({})).toEqual([expect.stringMatching(/no way for clients to connect: set JWT_SECRET, JWT_PUBLIC_KEY or JWKS_URL.*ALLOW_ANONYMOUS=true/)]);
  });

  it("boots with a secret, with anonymous clients allowed, or in DEV_MODE", () => {
    expect(problems({ JWT_SECRET: SECRET })).toEqual([]);
    expect(problems({ ALLOW_ANONYMOUS: "true" })).toEqual([]);
    expect(problems({ DEV_MODE: "true" })).toEqual([]);
  });

  it("applies closed defaults", () => {
    const config = loadConfig(GatewayConfigSchema, { JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      ALLOW_ANONYMOUS: false,
      ANONYMOUS_ROOMS: ["public:*"],
      CORS_ORIGINS: [],
      MAX_ROOMS_PER_CONNECTION: 100,
      JWT_EXPIRY_GRACE_MS: 30_000,
      CLIENT_EVENTS_PER_SECOND: 20,
      CONNECTIONS_PER_SECOND_PER_IP: 20,
      SLOW_CONSUMER_MAX_BYTES: 1_048_576,
    });
  });

  it("refuses two verification methods at once", () => {
    const { publicPem } = rsaKeyPair();
    expect(problems({ JWT_SECRET: SECRET, JWT_PUBLIC_KEY: publicPem })).toEqual([
      expect.stringContaining("set only one of JWT_SECRET, JWT_PUBLIC_KEY"),
    ]);
  });

  it("refuses a short secret, a non-key PEM, a bad grant, a bad origin and a bad header name, naming each", () => {
    const found = problems({
      JWT_SECRET: "short",
      JWT_PUBLIC_KEY: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----",
      ANONYMOUS_ROOMS: "public:*,has space",
      CORS_ORIGINS: "https://ok.example,https://bad.example/path",
      CLIENT_IP_HEADER: "x real ip",
    });
    expect(found.map((problem) => problem.split(":")[0])).toEqual(
      expect.arrayContaining(["ANONYMOUS_ROOMS", "CLIENT_IP_HEADER", "CORS_ORIGINS", "JWT_PUBLIC_KEY", "JWT_SECRET"]),
    );
  });

  it("reads a one-line PEM with literal \\n sequences", () => {
    const { publicPem } = rsaKeyPair();
    const config = loadConfig(GatewayConfigSchema, { JWT_PUBLIC_KEY: publicPem.replaceAll("\n", "\\n") });
    expect(config.JWT_PUBLIC_KEY).toBe(publicPem);
  });
});

describe("GatewayConfigSchema, Redis Cluster", () => {
  it("reads the seeds, with credentials and TLS from seeds written as URLs", () => {
    const config = loadConfig(GatewayConfigSchema, {
      JWT_SECRET: SECRET,
      REDIS_ENABLED: "true",
      REDIS_CLUSTER_NODES: " 10.0.0.1:7000, rediss://app:s%3Acret@node-2.example.com:7001 ,[::1]:7002",
    });
    expect(config.REDIS_CLUSTER_NODES).toEqual({
      mode: "cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "node-2.example.com", port: 7001 },
        { host: "::1", port: 7002 },
      ],
      username: "app",
      password: "s:cret",
      tls: true,
    });
    expect(pubSubMode(config)).toBe("sharded");
    expect(redisTarget(config).mode).toBe("cluster");
  });

  it("stays on REDIS_URL with classic pub/sub when no seed is given, unless told sharded", () => {
    const config = loadConfig(GatewayConfigSchema, { JWT_SECRET: SECRET, REDIS_CLUSTER_NODES: " , " });
    expect(redisTarget(config)).toEqual({ mode: "standalone", url: "redis://127.0.0.1:6379" });
    expect(pubSubMode(config)).toBe("classic");
    expect(pubSubMode(loadConfig(GatewayConfigSchema, { JWT_SECRET: SECRET, REDIS_PUBSUB: "sharded" }))).toBe("sharded");
  });

  it("names each bad seed, and refuses a cluster on classic pub/sub or a gateway alone with seeds", () => {
    expect(problems({ JWT_SECRET: SECRET, REDIS_ENABLED: "true", REDIS_CLUSTER_NODES: "node-1,node-2:99999,http://x:1" })).toEqual([
      expect.stringMatching(/^REDIS_CLUSTER_NODES: .*"node-1" is not host:port; "node-2:99999" is not host:port; "http:\/\/x:1" is not host:port/),
    ]);
    expect(problems({ JWT_SECRET: SECRET, REDIS_ENABLED: "true", REDIS_CLUSTER_NODES: "127.0.0.1:7000", REDIS_PUBSUB: "classic" })).toEqual([
      expect.stringMatching(/^REDIS_PUBSUB: a Redis Cluster needs sharded pub\/sub/),
    ]);
    expect(problems({ JWT_SECRET: SECRET, REDIS_CLUSTER_NODES: "127.0.0.1:7000" })).toEqual([expect.stringMatching(/^REDIS_CLUSTER_NODES: needs REDIS_ENABLED=true/)]);
  });

  it("hash-tags BullMQ's prefix in a cluster only", () => {
    expect(queuePrefix("socket-server", { mode: "cluster", nodes: [{ host: "h", port: 1 }], tls: false })).toBe("{socket-server}");
    expect(queuePrefix("socket-server", { mode: "standalone", url: "redis://h:1" })).toBe("socket-server");
  });
});
