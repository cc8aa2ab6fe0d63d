import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket as ServerSocket } from "socket.io";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "../../../../test/support/wait-until.js";
import { installBroadcastPath } from "./broadcast-path.js";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

/** A bare Socket.IO server with the gateway's broadcast path, and clients joined to room `r`. */
async function setup() {
  const httpServer = createServer();
  const io = new Server(httpServer, { perMessageDeflate: false });
  const observed: number[] = [];
  const touched = new Set<unknown>();
  installBroadcastPath(io.of("/").adapter as never, { observe: (recipients) => observed.push(recipients), touch: (conn) => touched.add(conn) });
  io.on("connection", (socket) => void socket.join("r"));
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => void io.close());
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  const join = async (transports: string[]) => {
    const client = connect(url, { transports, forceNew: true, reconnection: false, upgrade: false });
    cleanups.push(() => client.close());
    await new Promise((resolve) => client.once("connect", () => resolve(undefined)));
    const server = io.of("/").sockets.get(client.id!)!;
    return { client, server, received: collect(client) };
  };
  return { io, observed, touched, join };
}

function collect(client: ClientSocket): unknown[] {
  const received: unknown[] = [];
  client.on("m", (value: unknown) => received.push(value));
  return received;
}

/** engine.io packets of type "message" created for a connection: the stock path makes one per write. */
function countEnginePackets(server: ServerSocket): () => number {
  let packets = 0;
  server.conn.on("packetCreate", (packet: { type: string }) => {
    if (packet.type === "message") packets++;
  });
  return () => packets;
}

describe("installBroadcastPath", () => {
  it("writes a room broadcast straight to an idle WebSocket, without an engine.io packet", async () => {
    const { io, observed, touched, join } = await setup();
    const { server, received } = await join(["websocket"]);
    const packets = countEnginePackets(server);

    io.to("r").emit("m", 1);
    await waitUntil(() => received.length === 1, { what: "the broadcast" });
    expect(received).toEqual([1]);
    expect(packets()).toBe(0);
    expect(observed).toEqual([1]);
    // The kernel took the whole frame: nothing is left for the slow-consumer sweep to check.
    expect(touched.size).toBe(0);

    // A message to the socket alone takes engine.io's path, as before.
    server.emit("m", 2);
    await waitUntil(() => received.length === 2, { what: "the direct emit" });
    expect(packets()).toBe(1);
  });

  it("hands the slow-consumer sweep a connection whose direct write the kernel did not take whole", async () => {
    const { io, touched, join } = await setup();
    const { client, server } = await join(["websocket"]);
    const transport = (client.io as unknown as { engine: { transport: { ws: { _socket: { pause(): void } } } } }).engine.transport;
    transport.ws._socket.pause();
    const big = "x".repeat(64 * 1024);
    // Loopback's buffers take a few MB before a write is left waiting in the process.
    for (let i = 0; i < 400 && touched.size === 0; i++) io.to("r").emit("m", big);
    expect([...touched]).toEqual([server.conn]);
  });

  it("keeps the order of broadcasts and per-socket messages when both paths mix", async () => {
    const { io, join } = await setup();
    const { server, received } = await join(["websocket"]);
    const sent: number[] = [];
    for (let i = 0; i < 200; i++) {
      // Per-socket messages leave engine.io's transport busy until written, so broadcasts in
      // between fall back to its queue; the rest go direct.
      if (i % 3 === 0) server.emit("m", i);
      else io.to("r").emit("m", i);
      sent.push(i);
    }
    await waitUntil(() => received.length === sent.length, { what: "every message" });
    expect(received).toEqual(sent);
  });

  it("delivers to polling clients through engine.io, with WebSocket clients in the same room", async () => {
    const { io, observed, join } = await setup();
    const polling = await join(["polling"]);
    const websocket = await join(["websocket"]);
    for (let i = 0; i < 20; i++) io.to("r").emit("m", i);
    await waitUntil(() => polling.received.length === 20 && websocket.received.length === 20, { what: "both clients" });
    expect(polling.received).toEqual([...Array(20).keys()]);
    expect(websocket.received).toEqual([...Array(20).keys()]);
    expect(observed.at(-1)).toBe(2);
  });

  it("leaves broadcasts that expect acknowledgements, sockets with outgoing listeners and excluded sockets to Socket.IO", async () => {
    const { io, observed, join } = await setup();
    const first = await join(["websocket"]);
    const second = await join(["websocket"]);
    for (const { client } of [first, second]) client.on("ask", (callback: (answer: string) => void) => callback(`from ${client.id}`));
    const answers = await io.to("r").timeout(2000).emitWithAck("ask");
    expect([...answers].sort()).toEqual([`from ${first.client.id}`, `from ${second.client.id}`].sort());

    const outgoing: unknown[] = [];
    first.server.onAnyOutgoing((event, value) => outgoing.push([event, value]));
    io.to("r").except(second.server.id).emit("m", "once");
    await waitUntil(() => first.received.length === 1, { what: "the broadcast" });
    expect(outgoing).toEqual([["m", "once"]]);
    expect(second.received).toEqual([]);
    expect(observed.at(-1)).toBe(1);
  });
});
