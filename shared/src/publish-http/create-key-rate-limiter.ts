import type { RedisConnection } from "../redis/create-redis-client.js";
import type { KeyRateLimiter } from "./key-rate-limiter.js";
import { BURST_WINDOW_MS, createWindowCounts, STEADY_WINDOW_MS, type KeyReport, type WindowCount } from "./window-counts.js";

export interface KeyRateLimiterOptions {
  /** Sustained requests per second per key; 0 = no limit. */
  perSecond: number;
  /** Extra requests per key above that rate, at most this many per 10 s. */
  burst: number;
  /** Shares the counts across instances under `<prefix>:rate:`; without it, counts are per process. */
  redis?: { client: RedisConnection; prefix: string } | undefined;
  /** How long counts wait here before they are added to the fleet's. */
  syncIntervalMs?: number;
  onStoreError?: (error: unknown) => void;
  now?: () => number;
}

export const RATE_SYNC_INTERVAL_MS = 50;

/**
 * Fixed one-second windows plus a burst allowance per ten seconds, per key. Every request is
 * decided here, with no Redis round trip: the decision is this process's count plus the
 * fleet's as Redis last told it. Counts go to Redis every `syncIntervalMs` while a key is in
 * use (one INCRBY per key and window, answered with the fleet's total), so the instances of a
 * fleet share one allowance, which they may exceed together by what the others admitted
 * since their last report (docs/security.md, "Rate limits"). A round trip per request had cost
 * publish-api about a third more CPU per publish (bench/README.md, "Ninth round (issue 16)").
 * When Redis cannot answer, each instance goes on counting its own requests against the whole
 * allowance.
 */
export function createKeyRateLimiter(options: KeyRateLimiterOptions): KeyRateLimiter {
  const { perSecond, burst, redis, syncIntervalMs = RATE_SYNC_INTERVAL_MS, onStoreError = () => {}, now = Date.now } = options;
  if (perSecond === 0) return { check: async () => ({ allowed: true }) };
  const counts = createWindowCounts({ perSecond, burst });
  if (!redis) return { check: async (callerId) => counts.take(callerId, now()) };

  const { client, prefix } = redis;
  let timer: NodeJS.Timeout | undefined;
  const sync = () => {
    timer = undefined;
    for (const report of counts.reports(now())) void send(report);
  };
  // INCRBY answers the fleet's count with this report's added; by 0 it only reads it.
  const add = (kind: string, callerId: string, { index, count }: WindowCount, windowMs: number) => {
    const key = `${prefix}:rate:${kind}:${callerId}:${index}`;
    return Promise.all([client.incrby(key, count), client.pexpire(key, windowMs * 2)]).then(([total]) => total);
  };
  async function send(report: KeyReport) {
    try {
      const [steady, burst] = await Promise.all([
        add("s", report.callerId, report.steady, STEADY_WINDOW_MS),
        report.burst && add("b", report.callerId, report.burst, BURST_WINDOW_MS),
      ]);
      report.settle({ steady, burst });
    } catch (error) {
      report.settle(undefined);
      onStoreError(error);
    }
  }

  return {
    async check(callerId) {
      const decision = counts.take(callerId, now());
      // Unref'd: a pending report never keeps the process up, and an idle one sets no timer.
      if (decision.allowed && timer === undefined) timer = setTimeout(sync, syncIntervalMs).unref();
      return decision;
    },
  };
}
