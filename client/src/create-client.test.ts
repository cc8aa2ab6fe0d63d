import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { waitUntil } from "../../test/support/wait-until.js";
import type { ClientError } from "./client-error.js";
import { createClient } from "./create-client.js";
import { startFakeGateway, type FakeGateway } from "./fake-gateway.fixture.js";
import type { Client, UnrecoverableInfo } from "./types.js";
import type { DeliveryMeta } from "./wire.js";

const FAST_RETRY = { minDelayMs: 20, maxDelayMs: 200 };

describe("createClient against a scripted gateway", () => {
  let gateway: FakeGateway;
  const clients: Client[] = [];
  const open = (options: Parameters<typeof createClient>[1] = {}) => {
    const client = createClient(gateway.url, { retry: FAST_RETRY, ...options });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    gateway = await startFakeGateway();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await gateway.close();
  });

  it("sends the subscribes made in one tick as one request", async () => {
    const client = open();
    const subscriptions = ["a", "b", "c"].map((room) => client.subscribe(room, () => {}));
    await Promise.all(subscriptions.map((subscription) => subscription.ready));
    expect(gateway.requests).toEqual([{ rooms: ["a", "b", "c"] }]);
    expect(subscriptions[0]!.position).toEqual({ offset: 0, epoch: "e1" });
  });

  it("calls onUnrecoverable when a delivery's epoch differs from the room's, then goes on from the new position", async () => {
    const client = open();
    const received: number[] = [];
    const losses: UnrecoverableInfo[] = [];
    const subscription = client.subscribe("r", (_data, meta) => received.push(meta.offset!), { onUnrecoverable: (info) => losses.push(info) });
    await subscription.ready;
    const meta = (offset: number, epoch: string): DeliveryMeta => ({ id: `${epoch}-${offset}`, room: "r", ts: Date.now(), offset, epoch });
    gateway.io.emit("news", 1, meta(1, "e1"));
    gateway.io.emit("news", 1, meta(1, "e2"));
    gateway.io.emit("news", 2, meta(2, "e2"));
    await waitUntil(() => received.length === 3, { what: "three deliveries" });
    expect(losses).toEqual([{ room: "r", reason: "epoch_changed", previous: { offset: 1, epoch: "e1" }, position: { offset: 1, epoch: "e2" } }]);
    expect(subscription.position).toEqual({ offset: 2, epoch: "e2" });
  });

  it("retries a subscribe answered `unavailable`, reporting it as retryable", async () => {
    let refusals = 1;
    const defaultAnswer = gateway.answer;
    gateway.answer = (request, socket) =>
      refusals-- > 0 ? { ok: false, error: { code: "unavailable", message: "history out of reach" } } : defaultAnswer(request, socket);
    const errors: ClientError[] = [];
    const client = open({ onError: (error) => errors.push(error) });
    await client.subscribe("r", () => {}).ready;
    expect(gateway.requests).toHaveLength(2);
    expect(errors.map((error) => [error.code, error.retryable, error.room])).toEqual([["unavailable", true, "r"]]);
  });

  it("finds the one room that made the gateway refuse a batch, and subscribes the others", async () => {
    const defaultAnswer = gateway.answer;
    gateway.answer = (request, socket) =>
      request.rooms.includes("secret") ? { ok: false, error: { code: "forbidden", message: "not granted: \"secret\"" } } : defaultAnswer(request, socket);
    const errors: ClientError[] = [];
    const client = open({ onError: (error) => errors.push(error) });
    const open1 = client.subscribe("open-1", () => {});
    const secret = client.subscribe("secret", () => {});
    const open2 = client.subscribe("open-2", () => {});
    await Promise.all([open1.ready, open2.ready]);
    await expect(secret.ready).rejects.toMatchObject({ code: "forbidden", retryable: false, room: "secret" });
    expect(secret.closed).toBe(true);
    expect(errors.map((error) => error.code)).toEqual(["forbidden"]);
  });

  it("reconnects by itself after `io server disconnect` and resumes every room from its position", async () => {
    const client = open();
    await client.subscribe("r", () => {}).ready;
    const first = client.socket.id;
    gateway.io.disconnectSockets(true);
    await waitUntil(() => gateway.requests.length === 2, { what: "a second subscribe" });
    expect(client.socket.id).not.toBe(first);
    expect(gateway.requests[1]).toEqual({ rooms: ["r"], since: { r: { offset: 0, epoch: "e1" } } });
  });

  it("asks the token function again when it failed, reporting the failure as retryable", async () => {
    let calls = 0;
    const errors: ClientError[] = [];
    const client = open({
      token: async () => {
        if (++calls === 1) throw new Error("auth backend down");
        return `token-${calls}`;
      },
      onError: (error) => errors.push(error),
    });
    await client.subscribe("r", () => {}).ready;
    expect(gateway.handshakes).toEqual([{ token: "token-2" }]);
    expect(errors.map((error) => [error.code, error.retryable])).toEqual([["token_failed", true]]);
  });

  it("reports an unauthorized refusal as final and stays disconnected", async () => {
    gateway.io.use((_socket, next) => next(Object.assign(new Error("unauthorized"), { data: { code: "unauthorized", retryable: false, message: "bad token" } })));
    const errors: ClientError[] = [];
    const client = open({ onError: (error) => errors.push(error) });
    await waitUntil(() => errors.length === 1, { what: "the refusal" });
    expect(errors[0]).toMatchObject({ code: "unauthorized", retryable: false, message: "bad token" });
    expect(client.socket.active).toBe(false);
  });

  it("waits at least the refusal's retryAfterMs before it connects again by itself", async () => {
    const refusedAt: number[] = [];
    gateway.io.use((_socket, next) => {
      if (refusedAt.length > 0) return next();
      refusedAt.push(Date.now());
      next(Object.assign(new Error("full"), { data: { code: "server_full", retryable: true, retryAfterMs: 300, message: "full" } }));
    });
    const client = open();
    await waitUntil(() => client.socket.connected, { what: "the second attempt" });
    expect(gateway.handshakes).toHaveLength(2);
    expect(Date.now() - refusedAt[0]!).toBeGreaterThanOrEqual(300);
  });
});
