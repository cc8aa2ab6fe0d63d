import { Hono } from "hono";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "./app-error.js";
import { createHttpServer } from "./create-http-server.js";
import { handleErrors } from "./handle-errors.js";
import { closeHttpServer, listen } from "./listen.js";

const timeouts = { HTTP_HEADERS_TIMEOUT_MS: 5_000, HTTP_REQUEST_TIMEOUT_MS: 10_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000 };
const servers: Array<ReturnType<typeof createHttpServer>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => closeHttpServer(server)));
});

async function serve(app: Hono) {
  const server = createHttpServer(app.fetch, timeouts);
  servers.push(server);
  return `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}`;
}

describe("createHttpServer", () => {
  it("sends the secure headers on answers, errors and unknown routes, over a real socket", async () => {
    const app = new Hono();
    handleErrors(app, pino({ level: "silent" }));
    app.post("/v1/ok", (c) => c.json({ ok: true }, 202, { "X-Extra": "kept" }));
    app.post("/v1/refused", () => {
      throw new AppError("unauthorized", "no");
    });
    const base = await serve(app);
    const answers = [
      await fetch(`${base}/v1/ok`, { method: "POST" }),
      await fetch(`${base}/v1/refused`, { method: "POST" }),
      await fetch(`${base}/nowhere`),
    ];
    expect(answers.map((response) => response.status)).toEqual([202, 401, 404]);
    for (const response of answers) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    }
    expect(answers[0]!.headers.get("x-extra")).toBe("kept");
    expect(await answers[0]!.json()).toEqual({ ok: true });
  });
});
