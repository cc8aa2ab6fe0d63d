import { Hono } from "hono";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "./app-error.js";
import { handleErrors } from "./handle-errors.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("handleErrors", () => {
  it("sums refused requests up in one info line per 10 s by status and code, not one line each", async () => {
    vi.useFakeTimers();
    const lines: Array<Record<string, unknown>> = [];
    const app = new Hono();
    handleErrors(app, pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) }));
    app.post("/v1/publish", (c) => {
      throw c.req.header("authorization") ? new AppError("rate_limited", "slow down", { retryAfterSeconds: 1 }) : new AppError("unauthorized", "missing key");
    });
    for (let n = 0; n < 332; n++) {
      const response = await app.request("/v1/publish", { method: "POST", headers: n % 4 === 0 ? {} : { authorization: "Bearer k" } });
      expect([401, 429]).toContain(response.status);
    }
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, refused: { "401 unauthorized": 83, "429 rate_limited": 249 }, msg: "refused 332 request(s) in the last 10 s" });
  });
});
