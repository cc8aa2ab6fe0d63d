import type { IncomingMessage } from "node:http";

export type AllowRequest = (request: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => void;

/**
 * engine.io's `allowRequest`: runs on every handshake, polling and WebSocket alike, where CORS
 * headers alone protect nothing (browsers do not apply CORS to WebSocket upgrades). A request
 * without an Origin header comes from a non-browser client, which an origin list cannot
 * constrain anyway; it is allowed and must still present a token.
 */
export function createOriginCheck(origins: readonly string[]): AllowRequest {
  const any = origins.includes("*");
  const allowed = new Set(origins);
  return (request, callback) => {
    const origin = request.headers.origin;
    if (origin === undefined || any || allowed.has(origin)) return callback(null, true);
    callback("origin not allowed", false);
  };
}
