import type { FeedMessage } from "./feed-message.js";

/** What a gateway does with the feed. */
export interface FeedListener {
  /** Whether a message for this room would be used: the others are not even decoded. */
  follows(room: string): boolean;
  hear(message: FeedMessage): void;
  /** The feed may have dropped messages (its link was down): check every room against history. */
  resync(): void;
}

/** Where a gateway hears of stored messages: Redis pub/sub in a fleet, the process itself alone. */
export interface RoomFeed {
  listen(listener: FeedListener): void;
}

/** The single instance's feed: the memory history announces, the gateway listens, in one process. */
export function createLocalFeed(): RoomFeed & { announce(message: FeedMessage): void } {
  const listeners: FeedListener[] = [];
  return {
    listen(listener) {
      listeners.push(listener);
    },
    announce(message) {
      for (const listener of listeners) listener.hear(message);
    },
  };
}
