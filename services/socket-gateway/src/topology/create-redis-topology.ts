import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import type { Logger } from "pino";
import { createRedisHistory, type HistorySettings } from "@socket-server/shared/history";
import { pingRedis, type PubSubMode, type RedisConnection } from "@socket-server/shared/redis";
import { createRedisRoomFeed } from "../history/create-redis-room-feed.js";
import { createShardedRoomFeed } from "../history/create-sharded-room-feed.js";
import { countLocalSockets } from "../room-stats/count-local-sockets.js";
import { createRoomStatsResponder } from "../room-stats/create-room-stats-responder.js";
import type { Topology } from "./topology.js";

export interface RedisTopologyDeps {
  pub: RedisConnection;
  /** In subscriber mode: the link every publication arrives on. */
  sub: RedisConnection;
  /** `REDIS_PREFIX`: the adapter's channel key, shared with publish-api's emitter. */
  key: string;
  /** Absent with HISTORY_SIZE=0. */
  history: HistorySettings | undefined;
  /** How publications reach the gateways (pubSubMode). */
  pubSub: PubSubMode;
  logger: Logger;
}

/**
 * A gateway of a fleet: rooms span instances through Redis; publish-api serves the publish API.
 * On classic pub/sub every gateway hears every publication (the adapter's channel, or history's
 * one feed channel); on sharded pub/sub a gateway subscribes to the shard channels of the rooms it
 * holds, and the adapter (for what gateways say to each other) listens on its namespace's only.
 */
export function createRedisTopology({ pub, sub, key, history, pubSub, logger }: RedisTopologyDeps): Topology {
  const sharded = pubSub === "sharded";
  const feed = sharded ? createShardedRoomFeed({ sub, prefix: key, logger }) : history && createRedisRoomFeed({ sub, prefix: key, logger });
  return {
    adapter: sharded ? createShardedAdapter(pub, sub, { channelPrefix: key, subscriptionMode: "static" }) : createAdapter(pub, sub, { key }),
    // Ready only when both links work: the subscriber is what receives every publication.
    redisCheck: async () => (sub.status === "ready" && (await pingRedis(pub)) ? "up" : "down"),
    publishApi: () => undefined,
    answerRoomStats: (io) => {
      createRoomStatsResponder({ sub, pub, prefix: key, count: (room) => countLocalSockets(io, room), logger, pubSub });
    },
    history: history && { store: createRedisHistory({ client: pub, prefix: key, settings: history, pubSub }) },
    feed,
  };
}
