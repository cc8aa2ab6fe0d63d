import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, waitForReady } from "../support/publish-api-client.js";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "room-state-key";
const ORDERS_KEY = "room-state-orders-key";
const PUBLISH_API_KEYS = `${KEY},${ORDERS_KEY} rooms=orders:*`;

interface RoomStateBody {
  room: string;
  subscribers: number;
  gateways: number;
  complete: boolean;
  gatewaysAsked: number;
  gatewaysAnswered: number;
  history: { offset: number; epoch: string; size: number } | null;
}

const getRoom = (baseUrl: string, room: string, key = KEY) =>
  fetch(`${baseUrl}/v1/rooms/${encodeURIComponent(room)}`, { headers: { authorization: `Bearer ${key}` } });

async function readRoom(baseUrl: string, room: string): Promise<RoomStateBody> {
  const response = await getRoom(baseUrl, room);
  expect(response.status).toBe(200);
  return (await response.json()) as RoomStateBody;
}

async function publishTimes(baseUrl: string, room: string, times: number) {
  for (let n = 1; n <= times; n++) expect((await postJson(baseUrl, "/v1/publish", KEY, { room, event: "tick", data: n })).status).toBe(202);
}

/** What every deployment answers the same way: the key's scope, the room name, the key itself. */
async function expectRefusals(baseUrl: string) {
  expect((await getRoom(baseUrl, "orders:42", ORDERS_KEY)).status).toBe(200);
  const outside = await getRoom(baseUrl, "chat:1", ORDERS_KEY);
  expect(outside.status).toBe(403);
  expect(await outside.json()).toMatchObject({ error: { code: "forbidden", issues: [{ path: "room" }] } });
  const bad = await getRoom(baseUrl, "not ok");
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ error: { code: "invalid_request", issues: [{ path: "room" }] } });
  expect((await fetch(`${baseUrl}/v1/rooms/orders:42`)).status).toBe(401);
}

/** The service's node process (npm is the group leader), for SIGSTOP/SIGCONT. */
function nodePid(service: ServiceProcess): number {
  const listing = execFileSync("ps", ["-o", "pid=,args=", "-g", String(service.child.pid)], { encoding: "utf8" });
  // Not the `sh -c node dist/main.js` npm runs it through.
  const fields = listing.split("\n").map((row) => row.trim().split(/\s+/)).find((row) => row[1] === "node" && row.some((arg) => arg.endsWith("dist/main.js")));
  if (!fields) throw new Error(`no node process under ${service.name}:\n${listing}`);
  return Number(fields[0]);
}

