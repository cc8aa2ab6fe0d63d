import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMetric } from "../support/gateway-metrics.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, connectRefused, type TestClient } from "../support/socket-client.js";
import { mintToken, mintTokenWithKey, rsaKeyPair, TEST_JWT_SECRET, unsignedToken } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";
import { postJson } from "../support/publish-api-client.js";

const KEY = "client-auth-key";
const ISSUER = "https://auth.example";
const AUDIENCE = "socket-server";
const good = { issuer: ISSUER, audience: AUDIENCE };

/** Nothing joined: no socket and no room exists on the gateway. */
async function expectNothingJoined(gateway: ServiceProcess) {
  expect(await readMetric(gateway.url, "socket_server_connections_active")).toBe(0);
  expect(await readMetric(gateway.url, "socket_server_rooms_active")).toBe(0);
}

describe("client tokens, HS256 with issuer and audience checks", () => {
  let gateway: ServiceProcess;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    gateway = await startService("socket-gateway", {
      JWT_SECRET: TEST_JWT_SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      PUBLISH_API_KEYS: KEY,
      CORS_ORIGINS: "https://app.example",
      CONNECTIONS_PER_SECOND_PER_IP: "1000",
      // The eavesdrop test publishes 1,000 messages at once; the per-key limit is not under test here.
      PUBLISH_RATE_LIMIT_PER_SECOND: "0",
    });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    expect(await gateway?.stop()).toBe(0);
  });

  const publish = (room: string, data: unknown) => postJson(gateway.url, "/v1/publish", KEY, { room, event: "news", data });

  const matrix: Array<[string, () => Promise<string | undefined>]> = [
    ["a missing token", async () => undefined],
    ["a garbage token", async () => "not-a-jwt"],
    ["an expired token", () => mintToken({ ...good, expiresInSeconds: -60 })],
    ["an alg: none token", async () => unsignedToken({ sub: "mallory", rooms: ["*"], iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })],
    ["a token signed with another secret", () => mintToken(good, "another-secret-that-is-at-least-32-characters")],
    ["a token from another issuer", () => mintToken({ ...good, issuer: "https://evil.example" })],
    ["a token for another audience", () => mintToken({ ...good, audience: "another-service" })],
    ["a token without sub", () => mintToken({ ...good, sub: "" })],
    ["a token without exp", () => mintToken({ ...good, expiresInSeconds: null })],
    ["a token whose rooms claim is not a list of grants", () => mintToken({ ...good, extra: { rooms: "orders:*" } })],
  ];

  it.each(matrix)("refuses %s with connect_error unauthorized and joins nothing", async (_name, token) => {
    const value = await token();
    const error = await connectRefused(gateway.url, value === undefined ? {} : { token: value });
    expect(error.message).toBe("unauthorized");
    expect(error.data).toMatchObject({ code: "unauthorized", retryable: false });
    await expectNothingJoined(gateway);
  });

  it("accepts a valid token and reaches its holder through user:<sub> on every device", async () => {
    const phone = await connectClient(gateway.url, { token: await mintToken({ ...good, sub: "alice" }) });
    const laptop = await connectClient(gateway.url, { token: await mintToken({ ...good, sub: "alice" }) });
    clients.push(phone, laptop);
    expect((await publish("user:alice", "hello")).status).toBe(202);
    await waitUntil(() => phone.received.length === 1 && laptop.received.length === 1, { what: "both devices" });
    expect(phone.received[0]!.meta.room).toBe("user:alice");
  });

  it("delivers none of 1,000 publishes to tenant B's rooms to a client granted tenant A's", async () => {
    const tenantA = await connectClient(gateway.url, { token: await mintToken({ ...good, sub: "a-user", rooms: ["tenant-a:*"] }) });
    const tenantB = await connectClient(gateway.url, { token: await mintToken({ ...good, sub: "b-user", rooms: ["tenant-b:*"] }) });
    clients.push(tenantA, tenantB);
    expect(await tenantA.subscribe("tenant-a:orders")).toMatchObject({ ok: true });
    expect(await tenantB.subscribe(["tenant-b:orders", "tenant-b:chat"])).toMatchObject({ ok: true });
    // Every way in A might try: B's rooms, a prefix trick, B's user room, a list hiding one of B's.
    for (const attempt of ["tenant-b:orders", "tenant-b:chat", "tenant-b", "tenant-a", "user:b-user", ["tenant-a:x", "tenant-b:orders"]]) {
      expect(await tenantA.subscribe(attempt)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    const rooms = ["tenant-b:orders", "tenant-b:chat", "user:b-user"];
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => publish(rooms[(batch * 50 + i) % 3]!, batch * 50 + i)));
      expect(answers.every((answer) => answer.status === 202)).toBe(true);
    }
    expect((await publish("tenant-a:orders", "marker")).status).toBe(202);
    await waitUntil(() => tenantB.received.length === 1000 && tenantA.received.length >= 1, { what: "B's 1,000 copies and A's marker" });
    expect(tenantA.received.map((copy) => copy.data)).toEqual(["marker"]);
  });

  it("refuses a browser origin not in CORS_ORIGINS on the WebSocket upgrade, and allows a listed one", async () => {
    const token = await mintToken(good);
    await expect(connectClient(gateway.url, { token, extraHeaders: { origin: "https://evil.example" } })).rejects.toThrow();
    await expect(connectClient(gateway.url, { token, transports: ["polling"], extraHeaders: { origin: "https://evil.example" } })).rejects.toThrow();
    const allowed = await connectClient(gateway.url, { token, extraHeaders: { origin: "https://app.example" } });
    clients.push(allowed);
    expect(allowed.socket.connected).toBe(true);
  });

  it("checks the origin of every request of a session: an upgrade from another origin is refused", async () => {
    // A polling handshake without Origin (allowed: not a browser page), then its upgrade from a page elsewhere.
    const handshake = await fetch(`${gateway.url}/socket.io/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(200);
    const { sid } = JSON.parse((await handshake.text()).slice(1)) as { sid: string };
    const upgrade = (origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${gateway.url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket&sid=${sid}`, { origin });
        ws.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
        ws.on("open", () => {
          ws.close();
          resolve(101);
        });
        ws.on("error", () => {});
      });
    expect(await upgrade("http://evil.example")).toBe(403);
    // Its polling requests from another origin are refused too, saying why.
    const poll = await fetch(`${gateway.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { headers: { origin: "http://evil.example" } });
    expect(poll.status).toBe(403);
    expect(await poll.json()).toMatchObject({ error: { code: "origin_not_allowed" } });
    expect(await upgrade("https://app.example")).toBe(101);
  });

  it("lets a same-origin client connect (its Origin names the host it was sent to), and counts origin refusals", async () => {
    const sameOrigin = await connectClient(gateway.url, { token: await mintToken(good), extraHeaders: { origin: gateway.url } });
    clients.push(sameOrigin);
    expect(sameOrigin.socket.connected).toBe(true);
    const series = 'socket_server_connections_refused_total{reason="origin_not_allowed"';
    const before = (await readMetric(gateway.url, series)) ?? 0;
    await expect(connectClient(gateway.url, { extraHeaders: { origin: "https://evil.example" } })).rejects.toThrow();
    expect(await readMetric(gateway.url, series)).toBe(before + 1);
  });
});

describe("client tokens, RS256 public key", () => {
  let gateway: ServiceProcess;
  const keys = rsaKeyPair();

  beforeAll(async () => {
    gateway = await startService("socket-gateway", {
      // As an env file would hold it: one line with literal \\n.
      JWT_PUBLIC_KEY: keys.publicPem.replaceAll("\n", "\\n"),
      PUBLISH_API_KEYS: KEY,
      CONNECTIONS_PER_SECOND_PER_IP: "1000",
    });
  });

  afterAll(async () => {
    expect(await gateway?.stop()).toBe(0);
  });

  it("accepts a token signed with the private key", async () => {
    const client = await connectClient(gateway.url, { token: await mintTokenWithKey({ sub: "alice" }, keys.privateKey, "RS256") });
    expect(client.socket.connected).toBe(true);
    client.close();
  });

  it("refuses an HS256 token signed with the public key as its secret, and joins nothing", async () => {
    const forged = await mintToken({ sub: "mallory", rooms: ["*"] }, keys.publicPem);
    const error = await connectRefused(gateway.url, { token: forged });
    expect(error.data).toMatchObject({ code: "unauthorized" });
    await waitUntil(async () => (await readMetric(gateway.url, "socket_server_connections_active")) === 0, { what: "no connection" });
    await expectNothingJoined(gateway);
  });
});
