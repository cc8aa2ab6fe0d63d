import type { PubSubMode, RedisConnection } from "@socket-server/shared/redis";
import type { Logger } from "pino";
import { createRedisHistoryState, type HistorySettings } from "@socket-server/shared/history";
import { RoomStateUnavailableError, type ReadRoomState } from "@socket-server/shared/publish-http";
import { createRoomStatsCollector } from "@socket-server/shared/room-stats";

export interface FleetRoomStateDeps {
  /** A `command` client: asks the gateways and reads history on it. */
  client: RedisConnection;
  /** A `subscriber` client of its own: the gateways' answers arrive on it. */
  sub: RedisConnection;
  prefix: string;
  /** Absent with HISTORY_SIZE=0: `history` is then null. */
  history: HistorySettings | undefined;
  logger: Logger;
  pubSub: PubSubMode;
}

/**
 * publish-api's `GET /v1/rooms/:room`. publish-api holds no sockets, so it asks the gateways over
 * Redis (room-stats-protocol.ts), and reads the room's history state at the same time.
 */
export function createFleetRoomState({ client, sub, prefix, history, logger, pubSub }: FleetRoomStateDeps): ReadRoomState {
  const collector = createRoomStatsCollector({ pub: client, sub, prefix, logger, pubSub });
  const readHistory = history && createRedisHistoryState({ client, prefix });
  return async (room) => {
    // Both are Redis round trips, failing in many shapes (no connection, a timeout): all mean "not now".
    const [counts, state] = await Promise.all([collector.count(room), readHistory ? readHistory(room) : null]).catch((cause: unknown) => {
      throw new RoomStateUnavailableError(`Redis did not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    });
    return { ...counts, history: state };
  };
}
