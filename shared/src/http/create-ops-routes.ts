import { Hono } from "hono";
import type { Registry } from "prom-client";

export type CheckState = "up" | "down" | "disabled";

export interface OpsRoutesDeps {
  /** Dependency checks for readiness, e.g. `{ redis: "up" }`. */
  checks: () => Promise<Record<string, CheckState>>;
  draining: () => boolean;
  registry: Registry;
}

/**
 * `/health` is liveness only: it must not fail on a Redis blip, or a load balancer would
 * replace every instance at once. `/ready` is what routing decisions should use.
 */
export function createOpsRoutes({ checks, draining, registry }: OpsRoutesDeps): Hono {
  const app = new Hono();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", async (c) => {
    const results = await checks();
    const down = Object.values(results).includes("down");
    const status = draining() ? "draining" : down ? "unavailable" : "ok";
    return c.json({ status, checks: results }, status === "ok" ? 200 : 503);
  });
  app.get("/metrics", async (c) => {
    return c.body(await registry.metrics(), 200, { "Content-Type": registry.contentType });
  });
  return app;
}
