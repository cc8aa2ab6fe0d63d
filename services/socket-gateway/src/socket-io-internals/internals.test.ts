import { EventEmitter } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { createServer, ServerResponse, type IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { Socket as NetSocket, type AddressInfo } from "node:net";
import { dirname, join as joinPath } from "node:path";
import { Server, type ServerOptions, type Socket as ServerSocket } from "socket.io";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "../../../../test/support/wait-until.js";

// Every private field, method, argument shape or text this folder reads from Socket.IO,
// engine.io, socket.io-adapter and ws, one `it` each: an upgrade that changes one fails here,
// naming it and the file that relies on it, before anything subtler breaks elsewhere.

/** The failure message: what is relied on, and by which file of this folder. */
const relied = (internal: string, file: string) => `${internal} (relied on by socket-io-internals/${file})`;

// Each package as the one above it loads it, not merely as this file would resolve it.
const requireHere = createRequire(import.meta.url);
const socketIoEntry = requireHere.resolve("socket.io");
const fromSocketIo = createRequire(socketIoEntry);
const engineIoEntry = fromSocketIo.resolve("engine.io");
const adapterEntry = fromSocketIo.resolve("socket.io-adapter");
const fromEngineIo = createRequire(engineIoEntry);
const { WebSocket: EngineWebSocket } = fromEngineIo("ws") as typeof import("ws");

const PINNED = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string> })
  .dependencies;

/** The package.json above a resolved entry point (engine.io does not export its package.json). */
function installed(entry: string, name: string): { version: string; dir: string } {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = joinPath(dir, "package.json");
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version: string };
    if (manifest.name === name) return { version: manifest.version, dir };
  }
  throw new Error(`no package.json of ${name} above ${entry}`);
}

interface WebSocketLike extends EventEmitter {
  bufferedAmount: number;
  terminate(): void;
  _sender?: { sendFrame?: (frame: Buffer[]) => void };
}
interface TransportLike extends EventEmitter {
  name: string;
  writable: boolean;
  perMessageDeflate?: unknown;
  socket?: WebSocketLike;
}
interface ConnLike extends EventEmitter {
  readyState: string;
  writeBuffer: Array<{ type: string; data?: unknown }>;
  transport: TransportLike;
  close(discard?: boolean): void;
}
interface AdapterLike {
  rooms: Map<string, Set<string>>;
  nsp: { sockets: Map<string, ServerSocket> };
  _encode(packet: object, options: { wsPreEncodedFrame?: unknown }): unknown;
  apply(options: { rooms: Set<string>; except?: Set<string> }, callback: (socket: ServerSocket) => void): void;
}
type Done = (error?: unknown) => void;
interface EngineLike {
  _applyMiddlewares?: (req: IncomingMessage, res: unknown, callback: Done) => void;
}

const connOf = (socket: ServerSocket) => socket.conn as unknown as ConnLike;
const adapterOf = (io: Server) => io.of("/").adapter as unknown as AdapterLike;
const eventsOf = (emitter: unknown) => (emitter as { _events?: object })._events;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A bare Socket.IO server on a free port, configured as the gateway's is where it matters. */
async function startServer(options: Partial<ServerOptions> = {}) {
  const httpServer = createServer();
  const io = new Server(httpServer, { perMessageDeflate: false, ...options });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => void io.close(() => resolve())));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  const join = async (transports: ("websocket" | "polling")[] = ["websocket"], upgrade = false) => {
    const client: ClientSocket = connect(url, { transports, upgrade, forceNew: true, reconnection: false });
    cleanups.push(() => client.close());
    await new Promise((resolve) => client.once("connect", () => resolve(undefined)));
    return { client, server: io.of("/").sockets.get(client.id!)! };
  };
  return { io, join };
}

const nextEvent = <T>(client: ClientSocket, event: string) => new Promise<T>((resolve) => client.once(event, (value: T) => resolve(value)));

