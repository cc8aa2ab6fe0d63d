import { createAdaptorServer } from "@hono/node-server";
import type { Server } from "node:http";
import { hardenHttpServer } from "./harden-http-server.js";

/** The HTTP timeouts every service reads from its environment. */
export interface HttpTimeoutConfig {
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
}

/** A Node HTTP server for a fetch handler (Hono's), hardened against slow clients, not yet listening. */
export function createHttpServer(fetch: (request: Request) => Response | Promise<Response>, config: HttpTimeoutConfig): Server {
  const server = createAdaptorServer({ fetch }) as Server;
  hardenHttpServer(server, {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  });
  return server;
}
