import type { HandshakeRefusal } from "@socket-server/shared/events";
import { UnauthorizedError } from "./client-identity.js";
import type { ClientAuthenticator } from "./create-client-authenticator.js";
import { ORIGIN_NOT_ALLOWED } from "./create-connection-admission.js";
import type { GatewaySocket } from "./gateway-socket.js";

/** The refusals that do not pass: the client is told why and stays disconnected. */
export type FinalRefusal = "origin_not_allowed" | "unauthorized";

export interface HandshakeGuardDeps {
  /** Whether the socket's session was opened from an origin allowed (read when it opened). */
  fromAllowedOrigin: (socket: GatewaySocket) => boolean;
  authenticate: ClientAuthenticator;
  onRefused: (code: FinalRefusal, socket: GatewaySocket) => void;
}

type Next = (error?: Error) => void;

/**
 * The main namespace's middleware: the origin, then the token. Its refusals are final (a stock
 * socket.io-client does not retry a middleware's error, which is right for these) and reach the
 * client on every transport as `connect_error` with `err.message` the code and
 * `err.data = { code, retryable: false, message }`. Refusals that pass are made earlier, at the
 * transport (create-connection-admission.ts). A page from an origin not allowed thus opens an
 * engine.io session but never the namespace: it can subscribe to nothing.
 */
export function createHandshakeGuard({ fromAllowedOrigin, authenticate, onRefused }: HandshakeGuardDeps): (socket: GatewaySocket, next: Next) => void {
  const refuse = (socket: GatewaySocket, next: Next, code: FinalRefusal, message: string) => {
    onRefused(code, socket);
    const data: HandshakeRefusal & { message: string } = { code, retryable: false, message };
    next(Object.assign(new Error(code), { data }));
  };
  return async (socket, next) => {
    if (!fromAllowedOrigin(socket)) return refuse(socket, next, "origin_not_allowed", ORIGIN_NOT_ALLOWED);
    try {
      socket.data.identity = await authenticate(socket.handshake.auth);
    } catch (error) {
      // Anything else (a JWKS endpoint down, say) still must not let the client in.
      return refuse(socket, next, "unauthorized", error instanceof UnauthorizedError ? error.message : "token could not be checked");
    }
    next();
  };
}
