import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../http/index.js";
import { publishAppFixture } from "./publish-app.fixture.js";
import { rawBody } from "../../../test/support/publish-request-arbitraries.js";
import { signRequest } from "./sign-request.js";

const RUNS = 10_000;
const NOW_MS = 1_700_000_000_000;
const NOW_S = NOW_MS / 1000;
const MAX_PAYLOAD_BYTES = 1000;
// The app lets the body exceed MAX_PAYLOAD_BYTES by 128 KiB (room lists, JSON around data), and
// a body of POST /v1/publish, where batches go, be 1 MiB in any case.
const PUBLISH_BODY_LIMIT_BYTES = Math.max(MAX_PAYLOAD_BYTES + 128 * 1024, 1024 * 1024);
const SECRET = "fuzz-signing-secret-0123456789";
const KEYS = {
  open: { key: "open-key-0123456789", rooms: undefined, signingSecret: undefined },
  scoped: { key: "scoped-key-0123456789", rooms: ["orders:*"], signingSecret: undefined },
  signer: { key: "signer-key-0123456789", rooms: undefined, signingSecret: SECRET },
};
type KeyName = keyof typeof KEYS;

// The contract's rules written out again, independently of the zod schemas the app uses.
const ROOM = /^[A-Za-z0-9_\-:.@=]{1,128}$/;
const RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]);
const FIELDS = new Set(["room", "rooms", "event", "data", "except"]);

interface Expected {
  rooms: string[];
  event: string;
  data: unknown;
  except: string[];
}

function validPublish(text: string): Expected | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  if (Object.keys(fields).some((name) => !FIELDS.has(name))) return undefined;
  const has = (name: string) => Object.prototype.hasOwnProperty.call(fields, name);
  if (has("room") === has("rooms")) return undefined;
  const rooms = has("room") ? [fields.room] : fields.rooms;
  if (!Array.isArray(rooms) || rooms.length < 1 || rooms.length > 100) return undefined;
  if (!rooms.every((room) => typeof room === "string" && ROOM.test(room))) return undefined;
  const event = fields.event;
  if (typeof event !== "string" || event.length < 1 || event.length > 64 || /[\u0000-\u001f\u007f]/.test(event) || RESERVED.has(event)) {
    return undefined;
  }
  if (!has("data") || unsafeData(fields.data)) return undefined;
  const except = has("except") ? fields.except : [];
  if (!Array.isArray(except) || except.length > 1000) return undefined;
  if (!except.every((id) => typeof id === "string" && id.length >= 1 && id.length <= 64)) return undefined;
  return { rooms: [...new Set(rooms as string[])], event, data: fields.data, except: except as string[] };
}

// The API refuses data holding a "__proto__" key (it could not be delivered as sent) or nested
// deeper than 64 levels (recursive walkers downstream would overflow).
function unsafeData(value: unknown, depth = 0): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth >= 64) return true;
  if (!Array.isArray(value) && Object.keys(value).includes("__proto__")) return true;
  return Object.values(value).some((child) => unsafeData(child, depth + 1));
}

type Auth = { kind: "key"; name: KeyName; header: string } | { kind: "bad"; header: string | undefined };
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 40 });
const auth: fc.Arbitrary<Auth> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom<KeyName>("open", "scoped", "signer"), fc.constantFrom("Bearer ", "bearer ", "BEARER  ")).map(([name, scheme]): Auth => ({ kind: "key", name, header: `${scheme}${KEYS[name].key}` })) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom(undefined, "Bearer", "Bearer ", `Basic ${KEYS.open.key}`, KEYS.open.key, `Bearer ${KEYS.open.key}x`, `Bearer ${KEYS.open.key.slice(0, -1)}`, `Bearer ${KEYS.open.key} ${KEYS.open.key}`, `Bearer ${SECRET}`),
      printable.map((text) => `Bearer ${text}`),
      printable,
    ).map((header): Auth => ({ kind: "bad", header })),
  },
);

type Signing = "valid" | "stale" | "future" | "tampered" | "wrong-length" | "garbage" | "missing";
const signing = fc.record({
  kind: fc.constantFrom<Signing>("valid", "valid", "valid", "stale", "future", "tampered", "wrong-length", "garbage", "missing"),
  age: fc.integer({ min: -299, max: 299 }),
  noise: printable,
  hexLength: fc.integer({ min: 0, max: 70 }).filter((length) => length !== 64),
});

