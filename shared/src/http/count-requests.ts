import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Counter } from "prom-client";

/**
 * Counts answers by route pattern (`/v1/notifications/:jobId`, never the raw path, whose ids
 * would make the label set unbounded) and status class. The labelled children are looked up
 * once per pair: prom-client hashes a label object on every `inc`.
 */
export function countRequests(counter: Counter<"route" | "status">): MiddlewareHandler {
  const children = new Map<string, { inc: () => void }>();
  return async (c, next) => {
    await next();
    const route = matchedRoutes(c).findLast((candidate) => candidate.method !== "ALL")?.path ?? "unmatched";
    const status = `${Math.floor(c.res.status / 100)}xx`;
    const key = `${status} ${route}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = counter.labels({ route, status })));
    child.inc();
  };
}