describe("the installed versions", () => {
  it("socket.io, engine.io, socket.io-adapter and ws are the exact versions package.json pins, as each is loaded", () => {
    const loadedBy: Record<string, Array<[string, string]>> = {
      "socket.io": [["the gateway", socketIoEntry]],
      "engine.io": [
        ["the gateway", requireHere.resolve("engine.io")],
        ["socket.io", engineIoEntry],
      ],
      "socket.io-adapter": [
        ["the gateway", requireHere.resolve("socket.io-adapter")],
        ["socket.io", adapterEntry],
      ],
      ws: [
        ["the gateway", requireHere.resolve("ws")],
        ["engine.io", fromEngineIo.resolve("ws")],
        ["socket.io-adapter", createRequire(adapterEntry).resolve("ws")],
      ],
    };
    for (const [name, loaders] of Object.entries(loadedBy)) {
      const pinned = PINNED[name];
      expect(pinned, `${name} is pinned to an exact version in services/socket-gateway/package.json: socket-io-internals/ relies on its internals`).toMatch(
        /^\d+\.\d+\.\d+$/,
      );
      for (const [loader, entry] of loaders) {
        expect(installed(entry, name).version, `${name} as ${loader} loads it (${entry}) is the pinned ${pinned}: re-check socket-io-internals/ before moving the pin`).toBe(pinned);
      }
    }
    // The pin means something only if it is the copy engine.io writes with (a root `ws` of another version nests one).
    expect(installed(fromEngineIo.resolve("ws"), "ws").dir, "engine.io loads the ws copy the gateway pins (one ws in node_modules; see `npm ls ws`)").toBe(
      installed(requireHere.resolve("ws"), "ws").dir,
    );
  });
});

