import type { RedisConnection } from "../redis/create-redis-client.js";
import { createRedisHistory, type HistorySettings } from "../history/index.js";
import { createHistoryRoomEmitter } from "./create-history-room-emitter.js";
import type { PubSubMode } from "../redis/pub-sub.js";
import { createRedisRoomEmitter } from "./create-redis-room-emitter.js";
import { createShardedRoomEmitter } from "./create-sharded-room-emitter.js";
import type { RoomEmitter } from "./room-emitter.js";

export interface FleetRoomEmitterDeps {
  /** A `command` client. */
  client: RedisConnection;
  /** REDIS_PREFIX: the adapter key and the history's key prefix. */
  prefix: string;
  /** Absent with HISTORY_SIZE=0. */
  history: HistorySettings | undefined;
  /** How the gateways listen (pubSubMode): every gateway on one channel, or per room. */
  pubSub?: PubSubMode;
}

/**
 * How publish-api and the worker reach a fleet's rooms: through history when it is on (stored,
 * then announced), straight through the Socket.IO adapter's channel when it is off, or through
 * the rooms' shard channels on sharded pub/sub.
 */
export function createFleetRoomEmitter({ client, prefix, history, pubSub = "classic" }: FleetRoomEmitterDeps): RoomEmitter {
  if (history) return createHistoryRoomEmitter(createRedisHistory({ client, prefix, settings: history, pubSub }));
  return pubSub === "sharded" ? createShardedRoomEmitter({ client, prefix }) : createRedisRoomEmitter({ client, key: prefix });
}
