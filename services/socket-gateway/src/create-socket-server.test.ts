import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { RefreshAck, SubscriptionAck } from "@socket-server/shared/events";
import { startInProcessGateway, type InProcessGateway, type InProcessGatewayOptions } from "./in-process-gateway.fixture.js";
import { connectRefused, type ConnectError } from "../../../test/support/socket-client.js";
import { mintToken } from "../../../test/support/tokens.js";
import { waitUntil } from "../../../test/support/wait-until.js";

const gateways: InProcessGateway[] = [];
const clients: ClientSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

async function start(options: InProcessGatewayOptions = {}) {
  const gateway = await startInProcessGateway(options);
  gateways.push(gateway);
  return gateway;
}

type Auth = Record<string, unknown> | ((callback: (auth: Record<string, unknown>) => void) => void);

function client(url: string, auth?: Auth, extra: Record<string, unknown> = {}): Promise<ClientSocket> {
  const socket = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true, ...(auth ? { auth } : {}), ...extra });
  clients.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** A client holding a token for `sub` granted `rooms` (every room by default). */
async function tokenClient(url: string, rooms: string[] = ["*"], sub = "7") {
  return client(url, { token: await mintToken({ sub, rooms }) });
}

const ack = (socket: ClientSocket, event: string, ...args: unknown[]) =>
  socket.timeout(2000).emitWithAck(event, ...args) as Promise<SubscriptionAck>;

const roomsOf = (gateway: InProcessGateway, socket: ClientSocket) => [...gateway.io.of("/").sockets.get(socket.id!)!.rooms].sort();

