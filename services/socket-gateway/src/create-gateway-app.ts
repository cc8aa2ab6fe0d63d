import { Hono } from "hono";
import type { Logger } from "pino";
import type { Counter, Registry } from "prom-client";
import { countRequests, createOpsRoutes, handleErrors, type CheckState } from "@socket-server/shared/http";

export interface GatewayAppDeps {
  logger: Logger;
  registry: Registry;
  requestCounter: Counter<"route" | "status">;
  onInternalError: () => void;
  redisCheck: () => Promise<CheckState>;
  draining: () => boolean;
  /** Mounted in single-instance mode, where this process is also the publish API. */
  // Its context carries the authenticated caller; the gateway only mounts it.
  publishApp?: Hono<any> | undefined;
}

/** Everything the gateway answers over plain HTTP; Socket.IO takes `/socket.io/` before this. */
export function createGatewayApp(deps: GatewayAppDeps): Hono {
  const app = new Hono();
  handleErrors(app, deps.logger, deps.onInternalError);
  app.use(countRequests(deps.requestCounter));
  app.route("/", createOpsRoutes({ checks: async () => ({ redis: await deps.redisCheck() }), draining: deps.draining, registry: deps.registry }));
  if (deps.publishApp) app.route("/", deps.publishApp);
  return app;
}
