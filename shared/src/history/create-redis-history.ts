import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { answerBatch } from "../redis/answer-batch.js";
import { batchPerTurn, type Pending } from "../redis/batch-per-turn.js";
import { APPEND_SCRIPT } from "./append-script.js";
import { encodeStoredEntry } from "./feed-message.js";
import { historyFeedChannel, historyKeys } from "./history-keys.js";
import {
  NO_POSITION,
  positionTtlSeconds,
  type AppendRequest,
  type AppendResult,
  type HistoryEntry,
  type HistorySettings,
  type RoomHistory,
} from "./room-history.js";

export interface RedisHistoryDeps {
  /** A `command` client (no offline queue, a command timeout): a publish fails fast instead of queueing. */
  client: Redis;
  prefix: string;
  settings: HistorySettings;
}

const COMMAND = "socketServerAppend";
type AppendReply = [offset: number, epoch: string, receivers: number];
type ScriptClient = Record<typeof COMMAND, (...args: Array<string | number>) => Promise<AppendReply>>;

/** Room history in Redis: a position hash and a capped stream per room (history-keys.ts). */
export function createRedisHistory({ client, prefix, settings }: RedisHistoryDeps): RoomHistory {
  // ioredis sends it by hash and loads it again after NOSCRIPT (a restarted or flushed Redis).
  if (!(COMMAND in client)) client.defineCommand(COMMAND, { lua: APPEND_SCRIPT });
  const channel = historyFeedChannel(prefix);
  const positionTtl = positionTtlSeconds(settings);

  const argsOf = ({ room, entry, idempotencyKey }: AppendRequest): Array<string | number> => {
    const keys = historyKeys(prefix, room);
    const keyList = idempotencyKey === undefined ? [keys.position, keys.log] : [keys.position, keys.log, keys.idempotency(idempotencyKey)];
    const epoch = randomBytes(6).toString("base64url");
    const args = [encodeStoredEntry(entry), settings.size, settings.ttlSeconds, positionTtl, epoch, channel, room, settings.idempotencyTtlSeconds];
    return [keyList.length, ...keyList, ...args];
  };

  // The appends of one turn leave as one pipeline, like plain publishes (batch-publishes.ts).
  const append = batchPerTurn((batch: Pending<AppendRequest, AppendReply>[]) => {
    if (batch.length === 1) {
      const [{ item, resolve, reject }] = batch as [Pending<AppendRequest, AppendReply>];
      (client as unknown as ScriptClient)[COMMAND](...argsOf(item)).then(resolve, reject);
      return;
    }
    const pipeline = client.pipeline() as unknown as ScriptClient & { exec(): Promise<Array<[Error | null, unknown]> | null> };
    for (const { item } of batch) void pipeline[COMMAND](...argsOf(item));
    answerBatch(batch, pipeline.exec());
  });

  async function position(room: string) {
    const [offset, epoch] = await client.hmget(historyKeys(prefix, room).position, "offset", "epoch");
    return offset == null || epoch == null ? NO_POSITION : { offset: Number(offset), epoch };
  }

  return {
    async append(request): Promise<AppendResult> {
      const [offset, epoch, receivers] = await append(request);
      return { offset, epoch, duplicate: receivers === -1 };
    },
    position,
    async after(room, offset, limit) {
      const keys = historyKeys(prefix, room);
      // One round trip; MULTI so the position and the entries are read at the same moment.
      const replies = await client
        .multi()
        .hmget(keys.position, "offset", "epoch")
        .xrange(keys.log, `(${offset}-0`, "+", "COUNT", limit)
        .exec();
      if (!replies) throw new Error("Redis aborted the history read");
      for (const [error] of replies) if (error) throw error;
      const [current, epoch] = replies[0]![1] as [string | null, string | null];
      const stream = replies[1]![1] as Array<[id: string, fields: string[]]>;
      return {
        position: current === null || epoch === null ? NO_POSITION : { offset: Number(current), epoch },
        entries: stream.map(([id, fields]) => decodeEntry(id, fields)),
      };
    },
  };
}

function decodeEntry(id: string, fields: string[]): HistoryEntry {
  const stored = JSON.parse(fields[1]!) as Omit<HistoryEntry, "offset">;
  return { ...stored, offset: Number(id.slice(0, id.indexOf("-"))) };
}
