import type { Socket } from "socket.io";
import type { SubscriptionAck } from "@socket-server/shared/events";
import { parseRoomList } from "./parse-room-list.js";

type Ack = (result: SubscriptionAck) => void;

/** `subscribe` / `unsubscribe`: the only way a client joins or leaves a room. */
export function registerSubscriptions(socket: Socket): void {
  socket.on("subscribe", (...args: unknown[]) => {
    const [input, ack] = splitArgs(args);
    const parsed = parseRoomList(input);
    if (!parsed.ok) return ack(parsed);
    // A socket's own id-room carries messages addressed to it alone; it is not a subscription.
    if (parsed.rooms.includes(socket.id)) {
      return ack({ ok: false, error: { code: "forbidden", message: "a socket's own id is not a room to subscribe to" } });
    }
    void socket.join(parsed.rooms);
    ack({ ok: true, rooms: parsed.rooms });
  });

  socket.on("unsubscribe", (...args: unknown[]) => {
    const [input, ack] = splitArgs(args);
    const parsed = parseRoomList(input);
    if (!parsed.ok) return ack(parsed);
    for (const room of parsed.rooms) {
      if (room !== socket.id) void socket.leave(room);
    }
    ack({ ok: true, rooms: parsed.rooms });
  });
}

/** The ack is the last argument when it is a function; a client may omit it. */
function splitArgs(args: unknown[]): [unknown, Ack] {
  const last = args[args.length - 1];
  if (typeof last === "function") return [args.length > 1 ? args[0] : undefined, last as Ack];
  return [args[0], () => {}];
}
