import { ServerResponse, type IncomingMessage } from "node:http";

type Done = (error?: unknown) => void;

/** engine.io's `Server`, as far as this file needs it (engine.io 6.6 internals). */
export interface MiddlewareRunningEngine {
  _applyMiddlewares(req: IncomingMessage, res: unknown, callback: Done): void;
}

/**
 * Lets each WebSocket handshake request be collected once the upgrade is decided.
 *
 * engine.io answers an upgrade with a stand-in response (`WebSocketResponse`) that holds the
 * request and listens for the TCP socket's "close" for as long as the connection lives; that
 * listener's closure kept every handshake `IncomingMessage` (headers, raw headers, socket
 * bookkeeping) alive whatever `conn.request = null` did: a heap snapshot of 200 idle clients
 * showed all 200 retained through `TCP -> Socket._events.close -> closure -> WebSocketResponse.req`,
 * in stock Socket.IO too. The stand-in is only read by engine middlewares (`io.engine.use`):
 * once they have run, its reference to the request is dropped. Plain HTTP responses (polling)
 * end with their request and are left alone.
 */
export function releaseUpgradeRequests(engine: MiddlewareRunningEngine): void {
  if (typeof engine._applyMiddlewares !== "function") throw new Error("engine.io has no _applyMiddlewares: see releaseUpgradeRequests");
  const apply = engine._applyMiddlewares.bind(engine);
  engine._applyMiddlewares = (req, res, callback) => {
    if (res instanceof ServerResponse) return apply(req, res, callback);
    apply(req, res, (error) => {
      (res as { req: IncomingMessage | null }).req = null;
      callback(error);
    });
  };
}
