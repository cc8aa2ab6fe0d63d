import { EventEmitter } from "node:events";
import { setFlagsFromString } from "node:v8";
import { afterEach, describe, expect, it } from "vitest";
import { startInProcessGateway, type InProcessGateway } from "../in-process-gateway.fixture.js";
import { connectClient, type TestClient } from "../../../../test/support/socket-client.js";
import { mintToken } from "../../../../test/support/tokens.js";
import { waitUntil } from "../../../../test/support/wait-until.js";
import { compactListenerTable } from "./compact-listener-tables.js";

// V8's own answer to "is this object in fast mode?", the property the compaction is for.
setFlagsFromString("--allow-natives-syntax");
const hasFastProperties = new Function("object", "return %HasFastProperties(object)") as (object: object) => boolean;
const tableOf = (emitter: unknown) => (emitter as { _events: object })._events;

describe("compactListenerTable", () => {
  it("turns a plain emitter's table into fast mode and keeps every listener working", () => {
    const emitter = new EventEmitter();
    const seen: string[] = [];
    const monitor = Symbol("monitor");
    emitter.on("a", () => seen.push("a"));
    emitter.once("b", () => seen.push("b"));
    emitter.on(monitor, () => seen.push("monitor"));
    expect(hasFastProperties(tableOf(emitter))).toBe(false);

    compactListenerTable(emitter);

    expect(hasFastProperties(tableOf(emitter))).toBe(true);
    expect(Object.getPrototypeOf(tableOf(emitter))).toBeNull();
    emitter.emit("a");
    emitter.emit("b");
    emitter.emit("b");
    emitter.emit(monitor);
    // Inherited names are not listeners: the copy has no Object.prototype behind it.
    expect(emitter.emit("toString")).toBe(false);
    expect(seen).toEqual(["a", "b", "monitor"]);
    emitter.on("c", () => seen.push("c"));
    emitter.removeAllListeners("a");
    emitter.emit("a");
    emitter.emit("c");
    expect(seen).toEqual(["a", "b", "monitor", "c"]);
    expect(emitter.eventNames()).toEqual(["c", monitor]);
  });
});

describe("a connected client's emitters", () => {
  let gateway: InProcessGateway | undefined;
  let client: TestClient | undefined;
  afterEach(async () => {
    client?.close();
    await gateway?.close();
  });

  /** Connects one client; also records, as its connection opened, its transport and upgrade listeners. */
  async function connectWith(transports: ("websocket" | "polling")[]) {
    gateway = await startInProcessGateway();
    const atConnection: { transport?: string; upgradeListeners?: number } = {};
    // Registered after the gateway's own handler, so it sees the connection as that one left it.
    gateway.io.on("connection", (socket) => {
      atConnection.transport = socket.conn.transport.name;
      atConnection.upgradeListeners = socket.conn.listenerCount("upgrade");
    });
    client = await connectClient(gateway.url, { transports, token: await mintToken({ sub: "7", rooms: ["*"] }) });
    return { socket: [...gateway.io.of("/").sockets.values()][0]!, atConnection };
  }

  const tables = (socket: { conn: unknown }) => {
    const conn = socket.conn as { transport: { name: string; socket?: unknown } };
    return [socket, conn, conn.transport, conn.transport.socket].map((emitter) => tableOf(emitter));
  };

  it("are all in fast mode on a WebSocket connection", async () => {
    const { socket } = await connectWith(["websocket"]);
    expect(tables(socket).map(hasFastProperties)).toEqual([true, true, true, true]);
  });

  it("include the WebSocket transport a polling client upgrades to", async () => {
    const { socket, atConnection } = await connectWith(["polling", "websocket"]);
    // The connection opened on polling, with the compaction waiting for the upgrade.
    expect(atConnection).toEqual({ transport: "polling", upgradeListeners: 1 });
    await waitUntil(() => (socket.conn as { transport: { name: string } }).transport.name === "websocket", { what: "the upgrade" });
    expect(tables(socket).map(hasFastProperties)).toEqual([true, true, true, true]);
    // The connection still carries traffic both ways after the swap.
    expect(await client!.subscribe(["orders:1"])).toEqual({ ok: true, rooms: ["orders:1"] });
  });
});
