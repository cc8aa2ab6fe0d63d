import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { countRedisCalls } from "../../../test/support/count-redis-calls.js";
import { deleteKeys, testPrefix } from "../../../test/support/test-prefix.js";
import { waitUntil } from "../../../test/support/wait-until.js";
import { createRedisClient } from "../redis/index.js";
import { createMemoryHistory } from "./create-memory-history.js";
import { createRedisHistory } from "./create-redis-history.js";
import { parseFeedMessage, type FeedMessage } from "./feed-message.js";
import { historyFeedChannel, historyKeys } from "./history-keys.js";
import type { HistorySettings, RoomHistory } from "./room-history.js";

const SETTINGS: HistorySettings = { size: 5, ttlSeconds: 300, idempotencyTtlSeconds: 300 };

/** One implementation under test: the history, what the gateways heard, and how to make it forget. */
interface Subject {
  history: RoomHistory;
  heard: FeedMessage[];
  /** The room's messages are gone (their TTL passed); its position is kept. */
  expireEntries(room: string): Promise<void>;
  /** Everything about the room is gone (Redis emptied, the process restarted). */
  lose(room: string): Promise<void>;
}

const entry = (n: number) => ({ id: `id-${n}`, event: "e", data: { n }, ts: 1000 + n, except: [] });

const prefix = testPrefix("room-history");
const redisClients: Redis[] = [];
let url: string;
beforeAll(() => {
  url = inject("redisUrl");
});
afterAll(async () => {
  for (const client of redisClients) client.disconnect();
  await deleteKeys(url, prefix);
});

async function memorySubject(): Promise<Subject> {
  let clock = 1_000_000;
  const heard: FeedMessage[] = [];
  const history = createMemoryHistory({ settings: SETTINGS, onAppend: (message) => heard.push(message), now: () => clock });
  return {
    history,
    heard,
    async expireEntries() {
      clock += SETTINGS.ttlSeconds * 1000;
    },
    async lose() {
      clock += 100 * 24 * 60 * 60 * 1000;
    },
  };
}

async function redisSubject(): Promise<Subject> {
  const scope = `${prefix}:${redisClients.length}`;
  const client = createRedisClient({ url, name: scope, role: "command", logger: pino({ level: "silent" }) });
  const listener = new Redis(url);
  redisClients.push(client, listener);
  const heard: FeedMessage[] = [];
  listener.on("message", (_channel, message: string) => heard.push(parseFeedMessage(message)!));
  await listener.subscribe(historyFeedChannel(scope));
  await waitUntil(() => client.status === "ready", { what: "redis ready" });
  return {
    history: createRedisHistory({ client, prefix: scope, settings: SETTINGS }),
    heard,
    async expireEntries(room) {
      await client.del(historyKeys(scope, room).log);
    },
    async lose(room) {
      const keys = historyKeys(scope, room);
      await client.del(keys.log, keys.position);
    },
  };
}

