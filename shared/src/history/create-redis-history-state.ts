import type { RedisConnection } from "../redis/create-redis-client.js";
import { historyKeys } from "./history-keys.js";
import { NO_HISTORY_STATE, type ReadRoomHistoryState } from "./room-history-state.js";

export interface RedisHistoryStateDeps {
  /** A `command` client: a read fails fast instead of queueing while Redis is away. */
  client: RedisConnection;
  prefix: string;
}

/**
 * Reads a room's history state in one round trip: HMGET of its position hash and XLEN of its
 * log, in a MULTI so both describe the same moment (both keys share the room's slot).
 */
export function createRedisHistoryState({ client, prefix }: RedisHistoryStateDeps): ReadRoomHistoryState {
  return async (room) => {
    const keys = historyKeys(prefix, room);
    const replies = await client.multi().hmget(keys.position, "offset", "epoch").xlen(keys.log).exec();
    if (!replies) throw new Error("Redis aborted the history read");
    for (const [error] of replies) if (error) throw error;
    const [offset, epoch] = replies[0]![1] as [string | null, string | null];
    // Without a position a leftover log is unreachable: the next append starts a new epoch and drops it.
    if (offset === null || epoch === null) return NO_HISTORY_STATE;
    return { offset: Number(offset), epoch, size: replies[1]![1] as number };
  };
}
