import type { Server } from "socket.io";
import type { FeedListener } from "@socket-server/shared/history";
import { localRoom } from "./local-room.js";

/**
 * Without history, on sharded pub/sub: each message heard on a room's channel goes to the room's
 * local sockets as it arrives (there is no offset to order it by or gap to fill).
 */
export function deliverUnsequenced(io: Server): FeedListener {
  const rooms = io.of("/").adapter.rooms;
  return {
    follows: (room) => rooms.has(room),
    hear({ room, entry }) {
      localRoom(io, room, entry.except).emit(entry.event, entry.data, { id: entry.id, room, ts: entry.ts });
    },
    resync: () => {},
  };
}
