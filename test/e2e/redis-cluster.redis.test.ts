import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMetric } from "../support/gateway-metrics.js";
import { postJson, waitForReady } from "../support/publish-api-client.js";
import { startRedisCluster, type RedisCluster } from "../support/redis-cluster.js";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { mintToken, TEST_JWT_SECRET } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "cluster-key";
const ROOMS = Array.from({ length: 200 }, (_, index) => `cluster:room-${index}`);
// 20 clients, 10 per gateway; client j takes every room whose number ends in j % 10, so each
// room has one subscriber on each gateway.
const CLIENTS = 20;
const roomsOf = (client: number) => ROOMS.filter((_, index) => index % 10 === client % 10);

/** A node's own answer, asked directly (a cluster client would route the question elsewhere). */
async function askNode(port: number, ...args: string[]): Promise<unknown> {
  const node = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await node.connect();
    return await node.call(args[0]!, ...args.slice(1));
  } finally {
    node.disconnect();
  }
}

const shardChannel = (prefix: string, room: string) => `${prefix}:room:{${room}}:feed`;

/** Where the fleet's Redis is: which nodes to ask, and which of them owns a key. */
interface Deployment {
  env: Record<string, string>;
  ports: number[];
  ownerOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

async function startCluster(): Promise<Deployment> {
  const cluster: RedisCluster = await startRedisCluster({ primaries: 3 });
  return {
    env: { REDIS_CLUSTER_NODES: cluster.seeds },
    ports: cluster.nodes.map((node) => node.port),
    ownerOf: async (key) => (await cluster.primaryForKey(key)).port,
    stop: () => cluster.stop(),
  };
}

async function startShardedSingle(): Promise<Deployment> {
  const server: RedisServerProcess = await startRedisServer();
  return { env: { REDIS_URL: server.url, REDIS_PUBSUB: "sharded" }, ports: [server.port], ownerOf: async () => server.port, stop: () => server.stop() };
}

describe.each([
  { history: "100", label: "Redis Cluster of 3 primaries, with history", start: startCluster, primaries: 3 },
  { history: "0", label: "Redis Cluster of 3 primaries, with HISTORY_SIZE=0", start: startCluster, primaries: 3 },
  { history: "100", label: "one Redis with REDIS_PUBSUB=sharded, with history", start: startShardedSingle, primaries: 1 },
])("$label: 2 gateways, publish-api and worker", ({ history, start, primaries }) => {
  let cluster: Deployment;
  const prefix = testPrefix(`cluster-${history}`);
  const services: ServiceProcess[] = [];
  const clients: TestClient[] = [];
  let api: ServiceProcess;

  beforeAll(async () => {
    cluster = await start();
    const env = { ...cluster.env, REDIS_PREFIX: prefix, PUBLISH_API_KEYS: KEY, HISTORY_SIZE: history };
    const gatewayEnv = { ...env, REDIS_ENABLED: "true", JWT_SECRET: TEST_JWT_SECRET };
    const started = await Promise.all([
      startService("socket-gateway", gatewayEnv),
      startService("socket-gateway", gatewayEnv),
      startService("publish-api", env),
      startService("worker", env),
    ]);
    services.push(...started);
    api = started[2]!;
    await waitForReady(started);
    const token = await mintToken({ sub: "cluster-tester", rooms: ["cluster:*"] });
    for (let client = 0; client < CLIENTS; client++) {
      const connected = await connectClient(started[client < 10 ? 0 : 1]!.url, { token });
      clients.push(connected);
      expect(await connected.subscribe(roomsOf(client))).toMatchObject({ ok: true });
    }
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    const codes = await Promise.all(services.map((service) => service.stop()));
    await cluster?.stop();
    expect(codes).toEqual(services.map(() => 0));
  });

  it("spreads the 200 rooms over every primary", async () => {
    const owners = new Set(await Promise.all(ROOMS.map((room) => cluster.ownerOf(shardChannel(prefix, room)))));
    expect(owners.size).toBe(primaries);
  });

  it("delivers every message of every room once to each of its subscribers, through the API (batches and multi-room publishes) and the queue", async () => {
    // A batch of 100 single-room messages, twice: every room once.
    for (const half of [ROOMS.slice(0, 100), ROOMS.slice(100)]) {
      const response = await postJson(api.url, "/v1/publish", KEY, { messages: half.map((room) => ({ rooms: [room], event: "batched", data: { room } })) });
      expect(response.status).toBe(202);
    }
    // Messages to several rooms in different slots each, then one notification per room.
    for (let index = 0; index < 20; index++) {
      const rooms = [ROOMS[index]!, ROOMS[index + 50]!, ROOMS[index + 150]!];
      expect((await postJson(api.url, "/v1/publish", KEY, { rooms, event: "spread", data: { index } })).status).toBe(202);
    }
    for (const room of ROOMS) {
      expect((await postJson(api.url, "/v1/notifications", KEY, { rooms: [room], event: "queued", data: { room } })).status).toBe(202);
    }

    const expected = (client: number) => {
      const mine = new Set(roomsOf(client));
      const spread = Array.from({ length: 20 }, (_, index) => [ROOMS[index]!, ROOMS[index + 50]!, ROOMS[index + 150]!].filter((room) => mine.has(room))).flat();
      return mine.size * 2 + spread.length;
    };
    await waitUntil(() => clients.every((client, index) => client.received.length >= expected(index)), { timeoutMs: 20_000, what: "every client's messages" });
    // A moment more: anything delivered twice would show now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    clients.forEach((client, index) => {
      const copies = client.received.map(({ event, meta }) => `${event} ${meta.room} ${meta.id}`);
      expect(new Set(copies).size).toBe(copies.length);
      expect(copies.length).toBe(expected(index));
      expect(new Set(client.received.map(({ meta }) => meta.room))).toEqual(new Set(roomsOf(index)));
      for (const event of ["batched", "queued"]) {
        expect(client.received.filter((copy) => copy.event === event).map(({ meta }) => meta.room).sort()).toEqual([...roomsOf(index)].sort());
      }
    });
    if (history !== "0") {
      // Each room's offsets as its subscribers saw them: 1, 2, 3 ... with no gap.
      for (const client of clients) {
        const byRoom = new Map<string, number[]>();
        for (const { meta } of client.received) byRoom.set(meta.room, [...(byRoom.get(meta.room) ?? []), meta.offset!]);
        for (const offsets of byRoom.values()) expect(offsets).toEqual(offsets.map((_, index) => index + 1));
      }
    }
  });

