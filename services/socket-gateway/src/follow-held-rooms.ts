import type { Server } from "socket.io";
import type { Logger } from "pino";
import type { RoomFeed } from "@socket-server/shared/history";

/**
 * Keeps a sharded feed following exactly the rooms this gateway holds: a room is followed when
 * its first local socket joins (rooms the server joins, such as `user:<sub>`, included) and
 * unfollowed when its last one leaves. A socket's own id-room is not a room anyone publishes to.
 * Subscribes that must not miss a message await `feed.follow` themselves before they join.
 */
export function followHeldRooms(io: Server, feed: Pick<RoomFeed, "follow" | "unfollow">, logger: Logger): void {
  const adapter = io.of("/").adapter;
  adapter.on("create-room", (room: string) => {
    if (adapter.sids.has(room)) return;
    feed.follow(room).catch((error: unknown) => {
      // The next subscribe to the room follows it again; until then it is not heard here.
      logger.warn({ err: (error as Error).message, room }, "following a room's channel failed");
    });
  });
  adapter.on("delete-room", (room: string) => feed.unfollow(room));
}
