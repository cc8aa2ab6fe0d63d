import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { rawBody } from "../../../test/support/publish-request-arbitraries.js";
import { commonNotificationJob, commonNotificationRequest, commonPublishBatch, commonPublishRequest } from "./common-requests.js";
import { NotificationJobSchema } from "./notification-job.js";
import { NotificationRequestSchema, PublishBatchRequestSchema, PublishRequestSchema } from "./publish-request.js";

const RUNS = 5_000;

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** The hand check never accepts what the schema refuses, and returns what the schema returns. */
function agrees(common: (body: unknown) => unknown, schema: z.ZodType, body: unknown): "taken" | "left" {
  const quick = common(body);
  const result = schema.safeParse(body);
  if (quick === undefined) return "left";
  expect(result.success, JSON.stringify(body)).toBe(true);
  expect(quick).toStrictEqual(result.data);
  return "taken";
}

/** Notification-shaped bodies: mostly valid ones with the notification's own fields, valid or not, and hostile publish bodies. */
const notificationFields = fc.record(
  {
    delayMs: fc.oneof(fc.integer({ min: 0, max: 60_000 }), fc.constantFrom(-1, 700_000_000, 0.5, "5")),
    attempts: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constantFrom(0, 11, 2.5)),
    jobId: fc.oneof(fc.constantFrom("job-1", "ok.id@x=1", "a-b_c"), fc.constantFrom("42", "a:b", "", "x".repeat(129)), fc.string({ maxLength: 10 })),
  },
  { requiredKeys: [] },
);
const notificationBody = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom({ room: "orders:1" }, { rooms: ["a", "b", "a"] }), fc.jsonValue({ maxDepth: 2 }), notificationFields)
      .map(([rooms, data, extra]) => ({ ...rooms, event: "order.updated", data, ...extra })),
  },
  {
    weight: 1,
    // A publish's idempotencyKey, which a notification refuses, now and then.
    arbitrary: fc.tuple(rawBody, notificationFields, fc.option(fc.constant({ idempotencyKey: "k" }))).map(([text, extra, publishOnly]) => {
      const body = parsed(text);
      return typeof body === "object" && body !== null && !Array.isArray(body) ? { ...body, ...extra, ...publishOnly } : body;
    }),
  },
);

/** Jobs as publish-api queues them, now and then with a field a job never has or a value its schema refuses. */
const jobBody = fc
  .record(
    {
      id: fc.oneof({ weight: 4, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom("", 7, null) }),
      acceptedAt: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 2 ** 45 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, 2 ** 60, "1") }),
      rooms: fc.oneof(
        { weight: 4, arbitrary: fc.array(fc.constantFrom("orders:1", "a", "user.7"), { minLength: 1, maxLength: 3 }) },
        { weight: 1, arbitrary: fc.constantFrom([], ["bad room"], "orders:1", Array.from({ length: 101 }, (_, i) => `r${i}`)) },
      ),
      event: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("order.updated", "e") }, { weight: 1, arbitrary: fc.constantFrom("connect", "", "a\u0001", "x".repeat(300)) }),
      data: fc.oneof({ weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, { weight: 1, arbitrary: fc.constantFrom(undefined, { n: Number.NaN }, () => 1) }),
      except: fc.oneof(fc.constant([]), fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }), fc.constantFrom([1], "s")),
    },
    { requiredKeys: ["id", "acceptedAt", "rooms", "event", "data"] },
  )
  // One job in 40 with a field a job never has (zod strips it, the hand check leaves it to zod).
  // Not `fc.integer(...) === 0`: fast-check draws the bounds far more often than 1 in 30.
  .chain((job) => fc.oneof({ weight: 39, arbitrary: fc.constant(job) }, { weight: 1, arbitrary: fc.constant({ ...job, extra: true }) }));

