import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { NotificationRequestSchema, PublishBatchRequestSchema, PublishRequestSchema } from "../events/index.js";
import { ERROR_STATUS } from "../http/index.js";
import { PublishUnavailableError } from "../publishing/index.js";
import { createDocumentChecker, documentedPath, openApiProblems } from "../../../test/support/openapi-checks.js";
import { rawBody, roomName } from "../../../test/support/publish-request-arbitraries.js";
import { MIN_PUBLISH_BODY_LIMIT_BYTES } from "./create-publish-app.js";
import { createPublishOpenApi, openApiPath, type OpenApiDocument } from "./create-publish-openapi.js";
import type { KeyRateLimiter } from "./key-rate-limiter.js";
import type { NotificationQueue } from "./notification-queue.js";
import { publishAppFixture, type PublishAppFixtureOptions } from "./publish-app.fixture.js";
import { RoomStateUnavailableError, type ReadRoomState } from "./room-state.js";
import { signRequest } from "./sign-request.js";

const MAX_PAYLOAD_BYTES = 1000;
const BODY_LIMIT_BYTES = MAX_PAYLOAD_BYTES + 128 * 1024;
const LIMITS = { maxPayloadBytes: MAX_PAYLOAD_BYTES, bodyLimitBytes: BODY_LIMIT_BYTES, publishBodyLimitBytes: MIN_PUBLISH_BODY_LIMIT_BYTES };
const NOW_MS = 1_700_000_000_000;
const SECRET = "openapi-signing-secret-0123456789";
const KEYS = {
  open: { key: "open-key-0123456789", rooms: undefined, signingSecret: undefined },
  scoped: { key: "scoped-key-0123456789", rooms: ["orders:*"], signingSecret: undefined },
  signer: { key: "signer-key-0123456789", rooms: undefined, signingSecret: SECRET },
};

const queue: NotificationQueue = {
  enqueue: async (request) => ({ jobId: request.jobId ?? "generated-1" }),
  status: async (jobId) => (jobId === "known" ? { jobId, state: "failed", attemptsMade: 3, failedReason: "Redis did not store the message" } : undefined),
};
const roomState: ReadRoomState = async () => ({ subscribers: 2, gateways: 1, complete: true, gatewaysAsked: 1, gatewaysAnswered: 1, history: { offset: 3, epoch: "e", size: 3 } });
const unavailable = (cause = new Error("Command timed out")) => new PublishUnavailableError("Redis did not store the message", { cause });
const down = (cause = new Error("Command timed out")) => ({
  failWith: new PublishUnavailableError("Redis did not store the message", { cause }),
  notifications: { enqueue: () => Promise.reject(cause), status: () => Promise.reject(cause) },
  roomState: () => Promise.reject(new RoomStateUnavailableError("Redis did not answer", { cause })),
});
const refusing: KeyRateLimiter = { check: async () => ({ allowed: false, retryAfterSeconds: 3 }) };
const broken: KeyRateLimiter = {
  check: async () => {
    throw new TypeError("a bug");
  },
};

/** The apps a request may meet: healthy, without a queue, with Redis away or refusing some rooms, rate limited, broken. */
const VARIANTS: Record<string, Partial<PublishAppFixtureOptions>> = {
  healthy: { notifications: queue, roomState },
  singleInstance: { roomState },
  redisDown: down(),
  // Redis refuses what goes to user:* rooms: a batch with messages to both kinds is taken in part.
  partlyDown: { notifications: queue, roomState, failWith: (deliveries) => (deliveries.some(({ room }) => room.startsWith("user:")) ? unavailable() : undefined) },
  limited: { notifications: queue, roomState, rateLimiter: refusing },
  broken: { notifications: queue, roomState, rateLimiter: broken },
};

function app(variant: Partial<PublishAppFixtureOptions>) {
  return publishAppFixture({ keys: Object.values(KEYS), maxPayloadBytes: MAX_PAYLOAD_BYTES, now: () => NOW_MS, ...variant }).app;
}

