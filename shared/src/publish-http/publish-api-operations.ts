import { z } from "zod";
import { MAX_MESSAGES_PER_BATCH, NotificationRequestSchema, PublishBatchRequestSchema, PublishRequestSchema } from "../events/index.js";
import type { ErrorCode } from "../http/index.js";
import {
  NotificationAcceptedSchema,
  NotificationStatusSchema,
  PublishAcceptedSchema,
  PublishBatchAcceptedSchema,
  PublishBatchPartialSchema,
  RoomStateResponseSchema,
} from "./publish-api-responses.js";

export interface Example {
  summary: string;
  value: unknown;
}

/** A refusal a route can answer: when, and one answer as the app writes it (a generic one unless given). */
export interface Refusal {
  description: string;
  example?: Example;
}

/** A body as the document names it (a component schema), with examples. */
export interface DocumentedBody {
  name: string;
  schema: z.ZodType;
  /** When the body takes one of several shapes, `schema` is `z.xor` of these, each named as a component of its own. */
  shapes?: Record<string, z.ZodType>;
  examples: Record<string, Example>;
}

/** An answer that is not a refusal. */
export interface SuccessAnswer extends DocumentedBody {
  status: 200 | 202 | 207;
  description: string;
}

/** One route of the publish app as its OpenAPI document describes it; its schemas are the ones the route uses. */
export interface PublishApiOperation {
  method: "get" | "post";
  /** As Hono routes it: `/v1/notifications/:jobId`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description: string;
  /** Every `:param` of `path`; `schema` names a component schema the route validates it with. */
  pathParams?: Record<string, { description: string; example: string; schema?: "RoomName" }>;
  body?: DocumentedBody;
  /** Usually one; a route that can also succeed in part (a batch) lists each status. */
  success: SuccessAnswer[];
  /** Every refusal the route can answer; status, body schema and headers follow from the code. */
  errors: Partial<Record<ErrorCode, Refusal>>;
}

export interface PublishApiOperationsOptions {
  /** MAX_PAYLOAD_BYTES: the largest serialized `data`. */
  maxPayloadBytes: number;
  /** The largest request body, refused before it is read, on every route but `POST /v1/publish`. */
  bodyLimitBytes: number;
  /** The same for `POST /v1/publish`, larger so that a batch fits. */
  publishBodyLimitBytes: number;
  /** False in the single instance: it has no queue, so notification routes answer 503. */
  notifications: boolean;
}

const NO_QUEUE = "this process (the single instance) has no queue: notifications need Redis, publish-api and the worker.";
const noQueueExample: Example = {
  summary: "No queue here",
  value: { error: { code: "unavailable", message: "notifications need Redis: run the multi-instance topology (publish-api and worker with REDIS_URL)" } },
};
const unavailable = (when: string, example?: Example): Refusal => ({
  description: `${when} Also when more than \`PUBLISH_MAX_IN_FLIGHT\` requests are in progress. Retry after \`Retry-After\` seconds.`,
  ...(example ? { example } : {}),
});

