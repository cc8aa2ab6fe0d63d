import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export type ConnectionRateLimiter = (address: string) => Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;

export interface ConnectionRateLimits {
  /** New connections per second per address, sustained. */
  perSecond: number;
  /** New connections one address may open beyond that at once, refilled over BURST_WINDOW_SECONDS; 0 = none. */
  burst: number;
}

/** How long an address's burst allowance takes to come back once spent. */
export const BURST_WINDOW_SECONDS = 10;

/**
 * New connections per client address, counted in this process. The burst exists for the
 * reconnect storm: when a gateway dies, every client of one address behind a NAT comes back
 * within a second or two, and each refusal costs it a backoff (docs/security.md, "Limits").
 */
export function createConnectionRateLimiter({ perSecond, burst }: ConnectionRateLimits): ConnectionRateLimiter {
  const steady = new RateLimiterMemory({ points: perSecond, duration: 1 });
  const limiter = burst > 0 ? new BurstyRateLimiter(steady, new RateLimiterMemory({ points: burst, duration: BURST_WINDOW_SECONDS })) : steady;
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