async function servedDocument(variant: Partial<PublishAppFixtureOptions>): Promise<OpenApiDocument> {
  const response = await app(variant).request("/openapi.json");
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

describe("the publish API's OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document, with and without a queue", async () => {
    for (const notifications of [true, false]) {
      const document = createPublishOpenApi({ maxPayloadBytes: 65_536, bodyLimitBytes: 65_536 + 131_072, publishBodyLimitBytes: 1_048_576, notifications });
      expect(document.openapi).toBe("3.1.0");
      expect(await openApiProblems(document)).toEqual([]);
    }
  });

  it("is served at /openapi.json without a key, describing this app's limits and whether it has a queue", async () => {
    const withQueue = await servedDocument(VARIANTS.healthy!);
    expect(withQueue).toEqual(createPublishOpenApi({ ...LIMITS, notifications: true }));
    expect(JSON.stringify(withQueue.components.schemas.PublishRequest)).toContain(`At most ${MAX_PAYLOAD_BYTES} bytes serialized`);
    const single = await servedDocument(VARIANTS.singleInstance!);
    expect(single.paths["/v1/notifications"]!.post!.responses["503"]!.description).toContain("Always");
    expect(withQueue.paths["/v1/notifications"]!.post!.responses["503"]!.description).not.toContain("Always");
  });

  it("lists exactly the /v1 routes the app serves", async () => {
    const served = app(VARIANTS.healthy!)
      .routes.filter((route) => route.method !== "ALL" && route.path.startsWith("/v1/"))
      .map((route) => `${route.method} ${openApiPath(route.path)}`);
    const document = await servedDocument(VARIANTS.healthy!);
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual([...new Set(served)].sort());
  });

  it("describes each request body with the fields of the zod schema its route validates with, each explained", async () => {
    const document = await servedDocument(VARIANTS.healthy!);
    for (const [name, schema] of [["PublishRequest", PublishRequestSchema], ["PublishBatchRequest", PublishBatchRequestSchema], ["NotificationRequest", NotificationRequestSchema]] as const) {
      const documented = document.components.schemas[name]!;
      const own = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
      const properties = documented.properties as Record<string, { description?: string }>;
      expect(Object.keys(properties), name).toEqual(Object.keys(own.properties!));
      expect(documented.required, name).toEqual(own.required);
      expect(documented.additionalProperties, name).toBe(false);
      for (const [field, property] of Object.entries(properties)) expect(property.description, `${name}.${field}`).toEqual(expect.any(String));
    }
    const checker = createDocumentChecker(document);
    // Constraints the document takes from the schemas, refinements included where JSON Schema can say them.
    expect(checker.requestProblem("post", "/v1/publish", { room: "a b", event: "e", data: 1 })).toMatch(/pattern/);
    expect(checker.requestProblem("post", "/v1/publish", { room: "a", event: "disconnect", data: 1 })).toMatch(/must NOT be valid/);
    expect(checker.requestProblem("post", "/v1/publish", { room: "a", event: "e" })).toMatch(/data/);
    expect(checker.requestProblem("post", "/v1/notifications", { room: "a", event: "e", data: 1, attempts: 11 })).toMatch(/attempts/);
    const message = { room: "a", event: "e", data: 1 };
    expect(checker.requestProblem("post", "/v1/publish", { messages: [message, message] })).toBeUndefined();
    expect(checker.requestProblem("post", "/v1/publish", { messages: [] })).toMatch(/fewer than 1/);
    expect(checker.requestProblem("post", "/v1/publish", { messages: Array.from({ length: 101 }, () => message) })).toMatch(/more than 100/);
    expect(checker.requestProblem("post", "/v1/publish", { messages: [message], ...message })).toMatch(/additional/);
  });

  it("has examples that are valid answers and requests, the request examples accepted by the routes' own schemas", async () => {
    const document = await servedDocument(VARIANTS.healthy!);
    const checker = createDocumentChecker(document);
    let examples = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods) as Array<["get" | "post", NonNullable<(typeof methods)["get"]>]>) {
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const example of Object.values(response.content["application/json"].examples)) {
            expect(checker.responseProblem(method, path, Number(status), example.value), `${method} ${path} ${status}`).toBeUndefined();
            examples++;
          }
        }
        for (const example of Object.values(operation.requestBody?.content["application/json"].examples ?? {})) {
          const batch = typeof example.value === "object" && example.value !== null && "messages" in example.value;
          const schema = path === "/v1/publish" ? (batch ? PublishBatchRequestSchema : PublishRequestSchema) : NotificationRequestSchema;
          expect(checker.requestProblem(method, path, example.value)).toBeUndefined();
          expect(schema.safeParse(example.value).success, `${path} ${example.summary}`).toBe(true);
          examples++;
        }
      }
    }
    expect(examples).toBeGreaterThan(35);
  });

  it("fixes each error body's code to the one its status carries, and sends Retry-After with 429 and 503", async () => {
    const document = await servedDocument(VARIANTS.healthy!);
    const checker = createDocumentChecker(document);
    const codes = Object.keys(ERROR_STATUS) as Array<keyof typeof ERROR_STATUS>;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods) as Array<["get" | "post", NonNullable<(typeof methods)["get"]>]>) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          for (const code of codes) {
            const problem = checker.responseProblem(method, path, Number(status), { error: { code, message: "m" } });
            expect(problem === undefined, `${method} ${path} ${status} with ${code}`).toBe(ERROR_STATUS[code] === Number(status));
          }
          expect("Retry-After" in response.headers, `${method} ${path} ${status}`).toBe(status === "429" || status === "503");
        }
      }
    }
  });
});

