import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { Logger } from "pino";
import type { CommonMetrics } from "../metrics/index.js";
import { countRequests } from "./count-requests.js";
import { handleErrors } from "./handle-errors.js";

/**
 * The base every service's HTTP app starts from: a request id on every request (taken from a
 * sane `X-Request-Id` or generated, echoed back, and in every log line about the request),
 * errors rendered in the contract's shape, and answers counted.
 */
export function createServiceApp({ logger, metrics }: { logger: Logger; metrics: CommonMetrics }): Hono {
  const app = new Hono();
  handleErrors(app, logger, () => metrics.countError("internal"));
  app.use(requestId({ limitLength: 64 }));
  app.use(countRequests(metrics.httpRequests));
  return app;
}
