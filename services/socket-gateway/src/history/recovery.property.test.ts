import fc from "fast-check";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryMeta, RoomPositionWire, SubscriptionAck } from "@socket-server/shared/events";
import { waitUntil } from "../../../../test/support/wait-until.js";
import { startInProcessGateway, type InProcessGateway } from "../in-process-gateway.fixture.js";

const ROOMS = ["a", "b"] as const;
type Room = (typeof ROOMS)[number];

/** One client across its connections: what it received per room, and where each room stands. */
interface Subscriber {
  socket: ClientSocket | undefined;
  received: Record<Room, number[]>;
  position: Partial<Record<Room, RoomPositionWire>>;
  /** The offset each room's sequence starts after: its first position. */
  startedAfter: Partial<Record<Room, number>>;
}

const command = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("publish" as const), room: fc.constantFrom(...ROOMS), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("disconnect" as const), client: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("resubscribe" as const), client: fc.nat(2) }) },
);

describe("recovery in the single instance, for random interleavings", () => {
  let gateway: InProcessGateway;
  let run = 0;
  beforeAll(async () => {
    gateway = await startInProcessGateway({
      anonymousRooms: ["*"],
      history: { size: 1000, ttlSeconds: 300, idempotencyTtlSeconds: 300, maxRecoveryMessages: 1000 },
    });
  });
  afterAll(() => gateway.close());

  async function connectAndSubscribe(subscriber: Subscriber, rooms: readonly string[]) {
    const socket = connect(gateway.url, { transports: ["websocket"], reconnection: false, forceNew: true });
    socket.onAny((_event: string, _data: unknown, meta: DeliveryMeta) => {
      const room = meta.room.slice(meta.room.indexOf(":") + 1) as Room;
      subscriber.received[room].push(meta.offset!);
      subscriber.position[room] = { offset: meta.offset!, epoch: meta.epoch! };
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    const since = Object.fromEntries(rooms.flatMap((room) => {
      const position = subscriber.position[room.slice(room.indexOf(":") + 1) as Room];
      return position ? [[room, position]] : [];
    }));
    const ack = (await socket.timeout(5000).emitWithAck("subscribe", { rooms, since })) as SubscriptionAck;
    if (!ack.ok) throw new Error(ack.error.message);
    for (const room of rooms) {
      const local = room.slice(room.indexOf(":") + 1) as Room;
      if (ack.recovered && ack.recovered[room] === false) throw new Error(`room ${room} not recovered`);
      subscriber.position[local] ??= ack.positions![room]!;
      subscriber.startedAfter[local] ??= ack.positions![room]!.offset;
    }
    subscriber.socket = socket;
  }

  it("gives every client each room's published sequence exactly, from its first position on", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        // Rooms of their own per run, so runs do not see each other's messages.
        const rooms = ROOMS.map((room) => `run${++run}:${room}`);
        const published: Record<Room, number> = { a: 0, b: 0 };
        const subscribers: Subscriber[] = Array.from({ length: 3 }, () => ({ socket: undefined, received: { a: [], b: [] }, position: {}, startedAfter: {} }));
        try {
          for (const subscriber of subscribers) await connectAndSubscribe(subscriber, rooms);
          for (const step of commands) {
            if (step.kind === "publish") {
              for (let n = 0; n < step.count; n++) {
                const { offsets } = await gateway.publisher!.publish({ rooms: [rooms[ROOMS.indexOf(step.room)]!], event: "e", data: n });
                published[step.room] = offsets![rooms[ROOMS.indexOf(step.room)]!]!;
              }
            } else if (step.kind === "disconnect") {
              subscribers[step.client]!.socket?.close();
              subscribers[step.client]!.socket = undefined;
            } else if (!subscribers[step.client]!.socket) {
              await connectAndSubscribe(subscribers[step.client]!, rooms);
            }
          }
          for (const subscriber of subscribers) if (!subscriber.socket) await connectAndSubscribe(subscriber, rooms);
          for (const subscriber of subscribers) {
            for (const room of ROOMS) {
              const from = subscriber.startedAfter[room]!;
              await waitUntil(() => (subscriber.received[room].at(-1) ?? from) >= published[room], { what: `room ${room} complete` });
              expect(subscriber.received[room]).toEqual(Array.from({ length: published[room] - from }, (_, n) => from + n + 1));
            }
          }
        } finally {
          for (const subscriber of subscribers) subscriber.socket?.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
