export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Requests per key; shared through Redis across publish-api instances, in memory otherwise. */
export interface KeyRateLimiter {
  check(callerId: string): Promise<RateDecision>;
}
