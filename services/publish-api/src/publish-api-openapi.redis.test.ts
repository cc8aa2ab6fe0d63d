import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { request as httpRequest } from "node:http";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { NOTIFICATIONS_QUEUE } from "@socket-server/shared/events";
import { closeHttpServer, createHttpServer, createServiceApp, listen } from "@socket-server/shared/http";
import { historyKeys, historySettings } from "@socket-server/shared/history";
import { createCommonMetrics, createMetricsRegistry } from "@socket-server/shared/metrics";
import {
  createKeyRateLimiter,
  createPublishApp,
  createPublishFastLane,
  createRedisReplayStore,
  publishApiShedding,
  signRequest,
  type KeyRateLimiter,
  type OpenApiDocument,
  type PublishAppDeps,
} from "@socket-server/shared/publish-http";
import { createFleetRoomEmitter, createPublisher } from "@socket-server/shared/publishing";
import { closeRedisClient, createRedisClient, pingRedis } from "@socket-server/shared/redis";
import { createDocumentChecker, openApiProblems } from "../../../test/support/openapi-checks.js";
import { startRedisServer, type RedisServerProcess } from "../../../test/support/redis-server.js";
import { deleteKeys, testPrefix } from "../../../test/support/test-prefix.js";
import { waitUntil } from "../../../test/support/wait-until.js";
import { PublishApiConfigSchema } from "./config.js";
import { createBullmqNotificationQueue } from "./create-bullmq-notification-queue.js";
import { createFleetRoomState } from "./create-fleet-room-state.js";

const logger = pino({ level: "silent" });
const OPEN = "openapi-open-key-0123456789";
const SCOPED = "openapi-scoped-key-0123456789";
const SIGNER = "openapi-signer-key-0123456789";
const SECRET = "openapi-signing-secret-0123456789";
const MAX_PAYLOAD_BYTES = 1000;

interface Instance {
  url: string;
  document: OpenApiDocument;
  close(): Promise<void>;
}

/** publish-api as main.ts composes it, in process, on a free port; `rateLimiter` replaces the configured one. */
async function startInstance(redisUrl: string, prefix: string, env: Record<string, string> = {}, rateLimiter?: KeyRateLimiter): Promise<Instance> {
  const config = PublishApiConfigSchema.parse({
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    PUBLISH_API_KEYS: `${OPEN}, ${SCOPED} rooms=orders:*, ${SIGNER} signing-secret=${SECRET}`,
    MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD_BYTES),
    PUBLISH_RATE_LIMIT_PER_SECOND: "0",
    ...env,
  });
  const client = (role: "command" | "subscriber", name: string) => createRedisClient({ url: config.REDIS_URL, name: `${prefix}:${name}`, role, logger });
  const [redis, queueRedis, roomStatsRedis] = [client("command", "api"), client("command", "queue"), client("subscriber", "room-stats")];
  await waitUntil(() => [redis, queueRedis, roomStatsRedis].every((each) => each.status === "ready"), { what: "redis clients ready" });
  const queue = new Queue(NOTIFICATIONS_QUEUE, { connection: queueRedis, prefix: config.REDIS_PREFIX });
  queue.on("error", () => {});
  const registry = createMetricsRegistry("publish-api");
  const metrics = createCommonMetrics(registry);
  const app = createServiceApp({ logger, metrics, registry, checks: async () => ({ redis: (await pingRedis(redis)) ? "up" : "down" }), draining: () => false });
  const deps: PublishAppDeps = {
    publisher: createPublisher({ emitter: createFleetRoomEmitter({ client: redis, prefix, history: historySettings(config) }) }),
    notifications: createBullmqNotificationQueue(queue, queueRedis),
    apiKeys: config.PUBLISH_API_KEYS,
    rateLimiter: rateLimiter ?? createKeyRateLimiter({ perSecond: config.PUBLISH_RATE_LIMIT_PER_SECOND, burst: config.PUBLISH_RATE_LIMIT_BURST, redis: { client: redis, prefix } }),
    replayStore: createRedisReplayStore({ client: redis, prefix }),
    roomState: createFleetRoomState({ client: redis, sub: roomStatsRedis, prefix, history: historySettings(config), logger, pubSub: "classic" }),
    maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
  };
  app.route("/", createPublishApp(deps));
  const server = createHttpServer(app.fetch, config, publishApiShedding(config.PUBLISH_MAX_IN_FLIGHT, metrics), createPublishFastLane(deps, { logger, metrics }));
  const url = `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}`;
  const document = (await (await fetch(`${url}/openapi.json`)).json()) as OpenApiDocument;
  return {
    url,
    document,
    async close() {
      await closeHttpServer(server);
      await queue.close();
      await Promise.all([redis, queueRedis, roomStatsRedis].map((each) => closeRedisClient(each)));
    },
  };
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** A GET with a body, which fetch refuses to send. */
function getWithBody(url: string, key: string, bytes: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "GET", headers: { authorization: `Bearer ${key}`, "content-length": String(bytes) } }, (response) => {
      let text = "";
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === "string") headers.set(name, value);
        resolve({ status: response.statusCode!, headers, body: JSON.parse(text) });
      });
    });
    request.on("error", reject);
    request.end(Buffer.alloc(bytes, "x"));
  });
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const valid = { room: "orders:42", event: "order.updated", data: { status: "paid" } };
const BROKEN_ROOM = "orders:broken";

