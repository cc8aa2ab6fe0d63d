import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Counter } from "prom-client";

/** Counts one answer by route pattern and status. */
export type CountRequest = (route: string, status: number) => void;

/**
 * Answers by route pattern (`/v1/notifications/:jobId`, never the raw path, whose ids would
 * make the label set unbounded) and status class. The labelled children are looked up once per
 * pair: prom-client hashes a label object on every `inc`.
 */
export function createRequestCounter(counter: Counter<"route" | "status">): CountRequest {
  const children = new Map<string, { inc: () => void }>();
  return (route, statusCode) => {
    const status = `${Math.floor(statusCode / 100)}xx`;
    const key = `${status} ${route}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = counter.labels({ route, status })));
    child.inc();
  };
}

/** The Hono middleware counting every answer of an app. */
export function countRequests(count: CountRequest): MiddlewareHandler {
  return async (c, next) => {
    await next();
    count(matchedRoutes(c).findLast((candidate) => candidate.method !== "ALL")?.path ?? "unmatched", c.res.status);
  };
}
