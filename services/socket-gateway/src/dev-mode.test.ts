import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { listenUrl, logDevListening, resolveListenHost } from "./dev-mode.js";

function capture() {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe("resolveListenHost", () => {
  it("keeps development mode on loopback when HOST is not set", () => {
    expect(resolveListenHost("0.0.0.0", false, true)).toBe("127.0.0.1");
  });

  it("listens where HOST says when it is set, in development mode too", () => {
    expect(resolveListenHost("0.0.0.0", true, true)).toBe("0.0.0.0");
    expect(resolveListenHost("192.168.1.20", true, true)).toBe("192.168.1.20");
  });

  it("keeps the schema's default outside development mode", () => {
    expect(resolveListenHost("0.0.0.0", false, false)).toBe("0.0.0.0");
  });
});

describe("logDevListening", () => {
  it("says the development server is reachable from this machine only on loopback", () => {
    const { logger, lines } = capture();
    logDevListening("127.0.0.1", 4000, logger);
    expect(lines).toEqual([expect.objectContaining({ level: 30, msg: expect.stringMatching(/^DEV_MODE: listening on http:\/\/127\.0\.0\.1:4000, reachable from this machine only; set HOST=0\.0\.0\.0/) })]);
  });

  it("warns when HOST opens the development server to other machines", () => {
    const { logger, lines } = capture();
    logDevListening("0.0.0.0", 4000, logger);
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: expect.stringContaining("DEV_MODE: listening on http://0.0.0.0:4000 as HOST says, so other machines can reach") })]);
  });
});

describe("listenUrl", () => {
  it("brackets an IPv6 address", () => {
    expect(listenUrl("::", 4000)).toBe("http://[::]:4000");
    expect(listenUrl("127.0.0.1", 0)).toBe("http://127.0.0.1:0");
  });
});
