import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./parse-duration.mjs";

describe("parseDuration", () => {
  it("reads seconds, minutes, hours and days, and bare seconds", () => {
    expect([parseDuration("90s"), parseDuration("30m"), parseDuration("1h"), parseDuration("7d"), parseDuration("45")]).toEqual([90, 1800, 3600, 604_800, 45]);
  });

  it("refuses what it cannot read and durations that are not positive", () => {
    for (const text of ["", "soon", "1w", "-5m", "1.5h", "0", "0h"]) expect(parseDuration(text), text).toBeUndefined();
  });
});

describe("formatDuration", () => {
  it("says a duration back in its largest units", () => {
    expect([formatDuration(3600), formatDuration(5400), formatDuration(90), formatDuration(86_400 + 1)]).toEqual(["1h", "1h 30m", "1m 30s", "1d 1s"]);
  });
});
