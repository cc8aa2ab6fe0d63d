import { describe, expect, it } from "vitest";
import { createInProcessRoomEmitter, type BroadcastTarget } from "./create-in-process-room-emitter.js";
import { createPublisher } from "./create-publisher.js";
import { PublishUnavailableError } from "./publish-unavailable-error.js";
import type { RoomEmitter } from "./room-emitter.js";

/** Records what a Socket.IO server would have been asked to broadcast. */
function recordingTarget() {
  const emitted: Array<{ room: string; except: string[]; args: unknown[] }> = [];
  const target: BroadcastTarget = {
    to: (room) => ({
      except: (except) => ({
        emit: (...args) => {
          emitted.push({ room, except, args });
          return true;
        },
      }),
    }),
  };
  return { target, emitted };
}

describe("createPublisher with the in-process emitter", () => {
  it("delivers one copy per room with the same id and timestamp", async () => {
    const { target, emitted } = recordingTarget();
    const publisher = createPublisher({ emitter: createInProcessRoomEmitter(target), now: () => 1234, newId: () => "pub-1" });

    const publication = await publisher.publish({ rooms: ["a", "b"], event: "order.updated", data: { status: "paid" } });

    expect(publication).toEqual({ id: "pub-1", rooms: ["a", "b"], ts: 1234 });
    expect(emitted).toEqual([
      { room: "a", except: [], args: ["order.updated", { status: "paid" }, { id: "pub-1", room: "a", ts: 1234 }] },
      { room: "b", except: [], args: ["order.updated", { status: "paid" }, { id: "pub-1", room: "b", ts: 1234 }] },
    ]);
  });

  it("passes excluded socket ids to every room", async () => {
    const { target, emitted } = recordingTarget();
    const publisher = createPublisher({ emitter: createInProcessRoomEmitter(target) });
    await publisher.publish({ rooms: ["a", "b"], event: "e", data: null, except: ["s1"] });
    expect(emitted.map((copy) => copy.except)).toEqual([["s1"], ["s1"]]);
  });

  it("keeps the id and acceptance time of a message accepted earlier", async () => {
    const { target, emitted } = recordingTarget();
    const publisher = createPublisher({ emitter: createInProcessRoomEmitter(target), now: () => 9999 });
    const publication = await publisher.publish({ rooms: ["a"], event: "e", data: 1, id: "queued-7", acceptedAt: 100 });
    expect(publication).toEqual({ id: "queued-7", rooms: ["a"], ts: 100 });
    expect(emitted[0]!.args[2]).toEqual({ id: "queued-7", room: "a", ts: 100 });
  });

  it("generates a distinct id for each publication", async () => {
    const { target } = recordingTarget();
    const publisher = createPublisher({ emitter: createInProcessRoomEmitter(target) });
    const first = await publisher.publish({ rooms: ["a"], event: "e", data: 1 });
    const second = await publisher.publish({ rooms: ["a"], event: "e", data: 1 });
    expect(first.id).not.toBe(second.id);
  });

  it("rejects when the emitter could not take the message", async () => {
    const failing: RoomEmitter = { emit: async () => Promise.reject(new PublishUnavailableError("down")) };
    await expect(createPublisher({ emitter: failing }).publish({ rooms: ["a"], event: "e", data: 1 })).rejects.toBeInstanceOf(
      PublishUnavailableError,
    );
  });
});
