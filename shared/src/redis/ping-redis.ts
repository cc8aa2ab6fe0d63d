import type { Redis } from "ioredis";
import { withTimeout } from "./with-timeout.js";

/**
 * True when Redis answers PING within the timeout. A frozen server keeps the socket open and
 * `status === "ready"`, so only a timed round trip tells the truth.
 */
export async function pingRedis(client: Redis, timeoutMs = 500): Promise<boolean> {
  return withTimeout(client.ping(), timeoutMs).then(
    (reply) => reply === "PONG",
    () => false,
  );
}
