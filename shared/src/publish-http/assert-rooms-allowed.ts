import { AppError } from "../http/index.js";
import type { Caller } from "./caller.js";

/** A key limited to room prefixes publishes to all of a request's rooms or to none (403). */
export function assertRoomsAllowed(caller: Caller, rooms: readonly string[]): void {
  const refused = rooms.filter((room) => !caller.rooms.allows(room));
  if (refused.length === 0) return;
  throw new AppError("forbidden", `this key may not publish to ${refused.length === 1 ? "room" : "rooms"} ${refused.map((room) => JSON.stringify(room)).join(", ")}`, {
    issues: refused.map((room) => ({ path: `rooms.${rooms.indexOf(room)}`, message: "outside the rooms this key may publish to" })),
  });
}
