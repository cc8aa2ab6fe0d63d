import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNginx, type NginxProcess } from "../support/nginx.js";
import { startRedisServer, type RedisServerProcess } from "../support/redis-server.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "drain-key";
const CLIENTS = 200;

/** A client written as the README recommends: it subscribes on every `connect`. */
interface AppClient {
  socket: Socket;
  subscribed: boolean;
  disconnectReasons: string[];
  received: unknown[];
}

function appClient(url: string, room: string): AppClient {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnectionDelayMax: 2000 });
  const client: AppClient = { socket, subscribed: false, disconnectReasons: [], received: [] };
  socket.on("connect", () => {
    client.subscribed = false;
    socket.emit("subscribe", room, (ack: { ok: boolean }) => (client.subscribed = ack.ok));
  });
  socket.on("disconnect", (reason) => {
    client.subscribed = false;
    client.disconnectReasons.push(reason);
  });
  socket.on("drain.check", (data) => client.received.push(data));
  return client;
}

describe("graceful drain: SIGTERM to a gateway behind nginx", () => {
  let redis: RedisServerProcess;
  let nginx: NginxProcess;
  let gateways: ServiceProcess[] = [];
  let api: ServiceProcess;
  const clients: AppClient[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: testPrefix("drain"), PUBLISH_API_KEYS: KEY, SHUTDOWN_TIMEOUT_MS: "8000" };
    // Every test client comes from 127.0.0.1: behind a real load balancer they come from many
    // addresses (CLIENT_IP_HEADER), so the per-address connection limit is lifted here.
    const gatewayEnv = { ...ANONYMOUS_GATEWAY_ENV, ...env, REDIS_ENABLED: "true", CONNECTIONS_PER_SECOND_PER_IP: "1000" };
    const started = await Promise.all([
      startService("socket-gateway", gatewayEnv),
      startService("socket-gateway", gatewayEnv),
      startService("publish-api", env),
    ]);
    gateways = started.slice(0, 2);
    api = started[2]!;
    for (const service of started) await waitUntil(async () => (await fetch(`${service.url}/ready`)).ok, { what: "ready" });
    nginx = await startNginx(gateways.map((gateway) => gateway.port));
  });

  afterAll(async () => {
    for (const client of clients) client.socket.close();
    await nginx?.stop();
    await Promise.all([...gateways, api].map((service) => service?.stop()));
    await redis?.stop();
  });

  const publish = async (data: unknown) => {
    const response = await fetch(`${api.url}/v1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ room: "drain:all", event: "drain.check", data }),
    });
    expect(response.status).toBe(202);
  };

  const connectionsOf = async (gateway: ServiceProcess) => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text.split("\n").find((candidate) => candidate.startsWith("socket_server_connections_active"));
    return Number(line?.split(" ").at(-1) ?? 0);
  };

  it("moves every client to the other gateway within 10 s, re-subscribed, receiving the next publish", async () => {
    for (let i = 0; i < CLIENTS; i++) clients.push(appClient(nginx.url, "drain:all"));
    await waitUntil(() => clients.every((client) => client.subscribed), { what: "all clients subscribed", timeoutMs: 20_000 });
    await publish("before");
    await waitUntil(() => clients.every((client) => client.received.length === 1), { what: "the first publish everywhere" });

    // ip_hash sends every loopback client to one gateway: that is the one to stop.
    const counts = await Promise.all(gateways.map(connectionsOf));
    const victim = gateways[counts.indexOf(Math.max(...counts))]!;
    const survivor = gateways.find((gateway) => gateway !== victim)!;
    expect(Math.max(...counts)).toBe(CLIENTS);

    const stoppedAt = Date.now();
    const exitCode = await victim.stop("SIGTERM");
    expect(exitCode).toBe(0);
    await waitUntil(() => clients.every((client) => client.socket.connected && client.subscribed), {
      what: "every client reconnected and re-subscribed",
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    const movedWithinMs = Date.now() - stoppedAt;
    expect(movedWithinMs).toBeLessThan(10_000);

    // They were closed so that they reconnect: `io server disconnect` would have stopped them.
    const reasons = new Set(clients.flatMap((client) => client.disconnectReasons));
    expect([...reasons]).toEqual(["transport close"]);
    expect(await connectionsOf(survivor)).toBe(CLIENTS);

    await publish("after");
    await waitUntil(() => clients.every((client) => client.received.length === 2), { what: "the next publish everywhere" });
    expect(clients.every((client) => client.received[1] === "after")).toBe(true);
    console.info(`drain: ${CLIENTS} clients moved and re-subscribed ${movedWithinMs} ms after SIGTERM`);
  });
});
