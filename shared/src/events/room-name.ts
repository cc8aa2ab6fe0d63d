import { z } from "zod";

export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_\-:.@=]{1,128}$/;

export const RoomNameSchema = z
  .string()
  .regex(ROOM_NAME_PATTERN, "invalid room name: 1 to 128 of A-Z a-z 0-9 _ - : . @ =");
export type RoomName = z.infer<typeof RoomNameSchema>;
