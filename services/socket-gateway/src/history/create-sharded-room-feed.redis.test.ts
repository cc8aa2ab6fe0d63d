import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRedisHistory, roomFeedChannel, type FeedMessage } from "@socket-server/shared/history";
import { createRedisClient, type RedisRole } from "@socket-server/shared/redis";
import { testPrefix } from "../../../../test/support/test-prefix.js";
import { waitUntil } from "../../../../test/support/wait-until.js";
import { createShardedRoomFeed } from "./create-sharded-room-feed.js";

const logger = pino({ level: "silent" });
const SETTINGS = { size: 10, ttlSeconds: 60, idempotencyTtlSeconds: 60 };
const clients: Redis[] = [];
let url: string;
let scopes = 0;

beforeAll(() => {
  url = inject("redisUrl");
});
afterAll(() => {
  for (const client of clients) client.disconnect();
});

async function connect(role: RedisRole, name = "sharded-feed-test"): Promise<Redis> {
  const client = createRedisClient({ url, name, role, logger });
  clients.push(client);
  await waitUntil(() => client.status === "ready", { what: "redis ready" });
  return client;
}

/** A gateway's feed on one Redis with sharded pub/sub, and what its listener was told. */
async function startFeed() {
  const prefix = `${testPrefix("sharded-feed")}:${scopes++}`;
  const sub = await connect("subscriber", `${prefix}:sub`);
  const feed = createShardedRoomFeed({ sub, prefix, logger });
  const heard: FeedMessage[] = [];
  let resyncs = 0;
  feed.listen({ follows: () => true, hear: (message) => heard.push(message), resync: () => resyncs++ });
  const pub = await connect("command");
  const history = createRedisHistory({ client: pub, prefix, settings: SETTINGS, pubSub: "sharded" });
  const publish = (room: string, data: unknown) => history.append({ room, entry: { id: `${room}-${String(data)}`, event: "e", data: data as never, ts: 1, except: [] } });
  const subscribers = async (room: string) => ((await pub.call("PUBSUB", "SHARDNUMSUB", roomFeedChannel(prefix, room))) as [string, number])[1];
  return { prefix, sub, feed, heard, resyncs: () => resyncs, publish, subscribers };
}

describe("the sharded room feed on one Redis", () => {
  it("is subscribed to a room's channel once its follow resolves, hears only followed rooms, and lets go on unfollow", async () => {
    const { feed, heard, publish, subscribers } = await startFeed();
    await feed.follow("orders:1");
    // Resolved means Redis confirmed the subscription: a message right after it is heard.
    expect(await subscribers("orders:1")).toBe(1);
    await publish("orders:1", 1);
    await publish("orders:2", 2);
    await waitUntil(() => heard.length === 1, { what: "the followed room's message" });
    expect(heard[0]).toMatchObject({ room: "orders:1", entry: { offset: 1, data: 1 } });

    feed.unfollow("orders:1");
    await waitUntil(async () => (await subscribers("orders:1")) === 0, { what: "the unsubscription" });
    await publish("orders:1", 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toHaveLength(1);
  });

  it("subscribes once however often a room is followed at the same time", async () => {
    const { feed, subscribers } = await startFeed();
    await Promise.all([feed.follow("r"), feed.follow("r"), feed.follow("r")]);
    expect(await subscribers("r")).toBe(1);
  });

  it("asks for a resync once its link is back, with the room still followed", async () => {
    const { prefix, feed, heard, resyncs, publish } = await startFeed();
    await feed.follow("live");
    const admin = await connect("command");
    const line = String(await admin.client("LIST")).split("\n").find((entry) => entry.includes(`name=${prefix}:sub `));
    await admin.client("KILL", "ID", line!.match(/^id=(\d+)/)![1]!);
    await waitUntil(() => resyncs() > 0, { what: "a resync after the reconnect" });
    await publish("live", 1);
    await waitUntil(() => heard.length === 1, { what: "the room heard again after the reconnect" });
  });
});
