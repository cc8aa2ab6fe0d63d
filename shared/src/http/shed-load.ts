import type { MiddlewareHandler } from "hono";
import { AppError } from "./app-error.js";

/**
 * Answers 503 at once when `maxInFlight` requests are already being handled. Past its capacity
 * a process that admits everything falls behind until every request times out (the benchmark
 * saw accepted publishes drop from 4,000/s to 1,300/s at twice the load); refusing the excess
 * early keeps the accepted rate near capacity and tells callers to come back.
 */
export function shedLoad(maxInFlight: number): MiddlewareHandler {
  let inFlight = 0;
  return async (_c, next) => {
    if (inFlight >= maxInFlight) {
      throw new AppError("unavailable", "too many requests in progress, retry later", { retryAfterSeconds: 1 });
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  };
}
