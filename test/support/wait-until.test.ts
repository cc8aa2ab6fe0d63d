import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GiveUp, waitUntil } from "./wait-until.js";

// On a fake clock: "at once" means before any time passes, "at the deadline" means not before it.
describe("waitUntil", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Starts waiting and records how the wait ended, without awaiting it. */
  function start(check: () => unknown, options: { timeoutMs: number; intervalMs: number }) {
    const outcome: { settled: boolean; value?: unknown; error?: unknown } = { settled: false };
    void waitUntil(check, { ...options, what: "the probe" }).then(
      (value) => Object.assign(outcome, { settled: true, value }),
      (error: unknown) => Object.assign(outcome, { settled: true, error }),
    );
    return outcome;
  }

  it("fails at once, with the check's own error, when the check gives up", async () => {
    let calls = 0;
    const outcome = start(() => {
      calls++;
      throw new GiveUp("exited with 1");
    }, { timeoutMs: 20_000, intervalMs: 50 });
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome.settled).toBe(true);
    expect(outcome.error).toBeInstanceOf(GiveUp);
    expect((outcome.error as Error).message).toBe("exited with 1");
    expect(calls).toBe(1);
  });

  it("gives up on the first GiveUp even after ordinary errors", async () => {
    let calls = 0;
    const outcome = start(() => {
      if (++calls < 3) throw new Error("not listening yet");
      throw new GiveUp("exited with 1");
    }, { timeoutMs: 20_000, intervalMs: 50 });
    await vi.advanceTimersByTimeAsync(100);
    expect(outcome.settled).toBe(true);
    expect(outcome.error).toBeInstanceOf(GiveUp);
    expect(calls).toBe(3);
  });

  it("retries a check that throws an ordinary error until the deadline, then times out", async () => {
    let calls = 0;
    const outcome = start(() => {
      calls++;
      throw new Error("not listening yet");
    }, { timeoutMs: 1000, intervalMs: 50 });
    await vi.advanceTimersByTimeAsync(999);
    expect(outcome.settled).toBe(false);
    expect(calls).toBeGreaterThanOrEqual(19);
    await vi.advanceTimersByTimeAsync(100);
    expect(outcome.settled).toBe(true);
    expect((outcome.error as Error).message).toBe("timed out after 1000 ms waiting for the probe");
    expect(outcome.error).not.toBeInstanceOf(GiveUp);
  });

  it("returns the check's value once it passes after ordinary errors", async () => {
    let calls = 0;
    const outcome = start(() => {
      if (++calls < 4) throw new Error("not listening yet");
      return "healthy";
    }, { timeoutMs: 1000, intervalMs: 50 });
    await vi.advanceTimersByTimeAsync(150);
    expect(outcome).toEqual({ settled: true, value: "healthy" });
    expect(calls).toBe(4);
  });
});
