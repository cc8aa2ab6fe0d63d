import { z } from "zod";

// Names Socket.IO itself uses on a client socket: publishing them would confuse or crash clients.
export const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

export const MAX_EVENT_NAME_LENGTH = 64;
// Control characters have no business in an event name and make logs unreadable.
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]+$/;

export const EventNameSchema = z
  .string()
  .min(1)
  .max(MAX_EVENT_NAME_LENGTH)
  .regex(NO_CONTROL_CHARACTERS, "event name must not contain control characters")
  .refine((name) => !RESERVED_EVENT_NAMES.has(name), "reserved Socket.IO event name");
export type EventName = z.infer<typeof EventNameSchema>;
