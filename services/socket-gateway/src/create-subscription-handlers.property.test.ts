import fc from "fast-check";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessGateway, type InProcessGateway } from "./in-process-gateway.fixture.js";
import { mintToken } from "../../../test/support/tokens.js";

// Room names built from a few fragments, so generated names often sit next to a grant
// (`tenant-a`, `tenant-a:`, `tenant-ab:x`, `user:alice`) where a matching bug would show.
const fragments = ["tenant-a", "tenant-b", ":", "x", "user", "alice", "bob", "public", "*", "orders:42", "orders:4", "-", "."];
const nearGrant = fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(""));
// Names each subject is granted, or just misses.
const edges = fc.constantFrom("tenant-a:x", "tenant-a:", "tenant-a", "tenant-ab:x", "orders:42", "orders:420", "tenant-b:x", "tenant-b:y", "public", "publicity", "user:alice", "user:bob");
const roomLike = fc.oneof(edges, edges, nearGrant, nearGrant, fc.string({ maxLength: 12 }), fc.constant("x".repeat(129)));
const argument = fc.oneof(
  roomLike,
  // Edge names alone and in short lists: often granted, so many subscribes succeed.
  edges,
  fc.array(edges, { minLength: 1, maxLength: 3 }),
  fc.array(roomLike, { maxLength: 5 }),
  fc.array(fc.oneof(roomLike, fc.integer(), fc.constant(null), fc.object()), { maxLength: 3 }),
  fc.anything(),
);
const command = fc.record({ event: fc.constantFrom("subscribe", "subscribe", "unsubscribe"), argument });

const SUBJECTS = [
  { sub: "alice", rooms: ["tenant-a:*", "orders:42"] },
  { sub: "bob", rooms: ["tenant-b:x", "public*"] },
  { sub: "carol", rooms: [] },
];

/** The specification, written independently of the gateway's matcher. */
function granted(grants: string[], room: string): boolean {
  return grants.some((grant) => (grant.endsWith("*") ? room.startsWith(grant.slice(0, -1)) : room === grant));
}

describe("subscribe, whatever the arguments", () => {
  let gateway: InProcessGateway;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    // Cases arrive as fast as acks return: the flood limit (tested in hostile-clients) would cut the sockets.
    gateway = await startInProcessGateway({ maxRoomsPerConnection: 10_000, eventsPerSecond: 1_000_000 });
    for (const subject of SUBJECTS) {
      const socket = connect(gateway.url, { transports: ["websocket"], reconnection: false, forceNew: true, auth: { token: await mintToken(subject) } });
      await new Promise<void>((resolve, reject) => socket.once("connect", () => resolve()).once("connect_error", reject));
      sockets.push(socket);
    }
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await gateway.close();
  });

  it("leaves every socket in a subset of its grants plus user:<sub> and its id-room (10,000 cases)", async () => {
    let joined = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: SUBJECTS.length - 1 }), command, async (index, { event, argument }) => {
        const socket = sockets[index]!;
        const { sub, rooms: grants } = SUBJECTS[index]!;
        const ack = (await socket.timeout(2000).emitWithAck(event, argument)) as { ok: boolean };
        if (ack.ok && event === "subscribe") joined++;
        const rooms = [...gateway.io.of("/").sockets.get(socket.id!)!.rooms];
        const outside = rooms.filter((room) => room !== socket.id && room !== `user:${sub}` && !granted(grants, room));
        expect(outside).toEqual([]);
        expect(rooms).toContain(`user:${sub}`);
      }),
      { numRuns: 10_000 },
    );
    // The generator must reach granted rooms too, or the property would hold vacuously.
    expect(joined).toBeGreaterThan(100);
  });
});
