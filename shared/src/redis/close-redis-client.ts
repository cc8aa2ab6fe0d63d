import type { RedisConnection } from "./create-redis-client.js";
import { withTimeout } from "./with-timeout.js";

/**
 * Closes a client without hanging a shutdown. QUIT lets pending replies arrive, but only over a
 * live connection: a client that is reconnecting (Redis down, a TLS failure) would queue the
 * QUIT until the deadline, so it is disconnected at once, as is one whose QUIT takes too long.
 */
export async function closeRedisClient(client: RedisConnection, timeoutMs = 2000): Promise<void> {
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  await withTimeout(client.quit(), timeoutMs).catch(() => client.disconnect());
}
