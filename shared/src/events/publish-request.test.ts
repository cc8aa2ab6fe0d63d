import { describe, expect, it } from "vitest";
import { NotificationRequestSchema, PublishRequestSchema } from "./publish-request.js";
import { RoomNameSchema } from "./room-name.js";

const valid = { room: "orders:42", event: "order.updated", data: { status: "paid" } };

describe("RoomNameSchema", () => {
  it.each(["a", "orders:42", "user@example.com", "k=v", "A-Z_0.9", "x".repeat(128)])("accepts %s", (room) => {
    expect(RoomNameSchema.safeParse(room).success).toBe(true);
  });

  it.each(["", "x".repeat(129), "has space", "slash/room", "emoji😀", "tab\t", "semi;colon", "#hash"])("rejects %j", (room) => {
    expect(RoomNameSchema.safeParse(room).success).toBe(false);
  });
});

describe("PublishRequestSchema", () => {
  it("normalises a single room into `rooms`", () => {
    expect(PublishRequestSchema.parse(valid)).toEqual({ rooms: ["orders:42"], event: "order.updated", data: { status: "paid" } });
  });

  it("de-duplicates rooms", () => {
    expect(PublishRequestSchema.parse({ ...valid, room: undefined, rooms: ["a", "a", "b"] }).rooms).toEqual(["a", "b"]);
  });

  it("accepts any JSON as data, including null and arrays", () => {
    for (const data of [null, 0, "text", [1, { a: [true] }], { nested: { deep: null } }]) {
      expect(PublishRequestSchema.safeParse({ ...valid, data }).success).toBe(true);
    }
  });

  it("rejects both `room` and `rooms`, and neither", () => {
    expect(PublishRequestSchema.safeParse({ ...valid, rooms: ["b"] }).success).toBe(false);
    expect(PublishRequestSchema.safeParse({ event: "e", data: 1 }).success).toBe(false);
  });

  it("rejects a publish to more than 100 rooms", () => {
    const rooms = Array.from({ length: 101 }, (_, i) => `room-${i}`);
    expect(PublishRequestSchema.safeParse({ rooms, event: "e", data: 1 }).success).toBe(false);
    expect(PublishRequestSchema.safeParse({ rooms: rooms.slice(1), event: "e", data: 1 }).success).toBe(true);
  });

  it.each(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"])(
    "rejects the reserved event name %s",
    (event) => {
      expect(PublishRequestSchema.safeParse({ ...valid, event }).success).toBe(false);
    },
  );

  it("rejects event names that are empty, longer than 64 or hold control characters", () => {
    for (const event of ["", "e".repeat(65), "line\nbreak"]) {
      expect(PublishRequestSchema.safeParse({ ...valid, event }).success).toBe(false);
    }
    expect(PublishRequestSchema.safeParse({ ...valid, event: "e".repeat(64) }).success).toBe(true);
  });

  it("rejects a missing data field and unknown fields", () => {
    expect(PublishRequestSchema.safeParse({ room: "a", event: "e" }).success).toBe(false);
    expect(PublishRequestSchema.safeParse({ ...valid, extra: true }).success).toBe(false);
  });

  it("rejects wrong types", () => {
    expect(PublishRequestSchema.safeParse({ ...valid, room: 42 }).success).toBe(false);
    expect(PublishRequestSchema.safeParse({ ...valid, except: "socket-id" }).success).toBe(false);
  });
});

describe("NotificationRequestSchema", () => {
  it("defaults to no delay and three attempts", () => {
    expect(NotificationRequestSchema.parse(valid)).toMatchObject({ delayMs: 0, attempts: 3 });
  });

  it("bounds delayMs to seven days and attempts to 1..10", () => {
    expect(NotificationRequestSchema.safeParse({ ...valid, delayMs: 7 * 24 * 3600 * 1000 }).success).toBe(true);
    expect(NotificationRequestSchema.safeParse({ ...valid, delayMs: 7 * 24 * 3600 * 1000 + 1 }).success).toBe(false);
    expect(NotificationRequestSchema.safeParse({ ...valid, delayMs: -1 }).success).toBe(false);
    expect(NotificationRequestSchema.safeParse({ ...valid, attempts: 0 }).success).toBe(false);
    expect(NotificationRequestSchema.safeParse({ ...valid, attempts: 11 }).success).toBe(false);
  });

  it("refuses integer-looking and colon-bearing job ids, which BullMQ treats specially", () => {
    expect(NotificationRequestSchema.safeParse({ ...valid, jobId: "123" }).success).toBe(false);
    expect(NotificationRequestSchema.safeParse({ ...valid, jobId: "a:b" }).success).toBe(false);
    expect(NotificationRequestSchema.safeParse({ ...valid, jobId: "order-42-paid" }).success).toBe(true);
  });
});

describe("data that could not be delivered safely", () => {
  const nested = (depth: number) => JSON.parse(`${"[".repeat(depth)}1${"]".repeat(depth)}`) as unknown;
  const issuesOf = (data: unknown) => {
    const result = PublishRequestSchema.safeParse({ ...valid, data });
    return result.success ? [] : result.error.issues;
  };

  it("accepts data nested 64 levels deep and refuses 65, without overflowing on 100,000", () => {
    expect(issuesOf(nested(64))).toEqual([]);
    expect(issuesOf(nested(65))[0]!.message).toMatch(/deeper than 64/);
    expect(issuesOf(nested(100_000))[0]!.message).toMatch(/deeper than 64/);
  });

  it('refuses an own "__proto__" key anywhere in data, naming where', () => {
    const issues = issuesOf(JSON.parse('{"a":[{"ok":1},{"__proto__":{"polluted":true}}]}'));
    expect(issues[0]!.path).toEqual(["data", "a", 1, "__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts "constructor" and "prototype" keys, which are ordinary when parsed', () => {
    const data = JSON.parse('{"constructor":{"prototype":{"x":1}}}') as unknown;
    const parsed = PublishRequestSchema.parse({ ...valid, data });
    expect(JSON.stringify(parsed.data)).toBe(JSON.stringify(data));
  });
});

describe("data given by a caller that did not parse JSON", () => {
  it("refuses values JSON cannot carry, naming where", () => {
    const cases: Array<[unknown, Array<string | number>]> = [
      [{ a: undefined }, ["data", "a"]],
      [[1, () => 1], ["data", 1]],
      [{ n: Number.NaN }, ["data", "n"]],
      [{ big: 1n }, ["data", "big"]],
      [{ when: new Date(0) }, ["data", "when"]],
    ];
    for (const [data, path] of cases) {
      const result = PublishRequestSchema.safeParse({ ...valid, data });
      expect(result.success, JSON.stringify(path)).toBe(false);
      expect(result.error!.issues[0]!.path).toEqual(path);
    }
  });

  it("passes data through as the same value, not a copy", () => {
    const data = { nested: { list: [1, "two", null, true] } };
    expect(PublishRequestSchema.parse({ ...valid, data }).data).toBe(data);
  });
});
