import fc from "fast-check";

/**
 * Generators for hostile publish requests. Most cases sit near the contract's edges (almost
 * valid bodies, keys, signatures), since purely random bytes only ever meet the first check.
 */

const ROOM_CHARS = "ABCZabcz0189_-:.@=";
export const roomName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ROOM_CHARS), minLength: 1, maxLength: 12 }),
  fc.constantFrom("orders:1", "orders:42", "user:7", "x".repeat(128), "x".repeat(129), "", "a b", "é", "orders:*", "__proto__"),
  fc.string({ maxLength: 10 }),
);
export const eventName = fc.oneof(
  fc.constantFrom("order.updated", "e", "connect", "disconnect", "newListener", "a\u0000b", "", "x".repeat(64), "x".repeat(65), "__proto__"),
  fc.string({ maxLength: 70 }),
);
const socketId = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom("", "x".repeat(65)));

const POLLUTING_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];
const pollution = fc.constantFrom(
  '{"__proto__":{"polluted":true},"room":"orders:1","event":"e","data":1}',
  '{"room":"orders:1","event":"e","data":{"__proto__":{"polluted":true}}}',
  '{"constructor":{"prototype":{"polluted":true}},"room":"orders:1","event":"e","data":1}',
  '{"room":"orders:1","event":"e","data":{"constructor":{"prototype":{"polluted":true}}}}',
  '{"rooms":{"__proto__":["orders:1"]},"event":"e","data":1}',
  '{"room":"orders:1","event":"e","data":1,"except":{"length":1,"0":"x"}}',
);

/** Publish-shaped objects with each field valid, invalid or missing. */
const publishObject = fc
  .record(
    {
      room: roomName,
      rooms: fc.oneof(fc.array(roomName, { minLength: 0, maxLength: 4 }), fc.constant(Array.from({ length: 101 }, (_, i) => `r${i}`)), roomName),
      event: eventName,
      data: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant("x".repeat(1200))),
      except: fc.oneof(fc.array(socketId, { maxLength: 3 }), fc.string()),
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  )
  .chain((fields) =>
    fc.constantFrom(...POLLUTING_KEYS, "extra").map((extraName) => {
      const body: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(fields)) {
        // Defined with defineProperty so "__proto__" becomes an own key in the JSON, as an attacker would send it.
        Object.defineProperty(body, name === "extra" ? extraName : name, { value, enumerable: true, configurable: true, writable: true });
      }
      return body;
    }),
  );

const validRoom = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ROOM_CHARS), minLength: 1, maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...ROOM_CHARS), minLength: 1, maxLength: 8 }).map((rest) => `orders:${rest}`),
);
const validPublish = fc.record({
  rooms: fc.array(validRoom, { minLength: 1, maxLength: 3 }),
  event: fc.constantFrom("order.updated", "e", "élan ✓", "x".repeat(64)),
  data: fc.oneof({ weight: 9, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: fc.string({ minLength: 990, maxLength: 1010 }) }),
});

/** A valid publish, sometimes with one field broken: most failures happen one field at a time. */
const nearlyValid = fc
  .tuple(validPublish, fc.option(fc.tuple(fc.constantFrom("room", "rooms", "event", "data", "except", ...POLLUTING_KEYS), fc.jsonValue({ maxDepth: 2 })), { freq: 2 }))
  .map(([body, mutation]) => {
    const copy: Record<string, unknown> = { ...body };
    if (mutation) Object.defineProperty(copy, mutation[0], { value: mutation[1], enumerable: true, configurable: true, writable: true });
    return JSON.stringify(copy);
  });

/** A raw request body: JSON near the contract, arbitrary JSON, or not JSON at all. */
export const rawBody = fc.oneof(
  { weight: 6, arbitrary: nearlyValid },
  { weight: 4, arbitrary: publishObject.map((body) => JSON.stringify(body)) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: pollution },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 60, max: 15_000 }), fc.constantFrom(["[", "]"], ['{"a":', "}"]))
      .map(([depth, [open, close]]) => `{"room":"orders:1","event":"e","data":${open!.repeat(depth)}1${close!.repeat(depth)}}`),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString("latin1")) },
);