describe("the document against what the app answers", () => {
  type Route = "publish" | "notify" | "status" | "room";
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...Object.keys(KEYS)) as fc.Arbitrary<keyof typeof KEYS> },
    { weight: 1, arbitrary: fc.constantFrom("none", "wrong") },
  );
  const signing = fc.constantFrom("valid", "valid", "missing", "stale", "garbage");
  const param = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom("known", "orders:1") },
    { weight: 1, arbitrary: fc.constantFrom("unknown", "/", "a b", "invoices:1") },
    { weight: 2, arbitrary: roomName },
  );
  // Batches whose messages are valid or break one rule each: any one refuses the whole batch.
  const batchMessage = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("orders:1", "orders:2", "user:7").map((room) => ({ room, event: "e", data: { n: 1 } })) },
    { weight: 1, arbitrary: fc.constantFrom({ room: "invoices:1", event: "e", data: 1 }, { room: "not ok", event: "e", data: 1 }, { room: "orders:1", event: "e", data: "x".repeat(MAX_PAYLOAD_BYTES) }) },
  );
  const batch = fc
    .oneof({ weight: 9, arbitrary: fc.array(batchMessage, { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 101).map((length) => Array.from({ length }, () => ({ room: "orders:1", event: "e", data: 1 }))) })
    .map((messages) => JSON.stringify({ messages }));
  // Valid ones and ones at the data limit more often than rawBody makes them: every outcome must be reached.
  const body = fc.oneof(
    { weight: 8, arbitrary: rawBody },
    { weight: 1, arbitrary: fc.constantFrom(MAX_PAYLOAD_BYTES - 2, MAX_PAYLOAD_BYTES - 1).map((length) => JSON.stringify({ room: "orders:1", event: "e", data: "x".repeat(length) })) },
    { weight: 1, arbitrary: fc.constantFrom("orders:1", "invoices:1").map((room) => JSON.stringify({ room, event: "e", data: { n: 1 } })) },
    { weight: 3, arbitrary: batch },
    // Taken in part by the partlyDown variant (a 207), whole by the others.
    { weight: 3, arbitrary: fc.constant(JSON.stringify({ messages: [{ room: "orders:1", event: "e", data: 1 }, { room: "user:7", event: "e", data: 2 }] })) },
  );

  it("answers generated requests only with statuses the document lists for their route, in the documented shape", async () => {
    const apps = Object.fromEntries(await Promise.all(Object.entries(VARIANTS).map(async ([name, variant]) => [name, { app: app(variant), document: await servedDocument(variant) }] as const)));
    const checkers = Object.fromEntries(Object.entries(apps).map(([name, { document }]) => [name, createDocumentChecker(document)]));
    const seen = new Map<string, Set<number>>();
    let batchesAccepted = 0;

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(VARIANTS)),
        fc.constantFrom<Route>("publish", "notify", "status", "room"),
        body,
        auth,
        signing,
        // An empty segment is another route; "." and ".." are dot segments every URL parser removes.
        param.filter((segment) => !["", ".", ".."].includes(segment)),
        async (variant, route, text, who, sign, segment) => {
          const method = route === "publish" || route === "notify" ? "post" : "get";
          const path = { publish: "/v1/publish", notify: "/v1/notifications", status: `/v1/notifications/${encodeURIComponent(segment)}`, room: `/v1/rooms/${encodeURIComponent(segment)}` }[route];
          const headers: Record<string, string> = {};
          if (who === "wrong") headers.authorization = "Bearer wrong";
          else if (who !== "none") headers.authorization = `Bearer ${KEYS[who as keyof typeof KEYS].key}`;
          const timestamp = String(NOW_MS / 1000 - (sign === "stale" ? 301 : 0));
          if (sign !== "missing") headers["x-signature-timestamp"] = timestamp;
          if (sign !== "missing") headers["x-signature"] = sign === "garbage" ? "v1=00" : signRequest(SECRET, timestamp, text);

          const { app: target } = apps[variant]!;
          const response = await target.request(path, method === "post" ? { method: "POST", headers, body: text } : { headers });
          const answer: unknown = await response.json();
          const template = documentedPath(apps[variant]!.document, path);
          expect(template, path).toBeDefined();
          const checker = checkers[variant]!;
          expect(checker.responseProblem(method, template!, response.status, answer, response.headers)).toBeUndefined();
          if (method === "post" && response.status === 202) expect(checker.requestProblem(method, template!, JSON.parse(text))).toBeUndefined();
          if (route === "publish" && response.status === 202 && "results" in (answer as object)) batchesAccepted++;

          const key = `${method} ${template}`;
          if (!seen.has(key)) seen.set(key, new Set());
          seen.get(key)!.add(response.status);
        },
      ),
      { numRuns: 2000 },
    );

    // The generators must reach every outcome but GET's 413 (a fetch Request cannot carry a GET body), or the run proves little.
    const document = apps.healthy!.document;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const documented = Object.keys(operation!.responses).map(Number).filter((status) => !(method === "get" && status === 413));
        expect([...(seen.get(`${method} ${path}`) ?? [])].sort(), `${method} ${path}`).toEqual(expect.arrayContaining(documented));
      }
    }
    expect(batchesAccepted, "batches answered 202").toBeGreaterThan(0);
  }, 120_000);
});
