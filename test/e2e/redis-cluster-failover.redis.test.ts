import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, waitForReady } from "../support/publish-api-client.js";
import { startRedisCluster, type RedisCluster } from "../support/redis-cluster.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { mintToken, TEST_JWT_SECRET } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "cluster-failover-key";
const ROOMS = Array.from({ length: 30 }, (_, index) => `failover:room-${index}`);
const PUBLISHERS = 6;
// Every fifth message goes through the queue (POST /v1/notifications, delivered by the worker).
const QUEUED_EVERY = 5;

interface Accepted {
  index: number;
  room: string;
  /** When its first attempt was sent and when a 202 came back, retries included. */
  firstTriedAt: number;
  acceptedAt: number;
  attempts: number;
}

/**
 * A shard of a 3-primary cluster, each primary with a replica, loses its primary to SIGKILL while
 * publishers keep publishing, as a publisher should: a 503 is retried with the same
 * idempotencyKey (or jobId) until it is answered 202. The clients stay connected throughout.
 */
describe("Redis Cluster failover: a primary SIGKILLed and its replica promoted, under steady publishing", () => {
  let cluster: RedisCluster;
  const prefix = testPrefix("cluster-failover");
  const services: ServiceProcess[] = [];
  const clients: TestClient[] = [];
  let api: ServiceProcess;

  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1, nodeTimeoutMs: 1000 });
    const env = {
      REDIS_CLUSTER_NODES: cluster.seeds,
      REDIS_PREFIX: prefix,
      PUBLISH_API_KEYS: KEY,
      PUBLISH_RATE_LIMIT_PER_SECOND: "0",
      HISTORY_SIZE: "1000",
    };
    const gatewayEnv = { ...env, REDIS_ENABLED: "true", JWT_SECRET: TEST_JWT_SECRET };
    services.push(
      ...(await Promise.all([
        startService("socket-gateway", gatewayEnv),
        startService("socket-gateway", gatewayEnv),
        startService("publish-api", env),
        startService("worker", env),
      ])),
    );
    api = services[2]!;
    await waitForReady(services);
    const token = await mintToken({ sub: "failover-watcher", rooms: ["failover:*"] });
    for (let index = 0; index < 4; index++) {
      const client = await connectClient(services[index % 2]!.url, { token });
      expect(await client.subscribe(ROOMS)).toMatchObject({ ok: true });
      clients.push(client);
    }
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    const codes = await Promise.all(services.map((service) => service.stop()));
    await cluster?.stop();
    expect(codes).toEqual(services.map(() => 0));
  });

  it("resumes publishing on the promoted replica, loses no accepted message, and no process exits", async () => {
    const shardChannel = (room: string) => `${prefix}:room:{${room}}:feed`;
    const victim = await cluster.primaryForKey(shardChannel(ROOMS[0]!));
    const onVictim = new Set<string>();
    for (const room of ROOMS) if ((await cluster.primaryForKey(shardChannel(room))).port === victim.port) onVictim.add(room);

    const accepted: Accepted[] = [];
    let refused = 0;
    let next = 0;
    let stopping = false;
    const publishOne = async (index: number) => {
      const room = ROOMS[index % ROOMS.length]!;
      const queued = index % QUEUED_EVERY === 0;
      const firstTriedAt = Date.now();
      for (let attempts = 1; ; attempts++) {
        const response = queued
          ? await postJson(api.url, "/v1/notifications", KEY, { rooms: [room], event: "tick", data: { index }, jobId: `tick-${index}` }).catch(() => undefined)
          : await postJson(api.url, "/v1/publish", KEY, { rooms: [room], event: "tick", data: { index }, idempotencyKey: `tick-${index}` }).catch(() => undefined);
        if (response?.status === 202) {
          accepted.push({ index, room, firstTriedAt, acceptedAt: Date.now(), attempts });
          return;
        }
        // Only "not now" may be answered while a shard fails over.
        expect(response?.status ?? 503).toBe(503);
        refused++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const publishers = Array.from({ length: PUBLISHERS }, async () => {
      while (!stopping) {
        await publishOne(next++);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });

    await new Promise((resolve) => setTimeout(resolve, 1500));
    const killedAt = Date.now();
    await cluster.kill(victim.port);
    const promoted = await cluster.waitForFailover(victim.port, { timeoutMs: 15_000 });
    const promotedAt = Date.now();
    // A while on the promoted replica, then every publisher finishes the message it has.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    stopping = true;
    await Promise.all(publishers);

    const onShard = accepted.filter(({ room }) => onVictim.has(room)).sort((a, b) => a.acceptedAt - b.acceptedAt);
    expect(onShard.some(({ acceptedAt }) => acceptedAt > promotedAt), "a message to the failed shard was accepted on the promoted replica").toBe(true);
    // The shard's outage as publishers saw it: the longest silence between two 202s for its rooms.
    let silence = { from: 0, to: 0 };
    for (let index = 1; index < onShard.length; index++) {
      const [before, after] = [onShard[index - 1]!.acceptedAt, onShard[index]!.acceptedAt];
      if (after - before > silence.to - silence.from) silence = { from: before, to: after };
    }
    // The longest wait for a 202 on the failed shard: how long publishing to it was interrupted.
    const longestWait = Math.max(...onShard.map(({ firstTriedAt, acceptedAt }) => acceptedAt - firstTriedAt));

    const expected = new Map(accepted.map(({ index, room }) => [index, room]));
    const receivedAll = () => clients.every((client) => new Set(client.received.map(({ data }) => (data as { index: number }).index)).size >= expected.size);
    await waitUntil(receivedAll, { timeoutMs: 20_000, what: "every accepted message on every client" }).catch(() => {});
    const lost = clients.map((client) => {
      const got = new Set(client.received.map(({ data }) => (data as { index: number }).index));
      return [...expected.keys()].filter((index) => !got.has(index)).length;
    });
    console.info(
      `cluster failover: ${accepted.length} accepted (${onShard.length} on the failed shard, ${onVictim.size} of ${ROOMS.length} rooms), ${refused} answered 503 and retried; ` +
        `replica promoted ${promotedAt - killedAt} ms after the kill (port ${victim.port} -> ${promoted.port}); ` +
        `no 202 for that shard's rooms from ${silence.from - killedAt} ms to ${silence.to - killedAt} ms after the kill; longest wait for one 202 there ${longestWait} ms; ` +
        `accepted then lost, per client: ${lost.join(", ")}`,
    );
    expect(lost).toEqual(clients.map(() => 0));
    for (const client of clients) {
      // Each accepted message once, and each room in offset order with no gap.
      const indexes = client.received.map(({ data }) => (data as { index: number }).index);
      expect(indexes.length).toBe(new Set(indexes).size);
      const byRoom = new Map<string, number[]>();
      for (const { meta } of client.received) byRoom.set(meta.room, [...(byRoom.get(meta.room) ?? []), meta.offset!]);
      for (const offsets of byRoom.values()) expect(offsets).toEqual(offsets.map((_, index) => offsets[0]! + index));
    }
    expect(services.filter((service) => service.exited()).map((service) => service.name)).toEqual([]);
    for (const service of services) expect((await fetch(`${service.url}/ready`)).status).toBe(200);
  }, 60_000);
});

describe("Redis Cluster with a primary lost for good (no replica): readiness follows the cluster's state", () => {
  it("turns /ready to 503 on publish-api and a gateway while a slot has no primary, keeping /health and the process", async () => {
    const cluster = await startRedisCluster({ primaries: 3, nodeTimeoutMs: 1000 });
    const env = { REDIS_CLUSTER_NODES: cluster.seeds, REDIS_PREFIX: testPrefix("cluster-down"), PUBLISH_API_KEYS: KEY };
    const services = await Promise.all([startService("publish-api", env), startService("socket-gateway", { ...env, REDIS_ENABLED: "true", JWT_SECRET: TEST_JWT_SECRET })]);
    try {
      await waitForReady(services);
      await cluster.kill(cluster.nodes[0]!.port);
      for (const service of services) {
        await waitUntil(async () => (await fetch(`${service.url}/ready`)).status === 503, { timeoutMs: 15_000, what: `${service.name} /ready 503` });
        expect(await (await fetch(`${service.url}/ready`)).json()).toMatchObject({ checks: { redis: "down" } });
        expect((await fetch(`${service.url}/health`)).status).toBe(200);
        expect(service.exited()).toBe(false);
      }
    } finally {
      await Promise.all(services.map((service) => service.stop()));
      await cluster.stop();
    }
  }, 60_000);
});
