import { z } from "zod";
import { checkJsonData } from "./check-json-data.js";
import type { JsonValue } from "./client-protocol.js";
import { EventNameSchema } from "./event-name.js";
import { RoomNameSchema } from "./room-name.js";

export const MAX_ROOMS_PER_PUBLISH = 100;
export const MAX_EXCEPT_PER_PUBLISH = 1000;
// Socket.IO ids are 20 base64url characters; allow some room for custom id generators.
export const MAX_SOCKET_ID_LENGTH = 64;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
export const MAX_NOTIFICATION_ATTEMPTS = 10;
// BullMQ reserves ids that are plain integers and uses ':' as its key separator.
export const JOB_ID_PATTERN = /^[A-Za-z0-9_\-.@=]{1,128}$/;
export const PLAIN_INTEGER_PATTERN = /^\d+$/;

const SocketIdSchema = z.string().min(1).max(MAX_SOCKET_ID_LENGTH);

const publishFields = {
  room: RoomNameSchema.optional(),
  rooms: z.array(RoomNameSchema).min(1).max(MAX_ROOMS_PER_PUBLISH).optional(),
  event: EventNameSchema,
  // Any JSON value; `undefined` is not JSON, so a missing `data` is refused. One walk, no copy
  // (zod's z.json() rebuilt every object, a measurable share of a publish's CPU).
  data: z.custom<JsonValue>().superRefine((value, ctx) => {
    const problem = value === undefined ? { path: [], message: "required: any JSON value (null included)" } : checkJsonData(value);
    if (problem) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  }),
  except: z.array(SocketIdSchema).max(MAX_EXCEPT_PER_PUBLISH).optional(),
};

/** Either `room` or `rooms`, never both; normalised to a de-duplicated `rooms` list. */
function withRooms<T extends { room?: string | undefined; rooms?: string[] | undefined }>(
  schema: z.ZodType<T>,
) {
  return schema
    .refine((body) => (body.room === undefined) !== (body.rooms === undefined), {
      message: "give exactly one of `room` or `rooms`",
      path: ["rooms"],
    })
    .transform(({ room, rooms, ...rest }) => ({
      ...rest,
      rooms: [...new Set(rooms ?? (room === undefined ? [] : [room]))],
    }));
}

export const PublishRequestSchema = withRooms(
  z.strictObject({
    ...publishFields,
    // Per publishing key: a retry with the same key is answered as the first attempt was and stores nothing again.
    idempotencyKey: z.string().min(1).max(MAX_IDEMPOTENCY_KEY_LENGTH).optional(),
  }),
);
export type PublishRequest = z.infer<typeof PublishRequestSchema>;

export const MAX_NOTIFICATION_DELAY_MS = 7 * 24 * 60 * 60 * 1000;

export const NotificationRequestSchema = withRooms(
  z.strictObject({
    ...publishFields,
    delayMs: z.number().int().min(0).max(MAX_NOTIFICATION_DELAY_MS).default(0),
    attempts: z.number().int().min(1).max(MAX_NOTIFICATION_ATTEMPTS).default(3),
    jobId: z
      .string()
      .regex(JOB_ID_PATTERN, "jobId: 1 to 128 of A-Z a-z 0-9 _ - . @ =")
      .refine((id) => !PLAIN_INTEGER_PATTERN.test(id), "jobId must not be a plain integer")
      .optional(),
  }),
);
export type NotificationRequest = z.infer<typeof NotificationRequestSchema>;

export const MAX_MESSAGES_PER_BATCH = 100;

/**
 * Several publishes in one request, each with its own rooms, event, data and idempotency key,
 * validated whole before any is published. A single publish never has `messages` (its schema is
 * strict), so the key alone tells the two shapes apart.
 */
export const PublishBatchRequestSchema = z.strictObject({
  messages: z.array(PublishRequestSchema).min(1).max(MAX_MESSAGES_PER_BATCH),
});
export type PublishBatchRequest = z.infer<typeof PublishBatchRequestSchema>;