describe.each([
  ["in memory", memorySubject],
  ["in Redis", redisSubject],
])("room history %s", (_name, makeSubject) => {
  it("gives each room's messages offsets 1, 2, 3 ... under one epoch, rooms independently", async () => {
    const { history } = await makeSubject();
    const a = [await history.append({ room: "a", entry: entry(1) }), await history.append({ room: "a", entry: entry(2) })];
    const b = await history.append({ room: "b", entry: entry(3) });
    expect(a.map((result) => result.offset)).toEqual([1, 2]);
    expect(a[1]!.epoch).toBe(a[0]!.epoch);
    expect(a[0]!.epoch).not.toBe("");
    expect(b.offset).toBe(1);
    expect(await history.position("a")).toEqual({ offset: 2, epoch: a[0]!.epoch });
  });

  it("gives concurrent appends to one room distinct, contiguous offsets", async () => {
    const { history } = await makeSubject();
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => history.append({ room: "busy", entry: entry(n) })));
    expect(results.map((result) => result.offset).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
  });

  it("answers a room with no history with offset 0 and no epoch", async () => {
    const { history } = await makeSubject();
    expect(await history.position("never")).toEqual({ offset: 0, epoch: "" });
    expect(await history.after("never", 0, 10)).toEqual({ position: { offset: 0, epoch: "" }, entries: [] });
  });

  it("returns the entries after an offset, oldest first, at most the limit, with the position", async () => {
    const { history } = await makeSubject();
    for (let n = 1; n <= 4; n++) await history.append({ room: "r", entry: entry(n) });
    const { position, entries } = await history.after("r", 1, 2);
    expect(position.offset).toBe(4);
    expect(entries).toEqual([
      { ...entry(2), offset: 2 },
      { ...entry(3), offset: 3 },
    ]);
    expect((await history.after("r", 4, 10)).entries).toEqual([]);
  });

  it("keeps only the last HISTORY_SIZE messages of a room", async () => {
    const { history } = await makeSubject();
    for (let n = 1; n <= SETTINGS.size + 3; n++) await history.append({ room: "capped", entry: entry(n) });
    const { entries } = await history.after("capped", 0, 100);
    expect(entries.map((stored) => stored.offset)).toEqual([4, 5, 6, 7, 8]);
  });

  it("announces every stored message, in order, with its room, offset and epoch", async () => {
    const { history, heard } = await makeSubject();
    const first = await history.append({ room: "told", entry: entry(1) });
    await history.append({ room: "told", entry: entry(2) });
    await waitUntil(() => heard.length >= 2, { what: "both announcements" });
    expect(heard).toEqual([
      { room: "told", epoch: first.epoch, entry: { ...entry(1), offset: 1 } },
      { room: "told", epoch: first.epoch, entry: { ...entry(2), offset: 2 } },
    ]);
  });

  it("continues a room's offsets under the same epoch after its messages expired", async () => {
    const subject = await makeSubject();
    const { history } = subject;
    const first = await history.append({ room: "quiet", entry: entry(1) });
    await subject.expireEntries("quiet");
    expect(await history.position("quiet")).toEqual({ offset: 1, epoch: first.epoch });
    const next = await history.append({ room: "quiet", entry: entry(2) });
    expect(next).toMatchObject({ offset: 2, epoch: first.epoch });
    expect((await history.after("quiet", 0, 10)).entries.map((stored) => stored.offset)).toEqual([2]);
  });

  it("starts a lost room again at offset 1 under a new epoch", async () => {
    const subject = await makeSubject();
    const first = await subject.history.append({ room: "lost", entry: entry(1) });
    await subject.history.append({ room: "lost", entry: entry(2) });
    await subject.lose("lost");
    const again = await subject.history.append({ room: "lost", entry: entry(3) });
    expect(again.offset).toBe(1);
    expect(again.epoch).not.toBe(first.epoch);
    expect((await subject.history.after("lost", 0, 10)).entries.map((stored) => stored.id)).toEqual(["id-3"]);
  });

  it("stores a message retried with the same idempotency key once and answers its first offset", async () => {
    const { history, heard } = await makeSubject();
    const first = await history.append({ room: "once", entry: entry(1), idempotencyKey: "key-1:retry" });
    await history.append({ room: "once", entry: entry(2) });
    const retried = await history.append({ room: "once", entry: entry(1), idempotencyKey: "key-1:retry" });
    const other = await history.append({ room: "once", entry: entry(3), idempotencyKey: "key-2:retry" });
    expect(first).toMatchObject({ offset: 1, duplicate: false });
    expect(retried).toEqual({ offset: 1, epoch: first.epoch, duplicate: true });
    expect(other).toMatchObject({ offset: 3, duplicate: false });
    expect((await history.after("once", 0, 10)).entries.map((stored) => stored.id)).toEqual(["id-1", "id-2", "id-3"]);
    await waitUntil(() => heard.length >= 3, { what: "three announcements" });
    expect(heard.map((message) => message.entry.offset)).toEqual([1, 2, 3]);
  });

  it("answers appends of one turn to several rooms each on its own, in order per room, a repeated idempotency key stored once", async () => {
    const { history, heard } = await makeSubject();
    const results = await Promise.all([
      history.append({ room: "turn-a", entry: entry(1), idempotencyKey: "k:same" }),
      history.append({ room: "turn-b", entry: entry(2) }),
      history.append({ room: "turn-a", entry: entry(3) }),
      history.append({ room: "turn-a", entry: entry(1), idempotencyKey: "k:same" }),
      history.append({ room: "turn-b", entry: entry(4), idempotencyKey: "k:other" }),
    ]);
    expect(results.map(({ offset, duplicate }) => [offset, duplicate])).toEqual([[1, false], [1, false], [2, false], [1, true], [2, false]]);
    expect((await history.after("turn-a", 0, 10)).entries.map((stored) => stored.id)).toEqual(["id-1", "id-3"]);
    expect((await history.after("turn-b", 0, 10)).entries.map((stored) => stored.id)).toEqual(["id-2", "id-4"]);
    await waitUntil(() => heard.length >= 4, { what: "four announcements" });
    const inRoom = (room: string) => heard.filter((message) => message.room === room).map((message) => message.entry.id);
    expect([inRoom("turn-a"), inRoom("turn-b")]).toEqual([["id-1", "id-3"], ["id-2", "id-4"]]);
  });
});

describe("room history in Redis, on the wire", () => {
  it("sends one turn's appends to one room as one script call, and several rooms' calls corked together, no pipeline", async () => {
    const client = createRedisClient({ url, name: `${prefix}:wire`, role: "command", logger: pino({ level: "silent" }) });
    redisClients.push(client);
    await waitUntil(() => client.status === "ready", { what: "redis ready" });
    const history = createRedisHistory({ client, prefix: `${prefix}:wire`, settings: SETTINGS });
    await history.append({ room: "warm", entry: entry(0) }); // loads the script
    const calls = countRedisCalls(client);
    const commands: string[] = [];
    const sendCommand = client.sendCommand.bind(client);
    client.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
      commands.push(command.name);
      return sendCommand(command as never, ...(rest as []));
    }) as typeof client.sendCommand;

    const one = await Promise.all(Array.from({ length: 5 }, (_, n) => history.append({ room: "wire-a", entry: entry(n) })));
    expect(one.map(({ offset }) => offset)).toEqual([1, 2, 3, 4, 5]);
    expect([commands, calls.pipelines, calls.writes, calls.uncorkedWrites]).toEqual([["evalsha"], 0, 1, 0]);

    commands.length = 0;
    const two = await Promise.all([1, 2, 3].map((n) => history.append({ room: n === 2 ? "wire-b" : "wire-a", entry: entry(n) })));
    expect(two.map(({ offset }) => offset)).toEqual([6, 1, 7]);
    expect([commands, calls.pipelines, calls.writes, calls.uncorkedWrites]).toEqual([["evalsha", "evalsha"], 0, 3, 0]);
  });
});

