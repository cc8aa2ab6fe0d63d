import { ServerResponse, type IncomingMessage } from "node:http";

/** Whether a request's `Origin` may carry a session's traffic. */
export type OriginPolicy = (request: IncomingMessage) => boolean;

/**
 * The check exists against cross-site WebSocket hijacking: a page on another site opening a
 * connection with its visitor's browser. Allowed: requests without an `Origin` (not a browser
 * page: apps, servers, CLI tools, which an origin list cannot constrain and which still need a
 * token), origins listed in CORS_ORIGINS (`*` for any), and same-origin requests, whose
 * `Origin` names the host the request was sent to (no other site can make a browser send that;
 * python-socketio sends it on every WebSocket). See docs/security.md, "Origins".
 */
export function createOriginPolicy(origins: readonly string[]): OriginPolicy {
  const any = origins.includes("*");
  const allowed = new Set(origins);
  return (request) => {
    const { origin, host } = request.headers;
    if (origin === undefined || any || allowed.has(origin)) return true;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
  };
}

type Next = (error?: Error) => void;

const REFUSAL = JSON.stringify({ error: { code: "origin_not_allowed", message: "this page's origin may not connect: add it to CORS_ORIGINS" } });

/**
 * An engine.io middleware, so it runs on every request that can carry a session's traffic: the
 * handshake, each long-polling request and the WebSocket upgrade of an existing session
 * (`allowRequest` runs on handshakes only). A polling request is answered `403` with a reason;
 * engine.io answers every refused WebSocket upgrade `400 Bad Request` itself.
 */
export function createOriginGuard(policy: OriginPolicy, onRefused: () => void) {
  return (request: IncomingMessage, response: unknown, next: Next) => {
    if (policy(request)) return next();
    onRefused();
    if (!(response instanceof ServerResponse)) return next(new Error("origin not allowed"));
    response.writeHead(403, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(REFUSAL) }).end(REFUSAL);
  };
}
