import { describe, expect, it } from "vitest";
import { terminalLine } from "./terminal-line.mjs";

const pino = (level: number, msg: string, extra: Record<string, unknown> = {}) => JSON.stringify({ level, time: 1, service: "socket-gateway", msg, ...extra });

describe("terminalLine", () => {
  it("leaves a service's info and debug lines to its log file", () => {
    expect(terminalLine("gateway-1", pino(30, "listening"), 12)).toBeUndefined();
    expect(terminalLine("gateway-1", pino(20, "detail"), 12)).toBeUndefined();
  });

  it("shows warnings and errors as one readable line under the service's name, with the error's message", () => {
    expect(terminalLine("gateway-1", pino(40, "redis link down"), 12)).toBe("gateway-1    | warn: redis link down");
    expect(terminalLine("worker", pino(50, "job failed", { err: { message: "boom", stack: "…" } }), 12)).toBe("worker       | error: job failed (boom)");
  });

  it("shows anything that is not a pino line as it is, and skips blank lines", () => {
    expect(terminalLine("gateway-2", "socket-gateway: invalid environment:", 12)).toBe("gateway-2    | socket-gateway: invalid environment:");
    expect(terminalLine("nginx", "{not json", 12)).toBe("nginx        | {not json");
    expect(terminalLine("nginx", "   ", 12)).toBeUndefined();
  });
});
