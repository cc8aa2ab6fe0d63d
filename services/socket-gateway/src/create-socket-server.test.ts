import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { SubscriptionAck } from "@socket-server/shared/events";
import { createSocketServer } from "./create-socket-server.js";

const servers: HttpServer[] = [];
const clients: ClientSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function start(options: { maxConnections?: number; draining?: () => boolean } = {}) {
  const httpServer = createServer();
  servers.push(httpServer);
  const io = createSocketServer({
    httpServer,
    logger: pino({ level: "silent" }),
    maxConnections: options.maxConnections ?? 100,
    draining: options.draining ?? (() => false),
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return { io, url };
}

function client(url: string): Promise<ClientSocket> {
  const socket = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  clients.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

const ack = (socket: ClientSocket, event: string, ...args: unknown[]) =>
  socket.timeout(2000).emitWithAck(event, ...args) as Promise<SubscriptionAck>;

describe("subscribe and unsubscribe", () => {
  it("joins the listed rooms and acknowledges them", async () => {
    const { io, url } = await start();
    const socket = await client(url);
    expect(await ack(socket, "subscribe", ["orders:42", "user:7", "orders:42"])).toEqual({ ok: true, rooms: ["orders:42", "user:7"] });
    const [server] = await io.fetchSockets();
    expect([...server!.rooms].sort()).toEqual(["orders:42", "user:7", socket.id].sort());
  });

  it("accepts a single room name as a string", async () => {
    const { url } = await start();
    const socket = await client(url);
    expect(await ack(socket, "subscribe", "orders:42")).toEqual({ ok: true, rooms: ["orders:42"] });
  });

  it("refuses the whole request with invalid_room when one name is bad", async () => {
    const { io, url } = await start();
    const socket = await client(url);
    const result = await ack(socket, "subscribe", ["fine", "not fine"]);
    expect(result).toMatchObject({ ok: false, error: { code: "invalid_room" } });
    const [server] = await io.fetchSockets();
    expect([...server!.rooms]).toEqual([socket.id]);
  });

  it.each([
    ["a number", 42],
    ["an empty list", []],
    ["101 rooms", Array.from({ length: 101 }, (_, i) => `r${i}`)],
    ["an object", { room: "a" }],
  ])("refuses %s with an error ack", async (_name, input) => {
    const { url } = await start();
    const socket = await client(url);
    const result = await ack(socket, "subscribe", input);
    expect(result.ok).toBe(false);
  });

  it("refuses a non-string inside the list as invalid_room", async () => {
    const { url } = await start();
    const socket = await client(url);
    expect(await ack(socket, "subscribe", ["a", 7])).toMatchObject({ ok: false, error: { code: "invalid_room" } });
  });

  it("refuses a socket's own id as a room", async () => {
    const { url } = await start();
    const socket = await client(url);
    expect(await ack(socket, "subscribe", socket.id)).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("leaves rooms on unsubscribe and stops delivery", async () => {
    const { io, url } = await start();
    const socket = await client(url);
    const received: unknown[] = [];
    socket.on("news", (data) => received.push(data));
    await ack(socket, "subscribe", ["a", "b"]);
    expect(await ack(socket, "unsubscribe", "a")).toEqual({ ok: true, rooms: ["a"] });
    io.to("a").emit("news", "to a");
    io.to("b").emit("news", "to b");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toEqual(["to b"]);
  });

  it("tolerates a subscribe without an ack callback", async () => {
    const { io, url } = await start();
    const socket = await client(url);
    socket.emit("subscribe", "quiet");
    socket.emit("subscribe", ["bad room"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [server] = await io.fetchSockets();
    expect(server!.rooms.has("quiet")).toBe(true);
    expect(socket.connected).toBe(true);
  });
});

describe("handshake refusals", () => {
  it("refuses a connection over MAX_CONNECTIONS with a retriable server_full error", async () => {
    const { url } = await start({ maxConnections: 1 });
    await client(url);
    const error = await client(url).then(
      () => undefined,
      (err: Error & { data?: { code: string; retryable: boolean } }) => err,
    );
    expect(error?.data).toMatchObject({ code: "server_full", retryable: true });
  });

  it("refuses new connections while draining", async () => {
    const { url } = await start({ draining: () => true });
    const error = await client(url).then(
      () => undefined,
      (err: Error & { data?: { code: string } }) => err,
    );
    expect(error?.data?.code).toBe("server_draining");
  });
});
