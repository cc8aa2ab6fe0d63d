import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { mintToken, TEST_JWT_SECRET } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";
import { waitForReady } from "../support/publish-api-client.js";
import { readMetric } from "../support/gateway-metrics.js";

// Every room granted: these tests are about delivery; access rules have their own tests.
const clientToken = () => mintToken({ sub: "fleet-tester", rooms: ["*"] });
const KEY = "multi-instance-key";
const OTHER_KEY = "another-tenant-key";

describe("multi instance: two gateways, publish-api and worker sharing Redis", () => {
  let redis: RedisServerProcess;
  const services: ServiceProcess[] = [];
  const clients: TestClient[] = [];
  let gatewayA: ServiceProcess;
  let gatewayB: ServiceProcess;
  let api: ServiceProcess;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: testPrefix("multi"), PUBLISH_API_KEYS: `${KEY},${OTHER_KEY}` };
    const gatewayEnv = { ...env, REDIS_ENABLED: "true", JWT_SECRET: TEST_JWT_SECRET };
    const started = await Promise.all([
      startService("socket-gateway", gatewayEnv),
      startService("socket-gateway", gatewayEnv),
      startService("publish-api", env),
      startService("worker", env),
    ]);
    services.push(...started);
    [gatewayA, gatewayB, api] = started;
    await waitForReady(started);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    const codes = await Promise.all(services.map((service) => service.stop()));
    await redis?.stop();
    expect(codes).toEqual(services.map(() => 0));
  });

  const post = (path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify(body) });

  /**
   * Proves a copy did not arrive: a publish sent after it takes the same path (publish-api, one
   * Redis connection, each gateway's one subscription, each client's one connection), so a copy
   * that was coming arrives before the sentinel does.
   */
  const SENTINEL = "sentinel";
  async function sendSentinel(rooms: string[], expected: Array<[TestClient, number]>) {
    const response = await post("/v1/publish", { rooms, event: SENTINEL, data: null });
    expect(response.status).toBe(202);
    const sentinels = (client: TestClient) => client.received.filter((copy) => copy.event === SENTINEL).length;
    await waitUntil(() => expected.every(([client, copies]) => sentinels(client) === copies), { what: "the sentinel publish" });
  }
  const beforeSentinel = (client: TestClient) => client.received.filter((copy) => copy.event !== SENTINEL);

  it("delivers a publish to two rooms exactly once per room to clients on both gateways", async () => {
    const onA = await connectClient(gatewayA.url, { token: await clientToken() });
    const onB = await connectClient(gatewayB.url, { token: await clientToken() });
    const onlyRoomA = await connectClient(gatewayB.url, { token: await clientToken() });
    const bystander = await connectClient(gatewayA.url, { token: await clientToken() });
    clients.push(onA, onB, onlyRoomA, bystander);
    await onA.subscribe(["team:red", "team:blue"]);
    await onB.subscribe(["team:red", "team:blue"]);
    await onlyRoomA.subscribe("team:red");
    await bystander.subscribe("team:green");

    const response = await post("/v1/publish", { rooms: ["team:red", "team:blue"], event: "score", data: { goals: 3 } });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };

    await waitUntil(() => onA.received.length >= 2 && onB.received.length >= 2 && onlyRoomA.received.length >= 1, {
      what: "deliveries on both gateways",
    });
    // A duplicate, or a copy for the bystander, would arrive before the sentinel.
    await sendSentinel(["team:red", "team:blue", "team:green"], [[onA, 2], [onB, 2], [onlyRoomA, 1], [bystander, 1]]);
    for (const client of [onA, onB]) {
      const copies = beforeSentinel(client);
      expect(copies.map((copy) => copy.meta.room).sort()).toEqual(["team:blue", "team:red"]);
      expect(copies.every((copy) => copy.meta.id === id && copy.event === "score")).toBe(true);
      expect(copies.map((copy) => copy.data)).toEqual([{ goals: 3 }, { goals: 3 }]);
    }
    expect(beforeSentinel(onlyRoomA).map((copy) => copy.meta.room)).toEqual(["team:red"]);
    expect(beforeSentinel(bystander)).toEqual([]);
  });

  it("delivers a batch of 100 messages to clients on both gateways in message order, offsets as answered", async () => {
    const onA = await connectClient(gatewayA.url, { token: await clientToken() });
    const onB = await connectClient(gatewayB.url, { token: await clientToken() });
    clients.push(onA, onB);
    await onA.subscribe(["batch:1", "batch:2"]);
    await onB.subscribe("batch:1");
    // Every tenth message to both rooms: each room's copy is an append of its own, all in one pipeline.
    const messages = Array.from({ length: 100 }, (_, n) => ({ rooms: n % 10 === 0 ? ["batch:1", "batch:2"] : ["batch:1"], event: "step", data: { n } }));
    const response = await post("/v1/publish", { messages });
    expect(response.status).toBe(202);
    const { results } = (await response.json()) as { results: Array<{ status: number; id: string; offsets: Record<string, number> }> };
    expect(results.map(({ offsets }) => offsets["batch:1"])).toEqual(messages.map((_, n) => n + 1));

    await waitUntil(() => onA.received.length === 110 && onB.received.length === 100, { what: "the batch on both gateways" });
    await sendSentinel(["batch:1"], [[onA, 1], [onB, 1]]);
    for (const client of [onA, onB]) {
      const inRoom = beforeSentinel(client).filter((copy) => copy.meta.room === "batch:1");
      expect(inRoom.map((copy) => [(copy.data as { n: number }).n, copy.meta.offset, copy.meta.id])).toEqual(results.map(({ id }, n) => [n, n + 1, id]));
    }
    const second = beforeSentinel(onA).filter((copy) => copy.meta.room === "batch:2");
    expect(second.map((copy) => [(copy.data as { n: number }).n, copy.meta.offset])).toEqual(Array.from({ length: 10 }, (_, i) => [i * 10, i + 1]));
  });

  it("skips the sockets listed in `except`", async () => {
    const sender = await connectClient(gatewayA.url, { token: await clientToken() });
    const other = await connectClient(gatewayB.url, { token: await clientToken() });
    clients.push(sender, other);
    await sender.subscribe("chat:1");
    await other.subscribe("chat:1");
    const response = await post("/v1/publish", { room: "chat:1", event: "message", data: "hi", except: [sender.socket.id] });
    expect(response.status).toBe(202);
    await waitUntil(() => other.received.length === 1, { what: "the other client's copy" });
    // The sentinel, to the same room without `except`: the sender's copy would arrive before it.
    await sendSentinel(["chat:1"], [[sender, 1], [other, 1]]);
    expect(beforeSentinel(sender)).toEqual([]);
  });

  it("delivers a notification delayed by 500 ms no earlier than that, and marks it completed", async () => {
    const client = await connectClient(gatewayB.url, { token: await clientToken() });
    clients.push(client);
    await client.subscribe("reminders:9");
    const sentAt = Date.now();
    const response = await post("/v1/notifications", { room: "reminders:9", event: "reminder", data: { text: "stand up" }, delayMs: 500 });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };

    const status = async () =>
      (await (await fetch(`${api.url}/v1/notifications/${jobId}`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as {
        state: string;
        attemptsMade: number;
      };
    expect((await status()).state).toBe("delayed");

    await waitUntil(() => client.received.length === 1, { what: "the delayed notification", timeoutMs: 10_000 });
    const receivedAt = Date.now();
    expect(receivedAt - sentAt).toBeGreaterThanOrEqual(500);
    expect(client.received[0]).toMatchObject({ event: "reminder", data: { text: "stand up" }, meta: { room: "reminders:9" } });
    expect(client.received[0]!.meta.ts).toBeGreaterThanOrEqual(sentAt);
    await waitUntil(async () => (await status()).state === "completed", { what: "state completed" });
    expect((await status()).attemptsMade).toBeGreaterThanOrEqual(1);
  });

  it("enqueues a notification with a given jobId only once", async () => {
    const client = await connectClient(gatewayA.url, { token: await clientToken() });
    clients.push(client);
    await client.subscribe("once:1");
    const body = { room: "once:1", event: "e", data: 1, jobId: "idempotent-1" };
    const first = await post("/v1/notifications", body);
    const second = await post("/v1/notifications", body);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(await second.json()).toEqual({ jobId: "idempotent-1" });
    await waitUntil(() => client.received.length === 1, { what: "one notification" });
    // A second job would have been enqueued before `second` was answered. Once the queue holds
    // nothing waiting, delayed or active, every job has published; the sentinel then follows
    // each of those publishes through Redis, so a second copy would arrive before it.
    const queued = (state: string) => readMetric(services[3]!.url, `socket_server_queue_jobs{state="${state}"`);
    await waitUntil(async () => (await Promise.all(["waiting", "delayed", "active"].map(queued))).every((count) => count === 0), {
      what: "an empty notification queue",
    });
    await sendSentinel(["once:1"], [[client, 1]]);
    expect(beforeSentinel(client)).toHaveLength(1);
  });

  it("keeps each key's job ids to itself: another key neither reads a job nor blocks its id", async () => {
    const client = await connectClient(gatewayA.url, { token: await mintToken({ rooms: ["owned:*"] }) });
    clients.push(client);
    await client.subscribe("owned:1");
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    const body = JSON.stringify({ room: "owned:1", event: "e", data: "from A", jobId: "shared-id" });
    expect((await fetch(`${api.url}/v1/notifications`, { method: "POST", headers: as(KEY), body })).status).toBe(202);
    expect((await fetch(`${api.url}/v1/notifications/shared-id`, { headers: as(OTHER_KEY) })).status).toBe(404);

    const otherBody = JSON.stringify({ room: "owned:1", event: "e", data: "from B", jobId: "shared-id" });
    expect((await fetch(`${api.url}/v1/notifications`, { method: "POST", headers: as(OTHER_KEY), body: otherBody })).status).toBe(202);
    await waitUntil(() => client.received.length === 2, { what: "both keys' notifications" });
    expect(client.received.map((copy) => copy.data).sort()).toEqual(["from A", "from B"]);
    expect((await fetch(`${api.url}/v1/notifications/shared-id`, { headers: as(KEY) })).status).toBe(200);
  });

  it("answers 404 for an unknown notification", async () => {
    const response = await fetch(`${api.url}/v1/notifications/does-not-exist`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(404);
  });

  it("exposes the guide's figures on /metrics of every service", async () => {
    const scrape = async (service: ServiceProcess) => {
      const response = await fetch(`${service.url}/metrics`);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      return response.text();
    };
    const value = (text: string, series: string) => {
      const line = text.split("\n").find((candidate) => candidate.startsWith(series));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
    };
    const [gatewayText, apiText, workerText] = await Promise.all([scrape(gatewayA), scrape(api), scrape(services[3]!)]);

    expect(value(gatewayText, 'socket_server_connections_active{service="socket-gateway"}')).toBeGreaterThan(0);
    expect(value(gatewayText, 'socket_server_messages_delivered_total{service="socket-gateway"}')).toBeGreaterThan(0);
    expect(value(gatewayText, 'socket_server_delivery_latency_seconds_count{service="socket-gateway"}')).toBeGreaterThan(0);
    expect(value(gatewayText, 'socket_server_redis_up{service="socket-gateway"}')).toBe(1);
    expect(value(apiText, 'socket_server_messages_published_total{transport="http",service="publish-api"}')).toBeGreaterThanOrEqual(2);
    expect(value(apiText, 'socket_server_errors_total{kind="publish_unavailable",service="publish-api"}')).toBe(0);
    expect(value(workerText, 'socket_server_messages_published_total{transport="queue",service="worker"}')).toBeGreaterThanOrEqual(2);
    expect(value(workerText, 'socket_server_jobs_total{outcome="completed",service="worker"}')).toBeGreaterThanOrEqual(2);
    expect(value(workerText, 'socket_server_queue_jobs{state="waiting",service="worker"}')).toBe(0);
    // Node's process metrics come with every service.
    for (const text of [gatewayText, apiText, workerText]) expect(text).toMatch(/^process_resident_memory_bytes\{/m);
    // Labels come from closed sets: no room names leak into any series.
    for (const text of [gatewayText, apiText, workerText]) expect(text).not.toMatch(/team:red|reminders:9/);
  });
});
