import { describe, expect, it } from "vitest";
import type { NotificationRequest } from "../events/index.js";
import { PublishUnavailableError } from "../publishing/index.js";
import { KEY, publishAppFixture } from "./publish-app.fixture.js";
import type { NotificationQueue } from "./notification-queue.js";

const MAX_PAYLOAD_BYTES = 1000;

function setup(options: { failWith?: Error; notifications?: NotificationQueue } = {}) {
  return publishAppFixture({ ...options, maxPayloadBytes: MAX_PAYLOAD_BYTES });
}

const valid = { rooms: ["orders:42", "user:7"], event: "order.updated", data: { status: "paid" } };

describe("POST /v1/publish", () => {
  it("answers 202 with the publication id and emits to every room", async () => {
    const { post, emitted } = setup();
    const response = await post("/v1/publish", valid);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { id: string; rooms: string[] };
    expect(body.rooms).toEqual(["orders:42", "user:7"]);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.map((copy) => [copy.room, copy.meta.id])).toEqual([
      ["orders:42", body.id],
      ["user:7", body.id],
    ]);
  });

  it("accepts any of several configured keys", async () => {
    const { post } = setup();
    expect((await post("/v1/publish", valid, { authorization: "Bearer other-key" })).status).toBe(202);
  });

  it("answers 503 with Retry-After when the emitter could not take the message", async () => {
    const { post } = setup({ failWith: new PublishUnavailableError("Redis did not take the message", { retryAfterSeconds: 2 }) });
    const response = await post("/v1/publish", valid);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(await response.json()).toMatchObject({ error: { code: "unavailable" } });
  });

  it("answers 500 `internal` without a stack trace on an unexpected failure", async () => {
    const { post } = setup({ failWith: new TypeError("boom at secret/path.ts:12") });
    const response = await post("/v1/publish", valid);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: "internal error" } });
    expect(text).not.toContain("secret/path");
  });
});

