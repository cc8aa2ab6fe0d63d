import { Hono } from "hono";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeHttpServer, createHttpServer, createServiceApp, listen, SECURE_API_HEADERS } from "../http/index.js";
import { createCommonMetrics, createMetricsRegistry } from "../metrics/index.js";
import { createPublisher, PublishUnavailableError } from "../publishing/index.js";
import { createMemoryReplayStore } from "./create-memory-replay-store.js";
import { createPublishApp, type PublishAppDeps } from "./create-publish-app.js";
import { createPublishFastLane } from "./create-publish-fast-lane.js";
import { keyId } from "./key-id.js";
import { signRequest } from "./sign-request.js";

const timeouts = { HTTP_HEADERS_TIMEOUT_MS: 5_000, HTTP_REQUEST_TIMEOUT_MS: 10_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000 };
const logger = pino({ level: "silent" });
const [OPEN, SCOPED, LIMITED, SIGNER, SECRET] = ["open-key", "scoped-key", "limited-key", "signer-key", "signing-secret"];

/**
 * One service as publish-api composes it: the Hono app (errors, request ids, counting, the
 * publish routes) with or without the fast lane in front. Room "down" is never taken, room
 * "bug" breaks the emitter, to provoke the 207, 503 and 500 answers.
 */
function composeService(withFastLane: boolean) {
  const registry = createMetricsRegistry("publish-api");
  const metrics = createCommonMetrics(registry);
  const deps: PublishAppDeps = {
    publisher: createPublisher({
      emitter: {
        async emit(deliveries) {
          if (deliveries.some(({ room }) => room === "down")) throw new PublishUnavailableError("Redis did not store the message", { retryAfterSeconds: 2 });
          if (deliveries.some(({ room }) => room === "bug")) throw new TypeError("a bug");
        },
      },
    }),
    notifications: {
      async enqueue(request) {
        if (request.rooms.includes("down")) throw new Error("Connection is closed.");
        return { jobId: request.jobId ?? "job-1" };
      },
      status: async () => undefined,
    },
    apiKeys: [
      { key: OPEN, rooms: undefined, signingSecret: undefined },
      { key: SCOPED, rooms: ["orders:*"], signingSecret: undefined },
      { key: LIMITED, rooms: undefined, signingSecret: undefined },
      { key: SIGNER, rooms: undefined, signingSecret: SECRET },
    ],
    // LIMITED is always over its rate.
    rateLimiter: { check: async (callerId) => (callerId === keyId(LIMITED) ? { allowed: false, retryAfterSeconds: 3 } : { allowed: true }) },
    replayStore: createMemoryReplayStore(),
    roomState: async () => ({ subscribers: 0, gateways: 0, complete: true, gatewaysAsked: 0, gatewaysAnswered: 0, history: null }),
    maxPayloadBytes: 1000,
  };
  const app = createServiceApp({ logger, metrics, registry, checks: async () => ({}), draining: () => false });
  app.route("/", createPublishApp(deps));
  // Which publishes reached Hono: with the fast lane, only what it leaves to Hono.
  const reachedHono: string[] = [];
  const outer = new Hono();
  outer.use("/v1/*", async (c, next) => {
    reachedHono.push(c.req.header("x-case") ?? "");
    await next();
  });
  outer.route("/", app);
  const server = createHttpServer(outer.fetch, timeouts, undefined, withFastLane ? createPublishFastLane(deps, { logger, metrics }) : undefined);
  return { server, registry, reachedHono };
}

