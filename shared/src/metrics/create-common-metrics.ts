import { Counter, Gauge, type Registry } from "prom-client";
import { ERROR_KINDS, METRIC, type ErrorKind } from "./metric-names.js";

export interface CommonMetrics {
  published: Counter<"transport">;
  errors: Counter<"kind">;
  httpRequests: Counter<"route" | "status">;
  countError(kind: ErrorKind): void;
}

/** Metrics every service has, whether or not it publishes. */
export function createCommonMetrics(registry: Registry): CommonMetrics {
  const published = new Counter({
    name: METRIC.messagesPublished,
    help: "Publications accepted (Redis or the local server took them), by transport",
    labelNames: ["transport"],
    registers: [registry],
  });
  const errors = new Counter({
    name: METRIC.errors,
    help: "Errors by kind",
    labelNames: ["kind"],
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: METRIC.httpRequests,
    help: "HTTP requests answered, by route pattern and status class",
    labelNames: ["route", "status"],
    registers: [registry],
  });
  // Series exist from the start at zero, so ratios and alerts work before the first error.
  for (const kind of ERROR_KINDS) errors.inc({ kind }, 0);
  return { published, errors, httpRequests, countError: (kind) => errors.inc({ kind }) };
}

/** 1 while the client's connection is ready, 0 otherwise; read at scrape time. */
export function trackRedisUp(registry: Registry, isUp: () => boolean): void {
  new Gauge({
    name: METRIC.redisUp,
    help: "1 while this process's Redis connections are up",
    registers: [registry],
    collect() {
      this.set(isUp() ? 1 : 0);
    },
  });
}
