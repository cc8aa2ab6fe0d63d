import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTallyLog } from "./create-tally-log.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("createTallyLog", () => {
  it("writes one line per interval with the refusals by reason, and nothing while none happen", () => {
    vi.useFakeTimers();
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const note = createTallyLog(logger, { field: "refused", describe: (total) => `refused ${total} connection(s)`, intervalMs: 10_000 });
    for (let n = 0; n < 500; n++) note(n % 5 === 0 ? "origin_not_allowed" : "rate_limited");
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ refused: { origin_not_allowed: 100, rate_limited: 400 }, msg: "refused 500 connection(s) in the last 10 s" });
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(1);
    note("server_full");
    vi.advanceTimersByTime(10_000);
    expect(lines[1]).toMatchObject({ refused: { server_full: 1 } });
  });
});
