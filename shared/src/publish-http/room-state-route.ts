import type { Handler } from "hono";
import { ROOM_NAME_RULE, RoomNameSchema } from "../events/index.js";
import { AppError } from "../http/index.js";
import type { PublishEnv } from "./caller.js";
import { RoomStateUnavailableError, type ReadRoomState } from "./room-state.js";

/**
 * `GET /v1/rooms/:room`: checked like a publish (a valid room name, within the key's scope),
 * then read through the service's `ReadRoomState`.
 */
export function roomStateRoute(readRoomState: ReadRoomState): Handler<PublishEnv> {
  return async (c) => {
    const room = c.req.param("room") ?? "";
    const parsed = RoomNameSchema.safeParse(room);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? `invalid room name: ${ROOM_NAME_RULE}`;
      throw new AppError("invalid_request", `room: ${message}`, { issues: [{ path: "room", message }] });
    }
    if (!c.get("caller").rooms.allows(room)) {
      throw new AppError("forbidden", `this key may not read room ${JSON.stringify(room)}`, {
        issues: [{ path: "room", message: "outside the rooms this key may publish to" }],
      });
    }
    const state = await readRoomState(room).catch(unlessUnavailable);
    return c.json({ room, ...state }, 200);
  };
}

function unlessUnavailable(error: unknown): never {
  if (!(error instanceof RoomStateUnavailableError)) throw error;
  throw new AppError("unavailable", `cannot read the room now, retry later: ${error.message}`, {
    retryAfterSeconds: error.retryAfterSeconds,
    cause: error,
  });
}
