/** Which rooms a key may publish to; built from its `rooms=` patterns. */
export interface RoomScope {
  allows(room: string): boolean;
}

export const EVERY_ROOM: RoomScope = { allows: () => true };

/** `orders:*` allows every room starting with `orders:`; any other pattern is an exact name. */
export function createRoomScope(patterns: readonly string[] | undefined): RoomScope {
  if (patterns === undefined) return EVERY_ROOM;
  const exact = new Set(patterns.filter((pattern) => !pattern.endsWith("*")));
  const prefixes = patterns.filter((pattern) => pattern.endsWith("*")).map((pattern) => pattern.slice(0, -1));
  return { allows: (room) => exact.has(room) || prefixes.some((prefix) => room.startsWith(prefix)) };
}