describe("bad input never reaches a room", () => {
  const cases: Array<{ name: string; body: unknown; headers?: Record<string, string>; status: number; code: string; path?: string }> = [
    { name: "malformed JSON", body: '{"rooms": [', status: 400, code: "invalid_request" },
    { name: "an empty body", body: "", status: 400, code: "invalid_request" },
    { name: "a JSON array body", body: [valid], status: 400, code: "invalid_request" },
    { name: "rooms as a string", body: { ...valid, rooms: "orders:42" }, status: 400, code: "invalid_request", path: "rooms" },
    { name: "a numeric event", body: { ...valid, event: 7 }, status: 400, code: "invalid_request", path: "event" },
    { name: "101 rooms", body: { ...valid, rooms: Array.from({ length: 101 }, (_, i) => `r${i}`) }, status: 400, code: "invalid_request", path: "rooms" },
    { name: "a bad room name", body: { ...valid, rooms: ["ok", "not ok"] }, status: 400, code: "invalid_request", path: "rooms.1" },
    { name: "a reserved event name", body: { ...valid, event: "disconnect" }, status: 400, code: "invalid_request", path: "event" },
    { name: "a missing data field", body: { rooms: ["a"], event: "e" }, status: 400, code: "invalid_request", path: "data" },
    { name: "no key", body: valid, headers: {}, status: 401, code: "unauthorized" },
    { name: "a wrong key", body: valid, headers: { authorization: "Bearer nope" }, status: 401, code: "unauthorized" },
    { name: "a key that is a prefix of a real one", body: valid, headers: { authorization: "Bearer test" }, status: 401, code: "unauthorized" },
    { name: "a non-bearer scheme", body: valid, headers: { authorization: `Basic ${KEY}` }, status: 401, code: "unauthorized" },
  ];

  it.each(cases)("answers $status $code to $name", async ({ body, headers, status, code, path }) => {
    const { post, emitted } = setup();
    const response = await post("/v1/publish", body, headers);
    expect(response.status).toBe(status);
    const payload = (await response.json()) as { error: { code: string; message: string; issues?: Array<{ path: string }> } };
    expect(payload.error.code).toBe(code);
    expect(payload.error.message).toEqual(expect.any(String));
    if (path) expect(payload.error.issues?.map((issue) => issue.path)).toContain(path);
    expect(emitted).toEqual([]);
  });

  it("answers 413 to data one byte over MAX_PAYLOAD_BYTES and 202 at exactly the limit", async () => {
    const { post, emitted } = setup();
    // JSON.stringify of a string adds its two quotes.
    const atLimit = "x".repeat(MAX_PAYLOAD_BYTES - 2);
    expect((await post("/v1/publish", { ...valid, data: atLimit })).status).toBe(202);
    const over = await post("/v1/publish", { ...valid, data: `${atLimit}x` });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { code: "payload_too_large" } });
    expect(emitted).toHaveLength(1);
  });

  it("answers 413 to a body far larger than the limit before parsing it", async () => {
    const { post, emitted } = setup();
    const response = await post("/v1/publish", { ...valid, data: "x".repeat(1024 * 1024) });
    expect(response.status).toBe(413);
    expect(emitted).toEqual([]);
  });

  it("answers 404 `not_found` to an unknown route", async () => {
    const { app } = setup();
    const response = await app.request("/v1/nothing-here", { headers: { authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("notifications", () => {
  function fakeQueue() {
    const enqueued: Array<{ request: NotificationRequest; acceptedAt: number }> = [];
    const queue: NotificationQueue = {
      async enqueue(request, acceptedAt) {
        enqueued.push({ request, acceptedAt });
        return { jobId: request.jobId ?? "generated" };
      },
      async status(jobId) {
        return jobId === "known" ? { jobId, state: "completed", attemptsMade: 1 } : undefined;
      },
    };
    return { queue, enqueued };
  }

  it("answers 503 saying notifications need Redis when there is no queue", async () => {
    const { post } = setup();
    const response = await post("/v1/notifications", valid);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).not.toBeNull();
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unavailable");
    expect(body.error.message).toMatch(/Redis/);
  });

  it("enqueues a valid notification with its defaults and answers 202 with the job id", async () => {
    const { queue, enqueued } = fakeQueue();
    const { post } = setup({ notifications: queue });
    const response = await post("/v1/notifications", { ...valid, jobId: "order-42", delayMs: 500 });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ jobId: "order-42" });
    expect(enqueued[0]!.request).toMatchObject({ rooms: valid.rooms, delayMs: 500, attempts: 3, jobId: "order-42" });
  });

  it("answers 503 when the queue cannot take the job", async () => {
    const { post } = setup({
      notifications: { enqueue: async () => Promise.reject(new Error("timed out")), status: async () => undefined },
    });
    expect((await post("/v1/notifications", valid)).status).toBe(503);
  });

  it("reports a job's state and 404 for an unknown job", async () => {
    const { queue } = fakeQueue();
    const { app } = setup({ notifications: queue });
    const auth = { authorization: `Bearer ${KEY}` };
    const known = await app.request("/v1/notifications/known", { headers: auth });
    expect(known.status).toBe(200);
    expect(await known.json()).toEqual({ jobId: "known", state: "completed", attemptsMade: 1 });
    const unknown = await app.request("/v1/notifications/missing", { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("requires a key to read a job's status", async () => {
    const { queue } = fakeQueue();
    const { app } = setup({ notifications: queue });
    expect((await app.request("/v1/notifications/known")).status).toBe(401);
  });
});

describe("keys limited to rooms", () => {
  const scoped = { key: "orders-key", rooms: ["orders:*", "audit"], signingSecret: undefined };
  const auth = { authorization: "Bearer orders-key" };

  function scopedSetup(notifications?: NotificationQueue) {
    return publishAppFixture({ keys: [KEY, scoped], ...(notifications ? { notifications } : {}) });
  }

  it("publishes to rooms under the key's prefixes and to its exact rooms", async () => {
    const { post, emitted } = scopedSetup();
    const response = await post("/v1/publish", { rooms: ["orders:42", "audit"], event: "e", data: 1 }, auth);
    expect(response.status).toBe(202);
    expect(emitted.flat().map((copy) => copy.room)).toEqual(["orders:42", "audit"]);
  });

  it("answers 403 `forbidden` naming the room outside the key's scope, and emits to none of the request's rooms", async () => {
    const { post, emitted } = scopedSetup();
    const response = await post("/v1/publish", { rooms: ["orders:42", "invoices:1"], event: "e", data: 1 }, auth);
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string; message: string; issues: Array<{ path: string }> } };
    expect(body.error.code).toBe("forbidden");
    expect(body.error.message).toContain('"invoices:1"');
    expect(body.error.issues.map((issue) => issue.path)).toEqual(["rooms.1"]);
    expect(emitted).toEqual([]);
  });

  it("treats a pattern without * as an exact room, not a prefix", async () => {
    const { post, emitted } = scopedSetup();
    expect((await post("/v1/publish", { room: "auditor", event: "e", data: 1 }, auth)).status).toBe(403);
    expect((await post("/v1/publish", { room: "orders", event: "e", data: 1 }, auth)).status).toBe(403);
    expect(emitted).toEqual([]);
  });

  it("refuses a notification outside the key's scope before it is enqueued", async () => {
    const enqueued: unknown[] = [];
    const { post } = scopedSetup({
      enqueue: async (request) => (enqueued.push(request), { jobId: "j" }),
      status: async () => undefined,
    });
    expect((await post("/v1/notifications", { room: "user:7", event: "e", data: 1 }, auth)).status).toBe(403);
    expect((await post("/v1/notifications", { room: "orders:1", event: "e", data: 1 }, auth)).status).toBe(202);
    expect(enqueued).toHaveLength(1);
  });

  it("leaves a key without rooms= free to publish anywhere", async () => {
    const { post } = scopedSetup();
    expect((await post("/v1/publish", { room: "invoices:1", event: "e", data: 1 })).status).toBe(202);
  });
});

