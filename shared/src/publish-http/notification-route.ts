import { commonNotificationRequest, NotificationRequestSchema } from "../events/index.js";
import { AppError, validateBody } from "../http/index.js";
import { assertPayloadFits } from "./assert-payload-fits.js";
import { assertRoomsAllowed } from "./assert-rooms-allowed.js";
import type { Caller } from "./caller.js";
import type { NotificationQueue } from "./notification-queue.js";

export interface NotificationHandlerDeps {
  queue: NotificationQueue;
  maxPayloadBytes: number;
  now: () => number;
}

/**
 * `POST /v1/notifications` from the parsed body: validated (the usual shape by hand first,
 * common-requests.ts), the rooms and the payload checked, queued, answered 202 with its jobId.
 * Refusals are thrown as AppErrors. The Hono route and the fast lane
 * (create-publish-fast-lane.ts) both call it.
 */
export function createNotificationHandler({ queue, maxPayloadBytes, now }: NotificationHandlerDeps) {
  return async (caller: Caller, body: unknown): Promise<{ status: 202; body: { jobId: string } }> => {
    const request = commonNotificationRequest(body) ?? validateBody(body, NotificationRequestSchema);
    assertRoomsAllowed(caller, request.rooms);
    assertPayloadFits(request.data, maxPayloadBytes);
    const { jobId } = await queue.enqueue(request, now(), caller.id).catch(asUnavailable);
    return { status: 202, body: { jobId } };
  };
}

/** The queue's client fails in many shapes (timeouts, connection errors): all mean "not now". */
export function asUnavailable(error: unknown): never {
  if (error instanceof AppError) throw error;
  const reason = error instanceof Error ? error.message : String(error);
  throw new AppError("unavailable", `the queue did not take it, retry later: ${reason}`, { retryAfterSeconds: 1, cause: error });
}
