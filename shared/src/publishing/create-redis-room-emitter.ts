import { Emitter } from "@socket.io/redis-emitter";
import type { RedisConnection } from "../redis/create-redis-client.js";
import { batchPublishes } from "./batch-publishes.js";
import { PublishUnavailableError } from "./publish-unavailable-error.js";
import type { RoomDelivery, RoomEmitter } from "./room-emitter.js";

export interface RedisRoomEmitterDeps {
  /**
   * A `command` client: no offline queue, and a command timeout, which is what bounds a
   * publish's round trip (a second timer per publish here cost more than it added).
   */
  client: RedisConnection;
  /** The Socket.IO adapter key; gateways must use the same one (REDIS_PREFIX). */
  key: string;
}

/**
 * Encodes with @socket.io/redis-emitter but sends the messages itself.
 *
 * The emitter calls `publish()` synchronously and discards the promise
 * (socket.io-redis-emitter#139), so a Redis outage would be an unhandled rejection and a lost
 * message. Instead it is handed a client that only records what it was asked to publish; the
 * recorded messages of one publication then go out together (several rooms in one MULTI, so
 * they are taken all or none), batched with the other publications of the turn in the order
 * they were made, and each PUBLISH reply says how many gateways received it.
 */
export function createRedisRoomEmitter({ client, key }: RedisRoomEmitterDeps): RoomEmitter {
  const recorded: Array<[channel: string, message: Buffer]> = [];
  const recorder = {
    publish(channel: string, message: Buffer) {
      recorded.push([channel, message]);
    },
  };
  const emitter = new Emitter(recorder, { key });
  const publish = batchPublishes(client);

  function encode(deliveries: RoomDelivery[]) {
    recorded.length = 0;
    for (const { room, event, data, meta, except } of deliveries) {
      emitter.to(room).except(except).emit(event, data, meta);
    }
    return recorded.splice(0);
  }

  return {
    async emit(deliveries) {
      const receivers = await publish(encode(deliveries)).catch((cause: unknown) => {
        throw new PublishUnavailableError("Redis did not take the message", { cause });
      });
      // Every gateway pattern-subscribes to the adapter channel: zero receivers means none is listening.
      if (receivers.includes(0)) throw new PublishUnavailableError("no gateway is connected to Redis");
    },
  };
}
