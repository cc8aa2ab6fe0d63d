import type { Server } from "socket.io";
import type { FeedListener } from "@socket-server/shared/history";

/**
 * Without history, on sharded pub/sub: each message heard on a room's channel goes to the room's
 * local sockets as it arrives (there is no offset to order it by or gap to fill).
 */
export function deliverUnsequenced(io: Server): FeedListener {
  const rooms = io.of("/").adapter.rooms;
  return {
    follows: (room) => rooms.has(room),
    hear({ room, entry }) {
      const target = entry.except.length > 0 ? io.local.to(room).except(entry.except) : io.local.to(room);
      target.emit(entry.event, entry.data, { id: entry.id, room, ts: entry.ts });
    },
    resync: () => {},
  };
}
