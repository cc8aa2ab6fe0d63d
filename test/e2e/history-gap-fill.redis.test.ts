import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, waitForReady } from "../support/publish-api-client.js";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "gap-fill-key-0123456789";
const ROOM = "gap";
const CLIENTS_PER_GATEWAY = 5;
const RATE_PER_SECOND = 50;

interface Fleet {
  redis: RedisServerProcess;
  gateways: ServiceProcess[];
  api: ServiceProcess;
  clients: TestClient[];
}

/** A private Redis (so its links can be killed), two gateways, publish-api, and clients on both gateways. */
async function startFleet(redisArgs: string[]): Promise<Fleet> {
  const redis = await startRedisServer(redisArgs);
  const env = { REDIS_URL: redis.url, REDIS_PREFIX: testPrefix("gap-fill"), PUBLISH_API_KEYS: KEY, PUBLISH_RATE_LIMIT_PER_SECOND: "0" };
  const gatewayEnv = { ...env, ...ANONYMOUS_GATEWAY_ENV, REDIS_ENABLED: "true" };
  const [api, ...gateways] = await Promise.all([
    startService("publish-api", env),
    startService("socket-gateway", gatewayEnv),
    startService("socket-gateway", gatewayEnv),
  ]);
  await waitForReady([api!, ...gateways]);
  const clients: TestClient[] = [];
  for (const gateway of gateways) {
    for (let n = 0; n < CLIENTS_PER_GATEWAY; n++) {
      const client = await connectClient(gateway.url);
      expect(await client.subscribe(ROOM)).toMatchObject({ ok: true });
      clients.push(client);
    }
  }
  return { redis, gateways, api: api!, clients };
}

async function stopFleet(fleet: Fleet | undefined) {
  if (!fleet) return;
  for (const client of fleet.clients) client.close();
  await Promise.all([fleet.api.stop(), ...fleet.gateways.map((gateway) => gateway.stop())]);
  await fleet.redis.stop();
}

/**
 * Publishes open-loop at RATE_PER_SECOND for `durationMs`, running `disrupt` at `disruptAtMs`,
 * and answers the offsets of the accepted (202) messages and how many were refused.
 */
async function publishThrough(fleet: Fleet, durationMs: number, disruptAtMs: number, disrupt: () => Promise<void>) {
  const answers: Array<Promise<{ status: number; offset?: number }>> = [];
  const start = performance.now();
  let disruption: Promise<void> | undefined;
  for (let seq = 0; performance.now() - start < durationMs; seq++) {
    const due = start + (seq * 1000) / RATE_PER_SECOND;
    // Pacing is the point here: an open-loop publisher keeps its schedule whatever Redis does.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    if (!disruption && performance.now() - start >= disruptAtMs) disruption = disrupt();
    answers.push(
      postJson(fleet.api.url, "/v1/publish", KEY, { room: ROOM, event: "tick", data: seq }).then(async (response) => {
        if (response.status !== 202) return { status: response.status };
        const body = (await response.json()) as { offsets: Record<string, number> };
        return { status: 202, offset: body.offsets[ROOM]! };
      }, () => ({ status: 0 })),
    );
  }
  await disruption;
  const settled = await Promise.all(answers);
  return {
    accepted: settled.flatMap((answer) => (answer.offset === undefined ? [] : [answer.offset])),
    refused: settled.filter((answer) => answer.status !== 202).length,
  };
}