describe("broadcast-path.ts", () => {
  it("socket.io-adapter: Adapter#_encode(packet, { wsPreEncodedFrame }) fills the pre-encoded WebSocket frame", async () => {
    const { io } = await startServer();
    const adapter = adapterOf(io);
    const what = relied("socket.io-adapter Adapter#_encode(packet, options) returns the encoded packets and fills options.wsPreEncodedFrame with one unmasked text frame of '4' + the packet", "broadcast-path.ts");
    expect(typeof adapter._encode, what).toBe("function");
    const options: { wsPreEncodedFrame?: unknown } = {};
    expect(adapter._encode({ type: 2, nsp: "/", data: ["m", 1] }, options), what).toEqual(['2["m",1]']);
    const frame = options.wsPreEncodedFrame;
    expect(Array.isArray(frame) && frame.length > 0 && frame.every((part) => Buffer.isBuffer(part)), what).toBe(true);
    const bytes = Buffer.concat(frame as Buffer[]);
    const payload = '42["m",1]';
    // FIN and the text opcode, no mask bit, a 7-bit length, then the payload.
    expect([bytes[0], bytes[1]], what).toEqual([0x81, payload.length]);
    expect(bytes.subarray(2).toString(), what).toBe(payload);
  });

  it("socket.io: BroadcastOperator reaches Adapter#apply(options, callback) right after Adapter#_encode, both looked up on the adapter instance", async () => {
    const { io, join } = await startServer();
    const target = await join();
    const excluded = await join();
    await target.server.join("r");
    await excluded.server.join("r");
    const adapter = adapterOf(io);
    const encode = adapter._encode.bind(adapter);
    const calls: string[] = [];
    let applied: { rooms: Set<string>; except?: Set<string> } | undefined;
    adapter._encode = (packet, options) => {
      calls.push("_encode");
      return encode(packet, options);
    };
    adapter.apply = (options, callback) => {
      calls.push("apply");
      applied = options;
      // The callback is what writes the broadcast to the socket it is given.
      callback(adapter.nsp.sockets.get(target.server.id)!);
    };
    const what = relied("socket.io BroadcastOperator#emit -> Adapter#broadcast calls this._encode(packet, options), then this.apply({ rooms, except }, callback) in the same call; callback(socket) writes to that socket", "broadcast-path.ts");
    const received = nextEvent(target.client, "m");

    io.to("r").except(excluded.server.id).emit("m", 1);

    expect(calls, what).toEqual(["_encode", "apply"]);
    expect(applied?.rooms, what).toEqual(new Set(["r"]));
    expect(applied?.except, what).toEqual(new Set([excluded.server.id]));
    expect(await received, what).toBe(1);
  });

  it("socket.io-adapter: Adapter#broadcastWithAck gives the packet its ack id before Adapter#_encode sees it", async () => {
    const { io, join } = await startServer();
    const { client, server } = await join();
    await server.join("r");
    client.on("ask", (answer: (value: string) => void) => answer("yes"));
    const adapter = adapterOf(io);
    const encode = adapter._encode.bind(adapter);
    const ids: unknown[] = [];
    adapter._encode = (packet, options) => {
      ids.push((packet as { id?: unknown }).id);
      return encode(packet, options);
    };
    const what = relied("socket.io-adapter: a broadcast expecting acks has packet.id set when _encode runs, a plain one has none", "broadcast-path.ts");

    io.to("r").emit("m", 1);
    expect(await io.to("r").timeout(2000).emitWithAck("ask"), what).toEqual(["yes"]);

    expect(ids.length, what).toBe(2);
    expect(ids[0], what).toBeUndefined();
    expect(typeof ids[1], what).toBe("number");
  });

  it("socket.io-adapter: Adapter#rooms / nsp.sockets are Maps (room to a Set of socket ids, id to the Socket)", async () => {
    const { io, join } = await startServer();
    const { server } = await join();
    await server.join("r");
    const adapter = adapterOf(io);
    const what = relied("socket.io-adapter Adapter#rooms is a Map of room to Set of socket ids and Adapter#nsp.sockets a Map of id to Socket", "broadcast-path.ts");
    expect(adapter.rooms instanceof Map, what).toBe(true);
    expect(adapter.rooms.get("r"), what).toEqual(new Set([server.id]));
    expect(adapter.nsp.sockets instanceof Map, what).toBe(true);
    expect(adapter.nsp.sockets.get(server.id), what).toBe(server);
  });

  it("socket.io: Socket#_anyOutgoingListeners holds the onAnyOutgoing listeners", async () => {
    const { join } = await startServer();
    const { server } = await join();
    const listeners = () => (server as unknown as { _anyOutgoingListeners?: unknown[] })._anyOutgoingListeners;
    const what = relied("socket.io Socket#_anyOutgoingListeners is empty or absent without onAnyOutgoing and an array of its listeners with it", "broadcast-path.ts");
    expect(listeners()?.length ?? 0, what).toBe(0);
    const listener = () => {};
    server.onAnyOutgoing(listener);
    expect(listeners(), what).toEqual([listener]);
  });

  it("engine.io: Socket#readyState and the websocket transport's name, writable and perMessageDeflate", async () => {
    const { join } = await startServer();
    const { server } = await join(["websocket"]);
    const conn = connOf(server);
    const what = (field: string) => relied(`engine.io ${field}`, "broadcast-path.ts");
    expect(conn.readyState, what("Socket#readyState is 'open' on an open connection")).toBe("open");
    expect(conn.transport.name, what("Socket#transport.name is 'websocket'")).toBe("websocket");
    expect(conn.transport.perMessageDeflate, what("WebSocket transport#perMessageDeflate is falsy with perMessageDeflate off")).toBeFalsy();
    expect(conn.transport.writable, what("WebSocket transport#writable is true when idle")).toBe(true);
    server.emit("m", 1);
    expect(conn.transport.writable, what("WebSocket transport#writable is false while a write is in flight")).toBe(false);
    await waitUntil(() => conn.transport.writable, { what: "the write to complete" });

    const deflating = await startServer({ perMessageDeflate: true });
    const compressed = await deflating.join(["websocket"]);
    expect(connOf(compressed.server).transport.perMessageDeflate, what("WebSocket transport#perMessageDeflate is set with perMessageDeflate on")).toBeTruthy();
  });

  it("engine.io: the websocket transport's `socket` is ws's WebSocket; the polling transport has none", async () => {
    const { join } = await startServer();
    const websocket = await join(["websocket"]);
    const polling = await join(["polling"]);
    const what = relied("engine.io WebSocket transport#socket is the ws WebSocket, polling's transport has no socket", "broadcast-path.ts, buffered-bytes.ts, cut-connection.ts, compact-listener-tables.ts");
    expect(connOf(websocket.server).transport.socket instanceof EngineWebSocket, what).toBe(true);
    expect(connOf(polling.server).transport.name, what).toBe("polling");
    expect(connOf(polling.server).transport.socket, what).toBeUndefined();
  });

  it("ws: WebSocket#_sender.sendFrame(frames) writes a pre-built frame", async () => {
    const { io, join } = await startServer();
    const { client, server } = await join();
    const options: { wsPreEncodedFrame?: unknown } = {};
    adapterOf(io)._encode({ type: 2, nsp: "/", data: ["m", "direct"] }, options);
    const sender = connOf(server).transport.socket?._sender;
    const what = relied("ws WebSocket#_sender.sendFrame(frames) sends the frame socket.io-adapter built", "broadcast-path.ts");
    expect(typeof sender?.sendFrame, what).toBe("function");
    const received = nextEvent(client, "m");
    sender!.sendFrame!(options.wsPreEncodedFrame as Buffer[]);
    expect(await received, what).toBe("direct");
  });

  it("engine.io: Socket#writeBuffer is an array of packets, holding their encoded data while the transport writes", async () => {
    const { join } = await startServer();
    const { server } = await join();
    const conn = connOf(server);
    const what = relied("engine.io Socket#writeBuffer is an array of { type, data } packets queued while the transport is busy", "broadcast-path.ts, buffered-bytes.ts");
    expect(conn.writeBuffer, what).toEqual([]);
    server.emit("m", 1);
    server.emit("m", 2);
    expect(Array.isArray(conn.writeBuffer), what).toBe(true);
    expect(
      conn.writeBuffer.map(({ type, data }) => [type, data]),
      what,
    ).toEqual([["message", '2["m",2]']]);
  });
});

