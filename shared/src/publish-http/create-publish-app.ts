import { Hono } from "hono";
import type { PublishKeyConfig } from "./publish-keys.js";
import { AppError, readJsonBody } from "../http/index.js";
import type { Publisher } from "../publishing/index.js";
import { limitBody } from "./limit-body.js";
import { admitByRate } from "./admit-by-rate.js";
import type { PublishEnv } from "./caller.js";
import { createPublishDocsApp } from "./create-publish-docs-app.js";
import type { KeyRateLimiter } from "./key-rate-limiter.js";
import type { NotificationQueue } from "./notification-queue.js";
import type { ReplayStore } from "./replay-store.js";
import type { ReadRoomState } from "./room-state.js";
import { asUnavailable, createNotificationHandler } from "./notification-route.js";
import { publishRoute } from "./publish-route.js";
import { roomStateRoute } from "./room-state-route.js";
import { requireApiKey } from "./require-api-key.js";
import { verifySignature } from "./verify-signature.js";

export interface PublishAppDeps {
  publisher: Publisher;
  /** Absent in single-instance mode: notifications need Redis. */
  notifications: NotificationQueue | undefined;
  apiKeys: readonly PublishKeyConfig[];
  rateLimiter: KeyRateLimiter;
  /** Remembers used signatures; only consulted for keys that sign. */
  replayStore: ReplayStore;
  /** `GET /v1/rooms/:room`: the room's sockets (this process's, or the fleet's over Redis) and history. */
  roomState: ReadRoomState;
  maxPayloadBytes: number;
  now?: () => number;
}

// Room lists, `except` ids and JSON punctuation around `data`: the body may exceed `data` by this much.
export const ENVELOPE_ALLOWANCE_BYTES = 128 * 1024;
/**
 * POST /v1/publish takes batches of up to 100 messages, so its body may be this large whatever
 * MAX_PAYLOAD_BYTES (or MAX_PAYLOAD_BYTES + 128 KiB, as on every route, when that is larger): a
 * batch of large messages has to be a smaller batch.
 */
export const MIN_PUBLISH_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The `/v1` routes; the HTTP transport of the publishing use-case and of the queue. Mount it
 * on an app that renders errors (`createServiceApp`). It has no error handler of its own on
 * purpose: Hono wraps every handler of a sub-app that has one in a fresh composition on every
 * request, a large share of what a publish allocates (bench/README.md, "The publish path").
 */
export function createPublishApp(deps: PublishAppDeps): Hono<PublishEnv> {
  const { publisher, notifications, maxPayloadBytes, now = Date.now } = deps;
  const app = new Hono<PublishEnv>();
  const bodyLimitBytes = maxPayloadBytes + ENVELOPE_ALLOWANCE_BYTES;
  const publishBodyLimitBytes = Math.max(bodyLimitBytes, MIN_PUBLISH_BODY_LIMIT_BYTES);
  // Its document and docs page, outside /v1: no key needed.
  app.route("/", createPublishDocsApp({ maxPayloadBytes, bodyLimitBytes, publishBodyLimitBytes, notifications: notifications !== undefined }));

  // Excess load is refused before it gets here, by the HTTP server (PUBLISH_MAX_IN_FLIGHT).
  app.use("/v1/*", requireApiKey(deps.apiKeys));
  const [limitPublish, limitOthers] = [limitBody(publishBodyLimitBytes), limitBody(bodyLimitBytes)];
  app.use("/v1/*", (c, next) => (c.req.path === "/v1/publish" ? limitPublish : limitOthers)(c, next));
  // After the body limit (it reads the body) and before the rate limit, so requests with a bad
  // signature cannot spend a signing key's allowance.
  app.use("/v1/*", verifySignature({ replayStore: deps.replayStore, now }));
  // Per request, a batch counting as one: the limit holds off floods of requests, and what one
  // request may carry is bounded by the batch size and the body limit.
  app.use("/v1/*", async (c, next) => {
    await admitByRate(deps.rateLimiter, c.get("caller").id);
    await next();
  });

  app.post("/v1/publish", publishRoute({ publisher, maxPayloadBytes }));

  // Without a queue (single instance) every notification is a 503, whatever its body.
  const notify = notifications && createNotificationHandler({ queue: notifications, maxPayloadBytes, now });
  app.post("/v1/notifications", async (c) => {
    if (!notify) noQueue();
    const { status, body } = await notify(c.get("caller"), await readJsonBody(c));
    return c.json(body, status);
  });

  app.get("/v1/notifications/:jobId", async (c) => {
    const queue = notifications ?? noQueue();
    const jobId = c.req.param("jobId");
    const status = await queue.status(jobId, c.get("caller").id).catch(asUnavailable);
    if (!status) throw new AppError("not_found", `no notification with jobId ${JSON.stringify(jobId)}`);
    return c.json(status, 200);
  });

  app.get("/v1/rooms/:room", roomStateRoute(deps.roomState));

  return app;
}

function noQueue(): never {
  throw new AppError(
    "unavailable",
    "notifications need Redis: run the multi-instance topology (publish-api and worker with REDIS_URL)",
    { retryAfterSeconds: 60 },
  );
}
