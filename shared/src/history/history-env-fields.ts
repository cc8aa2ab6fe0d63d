import { envInteger } from "../config/index.js";
import type { HistorySettings } from "./room-history.js";

/** Fields of every service that publishes or delivers; all of one deployment must agree. */
export function historyEnvFields() {
  return {
    // Messages kept per room; 0 turns history off (at-most-once delivery, as before it existed).
    HISTORY_SIZE: envInteger(100, { min: 0, max: 10_000 }),
    // A room's messages are dropped this long after its latest one.
    HISTORY_TTL_SECONDS: envInteger(300, { min: 1, max: 7 * 24 * 60 * 60 }),
    IDEMPOTENCY_TTL_SECONDS: envInteger(300, { min: 1, max: 7 * 24 * 60 * 60 }),
  };
}

interface HistoryConfig {
  HISTORY_SIZE: number;
  HISTORY_TTL_SECONDS: number;
  IDEMPOTENCY_TTL_SECONDS: number;
}

/** The history settings a config asks for, or none when HISTORY_SIZE is 0. */
export function historySettings(config: HistoryConfig): HistorySettings | undefined {
  if (config.HISTORY_SIZE === 0) return undefined;
  return { size: config.HISTORY_SIZE, ttlSeconds: config.HISTORY_TTL_SECONDS, idempotencyTtlSeconds: config.IDEMPOTENCY_TTL_SECONDS };
}
