import type { FeedMessage } from "./feed-message.js";

/** What a gateway does with the feed. */
export interface FeedListener {
  /** Whether a message for this room would be used: the others are not even decoded. */
  follows(room: string): boolean;
  hear(message: FeedMessage): void;
  /** The feed may have dropped messages (its link was down): check every room against history. */
  resync(): void;
}

/**
 * Where a gateway hears of stored messages: Redis pub/sub in a fleet, the process itself alone.
 * A feed on one channel brings every room; a sharded one brings only the rooms it was told to
 * follow, each on its own channel.
 */
export interface RoomFeed {
  listen(listener: FeedListener): void;
  /** Resolves once the room's messages reach this gateway: only then is its position read. */
  follow(room: string): Promise<void>;
  /** This gateway no longer holds the room. */
  unfollow(room: string): void;
}

/** A feed that brings every room whatever is followed (one process, or one classic channel). */
export const FOLLOWS_EVERY_ROOM: Pick<RoomFeed, "follow" | "unfollow"> = {
  follow: () => Promise.resolve(),
  unfollow: () => {},
};

/** The single instance's feed: the memory history announces, the gateway listens, in one process. */
export function createLocalFeed(): RoomFeed & { announce(message: FeedMessage): void } {
  const listeners: FeedListener[] = [];
  return {
    ...FOLLOWS_EVERY_ROOM,
    listen(listener) {
      listeners.push(listener);
    },
    announce(message) {
      for (const listener of listeners) listener.hear(message);
    },
  };
}
