import type { ReplayStore } from "./replay-store.js";

/**
 * Single-instance twin of the Redis store. Bounded: at `maxEntries` live claims it refuses
 * new ones (the request gets a 503) rather than forgetting a live one, which would open a replay.
 */
export function createMemoryReplayStore({ maxEntries = 100_000, now = Date.now } = {}): ReplayStore {
  const expiries = new Map<string, number>();

  function sweep(at: number) {
    for (const [id, expiresAt] of expiries) if (expiresAt <= at) expiries.delete(id);
  }

  return {
    async claim(id, ttlMs) {
      const at = now();
      const expiresAt = expiries.get(id);
      if (expiresAt !== undefined && expiresAt > at) return false;
      if (expiries.size >= maxEntries) sweep(at);
      if (expiries.size >= maxEntries) throw new Error(`replay store holds its maximum of ${maxEntries} live signatures`);
      expiries.set(id, at + ttlMs);
      return true;
    },
  };
}
