import type { Server } from "socket.io";

/**
 * This gateway's own sockets in a room, less those a publication excludes. Every gateway hears
 * a room's messages itself, so none broadcasts them on to the others.
 */
export function localRoom(io: Server, room: string, except: string[]): { emit(event: string, ...args: unknown[]): boolean } {
  return except.length > 0 ? io.local.to(room).except(except) : io.local.to(room);
}
