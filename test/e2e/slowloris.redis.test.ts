import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { slowloris, type SlowlorisResult } from "../support/slowloris.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { deleteKeys, testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "slowloris-test-key-0123456789";
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
const timeouts = { HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) };

/** Real requests, one every 100 ms, while `during` runs: each status and how long it took. */
async function whileServing(request: () => Promise<number>, during: Promise<SlowlorisResult>) {
  const answers: Array<{ status: number; ms: number }> = [];
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    answers.push({ status: await request().catch(() => 0), ms: performance.now() - started });
    // Pacing: one real request every 100 ms for as long as the attack lasts.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { result: await during, answers };
}

function expectAllClosedByTheTimeout({ closedAfterMs, answered408 }: SlowlorisResult, label: string) {
  expect(closedAfterMs.filter((ms) => ms === undefined), `${label}: connections still open`).toEqual([]);
  const times = closedAfterMs as number[];
  // Not before the headers timeout, and within it plus Node's check interval and some scheduling slack.
  expect(Math.min(...times)).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  expect(Math.max(...times)).toBeLessThan(HEADERS_TIMEOUT_MS + 1500);
  // The trickling ones (four in five) get a 408 first; the silent ones are just dropped.
  expect(answered408).toBeGreaterThanOrEqual(150);
  console.info(`${label}: 200 slowloris connections closed after ${Math.round(Math.min(...times))}-${Math.round(Math.max(...times))} ms, ${answered408} answered 408`);
}

describe("slowloris: connections trickling headers are closed by the timeout while real requests are served", () => {
  const redisUrl = inject("redisUrl");
  const prefix = testPrefix("slowloris");
  let api: ServiceProcess;
  let gateway: ServiceProcess;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    [api, gateway] = await Promise.all([
      startService("publish-api", { ...timeouts, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, PUBLISH_API_KEYS: KEY }),
      startService("socket-gateway", { ...ANONYMOUS_GATEWAY_ENV, ...timeouts, PUBLISH_API_KEYS: KEY }),
    ]);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all([api?.stop(), gateway?.stop()]);
    await deleteKeys(redisUrl, prefix);
  });

  it("publish-api closes 200 slow connections at the headers timeout and keeps answering", async () => {
    const { result, answers } = await whileServing(async () => (await fetch(`${api.url}/health`)).status, slowloris(api.port));
    expectAllClosedByTheTimeout(result, "publish-api");
    expect(answers.length).toBeGreaterThanOrEqual(5);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(500);
    expect(api.exited()).toBe(false);
  });

  it("the gateway does the same while delivering publishes, and keeps WebSocket and long-polling clients past both timeouts", async () => {
    const overWebSocket = await connectClient(gateway.url, { transports: ["websocket"] });
    const overPolling = await connectClient(gateway.url, { transports: ["polling"] });
    clients.push(overWebSocket, overPolling);
    const disconnects: string[] = [];
    for (const client of [overWebSocket, overPolling]) {
      client.socket.on("disconnect", (reason) => disconnects.push(reason));
      await client.subscribe("slow:room");
    }

    let seq = 0;
    const publish = async () =>
      (
        await fetch(`${gateway.url}/v1/publish`, {
          method: "POST",
          headers: { authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ room: "slow:room", event: "tick", data: { seq: seq++ } }),
        })
      ).status;
    const { result, answers } = await whileServing(publish, slowloris(gateway.port));
    expectAllClosedByTheTimeout(result, "socket-gateway");
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
    await waitUntil(() => overWebSocket.received.length === answers.length && overPolling.received.length === answers.length, {
      what: "every publish at both clients",
    });

    // Now nothing is sent for longer than the request timeout: the polling client's GET is held
    // by the server all along (ping interval 25 s), the WebSocket idles. A fixed wait is the
    // point: the quiet spell must outlast the server's request timeout.
    await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS + 1500));
    expect(await publish()).toBe(202);
    await waitUntil(() => overWebSocket.received.length === seq && overPolling.received.length === seq, { what: "the publish after the quiet spell" });
    expect(disconnects).toEqual([]);
    expect(overPolling.socket.io.engine.transport.name).toBe("polling");
  });
});
