import { Agent, request as httpRequest } from "node:http";
import { Hono } from "hono";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer } from "./create-http-server.js";
import { handleErrors } from "./handle-errors.js";
import { closeHttpServer, listen } from "./listen.js";
import { SECURE_API_HEADERS } from "./secure-api-headers.js";

const timeouts = { HTTP_HEADERS_TIMEOUT_MS: 5_000, HTTP_REQUEST_TIMEOUT_MS: 10_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000 };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  reusedSocket: boolean;
}

function send(port: number, agent: Agent, method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, agent, headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body, reusedSocket: req.reusedSocket }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** An app whose `/v1/hold` requests wait until released; `/v1/fail` throws once released. */
async function startHeldServer(maxInFlight: number) {
  const waiting: Array<() => void> = [];
  const hold = () => new Promise<void>((resolve) => waiting.push(resolve));
  const app = new Hono();
  handleErrors(app, pino({ level: "silent" }));
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.post("/v1/hold", async (c) => {
    await hold();
    return c.json({ done: true }, 202);
  });
  app.post("/v1/fail", async () => {
    await hold();
    throw new Error("boom");
  });
  let shed = 0;
  const server = createHttpServer(app.fetch, timeouts, { maxInFlight, pathPrefix: "/v1/", onShed: () => shed++ });
  const port = await listen(server, 0, "127.0.0.1");
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  cleanups.push(async () => {
    waiting.splice(0).forEach((release) => release());
    agent.destroy();
    await closeHttpServer(server);
  });
  const waitForHeld = async (count: number) => {
    while (waiting.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { port, agent, waitForHeld, release: () => waiting.splice(0).forEach((resolve) => resolve()), shedCount: () => shed };
}

describe("shedExcessRequests, through createHttpServer on a real socket", () => {
  it("refuses past the limit with the contract's 503, Retry-After, secure headers and the caller's request id", async () => {
    const { port, agent, waitForHeld, release, shedCount } = await startHeldServer(2);
    const held = [send(port, agent, "POST", "/v1/hold"), send(port, agent, "POST", "/v1/hold")];
    await waitForHeld(2);

    const refused = await send(port, agent, "POST", "/v1/hold", { body: JSON.stringify({ room: "r" }), headers: { "X-Request-Id": "caller-42" } });
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    expect(refused.headers["x-request-id"]).toBe("caller-42");
    for (const [name, value] of Object.entries(SECURE_API_HEADERS)) expect(refused.headers[name.toLowerCase()]).toBe(value);
    expect(refused.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(refused.body)).toEqual({ error: { code: "unavailable", message: expect.any(String) } });

    const unsafeId = await send(port, agent, "POST", "/v1/hold", { headers: { "X-Request-Id": "<script>" } });
    expect(unsafeId.status).toBe(503);
    expect(unsafeId.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(shedCount()).toBe(2);

    release();
    expect((await Promise.all(held)).map((answer) => answer.status)).toEqual([202, 202]);
  });

  it("keeps answering paths outside the prefix while the limit is reached", async () => {
    const { port, agent, waitForHeld, release } = await startHeldServer(1);
    const held = send(port, agent, "POST", "/v1/hold");
    await waitForHeld(1);
    expect((await send(port, agent, "GET", "/health")).status).toBe(200);
    expect((await send(port, agent, "GET", "/v1/nowhere")).status).toBe(503);
    release();
    expect((await held).status).toBe(202);
  });

  it("admits again once requests finish, whether they succeeded or failed", async () => {
    const { port, agent, waitForHeld, release } = await startHeldServer(1);
    const failing = send(port, agent, "POST", "/v1/fail");
    await waitForHeld(1);
    expect((await send(port, agent, "POST", "/v1/hold")).status).toBe(503);
    release();
    expect((await failing).status).toBe(500);

    const admitted = send(port, agent, "POST", "/v1/hold");
    await waitForHeld(1);
    release();
    expect((await admitted).status).toBe(202);
  });

  it("leaves a keep-alive connection usable after refusing a request whose body it never read", async () => {
    const { port, waitForHeld, release } = await startHeldServer(1);
    const holder = new Agent({ keepAlive: true, maxSockets: 1 });
    const single = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => {
      holder.destroy();
      single.destroy();
    });
    const held = send(port, holder, "POST", "/v1/hold");
    await waitForHeld(1);

    const refused = await send(port, single, "POST", "/v1/hold", { body: "x".repeat(64 * 1024) });
    expect(refused.status).toBe(503);
    const next = await send(port, single, "GET", "/health");
    expect(next.status).toBe(200);
    expect(next.reusedSocket).toBe(true);
    release();
    await held;
  });
});
