/**
 * Thrown by a `waitUntil` check when waiting longer cannot help (the process it waits for has
 * exited, say): `waitUntil` rethrows it at once instead of polling on until the deadline.
 */
export class GiveUp extends Error {
  override name = "GiveUp";
}

/**
 * Polls `check` until it returns a truthy value or the deadline passes. An error thrown by the
 * check counts as "not yet" (a server not listening yet refuses the probe), except a `GiveUp`.
 */
export async function waitUntil<T>(check: () => Promise<T> | T, { timeoutMs = 10_000, intervalMs = 50, what = "condition" } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