type Case = { name: string; path?: string; body: string | (() => ReadableStream<Uint8Array>); headers?: Record<string, string> };

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const json = (value: unknown) => JSON.stringify(value);
const one = { room: "orders:1", event: "e", data: { n: 1 } };
const signed = (body: string) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { ...bearer(SIGNER), "x-signature-timestamp": timestamp, "x-signature": signRequest(SECRET, timestamp, body) };
};
const CASES: Case[] = [
  { name: "a publish", body: json(one), headers: bearer(OPEN) },
  { name: "a publish to several rooms, with an idempotency key and a query string", path: "/v1/publish?trace=1", body: json({ ...one, rooms: ["a", "b"], room: undefined, idempotencyKey: "k-1" }), headers: bearer(OPEN) },
  { name: "a batch", body: json({ messages: [one, { ...one, room: "orders:2" }] }), headers: bearer(OPEN) },
  { name: "a batch partly not taken", body: json({ messages: [one, { ...one, room: "down" }] }), headers: bearer(OPEN) },
  { name: "a publish not taken", body: json({ ...one, room: "down" }), headers: bearer(OPEN) },
  { name: "a bug in the emitter", body: json({ ...one, room: "bug" }), headers: bearer(OPEN) },
  { name: "not JSON", body: "{nope", headers: bearer(OPEN) },
  { name: "a body failing the schema", body: json({ room: "", event: 3 }), headers: bearer(OPEN) },
  { name: "no key", body: json(one) },
  { name: "an unknown key", body: json(one), headers: bearer("who") },
  { name: "a room outside the key's scope", body: json({ ...one, room: "users:1" }), headers: bearer(SCOPED) },
  { name: "data over MAX_PAYLOAD_BYTES", body: json({ ...one, data: "x".repeat(2_000) }), headers: bearer(OPEN) },
  { name: "a body over the publish body limit", body: json({ ...one, data: "x".repeat(1_100_000) }), headers: bearer(OPEN) },
  { name: "the caller's request id", body: json(one), headers: { ...bearer(OPEN), "x-request-id": "req-42" } },
  { name: "a signed publish (left to Hono)", body: json(one), headers: signed(json(one)) },
  { name: "a chunked body (left to Hono)", body: () => new Blob([json(one)]).stream(), headers: bearer(OPEN) },
  { name: "a key over its rate", body: json(one), headers: bearer(LIMITED) },
  { name: "a notification", path: "/v1/notifications", body: json({ rooms: ["orders:1"], event: "e", data: 1, jobId: "order-1" }), headers: bearer(OPEN) },
  { name: "a notification the queue did not take", path: "/v1/notifications", body: json({ rooms: ["down"], event: "e", data: 1 }), headers: bearer(OPEN) },
  { name: "a notification failing the schema", path: "/v1/notifications", body: json({ rooms: "orders:1" }), headers: bearer(OPEN) },
  { name: "a notification outside the key's scope", path: "/v1/notifications", body: json({ rooms: ["users:1"], event: "e", data: 1 }), headers: bearer(SCOPED) },
  { name: "a notification over the body limit", path: "/v1/notifications", body: json({ rooms: ["orders:1"], event: "e", data: "x".repeat(140_000) }), headers: bearer(OPEN) },
];

/** What must be the same on both: status, headers a client reads, and the body less its random ids. */
async function observe(base: string, { name, path = "/v1/publish", body, headers = {} }: Case) {
  const init: RequestInit & { duplex?: "half" } = { method: "POST", headers: { "content-type": "application/json", "x-case": name, ...headers } };
  if (typeof body === "string") init.body = body;
  else Object.assign(init, { body: body(), duplex: "half" });
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  const requestId = response.headers.get("x-request-id");
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    retryAfter: response.headers.get("retry-after"),
    secure: Object.fromEntries(Object.keys(SECURE_API_HEADERS).map((name) => [name, response.headers.get(name)])),
    requestId: headers["x-request-id"] ? requestId : /^[0-9a-f-]{36}$/.test(requestId ?? "") ? "generated" : requestId,
    body: JSON.parse(text.replace(/"id":"[0-9a-f-]{36}"/g, '"id":"<id>"')),
  };
}

describe("the fast lane answers publishes and notifications as the Hono app does", () => {
  const services = { hono: composeService(false), lane: composeService(true) };
  const bases: Record<string, string> = {};

  beforeAll(async () => {
    for (const [name, { server }] of Object.entries(services)) bases[name] = `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}`;
  });
  afterAll(async () => {
    await Promise.all(Object.values(services).map(({ server }) => closeHttpServer(server)));
  });

  it("gives every case the same status, headers and body, on Node's request for all but signed and chunked ones", async () => {
    const seen = { hono: [] as unknown[], lane: [] as unknown[] };
    for (const each of CASES) {
      seen.hono.push({ case: each.name, ...(await observe(bases.hono!, each)) });
      seen.lane.push({ case: each.name, ...(await observe(bases.lane!, each)) });
    }
    expect(seen.lane).toEqual(seen.hono);
    for (const entry of seen.lane) expect((entry as { secure: unknown }).secure).toEqual(SECURE_API_HEADERS);
    // The answers the cases were written to provoke, so that equal cannot mean equally broken.
    expect(seen.hono.map((entry) => (entry as { status: number }).status)).toEqual([202, 202, 202, 207, 503, 500, 400, 400, 401, 401, 403, 413, 413, 202, 202, 202, 429, 202, 503, 400, 403, 413]);
    expect(services.hono.reachedHono).toHaveLength(CASES.length);
    expect(services.lane.reachedHono).toEqual(["a signed publish (left to Hono)", "a chunked body (left to Hono)"]);
  });

  it("counts its answers in the same series as Hono's", async () => {
    const series = async (name: keyof typeof services) =>
      (await services[name].registry.getMetricsAsJSON()).find((metric) => metric.name.endsWith("http_requests_total"))?.values.map(({ labels, value }) => `${labels.route} ${labels.status} ${value}`).sort();
    const lane = await series("lane");
    expect(lane).toEqual(await series("hono"));
    // Both routes, accepted and refused, so that equal cannot mean both empty.
    expect(lane).toEqual(expect.arrayContaining([expect.stringMatching(/^\/v1\/publish 2xx \d+$/), expect.stringMatching(/^\/v1\/publish 4xx \d+$/), expect.stringMatching(/^\/v1\/notifications 2xx 1$/)]));
  });
});
