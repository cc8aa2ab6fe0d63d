import type { Handler } from "hono";
import {
  commonPublishBatch,
  commonPublishRequest,
  PublishBatchRequestSchema,
  PublishRequestSchema,
  type PublishBatchRequest,
  type PublishRequest,
} from "../events/index.js";
import { AppError, readJsonBody, validateBody } from "../http/index.js";
import { PublishUnavailableError, type Publication, type PublishCommand, type Publisher } from "../publishing/index.js";
import { assertPayloadFits } from "./assert-payload-fits.js";
import { assertRoomListsAllowed, assertRoomsAllowed } from "./assert-rooms-allowed.js";
import type { Caller, PublishEnv } from "./caller.js";
import type { PublishAccepted, PublishBatchResult } from "./publish-api-responses.js";

export interface PublishRouteDeps {
  publisher: Publisher;
  maxPayloadBytes: number;
}

/** What `POST /v1/publish` answers when it accepts: 202, or 207 for a batch some of whose messages were not taken. */
export interface PublishAnswer {
  status: 202 | 207;
  body: PublishAccepted | { results: PublishBatchResult[] };
}

/** `POST /v1/publish` on Hono; the fast lane (create-publish-fast-lane.ts) calls the same handler. */
export function publishRoute(deps: PublishRouteDeps): Handler<PublishEnv> {
  const handle = createPublishHandler(deps);
  return async (c) => {
    const { status, body } = await handle(c.get("caller"), await readJsonBody(c));
    return c.json(body, status);
  };
}

/**
 * One publish, or a batch (`{ messages: [...] }`), from the parsed body: validated against the
 * schema its shape asks for, so a single publish is refused with the same messages as before
 * batches existed (the usual shapes by hand first, common-requests.ts). Refusals are thrown as
 * AppErrors.
 */
export function createPublishHandler({ publisher, maxPayloadBytes }: PublishRouteDeps): (caller: Caller, body: unknown) => Promise<PublishAnswer> {
  return async (caller, body) => {
    if (isBatch(body)) return publishBatch(caller, commonPublishBatch(body) ?? validateBody(body, PublishBatchRequestSchema));
    const request = commonPublishRequest(body) ?? validateBody(body, PublishRequestSchema);
    assertRoomsAllowed(caller, request.rooms);
    assertPayloadFits(request.data, maxPayloadBytes);
    const publication = await publisher.publish(commandFor(caller, request)).catch(unlessPublishFailed);
    return { status: 202, body: acceptedBody(publication) };
  };

  /**
   * Refused whole (400, 403, 413) before anything is published. Every message is handed to the
   * publisher in this one turn, so the per-turn batching sends them to Redis in one write, in
   * order: within a room, offsets follow the order of `messages`. Each message then gets its
   * own answer; only when none was taken is the request itself a 503.
   */
  async function publishBatch(caller: Caller, { messages }: PublishBatchRequest): Promise<PublishAnswer> {
    assertRoomListsAllowed(caller, messages.map(({ rooms }) => rooms), (index) => `messages.${index}.rooms`);
    messages.forEach(({ data }, index) => assertPayloadFits(data, maxPayloadBytes, () => `messages.${index}.data`));

    const settled = await Promise.allSettled(messages.map((message) => publisher.publish(commandFor(caller, message))));
    const failures = settled.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as unknown] : []));
    // Anything but "not taken" is a bug: a 500 for the request, as for a single publish.
    const bug = failures.findIndex((reason) => !(reason instanceof PublishUnavailableError));
    if (bug >= 0) throw failures[bug];
    const unavailable = failures as PublishUnavailableError[];
    if (unavailable.length === messages.length) {
      throw new AppError("unavailable", notTaken(unavailable[0]!), {
        retryAfterSeconds: Math.max(...unavailable.map((error) => error.retryAfterSeconds)),
        cause: unavailable[0],
      });
    }
    const results = settled.map((outcome): PublishBatchResult =>
      outcome.status === "fulfilled"
        ? { status: 202, ...acceptedBody(outcome.value) }
        : { status: 503, error: { code: "unavailable", message: notTaken(outcome.reason as PublishUnavailableError) } },
    );
    return { status: unavailable.length === 0 ? 202 : 207, body: { results } };
  }
}

function isBatch(body: unknown): boolean {
  return typeof body === "object" && body !== null && !Array.isArray(body) && Object.hasOwn(body, "messages");
}

/** The key's id scopes its idempotency keys: two keys never collide, and a retry needs the same key. */
function commandFor(caller: Caller, { rooms, event, data, except, idempotencyKey }: PublishRequest): PublishCommand {
  // Field by field: an object spread per message showed in a batch's profile.
  return { rooms, event, data, except, idempotencyKey: idempotencyKey === undefined ? undefined : `${caller.id}:${idempotencyKey}` };
}

function acceptedBody({ id, rooms, offsets }: Publication): PublishAccepted {
  return offsets ? { id, rooms, offsets } : { id, rooms };
}

const notTaken = (error: PublishUnavailableError) => `not accepted, retry later: ${error.message}`;

/** A message the emitter could not hand over is a 503; anything else is a bug, a 500. */
function unlessPublishFailed(error: unknown): never {
  if (!(error instanceof PublishUnavailableError)) throw error;
  throw new AppError("unavailable", notTaken(error), { retryAfterSeconds: error.retryAfterSeconds, cause: error });
}
