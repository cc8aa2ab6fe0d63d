import { Cluster } from "ioredis";
import type { Logger } from "pino";
import { parseFeedMessage, roomFeedChannel, type FeedListener, type RoomFeed } from "@socket-server/shared/history";
import { pubSubOf, withTimeout, type RedisConnection } from "@socket-server/shared/redis";

export interface ShardedRoomFeedDeps {
  /** The gateway's `subscriber` connection; in a cluster, one with ioredis's sharded subscribers. */
  sub: RedisConnection;
  prefix: string;
  logger: Logger;
  /** A follow not confirmed by then fails, and the subscribe waiting on it is answered `unavailable`. */
  followTimeoutMs?: number;
}

/**
 * After the subscriber connections changed (a shard failed over, a node came back), ioredis
 * subscribes again by itself, some time later. What was published meanwhile is checked against
 * history at each of these moments after the change, the last one well after a failover settles.
 */
const RESYNC_DELAYS_MS = [250, 1000, 3000];

/**
 * The feed on sharded pub/sub: each room's messages on its own shard channel, in the slot of the
 * room's history keys, and this gateway subscribes only to the rooms it holds. A follow resolves
 * once Redis confirmed the subscription, so a room's position read after it misses nothing.
 */
export function createShardedRoomFeed({ sub, prefix, logger, followTimeoutMs = 2000 }: ShardedRoomFeedDeps): RoomFeed {
  const pubSub = pubSubOf("sharded");
  const followed = new Map<string, Promise<void>>();
  const channelStart = `${prefix}:room:{`;
  let listener: FeedListener | undefined;

  pubSub.onMessage(sub, (channel, message) => {
    if (!listener || !channel.startsWith(channelStart)) return;
    const parsed = parseFeedMessage(message, listener.follows);
    if (parsed) listener.hear(parsed);
  });

  let resyncTimers: NodeJS.Timeout[] = [];
  const resyncSoon = () => {
    for (const timer of resyncTimers) clearTimeout(timer);
    resyncTimers = RESYNC_DELAYS_MS.map((delay) => setTimeout(() => listener?.resync(), delay).unref());
  };
  if (sub instanceof Cluster) {
    for (const event of ["+subscriber", "-subscriber", "subscribersReady", "+node"]) sub.on(event, resyncSoon);
  } else {
    // One server: its resubscription is the first thing sent after the reconnect, so a PING
    // answered on the same connection says it is in place.
    sub.on("ready", () => {
      sub.ping().then(
        () => listener?.resync(),
        () => listener?.resync(),
      );
    });
  }

  return {
    listen(next) {
      listener = next;
    },
    follow(room) {
      const known = followed.get(room);
      if (known) return known;
      const following = withTimeout(pubSub.subscribe(sub, [roomFeedChannel(prefix, room)]), followTimeoutMs).then(() => {});
      followed.set(room, following);
      // A failed follow is forgotten, so the next subscribe to the room tries again.
      following.catch(() => {
        if (followed.get(room) === following) followed.delete(room);
      });
      return following;
    },
    unfollow(room) {
      if (!followed.delete(room)) return;
      pubSub.unsubscribe(sub, [roomFeedChannel(prefix, room)]).catch((error: unknown) => {
        // Messages of a room no longer held are not even decoded: a stale subscription costs little.
        logger.debug({ err: (error as Error).message, room }, "unfollowing a room's channel failed");
      });
    },
  };
}
