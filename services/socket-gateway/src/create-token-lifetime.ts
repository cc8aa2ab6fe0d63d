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
  /** How often due connections are looked for: a connection ends up to this much after its deadline. */
  tickMs?: number;
}

/**
 * A connection lives until its token's `exp` plus a grace period, unless the client sends a
 * fresh token for the same subject with `auth:refresh`. Grants follow the newest token: rooms
 * it no longer covers are left.
 *
 * Returns what attaches this to a socket. Deadlines sit in one-tick buckets swept by a single
 * interval, which runs only while some connection has a token: a token holder costs a Set entry
 * instead of a `Timeout` and the closures around it (bench/README.md, "Memory per idle
 * connection"), and an anonymous socket carries neither a timer nor a `disconnect` listener.
 * The handlers are shared by every socket (they find theirs in `this`).
 */
export function createTokenLifetime(options: TokenLifetimeOptions): (socket: GatewaySocket) => void {
  const { verifyToken, graceMs, onExpired, now = Date.now, tickMs = 1000 } = options;
  const buckets = new Map<number, Set<GatewaySocket>>();
  let interval: NodeJS.Timeout | undefined;
  let swept = 0;

  const bucketOf = (socket: GatewaySocket) => {
    const { expiresAt } = socket.data.identity;
    return expiresAt === undefined ? undefined : Math.ceil((expiresAt + graceMs) / tickMs);
  };

  const sweep = () => {
    const due = Math.floor(now() / tickMs);
    for (; swept < due; ) {
      swept++;
      const bucket = buckets.get(swept);
      if (!bucket) continue;
      buckets.delete(swept);
      for (const socket of bucket) onExpired(socket);
    }
    if (buckets.size === 0) {
      clearInterval(interval);
      interval = undefined;
    }
  };

  const schedule = (socket: GatewaySocket) => {
    const key = bucketOf(socket);
    if (key === undefined) return;
    const { expiresAt } = socket.data.identity;
    if (expiresAt! + graceMs - now() <= 0) return onExpired(socket);
    if (!interval) {
      swept = Math.floor(now() / tickMs);
      interval = setInterval(sweep, tickMs);
      // Connections never keep the process alive on their own.
      interval.unref();
    }
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = new Set()));
    bucket.add(socket);
  };

  const unschedule = (socket: GatewaySocket) => {
    const key = bucketOf(socket);
    const bucket = key === undefined ? undefined : buckets.get(key);
    if (!bucket) return;
    bucket.delete(socket);
    if (bucket.size === 0) buckets.delete(key!);
  };

  function forget(this: GatewaySocket) {
    unschedule(this);
  }

  async function refresh(this: GatewaySocket, ...args: unknown[]) {
    const [token, ack] = splitAckArgs<RefreshAck>(args);
    const current = this.data.identity;
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
    if (!this.connected) return;
    unschedule(this);
    this.data.identity = next;
    const fixed = [this.id, userRoom(next.sub!)];
    for (const room of this.rooms) {
      if (!fixed.includes(room) && !next.mayRead(room)) void this.leave(room);
    }
    schedule(this);
    ack({ ok: true, expiresAt: next.expiresAt! });
  }

  return (socket) => {
    socket.on("auth:refresh", refresh);
    if (socket.data.identity.expiresAt === undefined) return;
    // Only a token holder can refresh, so only one is ever in a bucket.
    socket.on("disconnect", forget);
    schedule(socket);
  };
}