describe("buffered-bytes.ts and cut-connection.ts", () => {
  it("ws: WebSocket#bufferedAmount counts what the TCP socket has not handed to the kernel", async () => {
    const { join } = await startServer();
    const { client, server } = await join();
    // The client stops reading, so the server's kernel buffers fill and the rest waits in Node.
    (client.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
    const websocket = connOf(server).transport.socket!;
    // A polite close would wait out ws's closing handshake (30 s) behind the unread bytes.
    cleanups.push(() => websocket.terminate());
    const what = relied("ws WebSocket#bufferedAmount is the bytes written but not yet taken by the kernel", "buffered-bytes.ts");
    expect(websocket.bufferedAmount, what).toBe(0);
    const big = "x".repeat(8 * 1024 * 1024);
    server.emit("m", big);
    expect(websocket.bufferedAmount, what).toBeGreaterThan(0);
    expect(websocket.bufferedAmount, what).toBeLessThanOrEqual(big.length + 64);
  });

  it("ws: WebSocket#terminate() drops the connection at once", async () => {
    const { join } = await startServer();
    const { client, server } = await join();
    const websocket = connOf(server).transport.socket!;
    const what = relied("ws WebSocket#terminate() destroys the connection without a closing handshake", "cut-connection.ts");
    expect(typeof websocket.terminate, what).toBe("function");
    const reason = nextEvent<string>(client, "disconnect");
    websocket.terminate();
    expect(await reason, what).toBe("transport close");
  });

  it("engine.io: Socket#close(discard) closes at once, queued packets and all", async () => {
    const { join } = await startServer();
    const sockets = [(await join()).server, (await join()).server];
    const [discarding, polite] = sockets.map(connOf) as [ConnLike, ConnLike];
    const what = relied("engine.io Socket#close(true) closes now with packets queued, where close() waits for them", "cut-connection.ts");
    for (const socket of sockets) {
      // One packet in flight, one queued behind it.
      socket.emit("m", 1);
      socket.emit("m", 2);
      expect(connOf(socket).writeBuffer.length, what).toBe(1);
    }
    discarding.close(true);
    polite.close();
    expect(discarding.readyState, what).toBe("closed");
    expect(polite.readyState, what).toBe("closing");
  });
});

describe("release-upgrade-requests.ts", () => {
  it("engine.io: Server#_applyMiddlewares(req, res, callback) exists and is called on the instance for each polling request and each upgrade", async () => {
    const { io, join } = await startServer();
    const engine = io.engine as unknown as EngineLike;
    const what = relied("engine.io Server#_applyMiddlewares(req, res, callback), looked up on the instance by handleRequest (res a ServerResponse) and handleUpgrade (res a stand-in)", "release-upgrade-requests.ts");
    expect(typeof engine._applyMiddlewares, what).toBe("function");
    const apply = engine._applyMiddlewares!.bind(engine);
    const seen: string[] = [];
    engine._applyMiddlewares = (req, res, callback) => {
      seen.push(res instanceof ServerResponse ? "http" : "upgrade");
      apply(req, res, callback);
    };
    const upgraded = new Promise((resolve) => io.on("connection", (socket) => connOf(socket).once("upgrade", resolve)));
    await join(["polling", "websocket"], true);
    await upgraded;
    expect(seen, what).toContain("http");
    expect(seen, what).toContain("upgrade");
  });

  it("engine.io: the upgrade stand-in response holds req and socket, and adds a socket 'close' listener whose text emits 'close'", async () => {
    const { io, join } = await startServer();
    const engine = io.engine as unknown as EngineLike;
    const apply = engine._applyMiddlewares!.bind(engine);
    let checked: Record<string, boolean> | undefined;
    engine._applyMiddlewares = (req, res, callback) => {
      if (!(res instanceof ServerResponse)) {
        const response = res as EventEmitter & { req?: unknown; socket?: NetSocket };
        const latest = response.socket?.listeners("close").at(-1) as (() => void) | undefined;
        let forwarded = false;
        response.once("close", () => (forwarded = true));
        latest?.();
        checked = {
          "is an EventEmitter": response instanceof EventEmitter,
          "holds the request at `req`": response.req === req,
          "holds the TCP socket at `socket`": response.socket instanceof NetSocket,
          "the socket's latest 'close' listener reads emit(\"close\")": /\bemit\("close"\)/.test(String(latest)),
          "that listener emits 'close' on the stand-in": forwarded,
        };
        // What releaseUpgradeRequests then does; the upgrade must still go through.
        response.socket?.removeListener("close", latest!);
        checked["the listener can be removed"] = !response.socket?.listeners("close").includes(latest!);
      }
      apply(req, res, (error) => {
        if (!(res instanceof ServerResponse)) (res as { req: unknown }).req = null;
        callback(error);
      });
    };
    const { client } = await join(["websocket"]);
    expect(client.connected).toBe(true);
    expect(checked, relied("engine.io's WebSocketResponse was not seen by _applyMiddlewares", "release-upgrade-requests.ts")).toBeDefined();
    for (const [property, holds] of Object.entries(checked!)) {
      expect(holds, relied(`engine.io WebSocketResponse (the upgrade stand-in response): ${property}`, "release-upgrade-requests.ts")).toBe(true);
    }
  });
});

describe("release-handshake.ts", () => {
  it("socket.io: Socket#handshake has the fields releaseHandshake keeps and replaces, and can be replaced", async () => {
    const { join } = await startServer();
    const { client, server } = await join();
    const { handshake } = server;
    const what = relied("socket.io Socket#handshake is a writable record of exactly these fields", "release-handshake.ts");
    expect(Object.keys(handshake).sort(), what).toEqual(["address", "auth", "headers", "issued", "query", "secure", "time", "url", "xdomain"]);
    expect(typeof handshake.address, what).toBe("string");
    expect(typeof handshake.issued, what).toBe("number");
    expect(typeof handshake.xdomain, what).toBe("boolean");
    expect(typeof handshake.secure, what).toBe("boolean");
    expect(Object.getOwnPropertyDescriptor(server, "handshake")?.writable, what).toBe(true);
    (server as { handshake: unknown }).handshake = { ...handshake, auth: {} };
    const received = nextEvent(client, "m");
    server.emit("m", 1);
    expect(await received, what).toBe(1);
  });
});

describe("compact-listener-tables.ts", () => {
  it("node: EventEmitter listener tables are null-prototype objects at `_events`, read afresh on every call", () => {
    const emitter = new EventEmitter();
    const seen: string[] = [];
    emitter.on("a", () => seen.push("a"));
    const what = relied("node EventEmitter keeps its listeners in a null-prototype object at `_events` and reads `this._events` on each call", "compact-listener-tables.ts");
    const table = eventsOf(emitter);
    expect(table !== undefined && Object.getPrototypeOf(table) === null, what).toBe(true);
    (emitter as unknown as { _events: object })._events = Object.setPrototypeOf({ ...table }, null) as object;
    emitter.on("b", () => seen.push("b"));
    emitter.emit("a");
    emitter.emit("b");
    expect(seen, what).toEqual(["a", "b"]);
    expect(Object.keys(eventsOf(emitter)!), what).toEqual(["a", "b"]);
  });

  it("socket.io, engine.io, ws: a client's Socket, engine.io Socket, transports and WebSocket are EventEmitters with their own `_events`", async () => {
    const { join } = await startServer();
    const websocket = await join(["websocket"]);
    const polling = await join(["polling"]);
    const conn = connOf(websocket.server);
    const emitters: Record<string, unknown> = {
      "socket.io Socket": websocket.server,
      "engine.io Socket": conn,
      "engine.io WebSocket transport": conn.transport,
      "ws WebSocket": conn.transport.socket,
      "engine.io Polling transport": connOf(polling.server).transport,
    };
    for (const [name, emitter] of Object.entries(emitters)) {
      const table = eventsOf(emitter);
      expect(emitter instanceof EventEmitter && table !== undefined && Object.getPrototypeOf(table) === null, relied(`${name} is a Node EventEmitter with a null-prototype \`_events\``, "compact-listener-tables.ts")).toBe(true);
    }
  });

  it("engine.io: a polling Socket emits 'upgrade' with its new websocket transport, which is then Socket#transport", async () => {
    const { io, join } = await startServer();
    let atConnection: string | undefined;
    const upgrade = new Promise<Record<string, boolean>>((resolve) =>
      io.on("connection", (socket) => {
        const conn = connOf(socket);
        atConnection = conn.transport.name;
        conn.once("upgrade", function (this: ConnLike, transport: TransportLike) {
          resolve({
            "`this` is the engine.io Socket": this === conn,
            "the argument is the websocket transport": transport.name === "websocket",
            "it is now Socket#transport": this.transport === transport,
            "it has its ws WebSocket at `socket`": transport.socket instanceof EngineWebSocket,
          });
        });
      }),
    );
    await join(["polling", "websocket"], true);
    expect(atConnection, relied("engine.io Socket#transport.name is 'polling' before an upgrade", "compact-listener-tables.ts")).toBe("polling");
    for (const [property, holds] of Object.entries(await upgrade)) {
      expect(holds, relied(`engine.io Socket 'upgrade' event: ${property}`, "compact-listener-tables.ts")).toBe(true);
    }
  });
});

describe("is-protocol-violation.ts", () => {
  it("engine.io: Socket emits 'message' with each socket.io packet's text, before socket.io runs the event's handler", async () => {
    const { io, join } = await startServer();
    const order: unknown[] = [];
    io.on("connection", (socket) => {
      connOf(socket).on("message", (data: unknown) => order.push(typeof data === "string" ? data : "binary"));
      socket.on("ev", (_value: unknown, ack: (answer: string) => void) => {
        order.push("handler");
        ack("ok");
      });
    });
    const { client } = await join();
    expect(await client.timeout(2000).emitWithAck("ev", 1)).toBe("ok");
    const what = relied("engine.io Socket 'message' carries the socket.io packet text (no engine.io type) before socket.io dispatches the event", "is-protocol-violation.ts");
    expect(order, what).toHaveLength(2);
    expect(order[0], what).toMatch(/^2\d+\["ev",1\]$/);
    expect(order[1], what).toBe("handler");
  });

  it("socket.io-parser: packet encodings the protocol check reads (ACK = '3', BINARY_ACK '6', BINARY_EVENT '5<n>-', CONNECT '0/<nsp>,', ack ids)", () => {
    const parser = fromSocketIo("socket.io-parser") as {
      PacketType: Record<string, number>;
      Encoder: new () => { encode(packet: object): unknown[] };
      Decoder: new () => EventEmitter & { add(chunk: string): void };
    };
    const what = relied("socket.io-parser (as socket.io loads it) encodes packets as type digit, '<attachments>-', '<nsp>,', ack id, JSON", "is-protocol-violation.ts");
    expect(parser.PacketType, what).toMatchObject({ CONNECT: 0, EVENT: 2, ACK: 3, BINARY_EVENT: 5, BINARY_ACK: 6 });
    const encoder = new parser.Encoder();
    const encode = (packet: object) => encoder.encode(packet)[0];
    expect(encode({ type: 2, nsp: "/", id: 12, data: ["e"] }), what).toBe('212["e"]');
    expect(encode({ type: 2, nsp: "/x", id: 12, data: ["e"] }), what).toBe('2/x,12["e"]');
    expect(encode({ type: 2, nsp: "/", id: 12, data: ["e", Buffer.from([1])] }), what).toBe('51-12["e",{"_placeholder":true,"num":0}]');
    expect(encode({ type: 3, nsp: "/", id: 12, data: [] }), what).toBe("312[]");
    expect(encode({ type: 3, nsp: "/", id: 12, data: [Buffer.from([1])] }), what).toBe('61-12[{"_placeholder":true,"num":0}]');
    expect(encode({ type: 0, nsp: "/x" }), what).toBe("0/x,");
    expect(encode({ type: 0, nsp: "/" }), what).toBe("0");
    // An ack id past 2^53 decodes to an unsafe number, which Socket.IO would answer as "1e+21".
    const decoder = new parser.Decoder();
    let decoded: { id?: number } | undefined;
    decoder.on("decoded", (packet: { id?: number }) => (decoded = packet));
    decoder.add('21000000000000000000000["e"]');
    expect(decoded?.id, what).toBe(1e21);
  });
});
