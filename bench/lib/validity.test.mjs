import { describe, expect, it } from "vitest";
import { judge, LIMITS } from "./validity.mjs";

const clean = { expected: 100, received: 100, duplicates: 0, disconnects: 0, refused: 0, clientCpuPct: 50, loopDelayP99Ms: 5, cohortBad: 0 };

describe("judge", () => {
  it("passes a run that lost nothing and whose clients kept up", () => {
    expect(judge(clean)).toEqual({ valid: true, reasons: [] });
  });

  it("passes the limits themselves and fails just past them", () => {
    expect(judge({ ...clean, clientCpuPct: LIMITS.clientCpuPct, loopDelayP99Ms: LIMITS.loopDelayP99Ms, serverCoreOthersPct: LIMITS.serverCoreOthersPct }).valid).toBe(true);
    expect(judge({ ...clean, clientCpuPct: LIMITS.clientCpuPct + 1 }).reasons).toEqual(["client core 81% busy"]);
    expect(judge({ ...clean, loopDelayP99Ms: LIMITS.loopDelayP99Ms + 0.5 }).reasons).toEqual(["client event-loop delay p99 20.5 ms"]);
    expect(judge({ ...clean, serverCoreOthersPct: LIMITS.serverCoreOthersPct + 1 }).reasons).toEqual(["other processes took 16% of the server core"]);
  });

  it("names every reason a run does not count", () => {
    const { valid, reasons } = judge({ ...clean, received: 97, duplicates: 1, disconnects: 2, refused: 3, cohortBad: 1, connectErrors: 4 });
    expect(valid).toBe(false);
    expect(reasons).toEqual([
      "lost 3 of 100",
      "1 duplicated or reordered",
      "2 clients disconnected",
      "4 connections failed",
      "3 publishes not accepted",
      "1 malformed deliveries in the socket.io-client cohort",
    ]);
  });
});
