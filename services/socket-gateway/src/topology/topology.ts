import type { Hono } from "hono";
import type { Server, ServerOptions } from "socket.io";
import type { RoomFeed, RoomHistory } from "@socket-server/shared/history";
import type { CheckState, FastLane, LoadShedding } from "@socket-server/shared/http";

/**
 * Everything that differs between the single instance and the Redis fleet, chosen once in
 * main.ts: how gateways reach each other, what `/ready` checks, and who serves the publish API.
 */
export interface Topology {
  /** The Socket.IO adapter; absent = Socket.IO's in-memory one (this process is the whole system). */
  adapter: ServerOptions["adapter"] | undefined;
  /** `/ready`'s `redis` check. */
  redisCheck(): Promise<CheckState>;
  /** The publish API this process serves over its own sockets; none in a fleet, where publish-api serves it. */
  publishApi(io: Server): PublishApi | undefined;
  /** In a fleet: answers publish-api's room-stats requests (GET /v1/rooms/:room) with this process's counts. */
  answerRoomStats(io: Server): void;
  /** Where rooms' histories are read; absent with HISTORY_SIZE=0. */
  history: { store: RoomHistory; stats?: () => { rooms: number; messages: number } } | undefined;
  /**
   * Where messages arrive other than through the adapter: history's announcements, or the rooms'
   * shard channels on sharded pub/sub; absent when the adapter brings them (classic, no history).
   */
  feed: RoomFeed | undefined;
}

export interface PublishApi {
  // Its context carries the authenticated caller; the gateway only mounts it.
  app: Hono<any>;
  /** `POST /v1/publish` served ahead of Hono (create-publish-fast-lane.ts). */
  fastLane: FastLane;
  shedding: LoadShedding;
}
