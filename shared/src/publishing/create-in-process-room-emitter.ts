import type { RoomDelivery, RoomEmitter } from "./room-emitter.js";

/** What a Socket.IO server offers for broadcasting; kept structural so shared needs no socket.io. */
export interface BroadcastTarget {
  to(room: string): { except(ids: string[]): { emit(event: string, ...args: unknown[]): boolean } };
}

/** Single-instance twin: delivers straight to the sockets of this process. */
export function createInProcessRoomEmitter(target: BroadcastTarget): RoomEmitter {
  return {
    async emit(deliveries: RoomDelivery[]) {
      for (const { room, event, data, meta, except } of deliveries) {
        target.to(room).except(except).emit(event, data, meta);
      }
    },
  };
}
