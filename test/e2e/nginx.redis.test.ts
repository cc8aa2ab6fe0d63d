import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNginx, type NginxProcess } from "../support/nginx.js";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "nginx-e2e-key";

describe("nginx from deploy/nginx/nginx.conf in front of three gateways sharing Redis", () => {
  let redis: RedisServerProcess | undefined;
  const services: ServiceProcess[] = [];
  const clients: TestClient[] = [];
  let gateways: ServiceProcess[] = [];
  let api: ServiceProcess;
  let nginx: NginxProcess | undefined;
  let nginxUrl: string;
  const readLog = () => nginx!.readLog();

  const connect = async (transports: ("polling" | "websocket")[]) => {
    const client = await connectClient(nginxUrl, { transports });
    clients.push(client);
    return client;
  };

  // Straight to publish-api, as a backend would: nginx fronts only the gateways.
  const publish = async (room: string, data: unknown) => {
    const response = await fetch(`${api.url}/v1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ room, event: "update", data }),
    });
    expect(response.status, await response.clone().text()).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    // A short shutdown deadline keeps the teardown bounded even if a drain hangs.
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: testPrefix("nginx"), PUBLISH_API_KEYS: KEY, SHUTDOWN_TIMEOUT_MS: "5000" };
    const results = await Promise.allSettled([
      ...[1, 2, 3].map(() => startService("socket-gateway", { ...ANONYMOUS_GATEWAY_ENV, ...env, REDIS_ENABLED: "true" })),
      startService("publish-api", env),
    ]);
    // Keep whatever did start, so afterAll stops it even when another failed.
    for (const result of results) if (result.status === "fulfilled") services.push(result.value);
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const started = services.slice();
    gateways = started.slice(0, 3);
    api = started[3]!;
    // Ready means subscribed to Redis: a publish before that would miss the gateway.
    for (const service of started) {
      await waitUntil(async () => (await fetch(`${service.url}/ready`)).ok, { what: `${service.name} /ready` });
    }

    nginx = await startNginx(gateways.map((gateway) => gateway.port));
    nginxUrl = nginx.url;
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await nginx?.stop();
    await Promise.all(services.map((service) => service.stop()));
    await redis?.stop();
  });

  it("delivers a publish sent to publish-api to long-polling and WebSocket clients connected through nginx", async () => {
    // Two of each, so that a second session through the same upstream connection is covered too.
    const polling = await Promise.all([1, 2].map(() => connect(["polling"])));
    const websocket = await Promise.all([1, 2].map(() => connect(["websocket"])));
    for (const client of [...polling, ...websocket]) expect(await client.subscribe("orders:42")).toMatchObject({ ok: true });

    const id = await publish("orders:42", { status: "paid" });
    const everyone = [...polling, ...websocket];
    await waitUntil(() => everyone.every((client) => client.received.length === 1), { what: "every client's copy" });
    for (const client of everyone) {
      expect(client.received[0]).toMatchObject({ event: "update", data: { status: "paid" }, meta: { id, room: "orders:42" } });
    }
    // Each kept the transport it asked for, so both paths through nginx were exercised.
    expect(polling.map((client) => client.socket.io.engine.transport.name)).toEqual(["polling", "polling"]);
    expect(websocket.map((client) => client.socket.io.engine.transport.name)).toEqual(["websocket", "websocket"]);
  });

  it("upgrades a client that starts on long-polling to WebSocket through nginx", async () => {
    const client = await connect(["polling", "websocket"]);
    const engine = client.socket.io.engine;
    await waitUntil(() => engine.transport.name === "websocket", { what: "the upgrade to WebSocket" });
    await client.subscribe("upgrade:1");
    await publish("upgrade:1", "after upgrade");
    await waitUntil(() => client.received.length === 1, { what: "the copy over the upgraded transport" });
    expect(client.received[0]!.data).toBe("after upgrade");
  });

  it("routes every request of a long-polling session, and its upgrade, to the one gateway that holds it", async () => {
    const polling = await connect(["polling"]);
    const upgrading = await connect(["polling", "websocket"]);
    await waitUntil(() => upgrading.socket.io.engine.transport.name === "websocket", { what: "the upgrade to WebSocket" });
    // Several round trips, each a fresh HTTP request for the polling client.
    for (const room of ["sticky:1", "sticky:2", "sticky:3"]) {
      await polling.subscribe(room);
      await upgrading.subscribe(room);
      await publish(room, room);
    }
    await waitUntil(() => polling.received.length === 3 && upgrading.received.length === 3, { what: "three copies each" });
    const pollingSid = polling.socket.io.engine.id!;
    const upgradingSid = upgrading.socket.io.engine.id!;
    // nginx logs a WebSocket request when it ends: close it, then wait for its line.
    upgrading.close();
    await waitUntil(() => readLog().some((entry) => entry.sid === upgradingSid && entry.transport === "websocket"), {
      what: "the upgrade request in nginx's access log",
    });

    const gatewayAddresses = gateways.map((gateway) => `127.0.0.1:${gateway.port}`);
    // Three subscriptions, each a POST answered in a later GET, take at least six polling
    // requests; the upgrading client logs at least one poll and the upgrade itself.
    for (const [sid, least] of [[pollingSid, 6], [upgradingSid, 2]] as const) {
      const requests = readLog().filter((entry) => entry.sid === sid);
      expect(requests.length, `requests logged for session ${sid}`).toBeGreaterThanOrEqual(least);
      // One address, no retry list ("a, b"): nginx never tried another gateway either.
      const upstreams = new Set(requests.map((entry) => entry.upstream));
      expect([...upstreams], `gateways that served session ${sid}`).toHaveLength(1);
      expect(gatewayAddresses).toContain([...upstreams][0]);
      // A gateway that does not know a session answers 400; none did.
      expect(requests.filter((entry) => entry.status >= 400), `failed requests of session ${sid}`).toEqual([]);
    }
    expect(readLog().find((entry) => entry.sid === upgradingSid && entry.transport === "websocket")?.status).toBe(101);
  });
});