const batchBody = fc
  .array(rawBody, { minLength: 0, maxLength: 4 })
  .chain((texts) =>
    fc.oneof(
      fc.constant({ messages: texts.map(parsed) }),
      fc.constant({ messages: texts.map(parsed), extra: 1 }),
      fc.constant({ messages: Array.from({ length: 101 }, () => ({ room: "r", event: "e", data: 1 })) }),
    ),
  );

/**
 * `agrees` on every generated body; and since the generators make valid bodies often, the hand
 * check must take nearly all of those, or it would save nothing.
 */
function expectTakesNearlyAllValid(bodies: fc.Arbitrary<unknown>, common: (body: unknown) => unknown, schema: z.ZodType): void {
  let taken = 0;
  let valid = 0;
  fc.assert(
    fc.property(bodies, (body) => {
      if (agrees(common, schema, body) === "taken") taken++;
      if (schema.safeParse(body).success) valid++;
    }),
    { numRuns: RUNS },
  );
  expect(valid).toBeGreaterThan(RUNS / 10);
  expect(taken / valid).toBeGreaterThan(0.95);
}

describe("the usual requests, checked by hand", () => {
  it("accept only what the publish schema accepts, and return the same", () => {
    expectTakesNearlyAllValid(rawBody.map(parsed), commonPublishRequest, PublishRequestSchema);
  });

  it("accept only what the notification schema accepts, and return the same, defaults included", () => {
    expectTakesNearlyAllValid(notificationBody, commonNotificationRequest, NotificationRequestSchema);
  });

  it("accept only the jobs the notification job schema accepts, and return the same, defaults included", () => {
    expectTakesNearlyAllValid(jobBody, commonNotificationJob, NotificationJobSchema);
  });

  it("accept only what the batch schema accepts, and return the same", () => {
    fc.assert(
      fc.property(batchBody, (body) => {
        agrees(commonPublishBatch, PublishBatchRequestSchema, body);
      }),
      { numRuns: RUNS / 5 },
    );
  });

  it("take the shapes publishers send", () => {
    const publishes = [
      { room: "orders:42", event: "order.updated", data: { status: "paid" } },
      { rooms: ["a", "b", "a"], event: "e", data: null, except: ["socket-1"], idempotencyKey: "retry-7" },
    ];
    for (const body of publishes) expect(agrees(commonPublishRequest, PublishRequestSchema, body)).toBe("taken");
    expect(commonPublishRequest(publishes[1])?.rooms).toEqual(["a", "b"]);
    expect(agrees(commonPublishBatch, PublishBatchRequestSchema, { messages: publishes })).toBe("taken");
    const notification = { room: "orders:42", event: "order.updated", data: [1, 2], delayMs: 500, jobId: "order-42" };
    expect(agrees(commonNotificationRequest, NotificationRequestSchema, notification)).toBe("taken");
    expect(commonNotificationRequest({ room: "r", event: "e", data: 1 })).toEqual({ rooms: ["r"], event: "e", data: 1, delayMs: 0, attempts: 3 });
  });

  it("leave the unusual to the schema", () => {
    const left = [
      { room: "r", rooms: ["r"], event: "e", data: 1 },
      { room: "r", event: "connect", data: 1 },
      { room: "r", event: "e" },
      { room: "r", event: "e", data: 1, extra: true },
      JSON.parse('{"room":"r","event":"e","data":1,"__proto__":{}}') as unknown,
      { room: "r", event: "e", data: { deep: [Number.NaN] } },
      [{ room: "r", event: "e", data: 1 }],
    ];
    for (const body of left) expect(commonPublishRequest(body), JSON.stringify(body)).toBeUndefined();
    expect(commonNotificationRequest({ room: "r", event: "e", data: 1, jobId: "123" })).toBeUndefined();
    expect(commonNotificationRequest({ room: "r", event: "e", data: 1, attempts: 0 })).toBeUndefined();
    expect(commonPublishBatch({ messages: [] })).toBeUndefined();
  });
});
