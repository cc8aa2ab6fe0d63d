import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startInProcessGateway, type InProcessGateway } from "../../services/socket-gateway/src/in-process-gateway.fixture.js";
import { readMetric } from "../support/gateway-metrics.js";
import { startNginx, type NginxProcess } from "../support/nginx.js";
import { waitForReady } from "../support/publish-api-client.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { deleteKeys, testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const CLIENTS = 1000;
// Each in a /24 of its own: nginx's ip_hash hashes an IPv4 address by its first three octets,
// so 127.0.0.x would all land on one gateway.
const SOURCE_ADDRESSES = Array.from({ length: 10 }, (_, n) => `127.0.${n + 1}.9`);

/**
 * A socket.io-client with its default reconnection options (delay 1 s doubling to 5 s, jitter
 * 0.5). From `localAddress` it goes straight to WebSocket: in Node only the WebSocket transport
 * honours `localAddress`, polling would come from 127.0.0.1 whatever it says.
 */
function stockClient(url: string, localAddress?: string): Socket {
  const options = localAddress ? { localAddress, transports: ["websocket"] } : {};
  return connect(url, { forceNew: true, ...options } as Parameters<typeof connect>[1]);
}

/**
 * The defaults unless STORM_GATEWAY_ENV (JSON) overrides some, to measure other settings:
 * STORM_GATEWAY_ENV='{"CONNECTION_BURST_PER_IP":"0"}' npx vitest run test/e2e/reconnect-storm.redis.test.ts
 */
function measuredSettings(): Record<string, string> {
  return JSON.parse(process.env.STORM_GATEWAY_ENV ?? "{}") as Record<string, string>;
}

const percentile = (sorted: number[], q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

/**
 * A gateway dies under 1,000 stock clients, 100 per source address (as behind NATs), and its
 * share of them comes back through the project's nginx to the other gateway, which runs with the
 * default per-address limits (CONNECTIONS_PER_SECOND_PER_IP, CONNECTION_BURST_PER_IP): the
 * refusals of the storm are transport failures, which a stock client retries by itself.
 */
describe("a reconnect storm: a gateway SIGKILLed under 1,000 stock clients from 10 addresses", () => {
  const prefix = testPrefix("storm");
  let gateways: ServiceProcess[] = [];
  let nginx: NginxProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const env = { ...ANONYMOUS_GATEWAY_ENV, REDIS_ENABLED: "true", REDIS_URL: inject("redisUrl"), REDIS_PREFIX: prefix, CLIENT_IP_HEADER: "x-real-ip", ...measuredSettings() };
    gateways = await Promise.all([startService("socket-gateway", env), startService("socket-gateway", env)]);
    await waitForReady(gateways);
    nginx = await startNginx(gateways.map((gateway) => gateway.port));
    for (let n = 0; n < CLIENTS; n++) sockets.push(stockClient(nginx.url, SOURCE_ADDRESSES[n % SOURCE_ADDRESSES.length]));
    await waitUntil(() => sockets.every((socket) => socket.connected), { what: "1,000 stock clients connected", timeoutMs: 60_000 });
  }, 90_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await nginx?.stop();
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await deleteKeys(inject("redisUrl"), prefix);
  });

  it("reconnects every displaced client within 10 s, with no application code", async () => {
    const holds = (gateway: ServiceProcess) => readMetric(gateway.url, "socket_server_connections_active").then((value) => value ?? 0);
    const counts = await Promise.all(gateways.map(holds));
    const doomed = counts[0]! >= counts[1]! ? 0 : 1;
    const survivor = gateways[1 - doomed]!;
    const displaced = new Map<Socket, number | undefined>();
    for (const socket of sockets) {
      socket.once("disconnect", () => {
        displaced.set(socket, undefined);
        socket.once("connect", () => displaced.set(socket, performance.now() - killedAt));
      });
    }
    const killedAt = performance.now();
    await gateways[doomed]!.stop("SIGKILL");

    await waitUntil(() => displaced.size === counts[doomed], { what: "the doomed gateway's clients disconnected", timeoutMs: 5_000 });
    await waitUntil(() => [...displaced.values()].every((time) => time !== undefined), {
      what: `${counts[doomed]} displaced clients reconnected`,
      timeoutMs: 10_000,
    });
    expect(sockets.every((socket) => socket.connected)).toBe(true);
    expect(await holds(survivor)).toBe(CLIENTS);

    const times = [...displaced.values()].map(Number).sort((a, b) => a - b);
    const refused = (await readMetric(survivor.url, 'socket_server_connections_refused_total{reason="rate_limited"')) ?? 0;
    console.info(
      `reconnect storm: ${times.length} of ${CLIENTS} stock clients displaced (${CLIENTS / SOURCE_ADDRESSES.length} per address), ` +
        `reconnected after p50 ${percentile(times, 0.5)} ms, p99 ${percentile(times, 0.99)} ms, all ${percentile(times, 1)} ms; ` +
        `${refused} handshakes refused rate_limited on the way`,
    );
  }, 30_000);
});

describe("a stock client that meets a draining gateway behind nginx", () => {
  const gateways: InProcessGateway[] = [];
  const sockets: Socket[] = [];
  let nginx: NginxProcess | undefined;
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await nginx?.stop();
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  });

  it("is connected to the other gateway within seconds", async () => {
    const draining = [false, false];
    for (const n of [0, 1]) gateways.push(await startInProcessGateway({ anonymousRooms: ["*"], draining: () => draining[n]! }));
    nginx = await startNginx(gateways.map((gateway) => Number(new URL(gateway.url).port)));
    const socket = stockClient(nginx.url);
    sockets.push(socket);
    await waitUntil(() => socket.connected, { what: "the client connected" });
    const home = gateways.findIndex((gateway) => gateway.io.of("/").sockets.size === 1);
    expect(home).toBeGreaterThanOrEqual(0);

    // The home gateway starts draining and lets its connections go, as a SIGTERMed one does.
    draining[home] = true;
    const started = performance.now();
    for (const conn of [...gateways[home]!.io.of("/").sockets.values()].map((s) => s.conn)) conn.close();
    await waitUntil(() => gateways[1 - home]!.io.of("/").sockets.size === 1 && socket.connected, {
      what: "the client on the other gateway",
      timeoutMs: 8_000,
    });
    console.info(`a client that met a draining gateway was connected to the other after ${Math.round(performance.now() - started)} ms`);
    // It did meet the draining one: nginx's ip_hash sent its handshake there first.
    expect(gateways[home]!.refusals).toContain("server_draining");
    expect(gateways[home]!.io.of("/").sockets.size).toBe(0);
  });
});
