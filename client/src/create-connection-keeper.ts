import type { Socket } from "socket.io-client";
import { ClientError } from "./client-error.js";
import type { Backoff } from "./create-backoff.js";
import { isHandshakeRefusal, transportRefusal } from "./wire.js";

export interface ConnectionKeeperDeps {
  socket: Socket;
  backoff: Backoff;
  onError: (error: ClientError) => void;
}

export interface ConnectionKeeper {
  /** Tries to connect again later (after `hintMs` at the earliest), unless socket.io-client already is. */
  retryLater(hintMs?: number): void;
  stop(): void;
}

/**
 * Keeps the socket connected where socket.io-client gives up. After a transport failure it
 * reconnects by itself (`socket.active` stays true), and the gateway makes its refusals that pass
 * transport failures; it does not after a refusal from the gateway's middleware (`connect_error`
 * with `err.data`) nor after `io server disconnect` (DEPENDENCY-NOTES.md, "Found since"). For a
 * middleware refusal marked retryable (an older gateway's) and for `io server disconnect`, the
 * keeper calls `connect()` again after `retryAfterMs`, backing off, with jitter.
 */
export function createConnectionKeeper({ socket, backoff, onError }: ConnectionKeeperDeps): ConnectionKeeper {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  function retryLater(hintMs?: number) {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!stopped && !socket.connected && !socket.active) socket.connect();
    }, backoff.next(hintMs));
  }

  socket.on("connect", () => backoff.reset());

  socket.on("connect_error", (error: Error & { data?: unknown }) => {
    if (stopped) return;
    const { data } = error;
    if (socket.active) {
      // socket.io-client retries a transport failure itself, with its own backoff: the refusals
      // that pass (rate_limited, server_full, server_draining) come this way.
      const refusal = transportRefusal(error);
      const code = refusal?.code ?? "connect_failed";
      onError(new ClientError(code, refusal?.message ?? error.message, { retryable: true, retryAfterMs: refusal?.retryAfterMs, cause: error }));
      return;
    }
    if (!isHandshakeRefusal(data)) {
      onError(new ClientError("refused", error.message, { retryable: false, cause: error }));
      return;
    }
    const message = data.message ?? error.message;
    onError(new ClientError(data.code, message, { retryable: data.retryable, retryAfterMs: data.retryAfterMs, cause: error }));
    if (data.retryable) retryLater(data.retryAfterMs);
  });

  socket.on("disconnect", (reason) => {
    if (stopped || reason !== "io server disconnect") return;
    onError(new ClientError("server_disconnect", "the gateway closed the connection", { retryable: true }));
    retryLater();
  });

  return {
    retryLater,
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
