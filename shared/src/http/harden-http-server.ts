import type { Server } from "node:http";

export interface HttpHardening {
  /** A request's headers must be complete within this long after its first byte. */
  headersTimeoutMs: number;
  /** A request (headers and body) must be fully received within this long. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
}

/**
 * Bounds how long a client may hold a socket without completing a request (slowloris).
 * Call before `listen`: Node reads `connectionsCheckingInterval` when the server starts listening.
 *
 * Both timeouts concern receiving the request only, so a long-polling GET Socket.IO holds open
 * for up to its ping interval, and an upgraded WebSocket (no longer tracked by the HTTP
 * parser), are not cut; the gateway's tests hold both past these timeouts.
 */
export function hardenHttpServer(server: Server, options: HttpHardening): void {
  const headersTimeoutMs = Math.min(options.headersTimeoutMs, options.requestTimeoutMs);
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = options.requestTimeoutMs;
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  // Node checks expiry every 30 s by default, which would let a socket outlive the timeout by that much.
  // Public since Node 18.7 but absent from @types/node's Server.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4)));

  // Node starts the headers clock at the first byte: a connection that never sends one is
  // outside both timeouts and would stay open for good.
  server.on("connection", (socket) => {
    const forget = () => clearTimeout(timer);
    const timer = setTimeout(() => {
      // The check is made once: without this, the "close" listener (and through it this timer,
      // both closures and their context) stayed on every WebSocket for its whole life.
      socket.removeListener("close", forget);
      if (socket.bytesRead === 0) socket.destroy();
    }, headersTimeoutMs);
    timer.unref();
    socket.once("close", forget);
  });
}
