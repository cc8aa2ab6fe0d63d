import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { RefreshAck, SubscriptionAck } from "@socket-server/shared/events";
import { startInProcessGateway, type InProcessGateway, type InProcessGatewayOptions } from "./in-process-gateway.fixture.js";
import { upgradeThenReset } from "../../../test/support/reset-upgrade.js";
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

/** A socket.io-client with its default options (reconnection on, polling then upgrade). */
function stockClient(url: string, auth?: Auth, extra: Record<string, unknown> = {}): ClientSocket {
  const socket = connect(url, { forceNew: true, ...(auth ? { auth } : {}), ...extra });
  clients.push(socket);
  return socket;
}

/** The gateway's answer to a new long-polling session, as a client reading it sees it. */
async function handshake(url: string): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
  const text = await response.text();
  // A session opens with engine.io's "0" open packet before its JSON.
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: JSON.parse(response.ok ? text.slice(1) : text) };
}

/** Status and body of a WebSocket upgrade request, 101 once it opens. */
function upgradeAnswer(url: string, origin: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace("http", "ws"), { origin });
    ws.on("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    ws.on("open", () => {
      ws.close();
      resolve({ status: 101, body: "" });
    });
    ws.on("error", () => {});
  });
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

  it("answers a new session over the per-address allowance 429 saying why, and a stock client gets in by itself", async () => {
    const gateway = await start({ connectionsPerSecondPerIp: 3 });
    const answers = await Promise.all(Array.from({ length: 4 }, () => handshake(gateway.url)));
    expect(answers.map(({ status }) => status).sort()).toEqual([200, 200, 200, 429]);
    const refused = answers.find(({ status }) => status === 429)!;
    expect(refused.retryAfter).toMatch(/^\d+$/);
    expect(refused.body).toMatchObject({ error: { code: "rate_limited", retryable: true, retryAfterMs: expect.any(Number) } });

    const token = await mintToken();
    const sockets = Array.from({ length: 6 }, () => stockClient(gateway.url, { token }));
    await waitUntil(() => sockets.every((socket) => socket.connected), { what: "six stock clients connected", timeoutMs: 15_000 });
    expect(gateway.refusals.filter((code) => code === "rate_limited").length).toBeGreaterThan(1);
  });

  it("survives WebSocket clients that reset the connection instead of reading their refusal", async () => {
    const gateway = await start({ connectionsPerSecondPerIp: 1 });
    const port = Number(new URL(gateway.url).port);
    const answers = await Promise.all(Array.from({ length: 10 }, () => upgradeThenReset(port)));
    expect(answers).toContain("429");
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Still serving: a reset socket's error must not have ended anything.
    expect([200, 429]).toContain((await handshake(gateway.url)).status);
  });

  it("answers a new session over MAX_CONNECTIONS 503 server_full, and a stock client gets in once there is room", async () => {
    const gateway = await start({ maxConnections: 1 });
    const first = await tokenClient(gateway.url);
    const refused = await handshake(gateway.url);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: "server_full", retryable: true } });

    const waiting = stockClient(gateway.url, { token: await mintToken() });
    await waitUntil(() => gateway.refusals.filter((code) => code === "server_full").length >= 2, { what: "the stock client refused" });
    first.close();
    await waitUntil(() => waiting.connected, { what: "the stock client connected by itself", timeoutMs: 10_000 });
  });

  it("answers new sessions 503 server_draining while draining, and a stock client gets in by itself once it is over", async () => {
    let draining = true;
    const gateway = await start({ draining: () => draining });
    const refused = await handshake(gateway.url);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: "server_draining", retryable: true } });

    const waiting = stockClient(gateway.url, { token: await mintToken() });
    await waitUntil(() => gateway.refusals.includes("server_draining") && gateway.refusals.length >= 2, { what: "the stock client refused" });
    expect(waiting.active).toBe(true);
    draining = false;
    await waitUntil(() => waiting.connected, { what: "the stock client connected by itself", timeoutMs: 10_000 });
  });

  it("refuses a bad token for good: a stock client is told unauthorized and does not try again", async () => {
    const gateway = await start();
    const socket = stockClient(gateway.url, { token: "not-a-token" });
    const error = await new Promise<ConnectError>((resolve) => socket.once("connect_error", resolve));
    expect(error.message).toBe("unauthorized");
    expect(error.data).toMatchObject({ code: "unauthorized", retryable: false, message: expect.any(String) });
    expect(socket.active).toBe(false);
    let attempts = 0;
    socket.io.on("reconnect_attempt", () => attempts++);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(attempts).toBe(0);
    expect(gateway.refusals).toEqual(["unauthorized"]);
  });
});

describe("origins", () => {
  it("refuses a browser origin not in the list for good on both transports, saying why, and allows listed origins and clients without one", async () => {
    const gateway = await start({ corsOrigins: ["https://app.example"] });
    const token = await mintToken();
    for (const transports of [["websocket"], ["polling"]] as const) {
      const socket = stockClient(gateway.url, { token }, { transports, extraHeaders: { origin: "https://evil.example" } });
      const error = await new Promise<ConnectError>((resolve) => socket.once("connect_error", resolve));
      expect(error.message).toBe("origin_not_allowed");
      expect(error.data).toMatchObject({ code: "origin_not_allowed", retryable: false, message: expect.stringContaining("CORS_ORIGINS") });
      expect(socket.active).toBe(false);
      await expect(client(gateway.url, { token }, { transports, extraHeaders: { origin: "https://app.example" } })).resolves.toBeDefined();
    }
    await expect(client(gateway.url, { token })).resolves.toBeDefined();
    expect(gateway.refusals).toEqual(["origin_not_allowed", "origin_not_allowed"]);
  });

  it("lets a same-origin request in when no origin is listed: its Origin names the host it was sent to", async () => {
    const gateway = await start();
    const token = await mintToken();
    const host = new URL(gateway.url).host;
    for (const transports of [["websocket"], ["polling"]] as const) {
      await expect(client(gateway.url, { token }, { transports, extraHeaders: { origin: `http://${host}` } })).resolves.toBeDefined();
    }
    await expect(client(gateway.url, { token }, { extraHeaders: { origin: "http://elsewhere.example" } })).rejects.toThrow("origin_not_allowed");
  });

  it("answers the polling handshake with CORS headers for a listed origin only", async () => {
    const { url } = await start({ corsOrigins: ["https://app.example"] });
    const allowed = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://app.example" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    // Another origin's handshake opens no namespace (the CONNECT is refused) and its page may not read the answer.
    const other = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses every later request of a session from another origin, polling 403 and the WebSocket upgrade 403, saying why", async () => {
    const { url } = await start({ corsOrigins: ["https://app.example"] });
    const opened = await handshake(url);
    const { sid } = opened.body as { sid: string };
    const poll = await fetch(`${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { headers: { origin: "https://evil.example" } });
    expect(poll.status).toBe(403);
    expect(await poll.json()).toMatchObject({ error: { code: "origin_not_allowed", retryable: false } });
    const upgrade = await upgradeAnswer(`${url}/socket.io/?EIO=4&transport=websocket&sid=${sid}`, "https://evil.example");
    expect(upgrade.status).toBe(403);
    expect(JSON.parse(upgrade.body)).toMatchObject({ error: { code: "origin_not_allowed" } });
    expect((await upgradeAnswer(`${url}/socket.io/?EIO=4&transport=websocket&sid=${sid}`, "https://app.example")).status).toBe(101);
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
