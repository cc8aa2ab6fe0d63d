import { MAX_EXCEPT_PER_PUBLISH, MAX_MESSAGES_PER_BATCH, MAX_NOTIFICATION_DELAY_MS, MAX_ROOMS_PER_PUBLISH, ROOM_NAME_RULE } from "../events/index.js";
import type { ErrorCode } from "../http/index.js";
import type { Example, PublishApiOperationsOptions } from "./publish-api-operations.js";
import type { ErrorBody } from "./publish-api-responses.js";
import { SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER, SIGNATURE_VERSION } from "./sign-request.js";
import { SIGNATURE_WINDOW_SECONDS } from "./verify-signature.js";

/**
 * What the request schemas' refinements check and JSON Schema cannot say, by property name;
 * `{maxPayloadBytes}` and `{maxDepth}` are filled in. A test requires one for every property.
 */
export const PROPERTY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  room: "One room to publish to (or give `rooms`).",
  rooms: `1 to ${MAX_ROOMS_PER_PUBLISH} rooms (or give \`room\`); duplicates are published once.`,
  event: "The event name subscribers listen for.",
  data:
    "Any JSON value, `null` included (required): delivered exactly as sent. At most {maxPayloadBytes} bytes serialized " +
    '(`MAX_PAYLOAD_BYTES`), objects and arrays nested at most {maxDepth} levels, no `"__proto__"` keys.',
  except: `Up to ${MAX_EXCEPT_PER_PUBLISH} Socket.IO socket ids that must not receive it (e.g. the one whose action caused it).`,
  idempotencyKey:
    "Per publishing key: a retry with the same key within `IDEMPOTENCY_TTL_SECONDS` gets the first answer again and stores nothing again.",
  messages:
    `1 to ${MAX_MESSAGES_PER_BATCH} publishes, each as a single one is written, published in this order and answered in this order ` +
    "in `results`. One invalid message, one room outside the key's scope or one `data` too large refuses the whole batch.",
  delayMs: `Milliseconds to wait before the first delivery attempt, 0 to ${MAX_NOTIFICATION_DELAY_MS} (7 days).`,
  attempts: "Delivery attempts before the job fails, with exponential backoff from 1 s between them.",
  jobId: "Your id for the job, unique per key: the same `jobId` is enqueued once while the earlier job is kept. 1 to 128 of A-Z a-z 0-9 _ - . @ =, not only digits.",
};

const error = (code: ErrorCode, summary: string, message: string, issues?: ErrorBody["error"]["issues"]): Example => ({
  summary,
  value: { error: { code, message, ...(issues ? { issues } : {}) } } satisfies ErrorBody,
});
const ROOM_MESSAGE = `invalid room name: ${ROOM_NAME_RULE}`;

/** One answer of each code, as the app writes it. */
export const ERROR_EXAMPLES: Readonly<Record<ErrorCode, Example>> = {
  invalid_request: error("invalid_request", "A bad room name", `rooms.0: ${ROOM_MESSAGE}`, [{ path: "rooms.0", message: ROOM_MESSAGE }]),
  unauthorized: error("unauthorized", "No key", "missing bearer key: send `Authorization: Bearer <key>`"),
  forbidden: error("forbidden", "A room outside the key's scope", 'this key may not publish to room "invoices:1"', [{ path: "rooms.1", message: "outside the rooms this key may publish to" }]),
  not_found: error("not_found", "Unknown job", 'no notification with jobId "reminder-order-42"'),
  payload_too_large: error("payload_too_large", "Data too large", "data is 70000 bytes serialized; the limit is 65536"),
  rate_limited: error("rate_limited", "Over the key's rate", "this key is over its request rate, retry later"),
  unavailable: error("unavailable", "Redis did not take it", "not accepted, retry later: Redis did not store the message"),
  internal: error("internal", "A bug", "internal error"),
};

/** `x-signature` as HTTP documentation writes it: `X-Signature`. */
const headerName = (name: string) => name.replace(/(^|-)\w/g, (start) => start.toUpperCase());

/** The document's components other than schemas: bearer keys, the signing headers, response headers. */
export const COMPONENTS = {
  securitySchemes: {
    bearerAuth: { type: "http", scheme: "bearer", description: "One of the keys in `PUBLISH_API_KEYS`." },
  },
  // No examples: "Try it out" would send them, and a made-up signature is refused.
  parameters: {
    SignatureTimestamp: {
      name: headerName(SIGNATURE_TIMESTAMP_HEADER),
      in: "header",
      required: false,
      description: `Required for keys configured with \`signing-secret=\`: Unix time in whole seconds (e.g. \`1700000000\`), within ${SIGNATURE_WINDOW_SECONDS} s of the server's clock.`,
      schema: { type: "string", pattern: "^\\d{1,12}$" },
    },
    Signature: {
      name: headerName(SIGNATURE_HEADER),
      in: "header",
      required: false,
      description:
        `Required for keys configured with \`signing-secret=\`: \`${SIGNATURE_VERSION}=\` and the lowercase hex HMAC-SHA256, under the signing secret, ` +
        `of the timestamp header, a \`.\`, and the exact bytes of the body. Each signature is accepted once: sign every attempt anew.`,
      schema: { type: "string", pattern: `^${SIGNATURE_VERSION}=[0-9a-fA-F]{64}$` },
    },
  },
  headers: {
    RetryAfter: { description: "Seconds to wait before retrying.", required: true, schema: { type: "integer", minimum: 1 } },
    RequestId: { description: "The request's `X-Request-Id` when it sent a sane one, else a generated id; in every log line about the request.", schema: { type: "string" } },
  },
};

export const TAGS = [
  { name: "publish", description: "Deliver events to Socket.IO rooms now." },
  { name: "notifications", description: "Deliver them later, through the queue and the worker." },
  { name: "rooms", description: "What a room holds." },
];

/** The document's introduction, for this server. */
export function describeApi({ maxPayloadBytes, notifications }: PublishApiOperationsOptions): string {
  return [
    "Publish events to Socket.IO rooms over HTTP. Every `/v1` route needs `Authorization: Bearer <key>` (one of `PUBLISH_API_KEYS`);",
    "a key may be limited to rooms (`rooms=`: anything else is `403`) and may be required to sign its POSTs (`signing-secret=`: the `X-Signature` headers).",
    "",
    `This server: \`data\` up to ${maxPayloadBytes} bytes serialized; notifications ${notifications ? "enabled (Redis and the worker)" : "unavailable (single instance: no Redis)"}.`,
    "",
    "Every error has one shape, `{ \"error\": { \"code\", \"message\", \"issues\"? } }`; the `code` follows from the status.",
    "`429` and `503` carry `Retry-After`. This document is generated from the schemas the routes validate with.",
  ].join("\n");
}
