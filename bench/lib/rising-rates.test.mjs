import { describe, expect, it } from "vitest";
import { climbRates, KNEE_P99_MS } from "./rising-rates.mjs";

/** A made-up measurement: p99 by rate, and which (rate, attempt) pairs come out invalid. */
function fakePhase({ p99At, invalid = () => undefined }) {
  const calls = [];
  const runPhase = async ({ rate, messages }) => {
    calls.push({ rate, messages });
    const attempt = calls.filter((call) => call.rate === rate).length - 1;
    const reason = invalid(rate, attempt);
    const p99 = p99At(rate);
    return {
      rate,
      valid: reason === undefined,
      reasons: reason === undefined ? [] : [reason],
      ownClientCpuPct: 10,
      latency: { p50: p99 / 2, p99 },
      deliveriesPerSecond: rate,
      serverCpuPct: 0,
      clientCpuPct: 0,
      serverCoreOthersPct: 0,
      serverCpuUsPerPublish: 1,
    };
  };
  return { runPhase, calls };
}

const climb = (rates, fake, repeats = 1) => climbRates({ rates, stepMs: 1000, repeats, phase: {}, log: () => {}, label: "test", runPhase: fake.runPhase });

describe("climbRates", () => {
  it("stops at the first step past the p99 limit: the knee is the last that passed, half-knee the last at or under half of it", async () => {
    const fake = fakePhase({ p99At: (rate) => (rate >= 4000 ? KNEE_P99_MS + 1 : 10) });
    const result = await climb([500, 1000, 2000, 3000, 4000, 8000], fake);
    expect(result).toMatchObject({ kneeRate: 3000, reached: true, stoppedBy: `p99 ${KNEE_P99_MS + 1} ms > ${KNEE_P99_MS} ms` });
    expect(result.halfKnee.rate).toBe(1000);
    // The warm-up, then one run per step up to the one that failed; 8000 is never tried.
    expect(fake.calls.map((call) => call.rate)).toEqual([500, 500, 1000, 2000, 3000, 4000]);
    expect(fake.calls[2].messages).toBe(1000);
  });

  it("reports an unreached knee when the top rate passes", async () => {
    const result = await climb([100, 200], fakePhase({ p99At: () => 5 }));
    expect(result).toMatchObject({ kneeRate: 200, reached: false, stoppedBy: null });
  });

  it("has no knee when the first step fails, and stops on an invalid step whatever its p99", async () => {
    expect(await climb([100, 200], fakePhase({ p99At: () => 999 }))).toMatchObject({ kneeRate: null, halfKnee: null, reached: true });
    const lost = await climb([100, 200, 400], fakePhase({ p99At: () => 5, invalid: (rate) => (rate === 200 ? "lost 3 of 200" : undefined) }));
    expect(lost).toMatchObject({ kneeRate: 100, stoppedBy: "lost 3 of 200" });
  });

  it("runs a step spoiled by other processes again, at most twice, but not one our own clients spoiled", async () => {
    const disturbed = fakePhase({ p99At: () => 5, invalid: (rate, attempt) => (rate === 200 && attempt < 2 ? "other processes took 40% of the server core" : undefined) });
    expect(await climb([100, 200], disturbed)).toMatchObject({ kneeRate: 200 });
    expect(disturbed.calls.filter((call) => call.rate === 200)).toHaveLength(3);
    const ours = fakePhase({ p99At: () => 5, invalid: (rate) => (rate === 200 ? "lost 1 of 200" : undefined) });
    await climb([100, 200], ours);
    expect(ours.calls.filter((call) => call.rate === 200)).toHaveLength(1);
  });

  it("with repeats, lets the median run stand for the step: of two, the worse", async () => {
    let n = 0;
    const fake = fakePhase({ p99At: (rate) => (rate === 200 ? (n++ % 2 === 0 ? 10 : KNEE_P99_MS + 50) : 10) });
    const result = await climb([100, 200], fake, 2);
    expect(result).toMatchObject({ kneeRate: 100 });
    expect(result.steps[1].spread.p99).toMatchObject({ min: 10, max: KNEE_P99_MS + 50 });
  });
});
