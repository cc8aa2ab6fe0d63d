import { pino } from "pino";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { deleteKeys, testPrefix } from "../../../test/support/test-prefix.js";
import { waitUntil } from "../../../test/support/wait-until.js";
import { createRedisClient } from "../redis/index.js";
import { createMemoryHistory } from "./create-memory-history.js";
import { createRedisHistory } from "./create-redis-history.js";
import { createRedisHistoryState } from "./create-redis-history-state.js";
import { historyKeys } from "./history-keys.js";
import type { ReadRoomHistoryState } from "./room-history-state.js";
import type { HistorySettings, RoomHistory } from "./room-history.js";

const SETTINGS: HistorySettings = { size: 5, ttlSeconds: 300, idempotencyTtlSeconds: 300 };
const entry = (n: number) => ({ id: `id-${n}`, event: "e", data: { n }, ts: 1000 + n, except: [] });

interface Subject {
  history: RoomHistory;
  state: ReadRoomHistoryState;
  /** The room's messages are gone (their TTL passed); its position is kept. */
  expireEntries(room: string): Promise<void>;
}

const prefix = testPrefix("room-history-state");
const clients: Redis[] = [];
let url: string;
beforeAll(() => {
  url = inject("redisUrl");
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await deleteKeys(url, prefix);
});

async function memorySubject(): Promise<Subject> {
  let clock = 1_000_000;
  const history = createMemoryHistory({ settings: SETTINGS, onAppend: () => {}, now: () => clock });
  return {
    history,
    state: history.state,
    async expireEntries() {
      clock += SETTINGS.ttlSeconds * 1000;
    },
  };
}

async function redisSubject(): Promise<Subject> {
  const scope = `${prefix}:${clients.length}`;
  const client = createRedisClient({ url, name: scope, role: "command", logger: pino({ level: "silent" }) });
  clients.push(client);
  await waitUntil(() => client.status === "ready", { what: "redis ready" });
  return {
    history: createRedisHistory({ client, prefix: scope, settings: SETTINGS }),
    state: createRedisHistoryState({ client, prefix: scope }),
    async expireEntries(room) {
      await client.del(historyKeys(scope, room).log);
    },
  };
}

describe.each([
  ["in memory", memorySubject],
  ["in Redis", redisSubject],
])("a room's history state %s", (_name, makeSubject) => {
  it("is offset 0, no epoch and no messages for a room with no history yet", async () => {
    const { state } = await makeSubject();
    expect(await state("never")).toEqual({ offset: 0, epoch: "", size: 0 });
  });

  it("gives the room's latest offset, its epoch and how many messages it holds", async () => {
    const { history, state } = await makeSubject();
    for (let n = 1; n <= 3; n++) await history.append({ room: "r", entry: entry(n) });
    const { epoch } = await history.append({ room: "other", entry: entry(9) });
    const position = await history.position("r");
    expect(await state("r")).toEqual({ offset: 3, epoch: position.epoch, size: 3 });
    expect(await state("other")).toEqual({ offset: 1, epoch, size: 1 });
  });

  it("counts at most HISTORY_SIZE messages while the offset keeps growing", async () => {
    const { history, state } = await makeSubject();
    for (let n = 1; n <= SETTINGS.size + 2; n++) await history.append({ room: "capped", entry: entry(n) });
    expect(await state("capped")).toMatchObject({ offset: SETTINGS.size + 2, size: SETTINGS.size });
  });

  it("keeps the position but holds no messages once they expired", async () => {
    const subject = await makeSubject();
    const first = await subject.history.append({ room: "quiet", entry: entry(1) });
    await subject.history.append({ room: "quiet", entry: entry(2) });
    await subject.expireEntries("quiet");
    expect(await subject.state("quiet")).toEqual({ offset: 2, epoch: first.epoch, size: 0 });
  });
});
