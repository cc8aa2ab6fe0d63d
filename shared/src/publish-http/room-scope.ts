import { createRoomMatcher } from "../events/index.js";

/** Which rooms a key may publish to; built from its `rooms=` patterns. */
export interface RoomScope {
  allows(room: string): boolean;
}

export const EVERY_ROOM: RoomScope = { allows: () => true };

/** `undefined` (no `rooms=` option, or `*`): every room; otherwise the patterns' exact-or-prefix matcher. */
export function createRoomScope(patterns: readonly string[] | undefined): RoomScope {
  if (patterns === undefined) return EVERY_ROOM;
  return { allows: createRoomMatcher(patterns) };
}