describe("GET /v1/rooms/:room on a fleet: two gateways and publish-api sharing Redis", () => {
  let redis: RedisServerProcess;
  const services: ServiceProcess[] = [];
  const clients: TestClient[] = [];
  let gatewayA: ServiceProcess;
  let gatewayB: ServiceProcess;
  let api: ServiceProcess;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: testPrefix("room-state"), PUBLISH_API_KEYS };
    const gatewayEnv = { ...env, ...ANONYMOUS_GATEWAY_ENV, REDIS_ENABLED: "true" };
    const started = await Promise.all([startService("socket-gateway", gatewayEnv), startService("socket-gateway", gatewayEnv), startService("publish-api", env)]);
    services.push(...started);
    [gatewayA, gatewayB, api] = started as [ServiceProcess, ServiceProcess, ServiceProcess];
    await waitForReady(started);
    // Ready says the gateways' Redis links are up; this says both listen for room-stats requests too.
    await waitUntil(async () => (await readRoom(api.url, "warm-up")).gatewaysAsked === 2, { what: "both gateways asked" });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    const codes = await Promise.all(services.map((service) => service.stop()));
    await redis?.stop();
    expect(codes).toEqual(services.map(() => 0));
  });

  async function connect(gateway: ServiceProcess, rooms: string | string[]) {
    const client = await connectClient(gateway.url);
    clients.push(client);
    expect(await client.subscribe(rooms)).toMatchObject({ ok: true });
    return client;
  }

  it("counts a room's sockets across both gateways and the gateways holding them", async () => {
    await connect(gatewayA, "orders:42");
    await connect(gatewayA, ["orders:42", "orders:7"]);
    await connect(gatewayB, "orders:42");
    await connect(gatewayB, "chat:1");

    expect(await readRoom(api.url, "orders:42")).toEqual({
      room: "orders:42",
      subscribers: 3,
      gateways: 2,
      complete: true,
      gatewaysAsked: 2,
      gatewaysAnswered: 2,
      // No publish yet: the position a subscribe ack gives for such a room.
      history: { offset: 0, epoch: "", size: 0 },
    });
    expect(await readRoom(api.url, "orders:7")).toMatchObject({ subscribers: 1, gateways: 1, complete: true });
    expect(await readRoom(api.url, "nobody:here")).toMatchObject({ subscribers: 0, gateways: 0, complete: true, gatewaysAsked: 2 });
  });

  it("gives the room's history position and what it holds after some publishes", async () => {
    const listener = await connect(gatewayB, "feed:1");
    await publishTimes(api.url, "feed:1", 3);
    await waitUntil(() => listener.received.length === 3, { what: "three deliveries" });
    const epoch = listener.received[0]!.meta.epoch;
    expect((await readRoom(api.url, "feed:1")).history).toEqual({ offset: 3, epoch, size: 3 });
  });

  it("stops counting a socket once it has left", async () => {
    const leaving = await connect(gatewayB, "leaving:1");
    await connect(gatewayA, "leaving:1");
    expect(await readRoom(api.url, "leaving:1")).toMatchObject({ subscribers: 2, gateways: 2 });
    leaving.close();
    await waitUntil(async () => (await readRoom(api.url, "leaving:1")).subscribers === 1, { what: "the count to drop" });
    expect(await readRoom(api.url, "leaving:1")).toMatchObject({ subscribers: 1, gateways: 1, complete: true });
  });

  it("refuses a room outside the key's scope (403), a bad room name (400) and a missing key (401)", async () => {
    await expectRefusals(api.url);
  });

  it("reports complete: false with the answers it has, within the deadline, while a gateway does not answer", async () => {
    await connect(gatewayA, "frozen:1");
    await connect(gatewayB, "frozen:1");
    const pid = nodePid(gatewayB);
    process.kill(pid, "SIGSTOP");
    try {
      const started = Date.now();
      expect(await readRoom(api.url, "frozen:1")).toMatchObject({ subscribers: 1, gateways: 1, complete: false, gatewaysAsked: 2, gatewaysAnswered: 1 });
      // The deadline is 500 ms: the answer came right after it, not after a Socket.IO-style 5 s.
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    await waitUntil(async () => (await readRoom(api.url, "frozen:1")).complete, { what: "gateway B answering again" });
    expect(await readRoom(api.url, "frozen:1")).toMatchObject({ subscribers: 2, gateways: 2, complete: true });
  });

  it("answers 503 with Retry-After while Redis is down, and counts again once it is back", async () => {
    await redis.kill();
    try {
      const response = await getRoom(api.url, "orders:42");
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      expect(await response.json()).toMatchObject({ error: { code: "unavailable" } });
    } finally {
      await redis.restart();
    }
    await waitForReady(services);
    await waitUntil(async () => (await getRoom(api.url, "orders:42")).status === 200, { what: "publish-api reading rooms again" });
  });
});

describe("GET /v1/rooms/:room on a single instance (no Redis)", () => {
  const services: ServiceProcess[] = [];
  const clients: TestClient[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const service = await startService("socket-gateway", { ...ANONYMOUS_GATEWAY_ENV, REDIS_ENABLED: "false", REDIS_URL: "redis://127.0.0.1:1", PUBLISH_API_KEYS, ...env });
    services.push(service);
    return service;
  };
  const connect = async (server: ServiceProcess, room: string) => {
    const client = await connectClient(server.url);
    clients.push(client);
    expect(await client.subscribe(room)).toMatchObject({ ok: true });
    return client;
  };

  afterAll(async () => {
    for (const client of clients) client.close();
    const codes = await Promise.all(services.map((service) => service.stop()));
    expect(codes).toEqual(services.map(() => 0));
  });

  it("counts the process's own sockets as one gateway and reads its memory history", async () => {
    const server = await start();
    const first = await connect(server, "orders:42");
    await connect(server, "orders:42");
    await connect(server, "orders:7");
    expect(await readRoom(server.url, "orders:42")).toEqual({
      room: "orders:42",
      subscribers: 2,
      gateways: 1,
      complete: true,
      gatewaysAsked: 1,
      gatewaysAnswered: 1,
      history: { offset: 0, epoch: "", size: 0 },
    });
    await publishTimes(server.url, "orders:42", 2);
    await waitUntil(() => first.received.length === 2, { what: "two deliveries" });
    expect((await readRoom(server.url, "orders:42")).history).toEqual({ offset: 2, epoch: first.received[0]!.meta.epoch, size: 2 });
    expect(await readRoom(server.url, "nobody:here")).toMatchObject({ subscribers: 0, gateways: 0, complete: true });
    await expectRefusals(server.url);
  });

  it("answers history: null with HISTORY_SIZE=0", async () => {
    const server = await start({ HISTORY_SIZE: "0" });
    await connect(server, "orders:1");
    expect(await readRoom(server.url, "orders:1")).toMatchObject({ subscribers: 1, gateways: 1, history: null });
  });
});
