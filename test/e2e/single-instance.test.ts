import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { waitUntil } from "../support/wait-until.js";

// The README's quick start: root `npm start`, no Redis anywhere, the development key.
const DEV_KEY = "dev-publish-key";

describe("single instance (root npm start, no Redis)", () => {
  let server: ServiceProcess;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    // Point REDIS_URL at a closed port: the single instance must not need Redis at all.
    server = await startService("root", { REDIS_URL: "redis://127.0.0.1:1", PUBLISH_API_KEYS: "" });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    const code = await server?.stop();
    expect(code).toBe(0);
  });

  const publish = (body: unknown, key = DEV_KEY) =>
    fetch(`${server.url}/v1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("reports itself live and ready with Redis disabled", async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${server.url}/ready`)).json()).toEqual({ status: "ok", checks: { redis: "disabled" } });
  });

  it("delivers a publish to every subscribed client, and only to them, until they unsubscribe", async () => {
    const [alice, bob, carol] = await Promise.all([connectClient(server.url), connectClient(server.url), connectClient(server.url)]);
    clients.push(alice!, bob!, carol!);
    // A room with no history yet: position 0, no epoch.
    const start = { offset: 0, epoch: "" };
    expect(await alice!.subscribe("orders:42")).toEqual({ ok: true, rooms: ["orders:42"], positions: { "orders:42": start } });
    expect(await bob!.subscribe(["orders:42", "user:7"])).toEqual({
      ok: true,
      rooms: ["orders:42", "user:7"],
      positions: { "orders:42": start, "user:7": start },
    });
    expect(await carol!.subscribe("orders:43")).toMatchObject({ ok: true });

    const before = Date.now();
    const response = await publish({ room: "orders:42", event: "order.updated", data: { status: "paid" } });
    expect(response.status).toBe(202);
    const { id, offsets } = (await response.json()) as { id: string; offsets: Record<string, number> };
    expect(offsets).toEqual({ "orders:42": 1 });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^socket_server_history_messages(\{[^}]*\})? 1$/m);
    expect(metrics).toMatch(/^socket_server_history_rooms(\{[^}]*\})? 1$/m);

    await waitUntil(() => alice!.received.length === 1 && bob!.received.length === 1, { what: "both deliveries" });
    for (const client of [alice!, bob!]) {
      const [copy] = client.received;
      expect(copy!.event).toBe("order.updated");
      expect(copy!.data).toEqual({ status: "paid" });
      expect(copy!.meta).toEqual({ id, room: "orders:42", ts: expect.any(Number), offset: 1, epoch: expect.any(String) });
      expect(copy!.meta.ts).toBeGreaterThanOrEqual(before - 5);
      expect(copy!.meta.ts).toBeLessThanOrEqual(Date.now());
    }

    expect(await alice!.unsubscribe("orders:42")).toEqual({ ok: true, rooms: ["orders:42"] });
    expect((await publish({ room: "orders:42", event: "order.updated", data: { status: "shipped" } })).status).toBe(202);
    await waitUntil(() => bob!.received.length === 2, { what: "bob's second delivery" });
    // A sentinel to a room Alice and Carol are in, published after: on each one's connection a
    // copy of either orders:42 publish would arrive before it.
    for (const client of [alice!, carol!]) await client.subscribe("sentinel");
    expect((await publish({ room: "sentinel", event: "sentinel", data: null })).status).toBe(202);
    await waitUntil(() => [alice!, carol!].every((client) => client.received.some((copy) => copy.event === "sentinel")), {
      what: "the sentinel at Alice and Carol",
    });
    const beforeSentinel = (client: TestClient) => client.received.filter((copy) => copy.event !== "sentinel");
    expect(beforeSentinel(alice!)).toHaveLength(1);
    expect(beforeSentinel(carol!)).toEqual([]);
  });

  it("delivers nothing for a refused publish", async () => {
    const watcher = await connectClient(server.url);
    clients.push(watcher);
    await watcher.subscribe("refused");
    expect((await publish({ room: "refused", event: "e", data: 1 }, "wrong-key")).status).toBe(401);
    expect((await publish({ room: "refused", event: "disconnect", data: 1 })).status).toBe(400);
    expect((await publish({ room: "refused", event: "ok", data: 2 })).status).toBe(202);
    await waitUntil(() => watcher.received.length > 0, { what: "the valid publish" });
    expect(watcher.received.map((copy) => copy.data)).toEqual([2]);
  });

  it("publishes a batch: one answer per message, delivered in message order, with offsets in that order", async () => {
    const watcher = await connectClient(server.url);
    clients.push(watcher);
    await watcher.subscribe(["batch:a", "batch:b"]);
    const messages = Array.from({ length: 20 }, (_, n) => (n % 5 === 0 ? { rooms: ["batch:a", "batch:b"], event: "step", data: n } : { room: "batch:a", event: "step", data: n }));
    const response = await publish({ messages });
    expect(response.status).toBe(202);
    const { results } = (await response.json()) as { results: Array<{ status: number; id: string; offsets: Record<string, number> }> };
    expect(results.map(({ status, offsets }) => [status, offsets["batch:a"]])).toEqual(messages.map((_, n) => [202, n + 1]));
    await waitUntil(() => watcher.received.length === 24, { what: "every copy of the batch" });
    const inRoom = (room: string) => watcher.received.filter((copy) => copy.meta.room === room);
    expect(inRoom("batch:a").map((copy) => [copy.data, copy.meta.offset, copy.meta.id])).toEqual(results.map(({ id }, n) => [n, n + 1, id]));
    expect(inRoom("batch:b").map((copy) => [copy.data, copy.meta.offset])).toEqual([[0, 1], [5, 2], [10, 3], [15, 4]]);
  });

  it("admits the README's anonymous client only because of DEV_MODE, and says so in its log", () => {
    expect(server.output()).toMatch(/DEV_MODE: no JWT_SECRET, JWT_PUBLIC_KEY or JWKS_URL set, so any client may read any room/);
  });

  it("answers notifications with 503 explaining they need Redis", async () => {
    const response = await fetch(`${server.url}/v1/notifications`, {
      method: "POST",
      headers: { authorization: `Bearer ${DEV_KEY}` },
      body: JSON.stringify({ room: "a", event: "e", data: 1 }),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/need Redis/);
  });
});
