import { describe, expect, it } from "vitest";
import { createRoomCursor } from "./create-room-cursor.js";
import type { DeliveryMeta } from "./wire.js";

const meta = (offset: number, epoch = "e1", id = `m${epoch}-${offset}`): DeliveryMeta => ({ id, room: "r", ts: 0, offset, epoch });

describe("createRoomCursor", () => {
  it("passes messages in order and keeps the last position", () => {
    const cursor = createRoomCursor();
    expect(cursor.receive(meta(1))).toEqual({ deliver: true });
    expect(cursor.receive(meta(2))).toEqual({ deliver: true });
    expect(cursor.position).toEqual({ offset: 2, epoch: "e1" });
  });

  it("drops a repeated id and an offset at or below the last one in the same epoch", () => {
    const cursor = createRoomCursor();
    cursor.receive(meta(1));
    cursor.receive(meta(2));
    expect(cursor.receive(meta(2)).deliver).toBe(false);
    expect(cursor.receive(meta(1, "e1", "another-id")).deliver).toBe(false);
    expect(cursor.receive({ id: "me1-1", room: "r", ts: 0 }).deliver).toBe(false);
    expect(cursor.position).toEqual({ offset: 2, epoch: "e1" });
  });

  it("drops repeated ids of messages without offsets (a gateway with history off)", () => {
    const cursor = createRoomCursor();
    expect(cursor.receive({ id: "a", room: "r", ts: 0 }).deliver).toBe(true);
    expect(cursor.receive({ id: "a", room: "r", ts: 0 }).deliver).toBe(false);
    expect(cursor.position).toBeUndefined();
  });

  it("reports an epoch change seen on a delivery, and goes on from the new position", () => {
    const cursor = createRoomCursor();
    cursor.receive(meta(7));
    expect(cursor.receive(meta(1, "e2"))).toEqual({ deliver: true, loss: { reason: "epoch_changed", previous: { offset: 7, epoch: "e1" } } });
    expect(cursor.position).toEqual({ offset: 1, epoch: "e2" });
    expect(cursor.receive(meta(2, "e2"))).toEqual({ deliver: true });
  });

  it("continues a fresh room's empty epoch into its first real one without a loss", () => {
    const cursor = createRoomCursor();
    const { ticket } = cursor.begin();
    expect(cursor.settle(ticket, { position: { offset: 0, epoch: "" }, recovered: undefined })).toBeUndefined();
    expect(cursor.receive(meta(1))).toEqual({ deliver: true });
    expect(cursor.position).toEqual({ offset: 1, epoch: "e1" });
  });

  it("resumes from where it stands and leaves the verdict to the ack while replays arrive", () => {
    const cursor = createRoomCursor({ offset: 3, epoch: "e1" });
    const { since, ticket } = cursor.begin();
    expect(since).toEqual({ offset: 3, epoch: "e1" });
    // A live message of a new epoch racing the ack is not judged on its own.
    expect(cursor.receive(meta(1, "e2"))).toEqual({ deliver: true });
    expect(cursor.settle(ticket, { position: { offset: 1, epoch: "e2" }, recovered: false })).toEqual({
      reason: "epoch_changed",
      previous: { offset: 3, epoch: "e1" },
    });
  });

  it("says not_recovered when the ack does in the same epoch, and never moves back to the ack's older position", () => {
    const cursor = createRoomCursor({ offset: 3, epoch: "e1" });
    const { ticket } = cursor.begin();
    cursor.receive(meta(20));
    expect(cursor.settle(ticket, { position: { offset: 19, epoch: "e1" }, recovered: false })).toEqual({
      reason: "not_recovered",
      previous: { offset: 3, epoch: "e1" },
    });
    expect(cursor.position).toEqual({ offset: 20, epoch: "e1" });
  });

  it("says history_off when it comes back to a gateway that gives no positions", () => {
    const cursor = createRoomCursor();
    const first = cursor.begin();
    expect(cursor.settle(first.ticket, { position: undefined, recovered: undefined })).toBeUndefined();
    const second = cursor.begin();
    expect(cursor.settle(second.ticket, { position: undefined, recovered: undefined })).toEqual({ reason: "history_off", previous: undefined });
  });

  it("ignores the ack of a subscribe that was sent again since", () => {
    const cursor = createRoomCursor({ offset: 3, epoch: "e1" });
    const stale = cursor.begin();
    const fresh = cursor.begin();
    expect(cursor.settle(stale.ticket, { position: { offset: 9, epoch: "e2" }, recovered: false })).toBeUndefined();
    expect(cursor.settle(fresh.ticket, { position: { offset: 3, epoch: "e1" }, recovered: true })).toBeUndefined();
    expect(cursor.position).toEqual({ offset: 3, epoch: "e1" });
  });
});
