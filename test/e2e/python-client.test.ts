import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../support/publish-api-client.js";
import { debianPython, startPythonClient, type PythonClient, type PythonClientOptions } from "../support/python-socketio-client.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { mintToken, TEST_JWT_SECRET } from "../support/tokens.js";

const KEY = "python-client-key";
const TRANSPORTS = ["websocket", "polling"] as const;

/** A final refusal as python-socketio's connect_error handler receives it: the CONNECT_ERROR packet's payload. */
const refusedWith = (code: string) => [
  { type: "connect_error", data: { message: code, data: { code, retryable: false, message: expect.any(String) } } },
  { type: "exit", reason: "refused" },
];

// Debian's python3-socketio 5.7.2: a client written by others, with its own habits (an Origin
// on every WebSocket handshake, polling through requests). Every case runs on both transports,
// each client its own Python process, concurrently with the others of its group.
describe("python-socketio (Debian's python3-socketio) against a gateway requiring tokens, CORS_ORIGINS unset", () => {
  let python: string;
  let gateway: ServiceProcess;
  const started: PythonClient[] = [];

  beforeAll(async () => {
    python = debianPython();
    gateway = await startService("socket-gateway", { REDIS_ENABLED: "false", JWT_SECRET: TEST_JWT_SECRET, PUBLISH_API_KEYS: KEY, CORS_ORIGINS: "" });
  });

  afterAll(async () => {
    for (const client of started) client.kill();
    expect(await gateway?.stop()).toBe(0);
  });

  const run = (options: Omit<PythonClientOptions, "url">) => {
    const client = startPythonClient(python, { url: gateway.url, ...options });
    started.push(client);
    return client;
  };

  /** The whole run, its WebSocket handshake apart, so that a failure shows everything it said. */
  const refusal = async (options: Omit<PythonClientOptions, "url">) => {
    const { code, outcomes, stderr } = await run(options).exited;
    return { code, outcomes: outcomes.filter((outcome) => outcome.type !== "handshake"), stderr, origins: outcomes.find((outcome) => outcome.type === "handshake") };
  };

  describe.concurrent("refusals say why, on both transports", () => {
    it.for(TRANSPORTS)("tells a client without a token that it is unauthorized (%s)", async (transport, { expect }) => {
      expect(await refusal({ transport })).toMatchObject({ code: 2, outcomes: refusedWith("unauthorized"), stderr: "" });
    });

    it.for(TRANSPORTS)("tells a client with a bad token that it is unauthorized (%s)", async (transport, { expect }) => {
      expect(await refusal({ transport, token: "not-a-jwt" })).toMatchObject({ code: 2, outcomes: refusedWith("unauthorized"), stderr: "" });
    });

    it.for(TRANSPORTS)("tells a client sending another site's Origin, with a valid token, that its origin is not allowed (%s)", async (transport, { expect }) => {
      const result = await refusal({ transport, token: await mintToken({ rooms: ["orders:*"] }), origin: "http://evil.example" });
      expect(result).toMatchObject({ code: 2, outcomes: refusedWith("origin_not_allowed"), stderr: "" });
      // The one Origin sent was the foreign one (websocket-client writes its own unless told).
      if (transport === "websocket") expect(result.origins).toEqual({ type: "handshake", origin: ["http://evil.example"] });
    });
  });

  describe.concurrent("a valid token", () => {
    it.for(TRANSPORTS)("connects with the client's own same-origin Origin, subscribes, and receives what the publish API sends (%s)", async (transport, { expect }) => {
      const room = `orders:${transport}`;
      const client = run({ transport, token: await mintToken({ sub: "py", rooms: ["orders:*"] }), subscribe: [room], events: 1 });
      await client.next("subscribed");
      expect(client.outcomes.find((outcome) => outcome.type === "connected")).toMatchObject({ sid: expect.any(String), transport });
      expect(client.outcomes.find((outcome) => outcome.type === "ack")).toMatchObject({ event: "subscribe", data: { ok: true, rooms: [room] } });

      const response = await postJson(gateway.url, "/v1/publish", KEY, { room, event: "order.updated", data: { status: "paid" } });
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      const { code, outcomes, stderr } = await client.exited;
      expect({ code, stderr, last: outcomes.at(-1) }).toEqual({ code: 0, stderr: "", last: { type: "exit", reason: "done" } });
      expect(outcomes.filter((outcome) => outcome.type === "event")).toEqual([
        { type: "event", event: "order.updated", args: [{ status: "paid" }, expect.objectContaining({ id, room })] },
      ]);
      // websocket-client writes `Origin: http://<host:port>` on its handshake: here the gateway's own.
      if (transport === "websocket") expect(outcomes[0]).toEqual({ type: "handshake", origin: [gateway.url] });
    });
  });
});
