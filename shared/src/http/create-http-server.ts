import { getRequestListener } from "@hono/node-server";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { hardenHttpServer } from "./harden-http-server.js";
import { shedExcessRequests, type LoadShedding } from "./shed-excess-requests.js";

/** The HTTP timeouts every service reads from its environment. */
export interface HttpTimeoutConfig {
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
}

/**
 * Sent on every answer of the services' own routes, errors and 404s included. A JSON API is
 * never framed, rendered or worth caching by a browser, so the strictest values cost nothing.
 * They are set on the Node response rather than by Hono's secureHeaders middleware, which set
 * a dozen headers one by one on a fetch `Headers` object per request, a measurable share of a
 * publish's CPU.
 */
export const SECURE_API_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "Strict-Transport-Security": "max-age=15552000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
};
const secureHeaderEntries = Object.entries(SECURE_API_HEADERS);

/**
 * A route served on Node's own request and response ahead of the fetch handler: it answers
 * (settling once its answer is written) or returns `undefined` to leave the request to it.
 */
export type FastLane = (request: IncomingMessage, response: ServerResponse) => Promise<void> | undefined;

/**
 * A Node HTTP server for a fetch handler (Hono's), hardened against slow clients, not yet
 * listening, refusing the excess under `shedding.pathPrefix` when given, the fast lane's
 * requests (when given) counted in it like the rest. Socket.IO, attached to the gateway's
 * server later, answers its own paths itself.
 */
export function createHttpServer(
  fetch: (request: Request) => Response | Promise<Response>,
  config: HttpTimeoutConfig,
  shedding?: LoadShedding,
  fastLane?: FastLane,
): Server {
  const fetchListener = getRequestListener(fetch);
  const listener = fastLane ? (request: IncomingMessage, response: ServerResponse) => fastLane(request, response) ?? fetchListener(request, response) : fetchListener;
  const handle = shedding ? shedExcessRequests(listener, shedding) : listener;
  const server = createServer((request, response) => {
    for (const [name, value] of secureHeaderEntries) response.setHeader(name, value);
    return handle(request, response);
  });
  hardenHttpServer(server, {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  });
  return server;
}
