import type { HandshakeRefusal } from "@socket-server/shared/events";
import { UnauthorizedError } from "./client-identity.js";
import type { ClientAuthenticator } from "./create-client-authenticator.js";
import type { GatewaySocket } from "./gateway-socket.js";

export type RefusalCode = HandshakeRefusal["code"];
export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

export interface HandshakeGuardDeps {
  authenticate: ClientAuthenticator;
  /** The per-address connection allowance, decided when the engine.io connection opened. */
  admission: (socket: GatewaySocket) => Promise<Admission>;
  draining: () => boolean;
  maxConnections: number;
  connected: () => number;
  onRefused: (code: RefusalCode, socket: GatewaySocket) => void;
}

type Next = (error?: Error) => void;

/**
 * The main namespace's middleware: cheap refusals first (draining, rate, capacity), then the
 * token. A refusal reaches the client as `connect_error` with `err.data = { code, retryable }`.
 */
export function createHandshakeGuard(deps: HandshakeGuardDeps): (socket: GatewaySocket, next: Next) => void {
  const { authenticate, admission, draining, maxConnections, connected } = deps;
  const refuse = (socket: GatewaySocket, next: Next, code: RefusalCode, message: string, retryAfterMs?: number) => {
    deps.onRefused(code, socket);
    const retryable = code !== "unauthorized";
    const data: HandshakeRefusal = { code, retryable, ...(retryable ? { retryAfterMs: retryAfterMs ?? 1000 } : {}) };
    next(Object.assign(new Error(code === "unauthorized" ? "unauthorized" : message), { data: { ...data, message } }));
  };
  const full = () => connected() >= maxConnections;
  const fullMessage = `this instance holds its maximum of ${maxConnections} connections; retry`;

  return async (socket, next) => {
    if (draining()) return refuse(socket, next, "server_draining", "this instance is shutting down; reconnect");
    const admitted = await admission(socket);
    if (!admitted.ok) {
      return refuse(socket, next, "rate_limited", "too many new connections from this address; retry later", admitted.retryAfterMs);
    }
    if (full()) return refuse(socket, next, "server_full", fullMessage);
    try {
      socket.data.identity = await authenticate(socket.handshake.auth);
    } catch (error) {
      // Anything else (a JWKS endpoint down, say) still must not let the client in.
      return refuse(socket, next, "unauthorized", error instanceof UnauthorizedError ? error.message : "token could not be checked");
    }
    // Other handshakes may have completed while the token was being checked.
    if (full()) return refuse(socket, next, "server_full", fullMessage);
    next();
  };
}
