import { ServerResponse, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";

type Done = (error?: unknown) => void;

/** engine.io's `Server`, as far as this file needs it (engine.io 6.6 internals). */
export interface MiddlewareRunningEngine {
  _applyMiddlewares(req: IncomingMessage, res: unknown, callback: Done): void;
}

/** engine.io's stand-in response to a WebSocket upgrade (`WebSocketResponse`). */
interface UpgradeResponse {
  req: IncomingMessage | null;
  socket: Socket;
  listenerCount(event: string): number;
}

/**
 * Lets each WebSocket handshake request, and engine.io's stand-in response to it, be collected
 * once the upgrade is decided.
 *
 * engine.io answers an upgrade with a stand-in response that holds the request and listens for
 * the TCP socket's "close" (for middlewares such as pino-http) for as long as the connection
 * lives; that listener kept every handshake `IncomingMessage` (headers, raw headers, stream
 * state) alive whatever `conn.request = null` did: a heap snapshot of idle clients
 * (bench/experiments/retainers-of.mjs) found every one retained through
 * `TCP -> Socket._events.close -> closure -> WebSocketResponse.req`, in stock Socket.IO too.
 * Only engine middlewares (`io.engine.use`) read the stand-in: once they have run it drops the
 * request, and when none of them listens for its "close" the TCP socket's listener that would
 * emit it goes too (the stand-in, its listener, context and once-wrapper). The snapshot then
 * holds no IncomingMessage and no WebSocketResponse (bench/README.md, "Memory per idle
 * connection").
 * Plain HTTP responses (polling) end with their request and are left alone.
 * Relies on engine.io 6.6.12's `Server#_applyMiddlewares` and its `WebSocketResponse`, named in internals.test.ts.
 */
export function releaseUpgradeRequests(engine: MiddlewareRunningEngine): void {
  if (typeof engine._applyMiddlewares !== "function") throw new Error("engine.io has no _applyMiddlewares: see releaseUpgradeRequests");
  const apply = engine._applyMiddlewares.bind(engine);
  engine._applyMiddlewares = (req, res, callback) => {
    if (res instanceof ServerResponse) return apply(req, res, callback);
    const response = res as UpgradeResponse;
    // The stand-in's constructor runs just before this and adds the socket's latest "close"
    // listener, `() => this.emit("close")`; checked by its text so that another engine.io
    // version leaves the socket alone rather than losing someone else's listener.
    const latest = response.socket.listeners("close").at(-1);
    const forwardClose = latest && /\bemit\("close"\)/.test(String(latest)) ? latest : undefined;
    apply(req, res, (error) => {
      response.req = null;
      if (forwardClose && response.listenerCount("close") === 0) {
        response.socket.removeListener("close", forwardClose as (...args: unknown[]) => void);
      }
      callback(error);
    });
  };
}
