import { Hono } from "hono";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createOpsRoutes, handleErrors, type CheckState } from "@socket-server/shared/http";

export interface GatewayAppDeps {
  logger: Logger;
  registry: Registry;
  redisCheck: () => Promise<CheckState>;
  draining: () => boolean;
  /** Mounted in single-instance mode, where this process is also the publish API. */
  publishApp?: Hono;
}

/** Everything the gateway answers over plain HTTP; Socket.IO takes `/socket.io/` before this. */
export function createGatewayApp({ logger, registry, redisCheck, draining, publishApp }: GatewayAppDeps): Hono {
  const app = new Hono();
  handleErrors(app, logger);
  app.route("/", createOpsRoutes({ checks: async () => ({ redis: await redisCheck() }), draining, registry }));
  if (publishApp) app.route("/", publishApp);
  return app;
}
