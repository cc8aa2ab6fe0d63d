import { randomBytes } from "node:crypto";
import { pubSubOf, type PubSubMode, type RedisConnection } from "@socket-server/shared/redis";
import type { Logger } from "pino";
import { encodeRoomStatsReply, parseRoomStatsRequest, roomStatsRequestChannel } from "@socket-server/shared/room-stats";

export interface RoomStatsResponderDeps {
  /** The gateway's subscriber connection (the adapter's and the history feed's too: each ignores the others' channels). */
  sub: RedisConnection;
  /** A `command` client: answers go out on it. */
  pub: RedisConnection;
  prefix: string;
  /** This gateway's sockets in a room. */
  count: (room: string) => number;
  logger: Logger;
  /** The pub/sub publish-api asks on (pubSubMode). */
  pubSub?: PubSubMode;
}

export interface RoomStatsResponder {
  /** Random per process: publish-api counts one answer per gateway. */
  id: string;
}

/**
 * A gateway's side of the room-stats exchange (room-stats-protocol.ts): every request on the
 * fleet's request channel is answered with this gateway's local count, one PUBLISH each.
 */
export function createRoomStatsResponder({ sub, pub, prefix, count, logger, pubSub: mode = "classic" }: RoomStatsResponderDeps): RoomStatsResponder {
  const pubSub = pubSubOf(mode);
  const id = randomBytes(9).toString("base64url");
  const channel = roomStatsRequestChannel(prefix);
  pubSub.onMessage(sub, (from, message) => {
    if (from !== channel) return;
    const request = parseRoomStatsRequest(message, prefix);
    if (!request) return;
    const reply = encodeRoomStatsReply({ id: request.id, gateway: id, subscribers: count(request.room) });
    // A lost answer only makes that one reading incomplete; publish-api says so.
    pubSub.publish(pub, request.replyTo, reply).catch((error: unknown) => {
      logger.debug({ err: (error as Error).message }, "answering a room-stats request failed");
    });
  });
  pubSub.subscribe(sub, [channel]).catch((error: unknown) => {
    // ioredis resubscribes on reconnect; /ready reports the link meanwhile.
    logger.warn({ err: (error as Error).message, channel }, "subscribing to room-stats requests failed");
  });
  return { id };
}
