import { describe, expect, it } from "vitest";
import { createMemoryHistory, type FeedMessage, type HistoryEntry } from "@socket-server/shared/history";
import { waitUntil } from "../../../../test/support/wait-until.js";
import { createRoomSequencers } from "./create-room-sequencers.js";

/** A memory history whose announcements the test hands to the sequencers itself (or withholds). */
function setup({ size = 50, retryDelaysMs = [1, 1] }: { size?: number; retryDelaysMs?: number[] } = {}) {
  const announced: FeedMessage[] = [];
  const history = createMemoryHistory({ settings: { size, ttlSeconds: 300, idempotencyTtlSeconds: 300 }, onAppend: (message) => announced.push(message) });
  const delivered: Array<{ room: string; offset: number; epoch: string }> = [];
  const lost: number[] = [];
  const sequencers = createRoomSequencers({
    history,
    deliver: (room, epoch, entry: HistoryEntry) => delivered.push({ room, offset: entry.offset, epoch }),
    maxFill: size,
    onGapLost: (count) => lost.push(count),
    retryDelaysMs,
  });
  const publish = async (room: string, count = 1) => {
    for (let n = 0; n < count; n++) await history.append({ room, entry: { id: `m${n}`, event: "e", data: n, ts: 1, except: [] } });
  };
  const offsets = (room = "r") => delivered.filter((copy) => copy.room === room).map((copy) => copy.offset);
  return { history, announced, delivered, lost, sequencers, publish, offsets };
}

