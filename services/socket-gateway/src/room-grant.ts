import { ROOM_NAME_PATTERN } from "@socket-server/shared/events";

/**
 * A grant is an exact room name (`orders:42`) or a prefix ending in `*` (`orders:*`, and `*`
 * alone for every room). The prefix may be empty or partial, so `org-1:*` never covers `org-10:x`
 * unless the issuer writes `org-1*`.
 */
export const ROOM_GRANT_PATTERN = /^(?:[A-Za-z0-9_\-:.@=]{1,128}|[A-Za-z0-9_\-:.@=]{0,127}\*)$/;

export function isRoomGrant(value: unknown): value is string {
  return typeof value === "string" && ROOM_GRANT_PATTERN.test(value);
}

/** A matcher over grants: a Set lookup for exact names, then a scan of the (few) prefixes. */
export function createRoomGrants(grants: readonly string[]): (room: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const grant of grants) {
    if (grant.endsWith("*")) prefixes.push(grant.slice(0, -1));
    else exact.add(grant);
  }
  return (room) => ROOM_NAME_PATTERN.test(room) && (exact.has(room) || prefixes.some((prefix) => room.startsWith(prefix)));
}
