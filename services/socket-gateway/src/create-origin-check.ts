import type { IncomingHttpHeaders } from "node:http";

/** Whether a request, by its `Origin` and `Host` headers, may carry a session's traffic. */
export type OriginPolicy = (headers: IncomingHttpHeaders) => boolean;

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
  return ({ origin, host }) => {
    if (origin === undefined || any || allowed.has(origin)) return true;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
  };
}
