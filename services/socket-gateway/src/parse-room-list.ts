import { ROOM_NAME_PATTERN, ROOM_NAME_RULE, type SubscriptionAck } from "@socket-server/shared/events";

export const MAX_ROOMS_PER_REQUEST = 100;

export type RoomListFailure = Extract<SubscriptionAck, { ok: false }>;
type Failure = RoomListFailure;

/** A subscribe/unsubscribe argument: one room name or a list of 1 to 100. */
export function parseRoomList(input: unknown): { ok: true; rooms: string[] } | Failure {
  const list = typeof input === "string" ? [input] : input;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ROOMS_PER_REQUEST) {
    return failure("invalid_request", `expected a room name or a list of 1 to ${MAX_ROOMS_PER_REQUEST} room names`);
  }
  for (const room of list) {
    if (typeof room !== "string" || !ROOM_NAME_PATTERN.test(room)) {
      const shown = typeof room === "string" ? JSON.stringify(room.slice(0, 140)) : typeof room;
      return failure("invalid_room", `invalid room name ${shown}: ${ROOM_NAME_RULE}`);
    }
  }
  return { ok: true, rooms: [...new Set(list as string[])] };
}

function failure(code: Failure["error"]["code"], message: string): Failure {
  return { ok: false, error: { code, message } };
}
