import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { CommonMetrics } from "../metrics/index.js";
import { AppError, createErrorAnswers, createRequestCounter, requestIdFrom, type FastLane } from "../http/index.js";
import { admitByRate } from "./admit-by-rate.js";
import { createKeyAuthenticator } from "./authenticate-key.js";
import type { Caller } from "./caller.js";
import { ENVELOPE_ALLOWANCE_BYTES, MIN_PUBLISH_BODY_LIMIT_BYTES, type PublishAppDeps } from "./create-publish-app.js";
import { checkDeclaredLength } from "./limit-body.js";
import { createPublishHandler } from "./publish-route.js";

export interface FastLaneObservers {
  logger: Logger;
  metrics: Pick<CommonMetrics, "httpRequests" | "countError">;
}

const ROUTE = "/v1/publish";

/**
 * `POST /v1/publish` on Node's own request and response, beside the Hono app that serves every
 * other route: Hono's request and context objects, its middleware chain and its response
 * conversion cost a publish about as much again as everything socket-server itself does for it
 * (bench/README.md, "The publish path, issue 16"). The steps are the Hono app's, in its order,
 * from the same functions: the key, the declared length, the rate, the body, the publish
 * handler, errors rendered the same way. What is rare goes to Hono (the lane answers
 * `undefined`): keys that sign (their check needs the exact bytes and a replay store round
 * trip) and bodies without a Content-Length.
 */
export function createPublishFastLane(deps: PublishAppDeps, { logger, metrics }: FastLaneObservers): FastLane {
  const authenticate = createKeyAuthenticator(deps.apiKeys);
  const handle = createPublishHandler(deps);
  const answerError = createErrorAnswers(logger, () => metrics.countError("internal"));
  const count = createRequestCounter(metrics.httpRequests);
  const maxBytes = Math.max(deps.maxPayloadBytes + ENVELOPE_ALLOWANCE_BYTES, MIN_PUBLISH_BODY_LIMIT_BYTES);

  function send(response: ServerResponse, requestId: string, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "X-Request-Id": requestId, ...headers });
    response.end(text);
    count(ROUTE, status);
  }

  async function publish(request: IncomingMessage, response: ServerResponse, caller: Caller, length: number, requestId: string) {
    try {
      await admitByRate(deps.rateLimiter, caller.id);
      const { status, body } = await handle(caller, parseJson(await readBody(request, length)));
      send(response, requestId, status, body);
    } catch (error) {
      const answer = answerError(error, { path: ROUTE, requestId });
      send(response, requestId, answer.status, answer.body, answer.headers);
    }
  }

  return (request, response) => {
    if (request.method !== "POST" || !isPublishPath(request.url)) return undefined;
    const { headers } = request;
    const declared = headers["content-length"];
    if (declared === undefined || headers["transfer-encoding"] !== undefined) return undefined;
    const requestId = requestIdFrom(headers["x-request-id"]);
    let caller: Caller;
    let length: number;
    try {
      caller = authenticate(headers.authorization);
      if (caller.signingSecret !== undefined) return undefined;
      length = checkDeclaredLength(declared, maxBytes);
    } catch (error) {
      const answer = answerError(error, { path: ROUTE, requestId });
      send(response, requestId, answer.status, answer.body, answer.headers);
      return Promise.resolve();
    }
    return publish(request, response, caller, length, requestId);
  };
}

function isPublishPath(url: string | undefined): boolean {
  return url === ROUTE || (url !== undefined && url.startsWith(`${ROUTE}?`));
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
