export interface BackoffOptions {
  /** The first delay (default 500 ms). */
  minDelayMs?: number;
  /** Doubling stops here (default 10 s); a server's own `retryAfterMs` may still be longer. */
  maxDelayMs?: number;
  /** Up to this fraction is added at random (default 0.5), so refused clients do not return in step. */
  jitter?: number;
  random?: () => number;
}

export interface Backoff {
  /** The next delay: doubling from the minimum up to the cap, never below `hintMs`, plus jitter. */
  next(hintMs?: number): number;
  reset(): void;
}

export function createBackoff({ minDelayMs = 500, maxDelayMs = 10_000, jitter = 0.5, random = Math.random }: BackoffOptions = {}): Backoff {
  let attempt = 0;
  return {
    next(hintMs) {
      const exponential = Math.min(maxDelayMs, minDelayMs * 2 ** attempt);
      attempt = Math.min(attempt + 1, 30);
      // The server knows when it will admit us: its hint wins over our cap.
      const base = Math.max(exponential, hintMs ?? 0);
      // Jitter only adds, so a hint is never undercut.
      return Math.round(base * (1 + jitter * random()));
    },
    reset() {
      attempt = 0;
    },
  };
}
