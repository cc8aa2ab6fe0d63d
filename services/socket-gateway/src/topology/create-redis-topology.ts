import { createAdapter } from "@socket.io/redis-adapter";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { pingRedis } from "@socket-server/shared/redis";
import { countLocalSockets } from "../room-stats/count-local-sockets.js";
import { createRoomStatsResponder } from "../room-stats/create-room-stats-responder.js";
import type { Topology } from "./topology.js";

export interface RedisTopologyDeps {
  pub: Redis;
  /** In subscriber mode: the link every publication arrives on. */
  sub: Redis;
  /** `REDIS_PREFIX`: the adapter's channel key, shared with publish-api's emitter. */
  key: string;
  /** Read from Redis, announced on Redis pub/sub; absent with HISTORY_SIZE=0. */
  history: Topology["history"];
  logger: Logger;
}

/** A gateway of a fleet: rooms span instances through the Redis adapter; publish-api serves the publish API. */
export function createRedisTopology({ pub, sub, key, history, logger }: RedisTopologyDeps): Topology {
  return {
    adapter: createAdapter(pub, sub, { key }),
    // Ready only when both links work: the subscriber is what receives every publication.
    redisCheck: async () => (sub.status === "ready" && (await pingRedis(pub)) ? "up" : "down"),
    publishApi: () => undefined,
    answerRoomStats: (io) => {
      createRoomStatsResponder({ sub, pub, prefix: key, count: (room) => countLocalSockets(io, room), logger });
    },
    history,
  };
}
