import type { RedisConnection } from "../redis/create-redis-client.js";
import { withTimeout } from "../redis/index.js";
import type { ReplayStore } from "./replay-store.js";

/** Claims live under `<prefix>:sig:`, shared by every publish-api instance, expiring on their own. */
export function createRedisReplayStore({ client, prefix, timeoutMs = 500 }: { client: RedisConnection; prefix: string; timeoutMs?: number }): ReplayStore {
  return {
    async claim(id, ttlMs) {
      const reply = await withTimeout(client.set(`${prefix}:sig:${id}`, "1", "PX", Math.max(1, Math.ceil(ttlMs)), "NX"), timeoutMs);
      return reply === "OK";
    },
  };
}
