import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../../test/support/publish-api-client.js";
import { startService, type ServiceProcess } from "../../test/support/service-process.js";
import { mintToken, TEST_JWT_SECRET } from "../../test/support/tokens.js";
import { waitUntil } from "../../test/support/wait-until.js";
import type { ClientError } from "./client-error.js";
import { createClient } from "./create-client.js";
import type { Client, ClientOptions, UnrecoverableInfo } from "./types.js";
import type { DeliveryMeta } from "./wire.js";

const DEV_KEY = "dev-publish-key";
const MAX_RECOVERY = 5;

interface Received {
  event: string;
  data: unknown;
  meta: DeliveryMeta;
}

/** Real processes started the way a user would, driven through the package as an application would. */
function harness(key: string) {
  const clients: Client[] = [];
  let service: ServiceProcess;
  return {
    set service(value: ServiceProcess) {
      service = value;
    },
    get service() {
      return service;
    },
    open(options: ClientOptions = {}) {
      const client = createClient(service.url, { retry: { minDelayMs: 100, maxDelayMs: 2000 }, ...options });
      clients.push(client);
      return client;
    },
    async publish(room: string, data: unknown, event = "tick") {
      const response = await postJson(service.url, "/v1/publish", key, { room, event, data });
      expect(response.status).toBe(202);
      return (await response.json()) as { id: string; offsets: Record<string, number> };
    },
    closeClients() {
      for (const client of clients.splice(0)) client.close();
    },
  };
}

function follow(client: Client, room: string) {
  const received: Received[] = [];
  const losses: UnrecoverableInfo[] = [];
  const subscription = client.subscribe(room, (data, meta, event) => received.push({ event, data, meta }), {
    onUnrecoverable: (info) => losses.push(info),
  });
  return { subscription, received, losses, data: () => received.map((message) => message.data) };
}

/** Drops the transport, as a network cut or a killed gateway would; socket.io-client then reconnects by itself. */
async function dropConnection(client: Client) {
  client.socket.io.engine.close();
  await waitUntil(() => !client.socket.connected, { what: "the drop" });
}

