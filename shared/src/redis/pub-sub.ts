import type { RedisConnection } from "./create-redis-client.js";

/**
 * Which pub/sub the services speak. `classic`: PUBLISH reaches every subscriber of the channel
 * on every node. `sharded`: SPUBLISH stays within the channel's shard, and a gateway subscribes
 * only to the channels of rooms it holds; a Redis Cluster needs it, one server may use it.
 */
export type PubSubMode = "classic" | "sharded";

export interface PubSub {
  mode: PubSubMode;
  /** Resolves with how many subscribers received the message. */
  publish(client: RedisConnection, channel: string, message: string | Buffer): Promise<number>;
  subscribe(sub: RedisConnection, channels: string[]): Promise<unknown>;
  unsubscribe(sub: RedisConnection, channels: string[]): Promise<unknown>;
  /** Every message this mode delivers on `sub`, whatever its channel. */
  onMessage(sub: RedisConnection, handler: (channel: string, message: string) => void): void;
}

const classic: PubSub = {
  mode: "classic",
  publish: (client, channel, message) => client.publish(channel, message),
  subscribe: (sub, channels) => sub.subscribe(...channels),
  unsubscribe: (sub, channels) => sub.unsubscribe(...channels),
  onMessage: (sub, handler) => void sub.on("message", handler),
};

const sharded: PubSub = {
  mode: "sharded",
  publish: (client, channel, message) => client.spublish(channel, message).then(Number),
  subscribe: (sub, channels) => sub.ssubscribe(...channels),
  unsubscribe: (sub, channels) => sub.sunsubscribe(...channels),
  onMessage: (sub, handler) => void sub.on("smessage", handler),
};

export const pubSubOf = (mode: PubSubMode): PubSub => (mode === "sharded" ? sharded : classic);
