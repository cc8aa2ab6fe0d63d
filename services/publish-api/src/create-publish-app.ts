import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import { NotificationRequestSchema, PublishRequestSchema } from "@socket-server/shared/events";
import { AppError, handleErrors, parseJsonBody } from "@socket-server/shared/http";
import { PublishUnavailableError, type Publisher } from "@socket-server/shared/publishing";
import { assertPayloadFits } from "./assert-payload-fits.js";
import type { NotificationQueue } from "./notification-queue.js";
import { requireApiKey } from "./require-api-key.js";

export interface PublishAppDeps {
  publisher: Publisher;
  /** Absent in single-instance mode: notifications need Redis. */
  notifications: NotificationQueue | undefined;
  apiKeys: readonly string[];
  maxPayloadBytes: number;
  logger: Logger;
  now?: () => number;
  onInternalError?: () => void;
}

// Room lists, `except` ids and JSON punctuation around `data`: the body may exceed `data` by this much.
const ENVELOPE_ALLOWANCE_BYTES = 128 * 1024;

/** The `/v1` routes; the HTTP transport of the publishing use-case and of the queue. */
export function createPublishApp(deps: PublishAppDeps): Hono {
  const { publisher, notifications, maxPayloadBytes, now = Date.now } = deps;
  const app = new Hono();
  handleErrors(app, deps.logger, deps.onInternalError);

  app.use("/v1/*", requireApiKey(deps.apiKeys));
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: maxPayloadBytes + ENVELOPE_ALLOWANCE_BYTES,
      onError: () => {
        throw new AppError("payload_too_large", `body is larger than ${maxPayloadBytes + ENVELOPE_ALLOWANCE_BYTES} bytes`);
      },
    }),
  );

  app.post("/v1/publish", async (c) => {
    const request = await parseJsonBody(c, PublishRequestSchema);
    assertPayloadFits(request.data, maxPayloadBytes);
    const publication = await publisher.publish(request).catch(unlessPublishFailed);
    return c.json({ id: publication.id, rooms: publication.rooms }, 202);
  });

  app.post("/v1/notifications", async (c) => {
    const queue = requireQueue(notifications);
    const request = await parseJsonBody(c, NotificationRequestSchema);
    assertPayloadFits(request.data, maxPayloadBytes);
    const { jobId } = await queue.enqueue(request, now()).catch(asUnavailable);
    return c.json({ jobId }, 202);
  });

  app.get("/v1/notifications/:jobId", async (c) => {
    const queue = requireQueue(notifications);
    const jobId = c.req.param("jobId");
    const status = await queue.status(jobId).catch(asUnavailable);
    if (!status) throw new AppError("not_found", `no notification with jobId ${JSON.stringify(jobId)}`);
    return c.json(status, 200);
  });

  return app;
}

function requireQueue(queue: NotificationQueue | undefined): NotificationQueue {
  if (queue) return queue;
  throw new AppError(
    "unavailable",
    "notifications need Redis: run the multi-instance topology (publish-api and worker with REDIS_URL)",
    { retryAfterSeconds: 60 },
  );
}

/** A message the emitter could not hand over is a 503; anything else is a bug, a 500. */
function unlessPublishFailed(error: unknown): never {
  if (!(error instanceof PublishUnavailableError)) throw error;
  throw new AppError("unavailable", `not accepted, retry later: ${error.message}`, {
    retryAfterSeconds: error.retryAfterSeconds,
    cause: error,
  });
}

/** The queue's client fails in many shapes (timeouts, connection errors): all mean "not now". */
function asUnavailable(error: unknown): never {
  if (error instanceof AppError) throw error;
  const reason = error instanceof Error ? error.message : String(error);
  throw new AppError("unavailable", `the queue did not take it, retry later: ${reason}`, { retryAfterSeconds: 1, cause: error });
}
