import { requestIdFrom } from "./request-id.js";
import { SECURE_API_HEADERS } from "./secure-api-headers.js";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface LoadShedding {
  /** Requests under `pathPrefix` being handled at once; one more is refused with 503. */
  maxInFlight: number;
  /** Only these paths are limited, so `/health`, `/ready` and `/metrics` answer under overload. */
  pathPrefix: string;
  /** Called for every refusal, for metrics. */
  onShed?: () => void;
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => unknown;

const BODY = JSON.stringify({ error: { code: "unavailable", message: "too many requests in progress, retry later" } });
const HEADERS = { ...SECURE_API_HEADERS, "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(BODY)), "Retry-After": "1" };

/**
 * Refuses requests past `maxInFlight` before the framework sees them. Past its capacity a
 * process must refuse the excess for far less than it costs to accept a request, or refusing
 * takes the core: inside Hono a refusal (routing, context, an error, a rendered body) costs
 * nearly what a publish does, and the accepted rate collapses under overload (bench/README.md,
 * "Refusing excess publishes before Hono"). Here a refusal is a canned answer; the request body
 * is left unread (Node discards it once the answer is sent, keeping the connection usable).
 */
export function shedExcessRequests(handle: RequestListener, options: LoadShedding): RequestListener {
  const { maxInFlight, pathPrefix, onShed = () => {} } = options;
  let inFlight = 0;
  const finished = () => {
    inFlight--;
  };
  return (request, response) => {
    if (!request.url?.startsWith(pathPrefix)) return handle(request, response);
    if (inFlight >= maxInFlight) {
      onShed();
      response.writeHead(503, { ...HEADERS, "X-Request-Id": requestIdFrom(request.headers["x-request-id"]) }).end(BODY);
      return;
    }
    inFlight++;
    // The listener settles once its answer is written (or failed), errors included.
    return Promise.resolve(handle(request, response)).then(finished, finished);
  };
}
