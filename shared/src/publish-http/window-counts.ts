import type { RateDecision } from "./key-rate-limiter.js";

export interface WindowCountsOptions {
  /** Requests per key per one-second window. */
  perSecond: number;
  /** Extra requests per key per ten-second window, taken once a second's allowance is spent. */
  burst: number;
}

/** Counts of one key in one window: what the fleet has counted, and what this process has not yet told it. */
interface Window {
  index: number;
  /** The fleet's count as Redis last answered it (this process's reported requests included). */
  fleet: number;
  /** Counted here, being reported now. */
  sending: number;
  /** Counted here since the last report. */
  unsent: number;
}

/** One window's part of a report: which window, and how many requests since the last report (maybe 0). */
export interface WindowCount {
  index: number;
  count: number;
}

/**
 * What one key has to tell the fleet: its count in the current second and, with a burst, in
 * the current ten seconds, both always (a zero asks for the fleet's count), so a key that
 * spends its second here learns of the burst the others spent.
 */
export interface KeyReport {
  callerId: string;
  steady: WindowCount;
  burst: WindowCount | undefined;
  /** Call with the fleet's counts Redis answered (this report included), or with none when it failed. */
  settle(fleet: { steady: number; burst: number | undefined } | undefined): void;
}

export const STEADY_WINDOW_MS = 1_000;
export const BURST_WINDOW_MS = 10_000;

/**
 * Fixed windows per key, decided from what this process knows: the fleet's count at the last
 * report plus its own since. Every decision is local and synchronous; `reports()` hands what
 * is to be told to the fleet (createKeyRateLimiter sends it to Redis in the background).
 */
export function createWindowCounts({ perSecond, burst }: WindowCountsOptions) {
  const steady = new Map<string, Window>();
  const bursts = new Map<string, Window>();

  const current = (windows: Map<string, Window>, callerId: string, index: number): Window => {
    let window = windows.get(callerId);
    if (!window || window.index !== index) windows.set(callerId, (window = { index, fleet: 0, sending: 0, unsent: 0 }));
    return window;
  };
  const used = (window: Window) => window.fleet + window.sending + window.unsent;

  function take(callerId: string, now: number): RateDecision {
    const second = current(steady, callerId, Math.floor(now / STEADY_WINDOW_MS));
    if (used(second) < perSecond) {
      second.unsent += 1;
      return { allowed: true };
    }
    if (burst > 0) {
      const tenSeconds = current(bursts, callerId, Math.floor(now / BURST_WINDOW_MS));
      if (used(tenSeconds) < burst) {
        tenSeconds.unsent += 1;
        return { allowed: true };
      }
    }
    // The next second brings a new allowance.
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((second.index + 1) * STEADY_WINDOW_MS - now) / 1000)) };
  }

  /** Moves a window's unsent count to `sending`; `settle` takes it out again with the fleet's answer. */
  function send(windows: Map<string, Window>, callerId: string, index: number) {
    const window = current(windows, callerId, index);
    const count = window.unsent;
    window.unsent = 0;
    window.sending += count;
    return {
      count: { index, count },
      settle(fleetCount: number | undefined) {
        // A window that has turned meanwhile holds nothing of this report.
        if (windows.get(callerId) !== window) return;
        window.sending -= count;
        // Unreported (Redis failed): still counted here, so this process keeps its own limit.
        window.fleet = fleetCount === undefined ? window.fleet + count : Math.max(window.fleet + count, fleetCount);
      },
    };
  }

  /** A report for every key counted since the last call. */
  function reports(now: number): KeyReport[] {
    const second = Math.floor(now / STEADY_WINDOW_MS);
    const tenSeconds = Math.floor(now / BURST_WINDOW_MS);
    const keys = new Set<string>();
    for (const [callerId, window] of steady) if (window.unsent > 0) keys.add(callerId);
    for (const [callerId, window] of bursts) if (window.unsent > 0) keys.add(callerId);
    return [...keys].map((callerId) => {
      const steadyPart = send(steady, callerId, second);
      const burstPart = burst > 0 ? send(bursts, callerId, tenSeconds) : undefined;
      return {
        callerId,
        steady: steadyPart.count,
        burst: burstPart?.count,
        settle(fleet) {
          steadyPart.settle(fleet?.steady);
          burstPart?.settle(fleet?.burst);
        },
      };
    });
  }

  return {
    take,
    reports,
  };
}
