import { AppError } from "../http/index.js";
import type { KeyRateLimiter } from "./key-rate-limiter.js";

/** Resolves when the key is within its rate, else a 429 with how long to wait. */
export async function admitByRate(rateLimiter: KeyRateLimiter, callerId: string): Promise<void> {
  const decision = await rateLimiter.check(callerId);
  if (!decision.allowed) {
    throw new AppError("rate_limited", "this key is over its request rate, retry later", { retryAfterSeconds: decision.retryAfterSeconds });
  }
}
