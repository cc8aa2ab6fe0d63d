import { ROOM_NAME_PATTERN } from "./room-name.js";

/** Whether a set of room patterns covers a room. */
export type RoomMatcher = (room: string) => boolean;

/**
 * The one exact-or-prefix matcher over room patterns (see ROOM_PATTERN_PATTERN): a Set lookup
 * for exact names, then a scan of the (few) prefixes. Only valid room names match, so `*`
 * never lets through a name the rest of the system would refuse.
 */
export function createRoomMatcher(patterns: readonly string[]): RoomMatcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith("*")) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return (room) => ROOM_NAME_PATTERN.test(room) && (exact.has(room) || prefixes.some((prefix) => room.startsWith(prefix)));
}
