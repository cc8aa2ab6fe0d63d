import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export type ConnectionRateLimiter = (address: string) => Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;

/** New connections per second per client address, counted in this process. */
export function createConnectionRateLimiter({ perSecond }: { perSecond: number }): ConnectionRateLimiter {
  const limiter = new RateLimiterMemory({ points: perSecond, duration: 1 });
  return async (address) => {
    try {
      await limiter.consume(address);
      return { ok: true };
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      return { ok: false, retryAfterMs: Math.max(1, error.msBeforeNext) };
    }
  };
}
