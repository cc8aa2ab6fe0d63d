import { randomBytes } from "node:crypto";
import type { RedisConnection } from "../redis/create-redis-client.js";
import { pubSubOf, type PubSubMode } from "../redis/pub-sub.js";
import type { Logger } from "pino";
import {
  encodeRoomStatsRequest,
  parseRoomStatsReply,
  ROOM_STATS_DEADLINE_MS,
  roomStatsReplyChannel,
  roomStatsRequestChannel,
  type RoomCounts,
} from "./room-stats-protocol.js";

export interface RoomStatsCollectorDeps {
  /** A `command` client: the request goes out on it and fails fast while Redis is away. */
  pub: RedisConnection;
  /** A `subscriber` client of the collector's own, in subscriber mode from here on: the answers arrive on it. */
  sub: RedisConnection;
  prefix: string;
  logger: Logger;
  deadlineMs?: number;
  /** The pub/sub the gateways answer on (pubSubMode). */
  pubSub?: PubSubMode;
}

export interface RoomStatsCollector {
  /** Rejects when Redis cannot carry the question now; resolves within about the deadline. */
  count(room: string): Promise<RoomCounts>;
}

interface Asking {
  /** PUBLISH's reply, once known: how many gateways received the request. */
  asked: number | undefined;
  /** Per answering gateway, its local count: a gateway answering twice is counted once. */
  answers: Map<string, number>;
  check(): void;
}

/**
 * publish-api's side of the room-stats exchange (room-stats-protocol.ts): one PUBLISH per
 * question, then the gateways' answers until every gateway that received it has answered or
 * the deadline passed, whichever comes first.
 */
export function createRoomStatsCollector({ pub, sub, prefix, logger, deadlineMs = ROOM_STATS_DEADLINE_MS, pubSub: mode = "classic" }: RoomStatsCollectorDeps): RoomStatsCollector {
  const pubSub = pubSubOf(mode);
  const instance = randomBytes(9).toString("base64url");
  const replyTo = roomStatsReplyChannel(prefix, instance);
  const requestChannel = roomStatsRequestChannel(prefix);
  const asking = new Map<string, Asking>();
  let sequence = 0;

  pubSub.onMessage(sub, (channel, message) => {
    if (channel !== replyTo) return;
    const reply = parseRoomStatsReply(message);
    // An answer after the deadline finds nobody waiting and is dropped.
    const waiting = reply && asking.get(reply.id);
    if (!waiting) return;
    waiting.answers.set(reply.gateway, reply.subscribers);
    waiting.check();
  });
  // Once: ioredis subscribes again by itself after every reconnect.
  const subscribed = pubSub.subscribe(sub, [replyTo]).then(
    () => true,
    (error: unknown) => {
      logger.warn({ err: (error as Error).message, channel: replyTo }, "subscribing to room-stats replies failed");
      return false;
    },
  );

  return {
    async count(room) {
      const id = `${instance}-${(sequence++).toString(36)}`;
      let finish!: () => void;
      const finished = new Promise<undefined>((resolve) => (finish = () => resolve(undefined)));
      const entry: Asking = {
        asked: undefined,
        answers: new Map(),
        check: () => {
          if (entry.asked !== undefined && entry.answers.size >= entry.asked) finish();
        },
      };
      // One deadline for the whole question, the wait for the subscription and the PUBLISH included.
      const timer = setTimeout(finish, deadlineMs);
      asking.set(id, entry);
      try {
        // Answers sent while this connection is down are lost: better a 503 than counts of zero.
        if (!(await Promise.race([subscribed, finished])) || sub.status !== "ready") {
          throw new Error("the room-stats reply subscription is not ready");
        }
        const publishing = pubSub.publish(pub, requestChannel, encodeRoomStatsRequest({ id, room, replyTo }));
        publishing.catch(() => {});
        const asked = await Promise.race([publishing, finished]);
        if (asked === undefined) throw new Error(`Redis did not take the room-stats request within ${deadlineMs} ms`);
        // Every subscriber of the request channel is a gateway (pattern subscribers that match it count too).
        entry.asked = asked;
        entry.check();
        await finished;
        return summarize(asked, entry.answers);
      } finally {
        clearTimeout(timer);
        asking.delete(id);
      }
    },
  };
}

function summarize(asked: number, answers: Map<string, number>): RoomCounts {
  let subscribers = 0;
  let gateways = 0;
  for (const count of answers.values()) {
    subscribers += count;
    if (count > 0) gateways++;
  }
  return { subscribers, gateways, complete: answers.size >= asked, gatewaysAsked: asked, gatewaysAnswered: answers.size };
}
