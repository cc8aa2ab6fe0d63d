import { z } from "zod";

// Safe unescaped in Redis keys and channels, URLs and log lines.
const ROOM_CHARACTERS = "A-Za-z0-9_\\-:.@=";
export const MAX_ROOM_NAME_LENGTH = 128;
/** The rule in words, for error messages. */
export const ROOM_NAME_RULE = `1 to ${MAX_ROOM_NAME_LENGTH} of A-Z a-z 0-9 _ - : . @ =`;

/** 1 to `maxLength` characters of the room alphabet: a room name, or a part of one (a token's `sub`). */
export function roomCharactersPattern(maxLength: number): RegExp {
  return new RegExp(`^[${ROOM_CHARACTERS}]{1,${maxLength}}$`);
}

export const ROOM_NAME_PATTERN = roomCharactersPattern(MAX_ROOM_NAME_LENGTH);

export const RoomNameSchema = z.string().regex(ROOM_NAME_PATTERN, `invalid room name: ${ROOM_NAME_RULE}`);
export type RoomName = z.infer<typeof RoomNameSchema>;

/**
 * A room pattern, as publish-key scopes, client token grants and ANONYMOUS_ROOMS write them: an
 * exact room name (`orders:42`) or a prefix ending in `*` (`orders:*`; `*` alone is every room).
 * The prefix may be partial, so `org-1:*` never covers `org-10:x` unless the issuer writes `org-1*`.
 */
export const ROOM_PATTERN_PATTERN = new RegExp(`^(?:[${ROOM_CHARACTERS}]{1,${MAX_ROOM_NAME_LENGTH}}|[${ROOM_CHARACTERS}]{0,${MAX_ROOM_NAME_LENGTH - 1}}\\*)$`);

export function isRoomPattern(value: unknown): value is string {
  return typeof value === "string" && ROOM_PATTERN_PATTERN.test(value);
}
