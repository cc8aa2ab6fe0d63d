import { getRequestListener } from "@hono/node-server";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { hardenHttpServer } from "./harden-http-server.js";
import { SECURE_API_HEADERS } from "./secure-api-headers.js";
import { shedExcessRequests, type LoadShedding } from "./shed-excess-requests.js";

/** The HTTP timeouts every service reads from its environment. */
export interface HttpTimeoutConfig {
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
}

/**
 * A route served on Node's own request and response ahead of the fetch handler: it answers
 * (settling once its answer is written, SECURE_API_HEADERS among its headers) or returns
 * `undefined`, having written nothing, to leave the request to it.
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
  const secureHeaderEntries = Object.entries(SECURE_API_HEADERS);
  // The fast lane and the shedding's refusal write the secure headers with their own answer in
  // one writeHead; six setHeader calls per request were a visible share of a publish's CPU.
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const served = fastLane?.(request, response);
    if (served) return served;
    for (const [name, value] of secureHeaderEntries) response.setHeader(name, value);
    return fetchListener(request, response);
  };
  const server = createServer(shedding ? shedExcessRequests(listener, shedding) : listener);
  hardenHttpServer(server, {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  });
  return server;
}
