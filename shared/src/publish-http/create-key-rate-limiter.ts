import type { RedisConnection } from "../redis/create-redis-client.js";
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { withTimeout } from "../redis/index.js";
import type { KeyRateLimiter } from "./key-rate-limiter.js";

export interface KeyRateLimiterOptions {
  /** Sustained requests per second per key; 0 = no limit. */
  perSecond: number;
  /** Extra requests per key above that rate, at most this many per 10 s. */
  burst: number;
  /** Shares the counts across instances under `<prefix>:rate:`; without it, counts are per process. */
  redis?: { client: RedisConnection; prefix: string } | undefined;
  /** A slow limiter must not make every publish slow: past this, the request goes through. */
  timeoutMs?: number;
  onStoreError?: (error: unknown) => void;
}

const BURST_WINDOW_SECONDS = 10;

/**
 * Fixed one-second windows plus a burst allowance (rate-limiter-flexible's BurstyRateLimiter).
 * When Redis cannot answer, the limiter fails open: the publish that follows needs the same
 * Redis and answers 503 itself, whereas failing closed would turn a blip into 429s or 500s.
 */
export function createKeyRateLimiter(options: KeyRateLimiterOptions): KeyRateLimiter {
  const { perSecond, burst, redis, timeoutMs = 200, onStoreError = () => {} } = options;
  if (perSecond === 0) return { check: async () => ({ allowed: true }) };

  const make = (points: number, duration: number, name: string): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({ storeClient: redis.client, keyPrefix: `${redis.prefix}:rate:${name}`, points, duration })
      : new RateLimiterMemory({ keyPrefix: name, points, duration });
  const steady = make(perSecond, 1, "s");
  const limiter = burst > 0 ? new BurstyRateLimiter(steady, make(burst, BURST_WINDOW_SECONDS, "b")) : steady;

  return {
    async check(callerId) {
      try {
        await withTimeout(limiter.consume(callerId), timeoutMs);
        return { allowed: true };
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
        }
        onStoreError(error);
        return { allowed: true };
      }
    },
  };
}
