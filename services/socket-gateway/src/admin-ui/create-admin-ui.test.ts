import { Manager, io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { SubscriptionAck } from "@socket-server/shared/events";
import { startInProcessGateway, type InProcessGateway } from "../in-process-gateway.fixture.js";
import { createAdminUi, type AdminUiMode } from "./create-admin-ui.js";

const credentials = { username: "ops", password: "correct-horse-battery" };
const HISTORY = { size: 100, ttlSeconds: 300, idempotencyTtlSeconds: 300 };

const gateways: InProcessGateway[] = [];
const clients: ClientSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

async function start(mode: AdminUiMode) {
  const gateway = await startInProcessGateway({ anonymousRooms: ["*"], history: HISTORY, adminUi: createAdminUi({ credentials, mode }) });
  gateways.push(gateway);
  return gateway;
}

function open(url: string, auth?: Record<string, unknown>): ClientSocket {
  const socket = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true, ...(auth ? { auth } : {}) });
  clients.push(socket);
  return socket;
}

function connected(socket: ClientSocket): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

function refusal(socket: ClientSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => reject(new Error("connected")));
    socket.once("connect_error", (error) => resolve(error.message));
  });
}

const subscribe = (socket: ClientSocket, room: string) => socket.timeout(2000).emitWithAck("subscribe", room) as Promise<SubscriptionAck>;

interface ListedSocket {
  id: string;
  nsp: string;
  rooms: string[];
}

describe("the Socket.IO Admin UI on the gateway", () => {
  it("lists every client with its rooms to an admin in development mode, and clients subscribe as before", async () => {
    const gateway = await start("development");
    const [a, b] = await Promise.all([connected(open(gateway.url)), connected(open(gateway.url))]);
    // A second subscribe once failed: the UI wraps `socket.data` in a Proxy, where a stored promise broke.
    for (const socket of [a, b]) {
      expect(await subscribe(socket, "orders:42")).toMatchObject({ ok: true });
      expect(await subscribe(socket, "orders:43")).toMatchObject({ ok: true });
    }

    const admin = open(`${gateway.url}/admin`, credentials);
    const listed = new Promise<ListedSocket[]>((resolve) => admin.once("all_sockets", resolve));
    await connected(admin);
    const main = (await listed).filter((socket) => socket.nsp === "/");
    expect(main.map((socket) => socket.id).sort()).toEqual([a.id, b.id].sort());
    for (const socket of main) expect(socket.rooms).toEqual(expect.arrayContaining(["orders:42", "orders:43"]));
  });

  it("still delivers publications to subscribers while an admin in development mode watches them", async () => {
    const gateway = await start("development");
    const client = await connected(open(gateway.url));
    await subscribe(client, "orders:42");
    const admin = await connected(open(`${gateway.url}/admin`, credentials));
    const seenByAdmin = new Promise<unknown[]>((resolve) => admin.once("event_sent", (_nsp: string, _id: string, args: unknown[]) => resolve(args)));
    const received = new Promise<unknown>((resolve) => client.once("order.updated", resolve));

    await gateway.publisher!.publish({ rooms: ["orders:42"], event: "order.updated", data: { status: "paid" } });
    expect(await received).toEqual({ status: "paid" });
    expect((await seenByAdmin)[0]).toBe("order.updated");
  });

  it("sends counts but no list of sockets in production mode", async () => {
    const gateway = await start("production");
    await connected(open(gateway.url));
    const admin = open(`${gateway.url}/admin`, credentials);
    const config = new Promise<{ supportedFeatures: string[] }>((resolve) => admin.once("config", resolve));
    const stats = new Promise<{ namespaces: Array<{ name: string; socketsCount: number }> }>((resolve) => admin.once("server_stats", resolve));
    await connected(admin);
    // Read-only: no feature to emit, join, leave or disconnect; no ALL_EVENTS, so no socket list.
    expect((await config).supportedFeatures).toEqual(["AGGREGATED_EVENTS"]);
    expect((await stats).namespaces).toContainEqual({ name: "/", socketsCount: 1 });
  });

  it("refuses a wrong password, a wrong username and no credentials", async () => {
    const gateway = await start("development");
    for (const auth of [{ ...credentials, password: "wrong-password-123" }, { ...credentials, username: "root" }, undefined]) {
      expect(await refusal(open(`${gateway.url}/admin`, auth))).toBe("invalid credentials");
    }
  });

  it("closes a connection that tries a second admin handshake, so each guess costs a new connection", async () => {
    const gateway = await start("development");
    const manager = new Manager(gateway.url, { transports: ["websocket"], reconnection: false });
    // A client on `/` keeps the connection open after the refusal (the manager closes an idle one).
    const client = manager.socket("/");
    const socket = manager.socket("/admin", { auth: { ...credentials, password: "wrong-password-123" } });
    clients.push(client, socket);
    const refused = refusal(socket);
    await connected(client);
    expect(await refused).toBe("invalid credentials");

    const outcome = new Promise<string>((resolve) => {
      manager.once("close", resolve);
      socket.once("connect", () => resolve("connected"));
    });
    socket.auth = credentials;
    socket.connect();
    expect(await outcome).toBe("transport close");
  });

  it("is not there unless configured: a gateway without it closes a connection that asks for its namespace", async () => {
    const gateway = await startInProcessGateway({ anonymousRooms: ["*"] });
    gateways.push(gateway);
    const manager = new Manager(gateway.url, { transports: ["websocket"], reconnection: false });
    const socket = manager.socket("/admin", { auth: credentials });
    clients.push(socket);
    const outcome = await new Promise<string>((resolve) => {
      manager.once("close", resolve);
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (error) => resolve(error.message));
    });
    expect(outcome).not.toBe("connected");
    expect(gateway.cuts).toEqual(["protocol_violation"]);
  });
});