/** After a sentinel every client must have: every accepted offset, each once, contiguous. */
async function expectNothingLost(fleet: Fleet, accepted: number[]) {
  let sentinel: number | undefined;
  await waitUntil(async () => {
    const response = await postJson(fleet.api.url, "/v1/publish", KEY, { room: ROOM, event: "sentinel", data: null });
    if (response.status === 202) sentinel = ((await response.json()) as { offsets: Record<string, number> }).offsets[ROOM];
    return sentinel !== undefined;
  }, { what: "a 202 for the sentinel", timeoutMs: 15_000 });
  for (const [index, client] of fleet.clients.entries()) {
    const offsets = () => client.received.filter((copy) => copy.meta.room === ROOM).map((copy) => copy.meta.offset!);
    await waitUntil(() => offsets().includes(sentinel!), { what: `the sentinel at client ${index}`, timeoutMs: 15_000 });
    const seen = offsets();
    const first = seen[0]!;
    expect(seen, `client ${index}: each offset once, in order, none skipped`).toEqual(seen.map((_, n) => first + n));
    expect(accepted.filter((offset) => !seen.includes(offset)), `client ${index}: accepted then lost`).toEqual([]);
    expect(client.socket.connected).toBe(true);
  }
}

describe("gap-fill: clients that stay connected miss no accepted message", () => {
  let fleet: Fleet;
  const dir = mkdtempSync(join(tmpdir(), "gap-fill-aof-"));

  beforeAll(async () => {
    // Every write on disk before Redis answers: what a 202 promises survives a SIGKILL.
    fleet = await startFleet(["--appendonly", "yes", "--appendfsync", "always", "--dir", dir]);
  });
  afterAll(async () => {
    await stopFleet(fleet);
    rmSync(dir, { recursive: true, force: true });
  });

  it("while every gateway's subscriber link is killed (CLIENT KILL TYPE pubsub)", async () => {
    const admin = new Redis(fleet.redis.url);
    try {
      const { accepted } = await publishThrough(fleet, 3000, 1000, async () => {
        expect(await admin.call("CLIENT", "KILL", "TYPE", "pubsub")).toBeGreaterThanOrEqual(2);
      });
      expect(accepted.length).toBeGreaterThan(100);
      await expectNothingLost(fleet, accepted);
    } finally {
      admin.disconnect();
    }
  });

  it.each([1000, 5000])("while Redis is SIGKILLed for %i ms and restarted from its append-only file", async (downMs) => {
    const { accepted, refused } = await publishThrough(fleet, 2000 + downMs, 1000, async () => {
      await fleet.redis.kill();
      // The outage's length is the point: a fixed time Redis stays away.
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await fleet.redis.restart();
    });
    expect(refused).toBeGreaterThan(0);
    await expectNothingLost(fleet, accepted);
    for (const service of [fleet.api, ...fleet.gateways]) expect(service.exited()).toBe(false);
  });
});

describe("a Redis restarted without persistence", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet([]);
  });
  afterAll(() => stopFleet(fleet));

  it("starts rooms under a new epoch, and a client resuming from the old one is told recovered: false", async () => {
    const publish = (data: unknown) => postJson(fleet.api.url, "/v1/publish", KEY, { room: ROOM, event: "tick", data });
    expect((await publish("before")).status).toBe(202);
    const [watcher] = fleet.clients;
    await waitUntil(() => watcher!.received.length === 1, { what: "the first message" });
    const before = watcher!.received[0]!.meta;

    await fleet.redis.kill();
    await fleet.redis.restart();
    await waitUntil(async () => (await publish("after")).status === 202, { what: "a 202 after the restart" });
    await waitUntil(() => watcher!.received.some((copy) => copy.data === "after"), { what: "the first message after it" });
    const after = watcher!.received.find((copy) => copy.data === "after")!.meta;
    expect(after.epoch).not.toBe(before.epoch);
    expect(after.offset).toBe(1);

    const resumed = await connectClient(fleet.gateways[1]!.url);
    fleet.clients.push(resumed);
    const ack = await resumed.subscribe({ rooms: [ROOM], since: { [ROOM]: { offset: before.offset!, epoch: before.epoch! } } });
    expect(ack).toMatchObject({ ok: true, recovered: { [ROOM]: false }, positions: { [ROOM]: { epoch: after.epoch } } });
    expect(resumed.received).toEqual([]);
  });
});
