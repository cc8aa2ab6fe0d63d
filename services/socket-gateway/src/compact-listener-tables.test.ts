import { EventEmitter } from "node:events";
import { setFlagsFromString } from "node:v8";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { startInProcessGateway, type InProcessGateway } from "../../../test/support/in-process-gateway.js";
import { mintToken } from "../../../test/support/tokens.js";
import { waitUntil } from "../../../test/support/wait-until.js";
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
  let client: ClientSocket | undefined;
  afterEach(async () => {
    client?.close();
    await gateway?.close();
  });

  async function connectWith(transports: string[]) {
    gateway = await startInProcessGateway();
    client = connect(gateway.url, { transports, reconnection: false, forceNew: true, auth: { token: await mintToken({ sub: "7", rooms: ["*"] }) } });
    await new Promise((resolve, reject) => client!.once("connect", resolve).once("connect_error", reject));
    return [...gateway.io.of("/").sockets.values()][0]!;
  }

  const tables = (socket: { conn: unknown }) => {
    const conn = socket.conn as { transport: { name: string; socket?: unknown } };
    return [socket, conn, conn.transport, conn.transport.socket].map((emitter) => tableOf(emitter));
  };

  it("are all in fast mode on a WebSocket connection", async () => {
    const socket = await connectWith(["websocket"]);
    expect(tables(socket).map(hasFastProperties)).toEqual([true, true, true, true]);
  });

  it("include the WebSocket transport a polling client upgrades to", async () => {
    const socket = await connectWith(["polling", "websocket"]);
    await waitUntil(() => (socket.conn as { transport: { name: string } }).transport.name === "websocket", { what: "the upgrade" });
    expect(tables(socket).map(hasFastProperties)).toEqual([true, true, true, true]);
    // The connection still carries traffic both ways after the swap.
    const ack = await client!.timeout(2000).emitWithAck("subscribe", ["orders:1"]);
    expect(ack).toEqual({ ok: true, rooms: ["orders:1"] });
  });
});
