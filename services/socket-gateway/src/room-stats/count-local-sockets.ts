import type { Server } from "socket.io";

/** This process's sockets in a room: the adapter's local room map (the Redis adapter keeps one too). */
export function countLocalSockets(io: Server, room: string): number {
  return io.of("/").adapter.rooms.get(room)?.size ?? 0;
}
