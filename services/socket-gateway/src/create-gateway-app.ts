import type { Hono } from "hono";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createServiceApp, type CheckState } from "@socket-server/shared/http";
import type { CommonMetrics } from "@socket-server/shared/metrics";
import type { PublishApi } from "./topology/topology.js";

export interface GatewayAppDeps {
  logger: Logger;
  registry: Registry;
  metrics: CommonMetrics;
  redisCheck: () => Promise<CheckState>;
  draining: () => boolean;
  /** Mounted in single-instance mode, where this process is also the publish API. */
  publishApp?: PublishApi["app"] | undefined;
  /** Socket.IO's Admin UI page, when ADMIN_USERNAME and ADMIN_PASSWORD are set (admin-ui/). */
  adminUiApp?: Hono | undefined;
}

/** Everything the gateway answers over plain HTTP; Socket.IO takes `/socket.io/` before this. */
export function createGatewayApp(deps: GatewayAppDeps): Hono {
  const app = createServiceApp({
    logger: deps.logger,
    metrics: deps.metrics,
    registry: deps.registry,
    checks: async () => ({ redis: await deps.redisCheck() }),
    draining: deps.draining,
  });
  if (deps.publishApp) app.route("/", deps.publishApp);
  if (deps.adminUiApp) app.route("/", deps.adminUiApp);
  return app;
}