function signatureHeaders(kind: Signing, age: number, noise: string, hexLength: number, body: string): Record<string, string> {
  const timestamp = String(kind === "stale" ? NOW_S - 301 - Math.abs(age) : kind === "future" ? NOW_S + 301 + Math.abs(age) : NOW_S - age);
  const good = signRequest(SECRET, timestamp, body);
  switch (kind) {
    case "missing":
      return {};
    case "tampered":
      return { "x-signature-timestamp": timestamp, "x-signature": signRequest(SECRET, timestamp, `${body} `) };
    case "wrong-length":
      return { "x-signature-timestamp": timestamp, "x-signature": `v1=${good.slice(3).padEnd(70, "a").slice(0, hexLength)}` };
    case "garbage":
      return { "x-signature-timestamp": noise, "x-signature": noise };
    default:
      return { "x-signature-timestamp": timestamp, "x-signature": good };
  }
}

describe("fuzzing the publish API in process", () => {
  it(`answers ${RUNS} generated requests per the contract, emits only valid publications and leaves Object.prototype alone`, async () => {
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const { post, emitted } = publishAppFixture({ keys: Object.values(KEYS), now: () => NOW_MS, maxPayloadBytes: MAX_PAYLOAD_BYTES });
    const usedSignatures = new Set<string>();
    const seen = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(rawBody, auth, signing, fc.constantFrom("application/json", "text/plain", "", "application/json; charset=latin1"), async (body, who, sign, contentType) => {
        const headers: Record<string, string> = {};
        if (who.header !== undefined) headers.authorization = who.header;
        if (contentType) headers["content-type"] = contentType;
        const isSigner = who.kind === "key" && who.name === "signer";
        // Non-signing keys get signature headers too: they must be ignored, not trip anything.
        Object.assign(headers, signatureHeaders(sign.kind, sign.age, sign.noise, sign.hexLength, body));

        const before = emitted.length;
        const response = await post("/v1/publish", body, headers);
        const payload = (await response.json()) as Record<string, unknown>;
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);

        let expected: { status: number; publication?: Expected };
        const publication = validPublish(body);
        if (who.kind === "bad") expected = { status: 401 };
        else if (Buffer.byteLength(body) > PUBLISH_BODY_LIMIT_BYTES) expected = { status: 413 };
        else if (isSigner && sign.kind !== "valid") expected = { status: 401 };
        else if (isSigner && usedSignatures.has(headers["x-signature"]!)) expected = { status: 401 };
        else {
          if (isSigner) usedSignatures.add(headers["x-signature"]!);
          if (!publication) expected = { status: 400 };
          else if (who.name === "scoped" && !publication.rooms.every((room) => room.startsWith("orders:"))) expected = { status: 403 };
          else if (Buffer.byteLength(JSON.stringify(publication.data)) > MAX_PAYLOAD_BYTES) expected = { status: 413 };
          else expected = { status: 202, publication };
        }

        expect(response.status).toBe(expected.status);
        if (expected.publication) {
          expect(Object.keys(payload).sort()).toEqual(["id", "rooms"]);
          expect(payload.rooms).toEqual(expected.publication.rooms);
          expect(emitted).toHaveLength(before + 1);
          const copies = emitted[before]!;
          expect(copies.map((copy) => copy.room)).toEqual(expected.publication.rooms);
          for (const copy of copies) {
            expect(copy).toMatchObject({ event: expected.publication.event, except: expected.publication.except, meta: { id: payload.id, room: copy.room } });
            // What a subscriber receives is the serialization: same keys, same order, same values.
            expect(JSON.stringify(copy.data)).toBe(JSON.stringify(expected.publication.data));
          }
        } else {
          expect(Object.keys(payload)).toEqual(["error"]);
          const error = payload.error as { code: keyof typeof ERROR_STATUS; message: unknown; issues?: unknown };
          expect(ERROR_STATUS[error.code]).toBe(response.status);
          expect(typeof error.message).toBe("string");
          expect(Object.keys(error).every((name) => ["code", "message", "issues"].includes(name))).toBe(true);
          if (error.issues !== undefined) {
            for (const issue of error.issues as Array<Record<string, unknown>>) {
              expect(Object.keys(issue).sort()).toEqual(["message", "path"]);
              expect(typeof issue.path).toBe("string");
            }
          }
          expect(emitted).toHaveLength(before);
        }
      }),
      { numRuns: RUNS },
    );

    // Every delivery ever emitted is one a subscriber may receive.
    for (const copy of emitted.flat()) {
      expect(copy.room).toMatch(ROOM);
      expect(RESERVED.has(copy.event)).toBe(false);
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The generators must reach every outcome, or the run proves little.
    expect([...seen.keys()].sort()).toEqual([202, 400, 401, 403, 413]);
    for (const status of [202, 400, 401, 403]) expect(seen.get(status)!).toBeGreaterThan(RUNS / 50);
    console.info(`publish fuzz: ${RUNS} requests, answers ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
  }, 120_000);
});
