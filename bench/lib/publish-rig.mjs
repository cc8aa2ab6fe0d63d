import { CLIENT_CORE, spawnPinned, stopChild } from "./processes.mjs";
import { startRedis, startServer } from "./servers.mjs";

/**
 * A publish server on the server core with a private Redis on the client core. Without history
 * (`HISTORY_SIZE=0`, and the bare route) the server answers 503 unless someone hears the
 * PUBLISH, so a `redis-cli psubscribe` stands in for the gateways: it receives every message for
 * a fraction of what a gateway would cost the client core. It also listens on the history feed
 * (`<prefix>:room-feed`), so Redis delivers every publish to one subscriber either way.
 */
export async function startPublishRig(target, env = {}, { nodeArgs = [] } = {}) {
  const redis = await startRedis();
  const prefix = `bench-${process.pid}`;
  const listener = spawnPinned(CLIENT_CORE, "redis-cli", ["-p", String(redis.port), "psubscribe", `${prefix}#*`, `${prefix}:room-feed`], { stdio: ["ignore", "ignore", "ignore"] });
  try {
    const server = await startServer(target, { env: { REDIS_URL: redis.url, REDIS_PREFIX: prefix, ...env }, nodeArgs });
    return {
      server,
      redis,
      clientPids: [redis.pid, listener.pid],
      async stop() {
        await server.stop();
        await stopChild(listener, 1_000);
        await redis.stop();
      },
    };
  } catch (error) {
    await stopChild(listener, 1_000);
    await redis.stop();
    throw error;
  }
}
