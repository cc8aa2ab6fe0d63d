import { expect } from "vitest";

/**
 * With Redis already frozen and a 500 ms command timeout: starts one batch of calls, a second
 * 200 ms later, and expects every call to fail, each batch within the timeout of its own start.
 * A second batch queued behind the first (as ioredis's auto-pipelining does) would fail only
 * after the first had timed out, about 1,000 ms in.
 */
export async function expectBatchesFailOnTheirOwnClock(startBatch: (name: string) => Promise<unknown>[]): Promise<void> {
  const started = performance.now();
  // Settles when the batch's last call fails.
  const batchFailedAfterMs = (name: string) =>
    Promise.allSettled(startBatch(name)).then((results) => {
      expect(results.every((result) => result.status === "rejected")).toBe(true);
      return performance.now() - started;
    });
  const first = batchFailedAfterMs("frozen-1");
  await new Promise((resolve) => setTimeout(resolve, 200));
  const second = batchFailedAfterMs("frozen-2");
  const [firstMs, secondMs] = await Promise.all([first, second]);
  expect(firstMs).toBeGreaterThanOrEqual(450);
  expect(firstMs).toBeLessThan(900);
  expect(secondMs).toBeLessThan(850);
}
