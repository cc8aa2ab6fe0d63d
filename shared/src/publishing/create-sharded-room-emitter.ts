import { encodeStoredEntry, roomFeedChannel, UNSEQUENCED } from "../history/index.js";
import type { RedisConnection } from "../redis/create-redis-client.js";
import { PublishUnavailableError } from "./publish-unavailable-error.js";
import type { RoomEmitter } from "./room-emitter.js";

export interface ShardedRoomEmitterDeps {
  /** A `command` client. */
  client: RedisConnection;
  prefix: string;
}

/**
 * Without history on sharded pub/sub: each room's copy goes straight to the room's shard
 * channel, in the feed's format with no offset, and only gateways holding the room receive it.
 * Redis taking it is what a 202 means here: no receiver means no gateway holds the room, so
 * there is nobody to deliver to, which is not an outage (docs/scaling.md, "Redis Cluster").
 */
export function createShardedRoomEmitter({ client, prefix }: ShardedRoomEmitterDeps): RoomEmitter {
  const send = (room: string, message: string) => client.spublish(roomFeedChannel(prefix, room), message);
  return {
    async emit(deliveries) {
      try {
        await Promise.all(
          deliveries.map(({ room, event, data, meta, except }) =>
            send(room, `${UNSEQUENCED.offset}\n${UNSEQUENCED.epoch}\n${room}\n${encodeStoredEntry({ id: meta.id, event, data, ts: meta.ts, except })}`),
          ),
        );
      } catch (cause) {
        throw new PublishUnavailableError("Redis did not take the message", { cause });
      }
    },
  };
}