  it("has each gateway on its rooms' shard channels, and nothing on patterns or classic channels, on every node", async () => {
    for (const port of cluster.ports) {
      expect(await askNode(port, "PUBSUB", "NUMPAT")).toBe(0);
      expect(await askNode(port, "PUBSUB", "CHANNELS")).toEqual([]);
    }
    const byOwner = new Map<number, string[]>();
    for (const room of ROOMS) {
      const owner = await cluster.ownerOf(shardChannel(prefix, room));
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), shardChannel(prefix, room)]);
    }
    for (const [port, channels] of byOwner) {
      const reply = (await askNode(port, "PUBSUB", "SHARDNUMSUB", ...channels)) as Array<string | number>;
      const counts = Object.fromEntries(channels.map((channel, index) => [reply[index * 2], reply[index * 2 + 1]]));
      expect(counts).toEqual(Object.fromEntries(channels.map((channel) => [channel, 2])));
    }
  });

  it("answers 202 for a room no gateway holds, and GET /v1/rooms/:room counts the fleet's subscribers", async () => {
    const response = await postJson(api.url, "/v1/publish", KEY, { rooms: ["cluster:nobody-here"], event: "lonely", data: null });
    expect(response.status).toBe(202);
    const state = (await (await fetch(`${api.url}/v1/rooms/${encodeURIComponent(ROOMS[7]!)}`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { history: unknown };
    expect(state).toMatchObject({ room: ROOMS[7], subscribers: 2, gateways: 2, complete: true });
    const delivered = clients[7]!.received.filter(({ meta }) => meta.room === ROOMS[7]).length;
    expect(state.history).toEqual(history === "0" ? null : expect.objectContaining({ offset: delivered }));
  });

  it("says every service is ready, and none met a Redis error (the rate limiter and replay store included)", async () => {
    for (const service of services) {
      const ready = await fetch(`${service.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { redis: "up" } });
      expect(await readMetric(service.url, 'socket_server_errors_total{kind="redis"}')).toBeFalsy();
    }
  });

  it.runIf(history !== "0")("replays exactly what a client missed while it was away", async () => {
    const [room] = roomsOf(3);
    const before = clients[3]!.received.filter(({ meta }) => meta.room === room).at(-1)!.meta;
    const away = await connectClient(services[1]!.url, { token: await mintToken({ sub: "returning", rooms: ["cluster:*"] }) });
    for (let index = 0; index < 5; index++) expect((await postJson(api.url, "/v1/publish", KEY, { rooms: [room], event: "missed", data: { index } })).status).toBe(202);
    const ack = await away.subscribe({ rooms: [room!], since: { [room!]: { offset: before.offset!, epoch: before.epoch! } } });
    expect(ack).toMatchObject({ ok: true, recovered: { [room!]: true } });
    await waitUntil(() => away.received.length >= 5, { what: "the replay" });
    expect(away.received.map(({ event, data }) => [event, (data as { index: number }).index])).toEqual([0, 1, 2, 3, 4].map((index) => ["missed", index]));
    away.close();
  });
});