describe("createClient against the single instance", () => {
  const t = harness(DEV_KEY);
  // A reconnect 1.5 s after a drop: the tests publish while the client is away, and check it was.
  const slowReconnect: ClientOptions = { socketOptions: { reconnectionDelay: 1500, randomizationFactor: 0 } };

  beforeAll(async () => {
    t.service = await startService("root", { RECOVERY_MAX_MESSAGES: String(MAX_RECOVERY) });
  });
  afterEach(() => t.closeClients());
  afterAll(async () => {
    expect(await t.service?.stop()).toBe(0);
  });

  it("delivers published events with their name, data and meta", async () => {
    const room = follow(t.open(), "orders:meta");
    await room.subscription.ready;
    const published = await t.publish("orders:meta", { status: "paid" }, "order.updated");
    await waitUntil(() => room.received.length === 1, { what: "the delivery" });
    const [message] = room.received;
    expect(message).toMatchObject({ event: "order.updated", data: { status: "paid" } });
    expect(message!.meta).toMatchObject({ id: published.id, room: "orders:meta", offset: published.offsets["orders:meta"] });
    expect(room.subscription.position).toEqual({ offset: published.offsets["orders:meta"], epoch: message!.meta.epoch });
  });

  it("resumes after a dropped connection with every message published meanwhile, once each, in order", async () => {
    const client = t.open(slowReconnect);
    const room = follow(client, "orders:resume");
    await room.subscription.ready;
    for (const n of [1, 2, 3]) await t.publish("orders:resume", n);
    await waitUntil(() => room.received.length === 3, { what: "the first three" });

    await dropConnection(client);
    for (const n of [4, 5, 6, 7]) await t.publish("orders:resume", n);
    expect(client.socket.connected, "the client came back before the publishes ended; the test proves nothing").toBe(false);

    await waitUntil(() => room.received.length === 7, { what: "the replay", timeoutMs: 10_000 });
    for (const n of [8, 9]) await t.publish("orders:resume", n);
    // A sentinel last: anything repeated would have arrived before it.
    await t.publish("orders:resume", "end");
    await waitUntil(() => room.data().includes("end"), { what: "the sentinel" });
    expect(room.data()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, "end"]);
    expect(room.received.map((message) => message.meta.offset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(room.losses).toEqual([]);
  });

  it(`calls onUnrecoverable when it was away for more than RECOVERY_MAX_MESSAGES (${MAX_RECOVERY}), then goes on`, async () => {
    const client = t.open(slowReconnect);
    const room = follow(client, "orders:lost");
    await room.subscription.ready;
    await t.publish("orders:lost", 1);
    await waitUntil(() => room.received.length === 1, { what: "the first" });
    const before = room.subscription.position;

    await dropConnection(client);
    for (let n = 2; n <= MAX_RECOVERY + 3; n++) await t.publish("orders:lost", n);
    expect(client.socket.connected, "the client came back before the publishes ended").toBe(false);

    await waitUntil(() => room.losses.length === 1, { what: "onUnrecoverable", timeoutMs: 10_000 });
    expect(room.losses[0]).toEqual({ room: "orders:lost", reason: "not_recovered", previous: before, position: { offset: MAX_RECOVERY + 3, epoch: before!.epoch } });
    await t.publish("orders:lost", "after");
    await waitUntil(() => room.data().includes("after"), { what: "a delivery after the loss" });
    expect(room.data()).toEqual([1, "after"]);
  });

  it("drops the duplicates a replay from an older position brings", async () => {
    const client = t.open();
    const room = follow(client, "orders:dupes");
    await room.subscription.ready;
    for (const n of [1, 2, 3]) await t.publish("orders:dupes", n);
    await waitUntil(() => room.received.length === 3, { what: "the first three" });

    // Behind the package's back: leave and rejoin from offset 0, so the gateway replays 1..3 again.
    let raw = 0;
    client.socket.onAny(() => raw++);
    const epoch = room.subscription.position!.epoch;
    await client.socket.emitWithAck("unsubscribe", "orders:dupes");
    const ack = await client.socket.emitWithAck("subscribe", { rooms: ["orders:dupes"], since: { "orders:dupes": { offset: 0, epoch } } });
    expect(ack).toMatchObject({ ok: true, recovered: { "orders:dupes": true } });
    expect(raw).toBe(3);

    await t.publish("orders:dupes", 4);
    await waitUntil(() => room.received.length >= 4, { what: "the fourth" });
    expect(room.data()).toEqual([1, 2, 3, 4]);
  });
});

describe("createClient refused by the connection rate limit", () => {
  const t = harness(DEV_KEY);

  beforeAll(async () => {
    t.service = await startService("root", { CONNECTIONS_PER_SECOND_PER_IP: "1", CONNECTION_BURST_PER_IP: "0" });
  });
  afterEach(() => t.closeClients());
  afterAll(async () => {
    expect(await t.service?.stop()).toBe(0);
  });

  it("connects by itself after the refusal's retryAfterMs, and then receives", async () => {
    const errors: Array<{ error: ClientError; at: number }> = [];
    const connectedAt: number[] = [];
    const clients = [0, 1].map(() => {
      const client = t.open({ onError: (error) => errors.push({ error, at: Date.now() }) });
      client.socket.on("connect", () => connectedAt.push(Date.now()));
      return client;
    });
    const rooms = clients.map((client) => follow(client, "news:limited"));
    await waitUntil(() => clients.every((client) => client.socket.connected), { what: "both clients connected", timeoutMs: 10_000 });
    await Promise.all(rooms.map((room) => room.subscription.ready));

    const refusals = errors.filter(({ error }) => error.code === "rate_limited");
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    expect(refusals[0]!.error).toMatchObject({ retryable: true });
    const { retryAfterMs } = refusals[0]!.error;
    expect(retryAfterMs).toBeGreaterThan(0);
    // The later of the two connections came no sooner than the gateway asked.
    expect(Math.max(...connectedAt) - refusals[0]!.at).toBeGreaterThanOrEqual(retryAfterMs!);

    await t.publish("news:limited", "hello");
    await waitUntil(() => rooms.every((room) => room.received.length === 1), { what: "both clients" });
  });
});

describe("createClient with a token function, against a gateway that checks JWTs", () => {
  const KEY = "client-package-key";
  const t = harness(KEY);

  beforeAll(async () => {
    t.service = await startService("socket-gateway", { JWT_SECRET: TEST_JWT_SECRET, PUBLISH_API_KEYS: KEY, CONNECTIONS_PER_SECOND_PER_IP: "1000" });
  });
  afterEach(() => t.closeClients());
  afterAll(async () => {
    expect(await t.service?.stop()).toBe(0);
  });

  it("calls the token function for every connection attempt and stays subscribed throughout", async () => {
    const minted: string[] = [];
    const client = t.open({
      token: async () => {
        const token = await mintToken({ sub: "alice", rooms: ["news:*"], extra: { n: minted.length } });
        minted.push(token);
        return token;
      },
    });
    const room = follow(client, "news:tokens");
    await room.subscription.ready;
    for (const attempt of [2, 3]) {
      await dropConnection(client);
      await waitUntil(() => client.socket.connected && minted.length === attempt, { what: `connection ${attempt}`, timeoutMs: 10_000 });
    }
    expect(new Set(minted).size).toBe(3);

    await t.publish("news:tokens", "still here");
    await waitUntil(() => room.received.length === 1, { what: "the delivery" });
    expect(room.losses).toEqual([]);
  });
});