/** The publish app's routes, in the order the document lists them. */
export function createPublishApiOperations({ maxPayloadBytes, bodyLimitBytes, publishBodyLimitBytes, notifications }: PublishApiOperationsOptions): PublishApiOperation[] {
  // What the middleware in front of every /v1 route can answer (createPublishApp).
  const bodyTooLarge = (limit: number) => `The request body is over ${limit} bytes, refused before it is read.`;
  const bodyTooLargeExample = (limit: number): Example => ({ summary: "Body too large", value: { error: { code: "payload_too_large", message: `body is larger than ${limit} bytes` } } });
  const v1 = {
    unauthorized: { description: "No `Authorization: Bearer <key>`, or a key that is not one of `PUBLISH_API_KEYS`." },
    payload_too_large: { description: bodyTooLarge(bodyLimitBytes), example: bodyTooLargeExample(bodyLimitBytes) },
    rate_limited: { description: "This key is over its rate (`PUBLISH_RATE_LIMIT_PER_SECOND` plus `PUBLISH_RATE_LIMIT_BURST`, shared by all instances). Retry after `Retry-After` seconds." },
    internal: { description: "A bug: the body says only `internal error`, never a stack trace." },
  } satisfies Partial<Record<ErrorCode, Refusal>>;
  // What a POST can answer besides (its body is parsed and signed, its rooms checked).
  const post = {
    invalid_request: { description: "The body is not JSON or fails the schema; `issues` lists every problem." },
    unauthorized: { description: `${v1.unauthorized.description} For a key with \`signing-secret=\`: a missing, stale, wrong or reused signature.` },
    payload_too_large: { description: `\`data\` is over \`MAX_PAYLOAD_BYTES\` (${maxPayloadBytes}) serialized. ${bodyTooLarge(bodyLimitBytes)}` },
  } satisfies Partial<Record<ErrorCode, Refusal>>;
  const queueNote = notifications ? "" : `\n\n\`503\` here, always: ${NO_QUEUE}`;

  return [
    {
      method: "post",
      path: "/v1/publish",
      operationId: "publish",
      tag: "publish",
      summary: "Publish an event to rooms, or a batch of them",
      description:
        "Delivers `event` with `data` to every socket subscribed to each room, one copy per room. `202` once the message is stored in " +
        "every room's history (`offsets`), or, with `HISTORY_SIZE=0`, once Redis took it. A `503` means it may or may not have been stored: " +
        "retry with the same `idempotencyKey` and it is stored once.\n\n" +
        `A batch, \`{ "messages": [...] }\`, is 1 to ${MAX_MESSAGES_PER_BATCH} such publishes in one request, checked whole first: one invalid message ` +
        "is a `400` (`issues` paths such as `messages.3.rooms.0`), one room outside the key's scope a `403`, one `data` too large a `413`, and " +
        "then nothing is published. Otherwise every message is published, in order (within a room, offsets follow the order of `messages`), " +
        "and answered in order in `results`: `202` when every message was taken, `207` when only some were, `503` when none was. " +
        `A batch counts as one request against the key's rate limit; its body may be up to ${publishBodyLimitBytes} bytes.`,
      body: {
        name: "PublishBody",
        schema: z.xor([PublishRequestSchema, PublishBatchRequestSchema]),
        shapes: { PublishRequest: PublishRequestSchema, PublishBatchRequest: PublishBatchRequestSchema },
        examples: {
          oneRoom: { summary: "One room", value: { room: "orders:42", event: "order.updated", data: { status: "paid" } } },
          severalRooms: {
            summary: "Several rooms, one socket left out, safe to retry",
            value: { rooms: ["orders:42", "user:7"], event: "order.updated", data: { status: "paid", total: 42.5 }, except: ["b4vV1p2JxYjVqH3JAAAB"], idempotencyKey: "order-42-paid" },
          },
          batch: {
            summary: "A batch: two messages, each safe to retry",
            value: {
              messages: [
                { room: "orders:42", event: "order.updated", data: { status: "paid" }, idempotencyKey: "order-42-paid" },
                { rooms: ["orders:42", "user:7"], event: "order.shipped", data: { carrier: "DHL" }, idempotencyKey: "order-42-shipped" },
              ],
            },
          },
        },
      },
      success: [
        {
          status: 202,
          name: "PublishAcceptedBody",
          schema: z.xor([PublishAcceptedSchema, PublishBatchAcceptedSchema]),
          shapes: { PublishAccepted: PublishAcceptedSchema, PublishBatchAccepted: PublishBatchAcceptedSchema },
          description:
            "Stored in every room's history; `offsets` holds each room's offset of this message (absent with `HISTORY_SIZE=0`). " +
            "To a batch: every message was, and `results` has each one's answer, in the order of `messages`.",
          examples: {
            stored: { summary: "Stored in history", value: { id: "0b7e4a2c-5d1f-4c3e-9a8b-2f6d1e0c7a95", rooms: ["orders:42", "user:7"], offsets: { "orders:42": 18, "user:7": 3 } } },
            noHistory: { summary: "With HISTORY_SIZE=0", value: { id: "0b7e4a2c-5d1f-4c3e-9a8b-2f6d1e0c7a95", rooms: ["orders:42"] } },
            batch: {
              summary: "A batch, every message stored",
              value: {
                results: [
                  { status: 202, id: "5f0c2b1e-8a3d-4e6f-9b7c-1d2e3f4a5b6c", rooms: ["orders:42"], offsets: { "orders:42": 19 } },
                  { status: 202, id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", rooms: ["orders:42", "user:7"], offsets: { "orders:42": 20, "user:7": 4 } },
                ],
              },
            },
          },
        },
        {
          status: 207,
          name: "PublishBatchPartial",
          schema: PublishBatchPartialSchema,
          description:
            "A batch of which Redis took some messages and not others: each result is `202` (stored, as above) or `503` (it may or may not " +
            "have been stored). Retry the batch, or only its `503` messages, with the same `idempotencyKey`s: each message is stored once.",
          examples: {
            partial: {
              summary: "The second message not taken",
              value: {
                results: [
                  { status: 202, id: "5f0c2b1e-8a3d-4e6f-9b7c-1d2e3f4a5b6c", rooms: ["orders:42"], offsets: { "orders:42": 19 } },
                  { status: 503, error: { code: "unavailable", message: "not accepted, retry later: Redis did not store the message" } },
                ],
              },
            },
          },
        },
      ],
      errors: {
        ...v1,
        ...post,
        payload_too_large: {
          description: `\`data\` (of any message of a batch) is over \`MAX_PAYLOAD_BYTES\` (${maxPayloadBytes}) serialized. ${bodyTooLarge(publishBodyLimitBytes)}`,
          example: bodyTooLargeExample(publishBodyLimitBytes),
        },
        forbidden: { description: "A room outside the key's `rooms=` (in any message of a batch): nothing is published, `issues` names each such room." },
        unavailable: unavailable(
          "Redis did not take the message, or none of a batch's (it may be stored in some rooms: retry with the same `idempotencyKey`), " +
            "or a signed request could not be checked for replay.",
        ),
      },
    },
    {
      method: "post",
      path: "/v1/notifications",
      operationId: "enqueueNotification",
      tag: "notifications",
      summary: "Queue a publish for the worker",
      description:
        "A publish the worker delivers after `delayMs`, retrying with exponential backoff up to `attempts` times. " +
        "A `jobId` is enqueued once per key while the earlier job is kept; job ids belong to the key that created them." +
        queueNote,
      body: {
        name: "NotificationRequest",
        schema: NotificationRequestSchema,
        examples: {
          delayed: { summary: "In ten seconds, at most once", value: { room: "user:7", event: "reminder", data: { text: "Your order ships today" }, delayMs: 10_000, attempts: 5, jobId: "reminder-order-42" } },
        },
      },
      success: [{
        status: 202,
        name: "NotificationAccepted",
        schema: NotificationAcceptedSchema,
        description: "Enqueued (or enqueued already under this `jobId`).",
        examples: { enqueued: { summary: "Enqueued", value: { jobId: "reminder-order-42" } } },
      }],
      errors: {
        ...v1,
        ...post,
        forbidden: { description: "A room outside the key's `rooms=`: nothing is enqueued, `issues` names each such room." },
        unavailable: notifications
          ? unavailable("The queue (Redis) did not take the job, or a signed request could not be checked for replay.", {
              summary: "The queue did not take it",
              value: { error: { code: "unavailable", message: "the queue did not take it, retry later: Command timed out" } },
            })
          : { description: `Always here: ${NO_QUEUE}`, example: noQueueExample },
      },
    },
    {
      method: "get",
      path: "/v1/notifications/:jobId",
      operationId: "getNotification",
      tag: "notifications",
      summary: "A queued notification's state",
      description: `Only the key that enqueued a job sees it: for any other key it does not exist (\`404\`). Needs no signature.${queueNote}`,
      pathParams: { jobId: { description: "The `jobId` that `POST /v1/notifications` answered.", example: "reminder-order-42" } },
      success: [{
        status: 200,
        name: "NotificationStatus",
        schema: NotificationStatusSchema,
        description: "The job's state; `failedReason` is its last failure's, also while a retry waits.",
        examples: {
          completed: { summary: "Delivered", value: { jobId: "reminder-order-42", state: "completed", attemptsMade: 1 } },
          retrying: { summary: "Waiting for a retry", value: { jobId: "reminder-order-42", state: "delayed", attemptsMade: 1, failedReason: "Redis did not store the message" } },
        },
      }],
      errors: {
        ...v1,
        not_found: { description: "No job with this id for this key (never enqueued, removed since, or another key's)." },
        unavailable: notifications
          ? unavailable("The queue (Redis) cannot answer now.", {
              summary: "The queue cannot answer",
              value: { error: { code: "unavailable", message: "the queue did not take it, retry later: Command timed out" } },
            })
          : { description: `Always here: ${NO_QUEUE}`, example: noQueueExample },
      },
    },
    {
      method: "get",
      path: "/v1/rooms/:room",
      operationId: "getRoom",
      tag: "rooms",
      summary: "A room's subscribers and history",
      description:
        "How many sockets are subscribed to the room on the gateways that answered in time (`complete: false`: some did not, the counts " +
        "are a lower bound), and where its history stands (`null` with `HISTORY_SIZE=0`). A key limited by `rooms=` reads only those rooms.",
      pathParams: { room: { description: "The room name, percent-encoded as a path segment.", example: "orders:42", schema: "RoomName" } },
      success: [{
        status: 200,
        name: "RoomState",
        schema: RoomStateResponseSchema,
        description: "The room as the gateways and its history see it now.",
        examples: {
          busy: {
            summary: "Three subscribers on two gateways",
            value: { room: "orders:42", subscribers: 3, gateways: 2, complete: true, gatewaysAsked: 3, gatewaysAnswered: 3, history: { offset: 18, epoch: "lqz3k1-8f2a", size: 18 } },
          },
        },
      }],
      errors: {
        ...v1,
        invalid_request: {
          description: "The path segment is not a valid room name.",
          example: { summary: "A bad room name", value: { error: { code: "invalid_request", message: "room: invalid room name: 1 to 128 of A-Z a-z 0-9 _ - : . @ =", issues: [{ path: "room", message: "invalid room name: 1 to 128 of A-Z a-z 0-9 _ - : . @ =" }] } } },
        },
        forbidden: {
          description: "The room is outside the key's `rooms=`.",
          example: { summary: "A room outside the key's scope", value: { error: { code: "forbidden", message: 'this key may not read room "invoices:1"', issues: [{ path: "room", message: "outside the rooms this key may publish to" }] } } },
        },
        unavailable: unavailable("Redis did not answer (multi-instance).", {
          summary: "Redis did not answer",
          value: { error: { code: "unavailable", message: "cannot read the room now, retry later: Redis did not answer: Command timed out" } },
        }),
      },
    },
  ];
}
