import { Registry } from "prom-client";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { createInProcessRoomEmitter, createPublisher } from "@socket-server/shared/publishing";
import { startInProcessGateway } from "./in-process-gateway.fixture.js";
import { registerGatewayMetrics } from "./register-gateway-metrics.js";
import { registerSocketGauges } from "./register-socket-gauges.js";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

async function setup(clock: () => number) {
  // Anonymous clients with every room granted: this test is about counting, not access.
  // Wired as main.ts does: the socket server's broadcast observer feeds the metrics.
  const registry = new Registry();
  const metrics = registerGatewayMetrics(registry, clock);
  const { io, url, close } = await startInProcessGateway({ anonymousRooms: ["*"], onBroadcast: metrics.observeBroadcast });
  registerSocketGauges(registry, io);
  cleanups.push(() => void close());
  const clients: ClientSocket[] = [];
  for (let i = 0; i < 3; i++) {
    const socket = connect(url, { transports: ["websocket"], forceNew: true, reconnection: false });
    cleanups.push(() => socket.close());
    await new Promise((resolve) => socket.once("connect", () => resolve(undefined)));
    clients.push(socket);
  }
  const metric = async (name: string) => (await registry.getSingleMetricAsString(name)).split("\n").filter((line) => !line.startsWith("#"));
  return { io, clients, metric, publisher: createPublisher({ emitter: createInProcessRoomEmitter(io), now: clock }) };
}

describe("gateway metrics", () => {
  it("counts connections, rooms, copies delivered and the latency since acceptance", async () => {
    let now = 10_000;
    const { clients, metric, publisher } = await setup(() => now);
    for (const client of clients.slice(0, 2)) await client.timeout(2000).emitWithAck("subscribe", ["a", "b"]);
    await clients[2]!.timeout(2000).emitWithAck("subscribe", "a");

    expect(await metric("socket_server_connections_active")).toEqual(["socket_server_connections_active 3"]);
    expect(await metric("socket_server_rooms_active")).toEqual(["socket_server_rooms_active 2"]);

    const accepted = now;
    now = accepted + 30; // the gateway writes 30 ms after acceptance
    await publisher.publish({ rooms: ["a", "b"], event: "e", data: 1, acceptedAt: accepted, except: [clients[0]!.id!] });

    // Room a: clients 1 and 2 (client 0 excluded); room b: client 1.
    expect(await metric("socket_server_messages_delivered_total")).toEqual(["socket_server_messages_delivered_total 3"]);
    const latency = await metric("socket_server_delivery_latency_seconds");
    expect(latency).toContain('socket_server_delivery_latency_seconds_bucket{le="0.025"} 0');
    expect(latency).toContain('socket_server_delivery_latency_seconds_bucket{le="0.05"} 2');
    expect(latency).toContain("socket_server_delivery_latency_seconds_count 2");
  });

  it("ignores broadcasts that reach no local socket for latency", async () => {
    const { metric, publisher } = await setup(() => 5);
    await publisher.publish({ rooms: ["nobody-here"], event: "e", data: 1 });
    expect(await metric("socket_server_messages_delivered_total")).toEqual(["socket_server_messages_delivered_total 0"]);
    expect(await metric("socket_server_delivery_latency_seconds")).toContain("socket_server_delivery_latency_seconds_count 0");
  });

  it("counts every subscriber of a single-room publish", async () => {
    const { clients, metric, publisher } = await setup(() => 5);
    for (const client of clients) await client.timeout(2000).emitWithAck("subscribe", "everyone");
    await publisher.publish({ rooms: ["everyone"], event: "e", data: 1 });
    expect(await metric("socket_server_messages_delivered_total")).toEqual(["socket_server_messages_delivered_total 3"]);
    expect(await metric("socket_server_delivery_latency_seconds")).toContain("socket_server_delivery_latency_seconds_count 1");
  });
});
