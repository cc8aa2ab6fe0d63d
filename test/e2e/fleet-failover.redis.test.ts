import { createClient, type Client, type Subscription } from "@socket-server/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startNginx, type NginxProcess } from "../support/nginx.js";
import { postJson, waitForReady } from "../support/publish-api-client.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { deleteKeys, testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "fleet-failover-key-0123456789";
const ROOMS = 20;
const RATE_PER_SECOND = 50;
const SOURCE_ADDRESSES = 10;

interface Subscriber {
  client: Client;
  subscription: Subscription;
  room: string;
  /** The room's position when the subscription was first acknowledged: deliveries start after it. */
  start: number;
  offsets: number[];
  /** When the client was connected again after the gateway it was on went away. */
  reconnectedAt?: number;
}

/**
 * The fleet of the Scaling guide on loopback: two gateways behind the project's nginx, publish-api
 * and the worker on Redis, clients using the client package. Clients of the gateway that goes
 * away reconnect through nginx to the other one and resume every room from its last position.
 */
describe.each([
  ["SIGKILLed", 1000, "SIGKILL"],
  ["drained (SIGTERM)", 200, "SIGTERM"],
] as const)("a gateway %s under %i clients of the client package", (_how, clientCount, signal) => {
  const prefix = testPrefix("failover");
  const services: ServiceProcess[] = [];
  let gateways: ServiceProcess[];
  let api: ServiceProcess;
  let nginx: NginxProcess;
  const subscribers: Subscriber[] = [];

  beforeAll(async () => {
    const env = {
      REDIS_URL: inject("redisUrl"),
      REDIS_PREFIX: prefix,
      PUBLISH_API_KEYS: KEY,
      PUBLISH_RATE_LIMIT_PER_SECOND: "0",
      // Enough history that nothing of the test's traffic is trimmed before it is recovered.
      HISTORY_SIZE: "1000",
      RECOVERY_MAX_MESSAGES: "1000",
      SHUTDOWN_TIMEOUT_MS: "5000",
    };
    const gatewayEnv = { ...env, ...ANONYMOUS_GATEWAY_ENV, REDIS_ENABLED: "true", CONNECTIONS_PER_SECOND_PER_IP: "100000" };
    services.push(
      ...(await Promise.all([
        startService("socket-gateway", gatewayEnv),
        startService("socket-gateway", gatewayEnv),
        startService("publish-api", env),
        startService("worker", env),
      ])),
    );
    gateways = services.slice(0, 2);
    api = services[2]!;
    await waitForReady(services);
    nginx = await startNginx(gateways.map((gateway) => gateway.port));

    for (let batch = 0; batch < clientCount; batch += 100) {
      const ready: Array<Promise<void>> = [];
      for (let n = batch; n < Math.min(batch + 100, clientCount); n++) {
        const client = createClient(nginx.url, {
          socketOptions: { transports: ["websocket"], localAddress: `127.0.0.${2 + (n % SOURCE_ADDRESSES)}` } as never,
          retry: { minDelayMs: 200, maxDelayMs: 2000 },
        });
        const room = `failover:${n % ROOMS}`;
        const subscriber: Subscriber = { client, room, start: 0, offsets: [], subscription: undefined as never };
        subscriber.subscription = client.subscribe(room, (_data, meta) => subscriber.offsets.push(meta.offset!));
        ready.push(subscriber.subscription.ready.then(() => void (subscriber.start = subscriber.subscription.position!.offset)));
        subscribers.push(subscriber);
      }
      await Promise.all(ready);
    }
  }, 120_000);

  afterAll(async () => {
    for (const { client } of subscribers) client.close();
    await nginx?.stop();
    await Promise.all(services.map((service) => service.stop()));
    await deleteKeys(inject("redisUrl"), prefix);
  });

  it("misses nothing and repeats nothing on any client, through the publish API and the queue", async () => {
    // The gateway nginx sent the clients to (ip_hash: every 127.0.0.x hashes alike).
    const holds = async (gateway: ServiceProcess) => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      return Number(/^socket_server_connections_active(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const counts = await Promise.all(gateways.map(holds));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(clientCount);
    const doomed = gateways[counts[0]! >= counts[1]! ? 0 : 1]!;

    const jobs: Array<Promise<string | undefined>> = [];
    let stoppedAt = 0;
    let stopping: Promise<unknown> | undefined;
    const start = performance.now();
    for (let seq = 0; performance.now() - start < 6000; seq++) {
      // Open loop: the schedule, not the answers, sets the pace.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (seq * 1000) / RATE_PER_SECOND - performance.now())));
      if (!stopping && performance.now() - start >= 2000) {
        stoppedAt = performance.now();
        for (const subscriber of subscribers) {
          subscriber.client.socket.once("connect", () => void (subscriber.reconnectedAt ??= performance.now()));
        }
        stopping = doomed.stop(signal);
      }
      const body = { room: `failover:${seq % ROOMS}`, event: "tick", data: seq };
      if (seq % 2 === 0) {
        jobs.push(postJson(api.url, "/v1/publish", KEY, body).then((response) => (expect(response.status).toBe(202), undefined)));
      } else {
        jobs.push(postJson(api.url, "/v1/notifications", KEY, body).then(async (response) => {
          expect(response.status).toBe(202);
          return ((await response.json()) as { jobId: string }).jobId;
        }));
      }
    }
    await stopping;
    const jobIds = (await Promise.all(jobs)).filter((id): id is string => id !== undefined);
    for (const jobId of jobIds) {
      await waitUntil(async () => {
        const response = await fetch(`${api.url}/v1/notifications/${jobId}`, { headers: { authorization: `Bearer ${KEY}` } });
        return ((await response.json()) as { state: string }).state === "completed";
      }, { what: `notification ${jobId} completed`, timeoutMs: 20_000 });
    }

    // A sentinel per room, after everything else: each client must then hold its room's whole sequence.
    const sentinels = new Map<string, number>();
    for (let room = 0; room < ROOMS; room++) {
      const response = await postJson(api.url, "/v1/publish", KEY, { room: `failover:${room}`, event: "sentinel", data: null });
      sentinels.set(`failover:${room}`, ((await response.json()) as { offsets: Record<string, number> }).offsets[`failover:${room}`]!);
    }
    await waitUntil(() => subscribers.every(({ room, offsets }) => offsets.includes(sentinels.get(room)!)), {
      what: "every room's sentinel at every client",
      timeoutMs: 30_000,
    });
    const wrong = subscribers.filter(({ room, start, offsets }) => {
      const expected = Array.from({ length: sentinels.get(room)! - start }, (_, n) => start + n + 1);
      return JSON.stringify(offsets) !== JSON.stringify(expected);
    });
    expect(wrong.map(({ room, start, offsets }) => ({ room, start, offsets })).slice(0, 3), `${wrong.length} clients missed or repeated messages`).toEqual([]);

    const times = subscribers.map(({ reconnectedAt }) => reconnectedAt! - stoppedAt).sort((a, b) => a - b);
    expect(times.every((time) => Number.isFinite(time))).toBe(true);
    const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]!);
    console.info(
      `${signal} of the gateway holding ${clientCount} clients: ${jobIds.length} notifications and ${jobs.length - jobIds.length} publishes; ` +
        `reconnected after p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, all ${at(1)} ms; 0 missed, 0 repeated`,
    );
  }, 120_000);
});