describe("every status the document lists, from the running app (publish-api in process, real Redis)", () => {
  const redisUrl = inject("redisUrl");
  const prefix = testPrefix("openapi");
  let healthy: Instance;
  let limited: Instance;
  let broken: Instance;
  let frozen: Instance;
  let frozenRedis: RedisServerProcess;

  beforeAll(async () => {
    frozenRedis = await startRedisServer();
    const thrower: KeyRateLimiter = {
      check: async () => {
        throw new TypeError("a bug in a dependency");
      },
    };
    [healthy, limited, broken, frozen] = await Promise.all([
      startInstance(redisUrl, prefix),
      startInstance(redisUrl, `${prefix}-limited`, { PUBLISH_RATE_LIMIT_PER_SECOND: "1", PUBLISH_RATE_LIMIT_BURST: "0" }),
      startInstance(redisUrl, `${prefix}-broken`, {}, thrower),
      // One request at a time: a second one is shed while the first waits on the frozen Redis.
      startInstance(frozenRedis.url, prefix, { PUBLISH_MAX_IN_FLIGHT: "1" }),
    ]);
    frozenRedis.freeze();
    // A room whose history key another client overwrote: Redis refuses every write to it (WRONGTYPE).
    const raw = new Redis(redisUrl);
    await raw.set(historyKeys(prefix, BROKEN_ROOM).position, "not a hash");
    raw.disconnect();
  });

  afterAll(async () => {
    frozenRedis?.thaw();
    await Promise.all([healthy, limited, broken, frozen].map((instance) => instance?.close()));
    await frozenRedis?.stop();
    for (const each of [prefix, `${prefix}-limited`, `${prefix}-broken`]) await deleteKeys(redisUrl, each);
  });

  const post = (instance: Instance, path: string, body: unknown, headers: Record<string, string> = auth(OPEN)) =>
    fetch(`${instance.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) }).then(answer);
  const get = (instance: Instance, path: string, headers: Record<string, string> = auth(OPEN)) => fetch(`${instance.url}${path}`, { headers }).then(answer);
  /** Requests until the limiter refuses one: at 1 per second the second does, unless a new second began in between. */
  const untilLimited = async (send: () => Promise<Answer>) => {
    let last = await send();
    for (let attempt = 0; attempt < 3 && last.status !== 429; attempt++) last = await send();
    return last;
  };
  const signed = (instance: Instance, path: string, body: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return post(instance, path, body, { ...auth(SIGNER), "x-signature-timestamp": timestamp, "x-signature": signRequest(SECRET, timestamp, body) });
  };
  /** Two at once: one waits on the frozen Redis, the other is refused before the app sees it (PUBLISH_MAX_IN_FLIGHT=1). */
  const shed = async (send: () => Promise<Answer>) => {
    const answers = await Promise.all([send(), send()]);
    const refused = answers.find(({ body }) => JSON.stringify(body).includes("too many requests in progress"));
    expect(refused, JSON.stringify(answers.map(({ body }) => body))).toBeDefined();
    return refused!;
  };

  type Provocation = [name: string, send: () => Promise<Answer>];
  // Per documented route and status, requests that must get it. Every pair the document lists needs one here.
  const provocations = (): Record<string, Provocation[]> => {
    // Bodies past each route's limit: a batch may be larger than any other body.
    const routes = {
      "/v1/publish": { body: valid, overLimit: 1024 * 1024 + 1 },
      "/v1/notifications": { body: { ...valid, jobId: "openapi-job-1" }, overLimit: 200_000 },
    } as const;
    const cases: Record<string, Provocation[]> = {};
    for (const [path, { body, overLimit }] of Object.entries(routes)) {
      cases[`post ${path} 202`] = [["a valid body", () => post(healthy, path, body)]];
      cases[`post ${path} 400`] = [
        ["malformed JSON", () => post(healthy, path, '{"room":')],
        ["a bad room name", () => post(healthy, path, { ...body, room: "not ok" })],
      ];
      cases[`post ${path} 401`] = [
        ["no key", () => post(healthy, path, body, {})],
        ["a signing key without a signature", () => post(healthy, path, body, auth(SIGNER))],
      ];
      cases[`post ${path} 403`] = [["a room outside the key's scope", () => post(healthy, path, { ...body, room: "invoices:1" }, auth(SCOPED))]];
      cases[`post ${path} 413`] = [
        ["data over MAX_PAYLOAD_BYTES", () => post(healthy, path, { ...body, data: "x".repeat(MAX_PAYLOAD_BYTES) })],
        ["a body over the body limit", () => post(healthy, path, { ...body, data: "x".repeat(overLimit) })],
      ];
      cases[`post ${path} 429`] = [["a key over its rate", () => untilLimited(() => post(limited, path, body))]];
      cases[`post ${path} 503`] = [
        ["Redis frozen", () => post(frozen, path, body)],
        ["a signed request whose replay check cannot run", () => signed(frozen, path, JSON.stringify(body))],
        ["more requests in progress than PUBLISH_MAX_IN_FLIGHT", () => shed(() => post(frozen, path, body))],
      ];
      cases[`post ${path} 500`] = [["a dependency that throws", () => post(broken, path, body)]];
    }
    const batch = (...messages: unknown[]) => ({ messages });
    cases["post /v1/publish 202"]!.push(["a batch", () => post(healthy, "/v1/publish", batch(valid, { ...valid, rooms: ["orders:42", "orders:43"], room: undefined }))]);
    cases["post /v1/publish 207"] = [["a batch with a message to a room Redis refuses writes to", () => post(healthy, "/v1/publish", batch(valid, { ...valid, room: BROKEN_ROOM }, valid))]];
    cases["post /v1/publish 400"]!.push(["a batch with one bad message", () => post(healthy, "/v1/publish", batch(valid, { ...valid, room: "not ok" }))], ["101 messages", () => post(healthy, "/v1/publish", batch(...Array.from({ length: 101 }, () => valid)))]);
    cases["post /v1/publish 403"]!.push(["a batch with one room outside the key's scope", () => post(healthy, "/v1/publish", batch(valid, { ...valid, room: "invoices:1" }), auth(SCOPED))]);
    cases["post /v1/publish 413"]!.push(["a batch with one data over MAX_PAYLOAD_BYTES", () => post(healthy, "/v1/publish", batch(valid, { ...valid, data: "x".repeat(MAX_PAYLOAD_BYTES) }))]);
    cases["post /v1/publish 503"]!.push(["a batch with Redis frozen", () => post(frozen, "/v1/publish", batch(valid, valid))]);
    const gets = {
      "/v1/notifications/{jobId}": { known: "/v1/notifications/openapi-job-1", missing: "/v1/notifications/never-enqueued" },
      "/v1/rooms/{room}": { known: "/v1/rooms/orders:42", missing: undefined },
    };
    for (const [template, { known }] of Object.entries(gets)) {
      cases[`get ${template} 200`] = [["a known id", () => get(healthy, known)]];
      cases[`get ${template} 401`] = [["no key", () => get(healthy, known, {})], ["an unknown key", () => get(healthy, known, auth("nope"))]];
      cases[`get ${template} 413`] = [["a body over the body limit", () => getWithBody(`${healthy.url}${known}`, OPEN, 200_000)]];
      cases[`get ${template} 429`] = [["a key over its rate", () => untilLimited(() => get(limited, known))]];
      cases[`get ${template} 503`] = [["Redis frozen", () => get(frozen, known)], ["too many in progress", () => shed(() => get(frozen, known))]];
      cases[`get ${template} 500`] = [["a dependency that throws", () => get(broken, known)]];
    }
    cases["get /v1/notifications/{jobId} 404"] = [["an id never enqueued", () => get(healthy, gets["/v1/notifications/{jobId}"].missing)], ["another key's job", () => get(healthy, "/v1/notifications/openapi-job-1", auth(SCOPED))]];
    cases["get /v1/rooms/{room} 400"] = [["a bad room name", () => get(healthy, "/v1/rooms/not%20ok")]];
    cases["get /v1/rooms/{room} 403"] = [["a room outside the key's scope", () => get(healthy, "/v1/rooms/invoices:1", auth(SCOPED))]];
    return cases;
  };

  it("serves a valid OpenAPI 3.1 document at /openapi.json, without a key", async () => {
    expect(await openApiProblems(healthy.document)).toEqual([]);
    expect(Object.keys(healthy.document.paths)).toEqual(["/v1/publish", "/v1/notifications", "/v1/notifications/{jobId}", "/v1/rooms/{room}"]);
  });

  it("answers each documented status of each route, with the documented body and headers", async () => {
    const cases = provocations();
    const checker = createDocumentChecker(healthy.document);
    const documented = Object.entries(healthy.document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, operation]) => Object.keys(operation!.responses).map((status) => `${method} ${path} ${status}`)),
    );
    // A status documented without a request here that gets it fails the test, and so does a provocation of an undocumented one.
    expect(Object.keys(cases).sort()).toEqual([...documented].sort());

    // In document order, so the notification job exists before its status is read.
    for (const pair of documented) {
      const [method, path, status] = pair.split(" ") as ["get" | "post", string, string];
      for (const [name, send] of cases[pair]!) {
        const { status: got, headers, body } = await send();
        expect(got, `${pair}: ${name} answered ${JSON.stringify(body)}`).toBe(Number(status));
        expect(checker.responseProblem(method, path, got, body, headers), `${pair}: ${name}`).toBeUndefined();
        expect(headers.get("x-request-id"), `${pair}: ${name}`).toMatch(/^[\w\-=]{1,64}$/);
      }
    }
  }, 60_000);
});
