import type { TestProject } from "vitest/node";
import { Redis } from "ioredis";
import { hasRedisServerBinary, startRedisServer } from "./redis-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * Finds a Redis the way a newcomer's machine allows: REDIS_URL (or the default local one) if
 * it answers, else a `redis-server` binary on a free port, else a container when a Docker
 * engine and `@testcontainers/redis` are present, else one message that says what to install.
 */
export default async function setup(project: TestProject) {
  const configured = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  if (await answers(configured)) {
    project.provide("redisUrl", configured);
    return;
  }
  if (hasRedisServerBinary()) {
    const server = await startRedisServer();
    project.provide("redisUrl", server.url);
    return () => server.stop();
  }
  const container = await startContainer();
  if (typeof container === "object") {
    project.provide("redisUrl", container.url);
    return () => container.stop();
  }
  const noContainer =
    container === "not-installed"
      ? `and ${TESTCONTAINERS} is not installed (with a Docker engine, \`npm install --no-save ${TESTCONTAINERS}@11\` lets the tests start a Redis container)`
      : `and ${TESTCONTAINERS} could not start a Redis container (no Docker engine?)`;
  throw new Error(
    `Tests need Redis, and none was found: nothing answered at ${configured}, there is no redis-server on PATH, ` +
      `${noContainer}. Install Redis (Debian/Ubuntu: \`apt-get install redis-server\`, ` +
      "macOS: `brew install redis`) or set REDIS_URL to a Redis you may write to.",
  );
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

// Not a dependency: testcontainers brings 160 packages, some with native install scripts, to every
// `npm ci` for a fallback that machines with redis-server never reach. Imported through a
// variable so that the type check passes without it installed.
const TESTCONTAINERS = "@testcontainers/redis";

interface RedisContainerModule {
  RedisContainer: new (image: string) => {
    start(): Promise<{ getConnectionUrl(): string; stop(): Promise<unknown> }>;
  };
}

async function startContainer(): Promise<{ url: string; stop: () => Promise<unknown> } | "not-installed" | "no-engine"> {
  let testcontainers: RedisContainerModule;
  try {
    testcontainers = (await import(TESTCONTAINERS)) as RedisContainerModule;
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND") return "not-installed";
    throw error;
  }
  try {
    const container = await new testcontainers.RedisContainer("redis:7-alpine").start();
    return { url: container.getConnectionUrl(), stop: () => container.stop() };
  } catch {
    return "no-engine";
  }
}
