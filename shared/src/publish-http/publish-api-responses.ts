import { z } from "zod";
import { MAX_MESSAGES_PER_BATCH, NotificationStateSchema, RoomNameSchema } from "../events/index.js";
import { ERROR_STATUS, type ErrorCode } from "../http/index.js";

// What the routes answer, as schemas, for the OpenAPI document (the routes build these bodies
// inline; the document's tests check every answer against them).

/** A publication id: a UUID, or UUID-shaped when derived from an idempotency key. */
const PublicationIdSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export const PublishAcceptedSchema = z.strictObject({
  id: PublicationIdSchema,
  rooms: z.array(RoomNameSchema),
  offsets: z.record(RoomNameSchema, z.number().int().positive()).optional(),
});
export type PublishAccepted = z.infer<typeof PublishAcceptedSchema>;

/** One message of a batch, taken: what a single publish of it would have answered, and its status. */
export const BatchMessageAcceptedSchema = z.strictObject({ status: z.literal(202), ...PublishAcceptedSchema.shape });
/** One message of a batch, not taken by Redis: it may or may not be stored, retry it with the same `idempotencyKey`. */
export const BatchMessageUnavailableSchema = z.strictObject({
  status: z.literal(503),
  error: z.strictObject({ code: z.literal("unavailable"), message: z.string() }),
});
export type PublishBatchResult = z.infer<typeof BatchMessageAcceptedSchema> | z.infer<typeof BatchMessageUnavailableSchema>;

/** `202` to a batch: every message taken, one result per message in the order of `messages`. */
export const PublishBatchAcceptedSchema = z.strictObject({
  results: z.array(BatchMessageAcceptedSchema).min(1).max(MAX_MESSAGES_PER_BATCH),
});
/** `207` to a batch: some messages taken and some not (never all or none), one result per message in order. */
export const PublishBatchPartialSchema = z.strictObject({
  results: z.array(z.discriminatedUnion("status", [BatchMessageAcceptedSchema, BatchMessageUnavailableSchema])).min(2).max(MAX_MESSAGES_PER_BATCH),
});

export const NotificationAcceptedSchema = z.strictObject({ jobId: z.string().min(1) });
export type NotificationAccepted = z.infer<typeof NotificationAcceptedSchema>;

export const NotificationStatusSchema = z.strictObject({
  jobId: z.string().min(1),
  state: NotificationStateSchema,
  attemptsMade: z.number().int().nonnegative(),
  failedReason: z.string().optional(),
});

const count = () => z.number().int().nonnegative();
export const RoomStateResponseSchema = z.strictObject({
  room: RoomNameSchema,
  subscribers: count(),
  gateways: count(),
  complete: z.boolean(),
  gatewaysAsked: count(),
  gatewaysAnswered: count(),
  history: z.strictObject({ offset: count(), epoch: z.string(), size: count() }).nullable(),
});

export const ErrorIssueSchema = z.strictObject({ path: z.string(), message: z.string() });

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** The one error body (`handleErrors`), its `code` fixed to the one its status carries. */
export function errorBodySchema(code: ErrorCode) {
  return z.strictObject({
    error: z.strictObject({
      code: z.literal(code),
      message: z.string(),
      issues: z.array(ErrorIssueSchema).optional(),
    }),
  });
}
export type ErrorBody = z.infer<ReturnType<typeof errorBodySchema>>;
