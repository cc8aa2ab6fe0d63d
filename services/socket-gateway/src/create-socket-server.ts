import type { Server as HttpServer } from "node:http";
import { Server, type ServerOptions } from "socket.io";
import type { Logger } from "pino";
import { registerSubscriptions } from "./register-subscriptions.js";

export interface SocketServerDeps {
  httpServer: HttpServer;
  logger: Logger;
  maxConnections: number;
  /** True once shutdown began: new handshakes are refused so clients go to another instance. */
  draining: () => boolean;
  adapter?: ServerOptions["adapter"];
  onRefused?: (code: "server_full" | "server_draining") => void;
}

// Clients only send subscribe/unsubscribe; 100 room names fit well within this.
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

export function createSocketServer(deps: SocketServerDeps): Server {
  const { httpServer, logger, maxConnections, draining, adapter, onRefused = () => {} } = deps;
  const io = new Server(httpServer, {
    serveClient: false,
    // Compression would defeat engine.io's encode-once broadcast and costs memory per socket.
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
    ...(adapter ? { adapter } : {}),
  });

  // The handshake request (headers, buffers) would otherwise stay referenced for the life of
  // every connection: about a third of the memory an idle socket costs.
  io.engine.on("connection", (raw: { request: unknown }) => {
    raw.request = null;
  });

  io.use((_socket, next) => {
    if (draining()) {
      onRefused("server_draining");
      return next(refusal("server_draining", "this instance is shutting down; reconnect"));
    }
    if (io.of("/").sockets.size >= maxConnections) {
      onRefused("server_full");
      return next(refusal("server_full", `this instance holds its maximum of ${maxConnections} connections; retry`));
    }
    next();
  });

  io.on("connection", (socket) => {
    registerSubscriptions(socket);
    logger.debug({ socketId: socket.id }, "client connected");
  });

  return io;
}

/** A handshake refusal the client sees as `connect_error` with `err.data.code`. */
function refusal(code: string, message: string): Error {
  return Object.assign(new Error(message), { data: { code, retryable: true, retryAfterMs: 1000 } });
}
