import type { RoomPosition } from "@socket-server/shared/history";
import { parseRoomList, type RoomListFailure } from "./parse-room-list.js";

export interface SubscribeRequest {
  rooms: string[];
  /** Positions to resume from, per room; only rooms of `rooms`. */
  since: Record<string, RoomPosition> | undefined;
}

const MAX_EPOCH_LENGTH = 64;

/**
 * A subscribe argument: a room name, a list of them, or `{ rooms, since }` where `since` maps
 * some of the rooms to the position to resume from (`{ offset, epoch }`, as an ack or a
 * delivery's meta gave it).
 */
export function parseSubscribeRequest(input: unknown): { ok: true; request: SubscribeRequest } | RoomListFailure {
  const shaped = typeof input === "object" && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
  const parsed = parseRoomList(shaped ? shaped.rooms : input);
  if (!parsed.ok) return parsed;
  if (!shaped || shaped.since === undefined) return { ok: true, request: { rooms: parsed.rooms, since: undefined } };
  if (typeof shaped.since !== "object" || shaped.since === null || Array.isArray(shaped.since)) {
    return invalid("since must map room names to { offset, epoch }");
  }
  const since: Record<string, RoomPosition> = {};
  for (const [room, position] of Object.entries(shaped.since)) {
    if (!parsed.rooms.includes(room)) return invalid(`since names ${JSON.stringify(room.slice(0, 140))}, which is not in rooms`);
    const { offset, epoch } = (position ?? {}) as { offset?: unknown; epoch?: unknown };
    if (!Number.isSafeInteger(offset) || (offset as number) < 0 || typeof epoch !== "string" || epoch.length > MAX_EPOCH_LENGTH) {
      return invalid(`since.${room} must be { offset: a whole number from 0, epoch: a string }`);
    }
    since[room] = { offset: offset as number, epoch };
  }
  return { ok: true, request: { rooms: parsed.rooms, since } };
}

function invalid(message: string): RoomListFailure {
  return { ok: false, error: { code: "invalid_request", message } };
}
