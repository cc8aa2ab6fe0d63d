import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { CommonMetrics } from "../metrics/index.js";
import { countRequests, createRequestCounter } from "./count-requests.js";
import { createOpsRoutes, type CheckState } from "./create-ops-routes.js";
import { handleErrors } from "./handle-errors.js";

export interface ServiceAppDeps {
  logger: Logger;
  metrics: CommonMetrics;
  registry: Registry;
  /** Readiness checks, e.g. `{ redis: "up" }`. */
  checks: () => Promise<Record<string, CheckState>>;
  draining: () => boolean;
}

/**
 * The base every service's HTTP app starts from: a request id on every request (taken from a
 * sane `X-Request-Id` or generated, echoed back, and in every log line about the request),
 * errors rendered in the contract's shape, answers counted, and `/health`, `/ready`, `/metrics`.
 */
export function createServiceApp({ logger, metrics, registry, checks, draining }: ServiceAppDeps): Hono {
  const app = new Hono();
  handleErrors(app, logger, () => metrics.countError("internal"));
  app.use(requestId({ limitLength: 64 }));
  app.use(countRequests(createRequestCounter(metrics.httpRequests)));
  app.route("/", createOpsRoutes({ checks, draining, registry }));
  return app;
}
