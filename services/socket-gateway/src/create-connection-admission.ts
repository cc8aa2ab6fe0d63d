import type { IncomingMessage } from "node:http";
import type { ConnectionRateLimiter } from "./create-connection-rate-limiter.js";
import type { OriginPolicy } from "./create-origin-check.js";
import { refuseEngineRequest } from "./socket-io-internals/refuse-engine-request.js";

/** A refusal before any Socket.IO packet: the request is answered with an HTTP status. */
export type TransportRefusal = "origin_not_allowed" | "server_draining" | "rate_limited" | "server_full";

export interface ConnectionAdmissionDeps {
  originAllowed: OriginPolicy;
  /** Whether `sid` is a live session opened from an allowed origin: one worth hijacking. */
  admittedSession: (sid: string) => boolean;
  draining: () => boolean;
  rateLimit: ConnectionRateLimiter;
  addressOf: (request: IncomingMessage) => string;
  maxConnections: number;
  /** engine.io connections open now, handshakes not yet authenticated included. */
  connections: () => number;
  onRefused: (code: TransportRefusal) => void;
}

type Next = (error?: Error) => void;

export const ORIGIN_NOT_ALLOWED = "this page's origin may not connect: add it to CORS_ORIGINS";

// Long enough that a refused client does not come straight back, short enough to stay unnoticed.
const PASSING_RETRY_AFTER_MS = 1000;

/**
 * An engine.io middleware, so it runs on every request that can carry a session's traffic: each
 * handshake, each long-polling request and each WebSocket upgrade, of a new session or of an
 * existing one (`allowRequest` would see handshakes only). A request of an existing session (with
 * a `sid`) must come from an allowed origin, so that no request can carry an admitted session's
 * traffic from another site; a new session must pass the draining, per-address and capacity
 * checks. A new session from an origin not allowed is let open, and refused for good by the
 * Socket.IO middleware, in words the page can read even over a WebSocket (create-handshake-guard.ts).
 *
 * Refusals that pass are answered here, at the transport, rather than by the Socket.IO
 * middleware: a stock socket.io-client treats an HTTP error on its handshake as a transport
 * failure and reconnects by itself with its backoff, while it gives up for good after a
 * middleware's `connect_error` (CONTRACT.md, "Refusals a client retries by itself"). The body
 * says why to a client that can read it (long-polling); a browser's WebSocket sees only failure.
 */
export function createConnectionAdmission(deps: ConnectionAdmissionDeps) {
  const { originAllowed, admittedSession, draining, rateLimit, addressOf, maxConnections, connections, onRefused } = deps;
  const refuse = (response: unknown, code: TransportRefusal, status: 403 | 429 | 503, message: string, retryAfterMs?: number) => {
    onRefused(code);
    const retryable = retryAfterMs !== undefined;
    const error = { code, message, retryable, ...(retryable ? { retryAfterMs } : {}) };
    const headers: Record<string, string> = retryable ? { "Retry-After": String(Math.ceil(retryAfterMs / 1000)) } : {};
    refuseEngineRequest(response, { status, body: JSON.stringify({ error }), headers });
  };

  return (request: IncomingMessage, response: unknown, next: Next) => {
    const sid = sessionOf(request);
    if (sid !== undefined) {
      // A session opened from another origin goes on, so that its CONNECT meets the final
      // refusal; an unknown one is engine.io's to refuse.
      if (originAllowed(request.headers) || !admittedSession(sid)) return next();
      return refuse(response, "origin_not_allowed", 403, ORIGIN_NOT_ALLOWED);
    }
    if (draining()) return refuse(response, "server_draining", 503, "this instance is shutting down; reconnect", PASSING_RETRY_AFTER_MS);
    void rateLimit(addressOf(request)).then((admitted) => {
      if (!admitted.ok) return refuse(response, "rate_limited", 429, "too many new connections from this address; retry later", admitted.retryAfterMs);
      // Read after the asynchronous rate check, as near to the session's creation as a middleware
      // gets: a burst may overshoot by the handshakes in flight, which is all a soft cap needs.
      if (connections() >= maxConnections) {
        return refuse(response, "server_full", 503, `this instance holds its maximum of ${maxConnections} connections; retry`, PASSING_RETRY_AFTER_MS);
      }
      next();
    }, next);
  };
}

/** The engine.io session a request belongs to; none for a request that opens one. */
function sessionOf(request: IncomingMessage): string | undefined {
  const query = request.url?.split("?", 2)[1];
  return query === undefined ? undefined : (new URLSearchParams(query).get("sid") ?? undefined);
}