describe("room sequencers", () => {
  it("opens a room at its history's position and delivers only what comes after it", async () => {
    const { sequencers, publish, announced, offsets } = setup();
    await publish("r", 2);
    expect(await sequencers.open("r")).toEqual({ offset: 2, epoch: announced[0]!.epoch });
    await publish("r", 1);
    for (const message of announced) sequencers.hear(message);
    await waitUntil(() => offsets().length === 1, { what: "offset 3" });
    expect(offsets()).toEqual([3]);
  });

  it("delivers each message once, in offset order, however the feed ordered or repeated them", async () => {
    const { sequencers, publish, announced, offsets } = setup();
    await sequencers.open("r");
    await publish("r", 4);
    const [one, two, three, four] = announced as [FeedMessage, FeedMessage, FeedMessage, FeedMessage];
    for (const message of [two, one, two, four, three, one, four]) sequencers.hear(message);
    await waitUntil(() => offsets().length >= 4, { what: "four deliveries" });
    expect(offsets()).toEqual([1, 2, 3, 4]);
  });

  it("fills a gap from history before delivering what came after it", async () => {
    const { sequencers, publish, announced, offsets } = setup();
    await sequencers.open("r");
    await publish("r", 5);
    sequencers.hear(announced[0]!);
    sequencers.hear(announced[4]!);
    await waitUntil(() => offsets().length === 5, { what: "the gap filled" });
    expect(offsets()).toEqual([1, 2, 3, 4, 5]);
  });

  it("ignores rooms it does not follow and forgets a closed one", async () => {
    const { sequencers, publish, announced, delivered } = setup();
    await sequencers.open("r");
    sequencers.close("r");
    await publish("r", 1);
    await publish("other", 1);
    for (const message of announced) sequencers.hear(message);
    expect(sequencers.position("r")).toBeUndefined();
    expect(delivered).toEqual([]);
  });

  it("catches up on resync with messages the feed never brought", async () => {
    const { sequencers, publish, offsets } = setup();
    await sequencers.open("r");
    await publish("r", 3);
    sequencers.resync();
    await waitUntil(() => offsets().length === 3, { what: "three recovered" });
    expect(offsets()).toEqual([1, 2, 3]);
  });

  it("catches up to a position a client brings, and resolves once delivered", async () => {
    const { sequencers, publish, announced, offsets } = setup();
    await sequencers.open("r");
    await publish("r", 2);
    await sequencers.catchUp("r", { offset: 2, epoch: announced[0]!.epoch });
    expect(offsets()).toEqual([1, 2]);
    expect(sequencers.position("r")).toEqual({ offset: 2, epoch: announced[0]!.epoch });
  });

  it("delivers a new epoch from its first offset when history began again", async () => {
    const { sequencers, publish, announced, delivered } = setup();
    await sequencers.open("r");
    await publish("r", 2);
    for (const message of announced) sequencers.hear(message);
    await waitUntil(() => delivered.length === 2, { what: "the first epoch" });
    const next: FeedMessage = { room: "r", epoch: "new-epoch", entry: { ...announced[0]!.entry, offset: 1 } };
    sequencers.hear(next);
    await waitUntil(() => delivered.length === 3, { what: "the new epoch's first message" });
    expect(delivered.at(-1)).toEqual({ room: "r", offset: 1, epoch: "new-epoch" });
  });

  it("skips and counts messages gone from history instead of holding the room", async () => {
    const { sequencers, publish, announced, offsets, lost } = setup({ size: 2 });
    await sequencers.open("r");
    await publish("r", 6);
    sequencers.hear(announced[5]!);
    await waitUntil(() => offsets().includes(6), { what: "offset 6" });
    // History kept 5 and 6: 1 to 4 are gone.
    expect(offsets()).toEqual([5, 6]);
    expect(lost.reduce((sum, count) => sum + count, 0)).toBe(4);
  });

  it("retries a resync whose history read failed (the command link came back after the feed)", async () => {
    const { sequencers, history, publish, offsets } = setup({ retryDelaysMs: [1, 1, 1] });
    await sequencers.open("r");
    await publish("r", 2);
    const position = history.position.bind(history);
    let failures = 2;
    history.position = async (room) => {
      if (failures-- > 0) throw new Error("command link still reconnecting");
      return position(room);
    };
    sequencers.resync();
    await waitUntil(() => offsets().length === 2, { what: "both recovered" });
    expect(offsets()).toEqual([1, 2]);
  });

  it("never moves a room's deliveries past what history holds, whatever it is asked to reach", async () => {
    const { sequencers, publish, announced, offsets } = setup();
    await sequencers.open("r");
    await publish("r", 1);
    await sequencers.catchUp("r", { offset: 1_000_000, epoch: announced[0]!.epoch });
    expect(sequencers.position("r")).toMatchObject({ offset: 1 });
    await publish("r", 1);
    sequencers.hear(announced[1]!);
    await waitUntil(() => offsets().includes(2), { what: "the next message" });
    expect(offsets()).toEqual([1, 2]);
  });

  it("moves on when history cannot be read, once its retries are spent", async () => {
    const { sequencers, history, publish, announced, offsets, lost } = setup();
    await sequencers.open("r");
    await publish("r", 3);
    history.after = async () => {
      throw new Error("Redis is away");
    };
    sequencers.hear(announced[2]!);
    await waitUntil(() => offsets().length === 1, { what: "offset 3" });
    expect(offsets()).toEqual([3]);
    expect(lost).toEqual([2]);
  });
});

describe("room sequencers, rooms the server joined", () => {
  it("follows a held room from the first message heard for it", async () => {
    const announced: FeedMessage[] = [];
    const history = createMemoryHistory({ settings: { size: 10, ttlSeconds: 300, idempotencyTtlSeconds: 300 }, onAppend: (message) => announced.push(message) });
    const delivered: number[] = [];
    const sequencers = createRoomSequencers({ history, maxFill: 10, deliver: (_room, _epoch, entry) => delivered.push(entry.offset), isHeld: (room) => room === "user:alice" });
    for (const room of ["user:alice", "user:alice", "user:bob"]) await history.append({ room, entry: { id: "x", event: "e", data: 1, ts: 1, except: [] } });
    for (const message of announced.slice(1)) sequencers.hear(message);
    await waitUntil(() => delivered.length === 1, { what: "alice's second message" });
    expect(delivered).toEqual([2]);
    expect(sequencers.position("user:alice")).toMatchObject({ offset: 2 });
    expect(sequencers.position("user:bob")).toBeUndefined();
  });
});
