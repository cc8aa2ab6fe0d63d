import { nowMs, sleep } from "./clock.mjs";

/**
 * Sends `count` requests at a fixed rate from a schedule fixed in advance: request k is due at
 * start + k / rate whatever happened to earlier ones (no coordinated omission). Each is stamped
 * with its due time, so lateness here counts against the measured latency, never hides.
 * Returns how late the sender itself ran, to judge whether the client kept up.
 */
export async function runOpenLoop({ rate, count, send, batch = (fn) => fn() }) {
  const intervalMs = 1000 / rate;
  const start = nowMs() + 5;
  let k = 0;
  let worstLagMs = 0;
  while (k < count) {
    const now = nowMs();
    batch(() => {
      while (k < count && start + k * intervalMs <= now) {
        const due = start + k * intervalMs;
        worstLagMs = Math.max(worstLagMs, now - due);
        send(k, due);
        k++;
      }
    });
    if (k < count) await sleep(Math.max(0, start + k * intervalMs - nowMs()));
  }
  return { durationMs: nowMs() - start, worstLagMs };
}
