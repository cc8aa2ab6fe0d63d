import { describe, expect, it } from "vitest";
import { PublishUnavailableError } from "../publishing/index.js";
import { MIN_PUBLISH_BODY_LIMIT_BYTES } from "./create-publish-app.js";
import type { KeyRateLimiter } from "./key-rate-limiter.js";
import { KEY, publishAppFixture } from "./publish-app.fixture.js";

const MAX_PAYLOAD_BYTES = 1000;
const message = (n: number, room = "orders:42") => ({ room, event: "order.updated", data: { n } });
const batchOf = (count: number, room?: string) => ({ messages: Array.from({ length: count }, (_, n) => message(n, room)) });

interface BatchAnswer {
  results: Array<{ status: number; id?: string; rooms?: string[]; error?: { code: string; message: string } }>;
}
interface ErrorAnswer {
  error: { code: string; message: string; issues?: Array<{ path: string; message: string }> };
}

describe("POST /v1/publish with a batch (in process, recording emitter)", () => {
  it("publishes every message in order and answers 202 with one result per message, in order", async () => {
    const { post, emitted } = publishAppFixture({ maxPayloadBytes: MAX_PAYLOAD_BYTES });
    const response = await post("/v1/publish", { messages: [message(0), { rooms: ["a", "b", "a"], event: "other", data: null, except: ["s1"] }, message(2, "c")] });
    expect(response.status).toBe(202);
    const { results } = (await response.json()) as BatchAnswer;
    expect(results.map(({ status, rooms }) => [status, rooms])).toEqual([[202, ["orders:42"]], [202, ["a", "b"]], [202, ["c"]]]);
    expect(new Set(results.map(({ id }) => id)).size).toBe(3);
    expect(emitted.map((copies) => copies.map(({ room, event, meta }) => [room, event, meta.id]))).toEqual([
      [["orders:42", "order.updated", results[0]!.id]],
      [["a", "other", results[1]!.id], ["b", "other", results[1]!.id]],
      [["c", "order.updated", results[2]!.id]],
    ]);
    expect(emitted[1]![0]!.except).toEqual(["s1"]);
  });

  it("takes 100 messages and refuses 101 or none with 400, publishing nothing", async () => {
    const { post, emitted } = publishAppFixture({ maxPayloadBytes: MAX_PAYLOAD_BYTES });
    expect((await post("/v1/publish", batchOf(100))).status).toBe(202);
    expect(emitted).toHaveLength(100);
    for (const count of [101, 0]) {
      const response = await post("/v1/publish", batchOf(count));
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as ErrorAnswer;
      expect(error.code).toBe("invalid_request");
      expect(error.issues?.map(({ path }) => path)).toEqual(["messages"]);
    }
    expect(emitted).toHaveLength(100);
  });

  it.each([
    ["a bad room name in one message", { messages: [message(0), { ...message(1), room: "not ok" }] }, ["messages.1.room"]],
    ["a reserved event name and a missing data", { messages: [message(0), { room: "a", event: "disconnect" }] }, ["messages.1.event", "messages.1.data"]],
    ["both room and rooms", { messages: [{ ...message(0), rooms: ["b"] }] }, ["messages.0.rooms"]],
    ["a single publish's field beside messages", { ...message(0), messages: [message(1)] }, ["(body)"]],
    ["messages that is not a list", { messages: message(0) }, ["messages"]],
  ])("refuses a batch with %s whole, 400 naming each problem, publishing nothing", async (_, body, paths) => {
    const { post, emitted } = publishAppFixture({ maxPayloadBytes: MAX_PAYLOAD_BYTES });
    const response = await post("/v1/publish", body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as ErrorAnswer;
    expect(error.code).toBe("invalid_request");
    expect(error.issues?.map(({ path }) => path)).toEqual(paths);
    expect(error.message.startsWith(`${paths[0]}: `)).toBe(true);
    expect(emitted).toEqual([]);
  });

  it("refuses a batch with one room outside the key's scope whole, 403 naming each such room", async () => {
    const scoped = { key: "orders-key", rooms: ["orders:*"], signingSecret: undefined };
    const { post, emitted } = publishAppFixture({ keys: [KEY, scoped], maxPayloadBytes: MAX_PAYLOAD_BYTES });
    const response = await post("/v1/publish", { messages: [message(0), { rooms: ["orders:1", "invoices:1"], event: "e", data: 1 }, message(2, "user:7")] }, { authorization: "Bearer orders-key" });
    expect(response.status).toBe(403);
    const { error } = (await response.json()) as ErrorAnswer;
    expect(error.code).toBe("forbidden");
    expect(error.message).toBe('this key may not publish to rooms "invoices:1", "user:7"');
    expect(error.issues?.map(({ path }) => path)).toEqual(["messages.1.rooms.1", "messages.2.rooms.0"]);
    expect(emitted).toEqual([]);
  });

  it("refuses a batch with one data over MAX_PAYLOAD_BYTES whole, 413 naming the message", async () => {
    const { post, emitted } = publishAppFixture({ maxPayloadBytes: MAX_PAYLOAD_BYTES });
    const atLimit = "x".repeat(MAX_PAYLOAD_BYTES - 2);
    const response = await post("/v1/publish", { messages: [{ ...message(0), data: atLimit }, { ...message(1), data: `${atLimit}x` }] });
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorAnswer).error).toEqual({ code: "payload_too_large", message: `messages.1.data is ${MAX_PAYLOAD_BYTES + 1} bytes serialized; the limit is ${MAX_PAYLOAD_BYTES}` });
    expect(emitted).toEqual([]);
  });

  it("reads a batch body up to 1 MiB on POST /v1/publish, while other routes keep MAX_PAYLOAD_BYTES + 128 KiB", async () => {
    const maxPayloadBytes = 10_000;
    const { post, emitted } = publishAppFixture({ maxPayloadBytes });
    const data = "x".repeat(maxPayloadBytes - 2);
    const large = { messages: Array.from({ length: 100 }, (_, n) => ({ ...message(n), data })) };
    expect(JSON.stringify(large).length).toBeGreaterThan(maxPayloadBytes + 128 * 1024);
    expect(JSON.stringify(large).length).toBeLessThan(MIN_PUBLISH_BODY_LIMIT_BYTES);
    expect((await post("/v1/publish", large)).status).toBe(202);
    expect(emitted).toHaveLength(100);
    const tooLarge = await post("/v1/publish", "x".repeat(MIN_PUBLISH_BODY_LIMIT_BYTES + 1));
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as ErrorAnswer).error.message).toBe(`body is larger than ${MIN_PUBLISH_BODY_LIMIT_BYTES} bytes`);
    expect((await post("/v1/notifications", large)).status).toBe(413);
  });

  it("answers 207 when some messages were not taken: 202 or 503 per message, in order", async () => {
    const notTaken = new PublishUnavailableError("Redis did not store the message");
    const { post, emitted } = publishAppFixture({ failWith: (deliveries) => (deliveries.some(({ room }) => room === "down") ? notTaken : undefined) });
    const response = await post("/v1/publish", { messages: [message(0), message(1, "down"), message(2), message(3, "down")] });
    expect(response.status).toBe(207);
    expect(response.headers.get("retry-after")).toBeNull();
    const { results } = (await response.json()) as BatchAnswer;
    const unavailable = { status: 503, error: { code: "unavailable", message: "not accepted, retry later: Redis did not store the message" } };
    expect(results).toEqual([{ status: 202, id: expect.any(String), rooms: ["orders:42"] }, unavailable, { status: 202, id: expect.any(String), rooms: ["orders:42"] }, unavailable]);
    expect(emitted.map((copies) => copies[0]!.data)).toEqual([{ n: 0 }, { n: 2 }]);
  });

  it("answers 503 with Retry-After, the largest asked for, when no message was taken", async () => {
    const { post } = publishAppFixture({
      failWith: (deliveries) => new PublishUnavailableError("Redis did not store the message", { retryAfterSeconds: deliveries[0]!.room === "slow" ? 3 : 1 }),
    });
    const response = await post("/v1/publish", { messages: [message(0), message(1, "slow")] });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(await response.json()).toEqual({ error: { code: "unavailable", message: "not accepted, retry later: Redis did not store the message" } });
  });

  it("answers 500 `internal` when one message fails for any other reason", async () => {
    const { post } = publishAppFixture({ failWith: (deliveries) => (deliveries[0]!.room === "bug" ? new TypeError("boom") : undefined) });
    const response = await post("/v1/publish", { messages: [message(0), message(1, "bug")] });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "internal", message: "internal error" } });
  });

  it("counts a batch as one request against the key's rate limit", async () => {
    const checked: string[] = [];
    const rateLimiter: KeyRateLimiter = {
      async check(keyId) {
        checked.push(keyId);
        return { allowed: true };
      },
    };
    const { post } = publishAppFixture({ rateLimiter });
    expect((await post("/v1/publish", batchOf(100))).status).toBe(202);
    expect(checked).toHaveLength(1);
  });

  it("gives a message with an idempotencyKey the id a single publish with that key gets", async () => {
    const { post } = publishAppFixture();
    const single = (await (await post("/v1/publish", { ...message(0), idempotencyKey: "k-1" })).json()) as { id: string };
    const batch = (await (await post("/v1/publish", { messages: [{ ...message(0), idempotencyKey: "k-1" }, message(1)] })).json()) as BatchAnswer;
    expect(batch.results[0]!.id).toBe(single.id);
    expect(batch.results[1]!.id).not.toBe(single.id);
  });
});
