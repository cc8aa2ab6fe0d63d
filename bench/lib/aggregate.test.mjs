import { describe, expect, it } from "vitest";
import { aggregate, medianRun, medianSpread, summarizeStep } from "./aggregate.mjs";

const worseP99 = (a, b) => a.p99 - b.p99;

describe("medianSpread", () => {
  it("gives the median (the mean of the middle two for an even count), min and max, skipping what was not measured", () => {
    expect(medianSpread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(medianSpread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(medianSpread([null, 5, Number.NaN, undefined, Infinity])).toEqual({ median: 5, min: 5, max: 5, n: 1 });
    expect(medianSpread([null])).toEqual({ median: null, min: null, max: null, n: 0 });
  });

  it("aggregates each named field over the runs", () => {
    expect(aggregate([{ p: 1 }, { p: 9 }, { p: 5 }], { p99: (run) => run.p })).toEqual({ p99: { median: 5, min: 1, max: 9, n: 3 } });
  });
});

describe("medianRun", () => {
  it("of two valid runs is the worse, of three the middle one", () => {
    expect(medianRun([{ valid: true, p99: 5 }, { valid: true, p99: 9 }], worseP99).p99).toBe(9);
    expect(medianRun([{ valid: true, p99: 9 }, { valid: true, p99: 1 }, { valid: true, p99: 5 }], worseP99).p99).toBe(5);
  });

  it("ranks invalid runs worst: one invalid of two spoils the step, of three two must be", () => {
    expect(medianRun([{ valid: true, p99: 5 }, { valid: false, p99: 1 }], worseP99).valid).toBe(false);
    expect(medianRun([{ valid: true, p99: 5 }, { valid: true, p99: 6 }, { valid: false, p99: 1 }], worseP99)).toEqual({ valid: true, p99: 6 });
    expect(medianRun([{ valid: true, p99: 5 }, { valid: false, p99: 6 }, { valid: false, p99: 1 }], worseP99).valid).toBe(false);
  });
});

describe("summarizeStep", () => {
  it("spreads over the valid runs only, and over all of them when none was valid", () => {
    const fields = { p99: (run) => run.p99 };
    const mixed = summarizeStep([{ valid: true, p99: 5 }, { valid: false, p99: 100 }, { valid: true, p99: 7 }], worseP99, fields);
    expect(mixed).toMatchObject({ valid: true, p99: 7, runs: 3, validRuns: 2, spread: { p99: { min: 5, max: 7 } } });
    const spoiled = summarizeStep([{ valid: false, p99: 5 }, { valid: false, p99: 9 }], worseP99, fields);
    expect(spoiled).toMatchObject({ valid: false, validRuns: 0, spread: { p99: { min: 5, max: 9, n: 2 } } });
  });
});
