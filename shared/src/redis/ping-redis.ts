import { Cluster } from "ioredis";
import type { RedisConnection } from "./create-redis-client.js";
import { withTimeout } from "./with-timeout.js";

/**
 * True when Redis answers within the timeout. A frozen server keeps the socket open and
 * `status === "ready"`, so only a timed round trip tells the truth. A cluster is up when a node
 * answers that the cluster is whole (`cluster_state:ok`: every slot served by a live primary).
 */
export async function pingRedis(client: RedisConnection, timeoutMs = 500): Promise<boolean> {
  const probe = client instanceof Cluster ? client.cluster("INFO").then((info) => String(info).includes("cluster_state:ok")) : client.ping().then((reply) => reply === "PONG");
  return withTimeout(probe, timeoutMs).then(
    (up) => up,
    () => false,
  );
}
