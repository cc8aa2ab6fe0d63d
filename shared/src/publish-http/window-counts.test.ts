import { describe, expect, it } from "vitest";
import { createWindowCounts } from "./window-counts.js";

const allowed = { allowed: true };

describe("window counts per key", () => {
  it("allows the second's allowance, then the burst, then refuses until the next second", () => {
    const counts = createWindowCounts({ perSecond: 2, burst: 1 });
    const at = 5_000_100;
    expect([counts.take("k", at), counts.take("k", at), counts.take("k", at)]).toEqual([allowed, allowed, allowed]);
    expect(counts.take("k", at + 10)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // A new second: its allowance again, but the burst is spent for the ten seconds.
    expect([counts.take("k", at + 1_000), counts.take("k", at + 1_000)]).toEqual([allowed, allowed]);
    expect(counts.take("k", at + 1_000).allowed).toBe(false);
    expect(counts.take("other", at + 1_000)).toEqual(allowed);
  });

  it("reports what it counted once, and decides from the fleet's count Redis answers", () => {
    const counts = createWindowCounts({ perSecond: 5, burst: 0 });
    const at = 7_000_000;
    counts.take("k", at);
    counts.take("k", at);
    const [report, ...others] = counts.reports(at);
    expect(others).toEqual([]);
    expect(report).toMatchObject({ callerId: "k", steady: { index: 7_000, count: 2 }, burst: undefined });
    expect(counts.reports(at)).toEqual([]);
    // Another instance took 3 of the 5: with our 2, the second is spent.
    report!.settle({ steady: 5, burst: undefined });
    expect(counts.take("k", at + 500)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("reports both windows of a key, so spending the second here learns of the burst spent elsewhere", () => {
    const counts = createWindowCounts({ perSecond: 1, burst: 2 });
    expect(counts.take("k", 0)).toEqual(allowed);
    const [report] = counts.reports(0);
    expect(report).toMatchObject({ steady: { index: 0, count: 1 }, burst: { index: 0, count: 0 } });
    report!.settle({ steady: 1, burst: 2 });
    expect(counts.take("k", 10).allowed).toBe(false);
  });

  it("keeps counting a report Redis did not take, so the process keeps its own limit", () => {
    const counts = createWindowCounts({ perSecond: 2, burst: 0 });
    counts.take("k", 0);
    counts.take("k", 0);
    for (const report of counts.reports(0)) report.settle(undefined);
    expect(counts.take("k", 10).allowed).toBe(false);
  });

  it("counts requests taken while a report is on its way, and ignores its answer once the window turned", () => {
    const counts = createWindowCounts({ perSecond: 3, burst: 0 });
    counts.take("k", 0);
    const [report] = counts.reports(0);
    counts.take("k", 1);
    counts.take("k", 2);
    expect(counts.take("k", 3).allowed).toBe(false);
    report!.settle({ steady: 1, burst: undefined });
    expect(counts.take("k", 4).allowed).toBe(false);
    // The answer for a window that has passed changes nothing in the new one.
    const late = counts.reports(5);
    expect(counts.take("k", 1_000)).toEqual(allowed);
    for (const entry of late) entry.settle({ steady: 100, burst: undefined });
    expect([counts.take("k", 1_001), counts.take("k", 1_002)]).toEqual([allowed, allowed]);
  });
});
