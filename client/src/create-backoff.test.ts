import { describe, expect, it } from "vitest";
import { createBackoff } from "./create-backoff.js";

describe("createBackoff", () => {
  it("doubles from the minimum up to the cap, and starts over after a reset", () => {
    const backoff = createBackoff({ minDelayMs: 100, maxDelayMs: 500, jitter: 0 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 200, 400, 500, 500]);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it("never answers less than the server's retryAfterMs, even above the cap", () => {
    const backoff = createBackoff({ minDelayMs: 100, maxDelayMs: 500, jitter: 0.5, random: () => 0 });
    expect(backoff.next(800)).toBe(800);
    expect(backoff.next(50)).toBe(200);
  });

  it("adds at most the jitter fraction on top", () => {
    const backoff = createBackoff({ minDelayMs: 1000, jitter: 0.5, random: () => 0.999 });
    expect(backoff.next(2000)).toBe(2999);
  });
});
