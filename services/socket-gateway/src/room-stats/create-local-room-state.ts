import type { Server } from "socket.io";
import type { MemoryHistory } from "@socket-server/shared/history";
import type { ReadRoomState } from "@socket-server/shared/publish-http";
import { countLocalSockets } from "./count-local-sockets.js";

export interface LocalRoomStateDeps {
  io: Server;
  /** Absent with HISTORY_SIZE=0. */
  history: Pick<MemoryHistory, "state"> | undefined;
}

/** The single instance's `GET /v1/rooms/:room`: this process is the whole fleet, one gateway that always answers. */
export function createLocalRoomState({ io, history }: LocalRoomStateDeps): ReadRoomState {
  return async (room) => {
    const subscribers = countLocalSockets(io, room);
    return {
      subscribers,
      gateways: subscribers > 0 ? 1 : 0,
      complete: true,
      gatewaysAsked: 1,
      gatewaysAnswered: 1,
      history: history ? await history.state(room) : null,
    };
  };
}