describe("subscribe and unsubscribe", () => {
  it("joins the listed rooms and acknowledges them", async () => {
    const gateway = await start();
    const socket = await tokenClient(gateway.url);
    expect(await ack(socket, "subscribe", ["orders:42", "user:7", "orders:42"])).toEqual({ ok: true, rooms: ["orders:42", "user:7"] });
    expect(roomsOf(gateway, socket)).toEqual(["orders:42", "user:7", socket.id].sort());
  });

  it("accepts a single room name as a string", async () => {
    const { url } = await start();
    const socket = await tokenClient(url);
    expect(await ack(socket, "subscribe", "orders:42")).toEqual({ ok: true, rooms: ["orders:42"] });
  });

  it("refuses the whole request with invalid_room when one name is bad", async () => {
    const gateway = await start();
    const socket = await tokenClient(gateway.url);
    const result = await ack(socket, "subscribe", ["fine", "not fine"]);
    expect(result).toMatchObject({ ok: false, error: { code: "invalid_room" } });
    expect(roomsOf(gateway, socket)).toEqual([socket.id, "user:7"].sort());
  });

  it.each([
    ["a number", 42],
    ["an empty list", []],
    ["101 rooms", Array.from({ length: 101 }, (_, i) => `r${i}`)],
    ["an object", { room: "a" }],
  ])("refuses %s with an error ack", async (_name, input) => {
    const { url } = await start();
    const socket = await tokenClient(url);
    const result = await ack(socket, "subscribe", input);
    expect(result.ok).toBe(false);
  });

  it("refuses a non-string inside the list as invalid_room", async () => {
    const { url } = await start();
    const socket = await tokenClient(url);
    expect(await ack(socket, "subscribe", ["a", 7])).toMatchObject({ ok: false, error: { code: "invalid_room" } });
  });

  it("refuses a socket's own id as a room, even with a grant for every room", async () => {
    const { url } = await start();
    const socket = await tokenClient(url);
    expect(await ack(socket, "subscribe", socket.id)).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("leaves rooms on unsubscribe and stops delivery", async () => {
    const { io, url } = await start();
    const socket = await tokenClient(url);
    const received: unknown[] = [];
    socket.on("news", (data) => received.push(data));
    await ack(socket, "subscribe", ["a", "b"]);
    expect(await ack(socket, "unsubscribe", "a")).toEqual({ ok: true, rooms: ["a"] });
    io.to("a").emit("news", "to a");
    // The sentinel: sent after "to a" on the same connection, so a copy for room a would arrive first.
    io.to("b").emit("news", "to b");
    await waitUntil(() => received.includes("to b"), { what: "the copy for room b" });
    expect(received).toEqual(["to b"]);
  });

  it("tolerates a subscribe without an ack callback", async () => {
    const gateway = await start();
    const socket = await tokenClient(gateway.url);
    socket.emit("subscribe", "quiet");
    socket.emit("subscribe", ["bad room"]);
    await waitUntil(() => roomsOf(gateway, socket).includes("quiet"), { what: "the quiet subscription" });
    expect(socket.connected).toBe(true);
  });
});

describe("grants", () => {
  it("joins every token holder to user:<sub> at the handshake", async () => {
    const gateway = await start();
    const socket = await tokenClient(gateway.url, [], "alice");
    expect(roomsOf(gateway, socket)).toEqual([socket.id, "user:alice"].sort());
  });

  it("refuses rooms the token does not grant, exact names and prefixes alike, joining nothing", async () => {
    const gateway = await start();
    const socket = await tokenClient(gateway.url, ["orders:42", "tenant-a:*"], "alice");
    expect(await ack(socket, "subscribe", ["orders:42", "tenant-a:news"])).toEqual({ ok: true, rooms: ["orders:42", "tenant-a:news"] });
    for (const denied of ["orders:43", "tenant-b:news", "tenant-a", "user:bob", ["tenant-a:x", "orders:4"]]) {
      expect(await ack(socket, "subscribe", denied)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    expect(roomsOf(gateway, socket)).toEqual([socket.id, "orders:42", "tenant-a:news", "user:alice"].sort());
  });

  it("keeps user:<sub> and the id-room on unsubscribe, answering forbidden", async () => {
    const gateway = await start();
    const socket = await tokenClient(gateway.url, [], "alice");
    expect(await ack(socket, "unsubscribe", "user:alice")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await ack(socket, "unsubscribe", socket.id)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(roomsOf(gateway, socket)).toEqual([socket.id, "user:alice"].sort());
  });

  it("answers too_many_rooms past MAX_ROOMS_PER_CONNECTION, counting only subscriptions", async () => {
    const gateway = await start({ maxRoomsPerConnection: 3 });
    const socket = await tokenClient(gateway.url);
    expect(await ack(socket, "subscribe", ["a", "b", "user:7"])).toMatchObject({ ok: true });
    expect(await ack(socket, "subscribe", ["a", "c"])).toMatchObject({ ok: true });
    expect(await ack(socket, "subscribe", "d")).toMatchObject({ ok: false, error: { code: "too_many_rooms" } });
    await ack(socket, "unsubscribe", "a");
    expect(await ack(socket, "subscribe", "d")).toMatchObject({ ok: true });
  });
});

describe("anonymous clients", () => {
  it("are refused with unauthorized unless anonymous rooms are configured", async () => {
    const { url } = await start();
    const error = await connectRefused(url);
    expect(error.message).toBe("unauthorized");
    expect(error.data).toMatchObject({ code: "unauthorized", retryable: false });
  });

  it("may read only the anonymous rooms and join no user room", async () => {
    const gateway = await start({ anonymousRooms: ["public:*"] });
    const socket = await client(gateway.url);
    expect(await ack(socket, "subscribe", "public:lobby")).toMatchObject({ ok: true });
    expect(await ack(socket, "subscribe", "orders:1")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(roomsOf(gateway, socket)).toEqual([socket.id, "public:lobby"].sort());
  });

  it("are not let in anonymously when they send a bad token", async () => {
    const { url } = await start({ anonymousRooms: ["public:*"] });
    expect((await connectRefused(url, { token: "garbage" })).data?.code).toBe("unauthorized");
  });
});

describe("token expiry and refresh", () => {
  const refresh = (socket: ClientSocket, token: unknown) => socket.timeout(2000).emitWithAck("auth:refresh", token) as Promise<RefreshAck>;

  it("closes the transport once exp plus the grace period passes, and the client reconnects with a fresh token", async () => {
    const gateway = await start({ expiryGraceMs: 200 });
    const tokens: string[] = [];
    const socket = await client(
      gateway.url,
      (callback) => {
        void mintToken({ sub: "alice", expiresInSeconds: tokens.length === 0 ? 1 : 300 }).then((token) => {
          tokens.push(token);
          callback({ token });
        });
      },
      { reconnection: true, reconnectionDelay: 50 },
    );
    const reasons: string[] = [];
    socket.on("disconnect", (reason) => reasons.push(reason));
    await waitUntil(() => reasons.length > 0, { what: "the expiry disconnect", timeoutMs: 5000 });
    expect(reasons[0]).toBe("transport close");
    await waitUntil(() => socket.connected, { what: "the reconnection" });
    expect(tokens).toHaveLength(2);
    expect(gateway.cuts).toEqual(["token_expired"]);
  });

  it("extends the connection on auth:refresh with a token for the same subject", async () => {
    // The gateway's token clock stands still until the test moves it; the sweep runs every 10 ms.
    let clock = Date.now();
    const gateway = await start({ expiryGraceMs: 200, tokenClock: { now: () => clock, tickMs: 10 } });
    const socket = await client(gateway.url, { token: await mintToken({ sub: "alice", expiresInSeconds: 2 }) });
    // The sentinel: a token minted after alice's first one, so it expires no earlier, and never refreshed.
    const unrefreshed = await client(gateway.url, { token: await mintToken({ sub: "bob", expiresInSeconds: 2 }) });
    const result = await refresh(socket, await mintToken({ sub: "alice", rooms: ["a"], expiresInSeconds: 60 }));
    expect(result).toMatchObject({ ok: true, expiresAt: expect.any(Number) });
    // Past both first tokens' exp plus grace, well before the refreshed one's: the sweep that cuts
    // the sentinel has passed alice's old deadline too.
    const sentinelCut = new Promise((resolve) => unrefreshed.once("disconnect", resolve));
    clock += 10_000;
    expect(await sentinelCut).toBe("transport close");
    expect(socket.connected).toBe(true);
    // Answered, so the server has not closed it either.
    expect(await ack(socket, "subscribe", "a")).toEqual({ ok: true, rooms: ["a"] });
    expect(gateway.cuts).toEqual(["token_expired"]);
  });

  it("refuses a refresh with a bad token, or one for another subject, and leaves rooms a narrower token drops", async () => {
    const gateway = await start();
    const socket = await client(gateway.url, { token: await mintToken({ sub: "alice", rooms: ["a", "b"] }) });
    await ack(socket, "subscribe", ["a", "b"]);
    expect(await refresh(socket, "garbage")).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(await refresh(socket, await mintToken({ sub: "bob", rooms: ["a", "b"] }))).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(roomsOf(gateway, socket)).toEqual([socket.id, "a", "b", "user:alice"].sort());
    expect(await refresh(socket, await mintToken({ sub: "alice", rooms: ["a"] }))).toMatchObject({ ok: true });
    expect(roomsOf(gateway, socket)).toEqual([socket.id, "a", "user:alice"].sort());
  });
});

describe("client limits", () => {
  it("answers rate_limited over the per-socket event allowance, then cuts a flooder off without auto-reconnect", async () => {
    const gateway = await start({ eventsPerSecond: 5 });
    const socket = await tokenClient(gateway.url);
    const answers = await Promise.all(Array.from({ length: 8 }, () => ack(socket, "subscribe", "a").catch(() => undefined)));
    expect(answers.filter((answer) => answer?.ok)).toHaveLength(5);
    expect(answers.slice(5)).toEqual(Array(3).fill(expect.objectContaining({ ok: false, error: expect.objectContaining({ code: "rate_limited" }) })));
    const reason = new Promise((resolve) => socket.once("disconnect", resolve));
    for (let i = 0; i < 10; i++) socket.emit("subscribe", "a");
    expect(await reason).toBe("io server disconnect");
    expect(gateway.cuts).toEqual(["event_flood"]);
  });

  it("answers invalid_request to an event it does not know", async () => {
    const { url } = await start();
    const socket = await tokenClient(url);
    expect(await ack(socket, "join", "a")).toMatchObject({ ok: false, error: { code: "invalid_request" } });
  });

  it("refuses new connections from one address past the per-second allowance with a retriable rate_limited", async () => {
    const { url } = await start({ connectionsPerSecondPerIp: 3 });
    const token = await mintToken();
    const results = await Promise.all(Array.from({ length: 6 }, () => client(url, { token }).then(() => "connected", (error: ConnectError) => error.data?.code)));
    expect(results.filter((result) => result === "connected")).toHaveLength(3);
    expect(results.filter((result) => result === "rate_limited")).toHaveLength(3);
    const error = await connectRefused(url, { token });
    expect(error.data).toMatchObject({ code: "rate_limited", retryable: true, retryAfterMs: expect.any(Number) });
  });

  it("refuses a connection over MAX_CONNECTIONS with a retriable server_full error", async () => {
    const { url } = await start({ maxConnections: 1 });
    await tokenClient(url);
    const error = await connectRefused(url, { token: await mintToken() });
    expect(error.data).toMatchObject({ code: "server_full", retryable: true });
  });

  it("refuses new connections while draining", async () => {
    const { url } = await start({ draining: () => true });
    const error = await connectRefused(url, { token: await mintToken() });
    expect(error.data?.code).toBe("server_draining");
  });
});

describe("origins", () => {
  it("refuses a browser origin not in the list on both transports, and allows listed origins and clients without one", async () => {
    const { url } = await start({ corsOrigins: ["https://app.example"] });
    const token = await mintToken();
    for (const transports of [["websocket"], ["polling"]] as const) {
      await expect(client(url, { token }, { transports, extraHeaders: { origin: "https://evil.example" } })).rejects.toThrow();
      await expect(client(url, { token }, { transports, extraHeaders: { origin: "https://app.example" } })).resolves.toBeDefined();
    }
    await expect(client(url, { token })).resolves.toBeDefined();
  });

  it("answers the polling handshake with CORS headers for a listed origin only", async () => {
    const { url } = await start({ corsOrigins: ["https://app.example"] });
    const allowed = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://app.example" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    const refused = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://evil.example" } });
    expect(refused.status).toBe(403);
  });
});

describe("memory per connection", () => {
  type UpgradeResponse = { req: unknown; emit: (event: string) => boolean; on: (event: string, listener: () => void) => void };

  it("keeps neither the handshake request nor engine.io's stand-in response once a WebSocket is open", async () => {
    const gateway = await start();
    const seen: UpgradeResponse[] = [];
    const emitted: string[] = [];
    // engine.io's stand-in response for an upgrade is what kept the request alive; a middleware sees it.
    gateway.io.engine.use((_req: unknown, res: UpgradeResponse, next: () => void) => {
      seen.push(res);
      const emit = res.emit.bind(res);
      res.emit = (event) => (emitted.push(event), emit(event));
      next();
    });
    const socket = await tokenClient(gateway.url);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.req).toBeNull();
    expect(gateway.io.of("/").sockets.get(socket.id!)!.conn.request).toBeNull();
    socket.close();
    await waitUntil(() => gateway.io.of("/").sockets.size === 0, { what: "the disconnect" });
    expect(emitted).not.toContain("close");
  });

  it("still tells an engine middleware that listens for it when the connection closes", async () => {
    const gateway = await start();
    let closed = false;
    gateway.io.engine.use((_req: unknown, res: UpgradeResponse, next: () => void) => {
      res.on("close", () => (closed = true));
      next();
    });
    const socket = await tokenClient(gateway.url);
    socket.close();
    await waitUntil(() => closed, { what: "the stand-in's close" });
  });
});
