import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { CommonMetrics } from "../metrics/index.js";
import { AppError, createErrorAnswers, createRequestCounter, requestIdFrom, SECURE_API_HEADERS, type FastLane } from "../http/index.js";
import { admitByRate } from "./admit-by-rate.js";
import { createKeyAuthenticator } from "./authenticate-key.js";
import type { Caller } from "./caller.js";
import { ENVELOPE_ALLOWANCE_BYTES, MIN_PUBLISH_BODY_LIMIT_BYTES, type PublishAppDeps } from "./create-publish-app.js";
import { checkDeclaredLength } from "./limit-body.js";
import { createNotificationHandler } from "./notification-route.js";
import { createPublishHandler } from "./publish-route.js";

export interface FastLaneObservers {
  logger: Logger;
  metrics: Pick<CommonMetrics, "httpRequests" | "countError">;
}

/** A POST route of the lane: its path, its body limit, and what it makes of a caller's parsed body. */
interface LaneRoute {
  path: string;
  maxBytes: number;
  handle: (caller: Caller, body: unknown) => Promise<{ status: number; body: unknown }>;
}

/**
 * `POST /v1/publish` and `POST /v1/notifications` on Node's own request and response, beside
 * the Hono app that serves every other route: Hono's request and context objects, its
 * middleware chain and its response conversion cost a publish about as much again as
 * everything socket-server itself does for it (bench/README.md, "Ninth round (issue 16)").
 * The steps are the Hono app's, in its order, from the same functions: the key, the declared
 * length, the rate, the body, the route's handler, errors rendered the same way. What is rare
 * goes to Hono (the lane answers `undefined`): keys that sign (their check needs the exact bytes
 * and a replay store round trip), bodies without a Content-Length, and notifications where there
 * is no queue (Hono answers those 503 whatever the body).
 */
export function createPublishFastLane(deps: PublishAppDeps, { logger, metrics }: FastLaneObservers): FastLane {
  const authenticate = createKeyAuthenticator(deps.apiKeys);
  const answerError = createErrorAnswers(logger, () => metrics.countError("internal"));
  const count = createRequestCounter(metrics.httpRequests);
  const bodyLimit = deps.maxPayloadBytes + ENVELOPE_ALLOWANCE_BYTES;
  const routes: LaneRoute[] = [{ path: "/v1/publish", maxBytes: Math.max(bodyLimit, MIN_PUBLISH_BODY_LIMIT_BYTES), handle: createPublishHandler(deps) }];
  if (deps.notifications) {
    const handle = createNotificationHandler({ queue: deps.notifications, maxPayloadBytes: deps.maxPayloadBytes, now: deps.now ?? Date.now });
    routes.push({ path: "/v1/notifications", maxBytes: bodyLimit, handle });
  }

  function send(response: ServerResponse, route: LaneRoute, requestId: string, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    response.writeHead(status, { ...SECURE_API_HEADERS, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "X-Request-Id": requestId, ...headers });
    response.end(text);
    count(route.path, status);
  }
  function sendError(response: ServerResponse, route: LaneRoute, requestId: string, error: unknown) {
    const answer = answerError(error, { path: route.path, requestId });
    send(response, route, requestId, answer.status, answer.body, answer.headers);
  }

  async function serve(request: IncomingMessage, response: ServerResponse, route: LaneRoute, caller: Caller, length: number, requestId: string) {
    try {
      await admitByRate(deps.rateLimiter, caller.id);
      const { status, body } = await route.handle(caller, parseJson(await readBody(request, length)));
      send(response, route, requestId, status, body);
    } catch (error) {
      sendError(response, route, requestId, error);
    }
  }

  return (request, response) => {
    const route = request.method === "POST" ? routes.find(({ path }) => isPath(request.url, path)) : undefined;
    if (!route) return undefined;
    const { headers } = request;
    const declared = headers["content-length"];
    if (declared === undefined || headers["transfer-encoding"] !== undefined) return undefined;
    const requestId = requestIdFrom(headers["x-request-id"]);
    let caller: Caller;
    let length: number;
    try {
      caller = authenticate(headers.authorization);
      if (caller.signingSecret !== undefined) return undefined;
      length = checkDeclaredLength(declared, route.maxBytes);
    } catch (error) {
      sendError(response, route, requestId, error);
      return Promise.resolve();
    }
    return serve(request, response, route, caller, length, requestId);
  };
}

function isPath(url: string | undefined, path: string): boolean {
  return url === path || (url !== undefined && url.startsWith(`${path}?`));
}

/**
 * The body's bytes as text: Node's parser delivers exactly the declared length. A request cut
 * off before its end settles too (`close` comes without `end`), so no answer is left pending.
 */
function readBody(request: IncomingMessage, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    // `close` follows `end` too: the error (and its stack) only for a body that did not end.
    const cut = () => ended || reject(new AppError("invalid_request", "the request ended before its body"));
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks, length).toString());
    });
    request.on("error", cut);
    request.on("close", cut);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_request", "body is not valid JSON");
  }
}
