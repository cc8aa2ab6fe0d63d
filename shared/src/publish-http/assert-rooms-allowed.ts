import { AppError, type ErrorIssue } from "../http/index.js";
import type { Caller } from "./caller.js";

/** A key limited to room prefixes publishes to all of a request's rooms or to none (403). */
export function assertRoomsAllowed(caller: Caller, rooms: readonly string[]): void {
  assertRoomListsAllowed(caller, [rooms], () => "rooms");
}

/**
 * The same for several publishes at once (a batch): one room outside the key's scope refuses
 * them all. `pathOf` names a list in the body (`messages.3.rooms`), asked only for a refusal.
 */
export function assertRoomListsAllowed(caller: Caller, lists: ReadonlyArray<readonly string[]>, pathOf: (list: number) => string): void {
  let refused: Set<string> | undefined;
  const issues: ErrorIssue[] = [];
  lists.forEach((rooms, list) => {
    rooms.forEach((room, index) => {
      if (caller.rooms.allows(room)) return;
      (refused ??= new Set()).add(room);
      issues.push({ path: `${pathOf(list)}.${index}`, message: "outside the rooms this key may publish to" });
    });
  });
  if (!refused) return;
  throw new AppError("forbidden", `this key may not publish to ${refused.size === 1 ? "room" : "rooms"} ${[...refused].map((room) => JSON.stringify(room)).join(", ")}`, { issues });
}
