import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Counter } from "prom-client";

/**
 * Counts answers by route pattern (`/v1/notifications/:jobId`, never the raw path, whose ids
 * would make the label set unbounded) and status class.
 */
export function countRequests(counter: Counter<"route" | "status">): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const handler = matchedRoutes(c).findLast((route) => route.method !== "ALL");
    counter.inc({ route: handler?.path ?? "unmatched", status: `${Math.floor(c.res.status / 100)}xx` });
  };
}
