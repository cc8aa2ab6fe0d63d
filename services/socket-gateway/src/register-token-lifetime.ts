import type { RefreshAck } from "@socket-server/shared/events";
import { UnauthorizedError, userRoom } from "./client-identity.js";
import type { TokenVerifier } from "./create-token-verifier.js";
import type { GatewaySocket } from "./gateway-socket.js";
import { splitAckArgs } from "./split-ack-args.js";

export interface TokenLifetimeOptions {
  verifyToken: TokenVerifier | undefined;
  graceMs: number;
  /** Ends a connection whose token ran out; the client should reconnect with a fresh one. */
  onExpired: (socket: GatewaySocket) => void;
  now?: () => number;
}

// setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days): wait in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A connection lives until its token's `exp` plus a grace period, unless the client sends a
 * fresh token for the same subject with `auth:refresh`. Grants follow the newest token: rooms
 * it no longer covers are left.
 */
export function registerTokenLifetime(socket: GatewaySocket, options: TokenLifetimeOptions): void {
  const { verifyToken, graceMs, onExpired, now = Date.now } = options;
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    clearTimeout(timer);
    const { expiresAt } = socket.data.identity;
    if (expiresAt === undefined) return;
    const wait = expiresAt + graceMs - now();
    if (wait <= 0) return onExpired(socket);
    timer = setTimeout(schedule, Math.min(wait, MAX_TIMER_MS));
    // Connections never keep the process alive on their own.
    timer.unref();
  };
  schedule();
  socket.on("disconnect", () => clearTimeout(timer));

  socket.on("auth:refresh", async (...args: unknown[]) => {
    const [token, ack] = splitAckArgs<RefreshAck>(args);
    const current = socket.data.identity;
    if (current.sub === undefined || !verifyToken) {
      return ack({ ok: false, error: { code: "forbidden", message: "an anonymous connection has no token to refresh; reconnect with one" } });
    }
    let next;
    try {
      next = await verifyToken(token);
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      return ack({ ok: false, error: { code: "unauthorized", message: error.message } });
    }
    if (next.sub !== current.sub) {
      return ack({ ok: false, error: { code: "forbidden", message: "the new token is for another subject; reconnect instead" } });
    }
    if (!socket.connected) return;
    socket.data.identity = next;
    const fixed = [socket.id, userRoom(next.sub!)];
    for (const room of socket.rooms) {
      if (!fixed.includes(room) && !next.mayRead(room)) void socket.leave(room);
    }
    schedule();
    ack({ ok: true, expiresAt: next.expiresAt! });
  });
}
