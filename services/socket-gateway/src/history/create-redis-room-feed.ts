import type { RedisConnection } from "@socket-server/shared/redis";
import type { Logger } from "pino";
import { FOLLOWS_EVERY_ROOM, historyFeedChannel, parseFeedMessage, type RoomFeed } from "@socket-server/shared/history";

export interface RedisRoomFeedDeps {
  /** The gateway's subscriber connection (the Socket.IO adapter's too: it ignores this channel). */
  sub: RedisConnection;
  prefix: string;
  logger: Logger;
}

/**
 * The feed in a fleet: the append script's announcements on one pub/sub channel. Pub/sub drops
 * what is published while a link is down, so every time the link is back the listener is told
 * to resync against history, once Redis has answered a PING on this connection: by then the
 * resubscription ioredis sent first is in place, and nothing published later can be missed.
 */
export function createRedisRoomFeed({ sub, prefix, logger }: RedisRoomFeedDeps): RoomFeed {
  const channel = historyFeedChannel(prefix);
  return {
    ...FOLLOWS_EVERY_ROOM,
    listen(listener) {
      sub.on("message", (from: string, message: string) => {
        if (from !== channel) return;
        const parsed = parseFeedMessage(message, listener.follows);
        if (parsed) listener.hear(parsed);
      });
      sub.on("ready", () => {
        sub.ping().then(
          () => listener.resync(),
          () => listener.resync(),
        );
      });
      sub.subscribe(channel).catch((error: unknown) => {
        // ioredis resubscribes on reconnect; /ready reports the link meanwhile.
        logger.warn({ err: (error as Error).message, channel }, "subscribing to the history feed failed");
      });
    },
  };
}
