import type { Redis } from "ioredis";
import { createRedisHistory, type HistorySettings } from "../history/index.js";
import { createHistoryRoomEmitter } from "./create-history-room-emitter.js";
import { createRedisRoomEmitter } from "./create-redis-room-emitter.js";
import type { RoomEmitter } from "./room-emitter.js";

export interface FleetRoomEmitterDeps {
  /** A `command` client. */
  client: Redis;
  /** REDIS_PREFIX: the adapter key and the history's key prefix. */
  prefix: string;
  /** Absent with HISTORY_SIZE=0. */
  history: HistorySettings | undefined;
}

/**
 * How publish-api and the worker reach a fleet's rooms: through history when it is on (stored,
 * then announced), straight through the Socket.IO adapter's channel when it is off.
 */
export function createFleetRoomEmitter({ client, prefix, history }: FleetRoomEmitterDeps): RoomEmitter {
  if (!history) return createRedisRoomEmitter({ client, key: prefix });
  return createHistoryRoomEmitter(createRedisHistory({ client, prefix, settings: history }));
}
