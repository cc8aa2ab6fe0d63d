import { io } from "socket.io-client";
import { ClientError } from "./client-error.js";
import { createBackoff } from "./create-backoff.js";
import { createConnectionKeeper } from "./create-connection-keeper.js";
import { createRoomRegistry } from "./create-room-registry.js";
import { createTokenAuth } from "./create-token-auth.js";
import type { Client, ClientOptions } from "./types.js";
import { isDeliveryMeta } from "./wire.js";

const DEFAULT_ACK_TIMEOUT_MS = 15_000;

/**
 * Connects to a socket-server gateway and keeps room subscriptions alive across reconnects and
 * gateway changes, resuming each room from its last position. Connects at once.
 */
export function createClient(url: string, options: ClientOptions = {}): Client {
  const { token, onError = () => {}, retry = {}, ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS } = options;
  let closed = false;
  const report = (error: ClientError) => {
    if (!closed) onError(error);
  };

  const auth = createTokenAuth({
    token,
    isClosed: () => closed,
    onFailure: (cause) => {
      report(new ClientError("token_failed", `the token function failed: ${String(cause)}`, { retryable: true, cause }));
      // No CONNECT can be sent without a token: give this attempt up and try again later.
      socket.disconnect();
      keeper.retryLater();
    },
  });
  const socket = io(url, {
    // Each client its own connection: io() otherwise shares one per URL between clients.
    forceNew: true,
    ...options.socketOptions,
    ...(auth ? { auth } : {}),
  });
  const keeper = createConnectionKeeper({ socket, backoff: createBackoff(retry), onError: report });
  const rooms = createRoomRegistry({ socket, backoff: createBackoff(retry), ackTimeoutMs, onError: report });

  socket.on("connect", () => rooms.connected());
  socket.on("disconnect", () => rooms.disconnected());
  // Publishers choose the event names: route every event by the room its meta names.
  socket.onAny((event: string, data: unknown, meta: unknown) => {
    if (isDeliveryMeta(meta)) rooms.deliver(event, data, meta);
  });

  return {
    subscribe: (room, handler, subscribeOptions = {}) => rooms.add(room, handler as never, subscribeOptions),
    get socket() {
      return socket;
    },
    close() {
      if (closed) return;
      closed = true;
      keeper.stop();
      rooms.close();
      socket.disconnect();
    },
  };
}
